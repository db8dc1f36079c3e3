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
}

// Policy is a reform that acts across schools. The engine calls Act once at
// the start of every week of years 1 and later, in the order the policies
// were given, before any school steps. Before the policies act, the engine
// clears every school's weekly reform inputs (agents.ClearReform), so an
// active policy sets its inputs again each week. A policy may move teachers and
// principals, invest money, and set mentoring, training and collaboration
// load; it must draw only from w.Rand. The engine itself holds no policy
// logic.
type Policy interface {
	// Name identifies the policy in output and errors.
	Name() string
	// Act applies the policy for the week w.Clock.
	Act(w *World) error
}
