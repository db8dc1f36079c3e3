// Package sweep runs a scenario's parameter sweep and assembles its
// result directory: the plan of its runs, running them (all, or one shard
// of N), resuming a sweep that was stopped, reading and checking the
// directories of its shards, and merging them into files byte-identical
// to those of the sweep run in one go. `schoolnet sweep` and `schoolnet
// merge` are thin wrappers around [Run] and [Merge]; a Go program (a
// workflow tool, a cluster scheduler's plugin) calls the same.
//
// # The runs
//
// A sweep of P points (scenarios.Scenario.SweepPoints) with R
// replications a point has P·R runs, numbered point-major: run i is
// replication i mod R of point i div R ([Plan]). Shard K of N runs the
// runs i with i mod N = K−1. Each run is written the moment it ends to
// runs/p<point>-r<rep>.csv in the sweep's directory, atomically, so a
// directory never holds half a run; a run already there is skipped, which
// is what resuming is. When the sweep ends or is stopped, its
// manifest.json records every run file's SHA-256 ([results.Folder]).
//
// # The directory
//
// When every run is there, runs.csv, points.csv and a chart per swept key
// are computed from the run files, never from memory, so the files are
// the same bytes for any workers, sharding and interruptions; its
// datapackage.json describes runs.csv and points.csv. [Merge] reads the
// shards' directories ([ReadShard]: every run file recorded in its
// manifest with its SHA-256, of the same sweep), copies their run files
// into one directory and assembles it the same way.
//
// # Why under results
//
// Like [schoolnet/results/evaluate], which also runs simulations, the
// package's business is a result directory: what it holds, how it is
// written all or nothing, how it is checked and joined. The engine (sim)
// knows nothing of scenarios, files or sweeps and stays that way.
package sweep
