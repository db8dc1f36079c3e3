package sim

import (
	"math/rand/v2"

	"schoolnet/agents"
)

// World is what a policy sees and changes in the cross-school phase.
type World struct {
	Pop   *agents.Population
	Par   *agents.Params
	Ref   *agents.Reference
	Clock Clock
	// Years is the number of simulated years of the run.
	Years int
	// Rand is the replication's policy stream.
	Rand *rand.Rand
	// each runs a loop on the engine's workers (Each); nil runs it in
	// order.
	each func(n int, fn func(i int))
}

// Each calls fn(i) for every i in [0, n) on the engine's workers and
// returns when all are done: the per-school part of a policy's act. As in
// the engine's own parallel phases, fn(i) must write only state that
// belongs to i and draw only from a stream of its own (Derive), so that
// the outcome does not depend on the number of workers. The time counts
// as the engine's parallel time (Engine.ParallelTime).
func (w *World) Each(n int, fn func(i int)) {
	if w.each == nil {
		parallelFor(n, 1, fn)
		return
	}
	w.each(n, fn)
}

// Policy is a reform that acts across schools. The engine calls Act once at
// the start of every week of years 1 and later, in the order the policies
// were given, before any school of that week steps (in a policy's quiet
// weeks, after: see Quiet). Before the policies act, the engine
// clears every school's weekly reform inputs (agents.ClearReform), so an
// active policy sets its inputs again each week. A policy may move teachers and
// principals, invest money, and set mentoring, training and collaboration
// load; it must draw only from w.Rand, or from streams derived from draws
// of it (Derive) for the per-school work it hands to the workers
// (World.Each). The engine itself holds no policy logic.
type Policy interface {
	// Name identifies the policy in output and errors.
	Name() string
	// Act applies the policy for the week w.Clock.
	Act(w *World) error
}

// Quiet is implemented by a policy that can tell ahead which weeks it is
// quiet in. Its act in a quiet week reads nothing a school's weekly step
// (agents.StepSchool) writes and writes nothing it reads: only costs,
// records that no step reads (School.Exited) and the policy's own
// bookkeeping. When, after a week's policy phase, every policy is quiet in
// the weeks that follow and every school's reform inputs are clear
// (agents.ReformClear), the engine runs each school through those weeks
// at a time, as in a year without policies, and then the quiet weeks'
// policy phases in week order: the same bytes as week by week. A policy
// that does not implement Quiet is never quiet.
type Quiet interface {
	// QuietWeek reports whether the policy's act in week c of the year is
	// quiet. The engine asks after the policy has acted in the weeks
	// before c that are not quiet, but possibly before its quiet acts in
	// between: the answer must not depend on them.
	QuietWeek(w *World, c Clock) bool
}
