// Package sim is schoolnet's engine: the clock, the fixed-order step, the
// random streams, the parallel per-school phase, the policy interface and
// the yearly metrics.
//
// # The step
//
// Every week the engine runs two phases in a fixed order:
//
//  1. the cross-school phase, sequential: each [Policy] acts on the whole
//     [World] (pairing, rotation, funding move staff and money between
//     schools), drawing from the replication's policy stream;
//  2. the per-school phase, in parallel over a pool of workers: each school
//     runs agents.StepSchool on its own state with its own stream.
//
// At the end of each school year the engine measures every school, closes
// the year (teacher development, attrition, reputation) and opens the next
// (graduation, progression, intake), again in parallel per school.
//
// # Determinism
//
// Every stream is derived from the run seed by [Stream]: per replication,
// one for the city layout, one per school and one for policies. A school is
// stepped by one worker at a time and reads nothing another worker writes,
// and all sums over schools run in index order, so a run's output is
// byte-identical for any number of workers.
package sim
