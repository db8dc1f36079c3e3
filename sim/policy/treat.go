package policy

import (
	"math"

	"schoolnet/agents"
	"schoolnet/sim"
)

// treatment is what every policy keeps between weeks: its position in the
// scenario and the schools it selected.
type treatment struct {
	index  int
	chosen []int32
	done   bool // selection has happened
}

// selectOnce chooses the policy's schools the first time it is called and
// marks each as treated by the policy (agents.Membership.Treated keeps the
// bit for the rest of the run: "ever treated"). Later calls return the same
// schools.
func (t *treatment) selectOnce(w *sim.World, c *Common) []int32 {
	if !t.done {
		t.chosen = c.Select.Choose(w)
		t.done = true
		for _, i := range t.chosen {
			w.Pop.Schools[i].Member.Treated |= 1 << uint(t.index)
		}
	}
	return t.chosen
}

// weeksPerYear returns W as a float.
func weeksPerYear(w *sim.World) float64 { return float64(w.Clock.WeeksPerYear) }

// school returns school i of the world.
func school(w *sim.World, i int32) *agents.School { return &w.Pop.Schools[i] }

// takeTeacherTime charges hours a week of teacher t's time to
// collaboration: the teacher's Load rises by hours/TeachingHours (at most
// 1) and school s pays the hours (Costs.TeacherHours).
func takeTeacherTime(w *sim.World, s *agents.School, t *agents.Teacher, hours float64) {
	t.Load = float32(min(1, float64(t.Load)+hours/w.Par.TeachingHours))
	s.Cost.TeacherHours += float64(hours) // rounded: callers pass products, which must not fuse into the sum (see fmath)
}

// distance is the straight-line distance between two schools, in km.
func distance(a, b *agents.School) float64 { return agents.Distance(a, b) }

// in01 reports whether x is in [0,1] (false for NaN).
func in01(x float64) bool { return x >= 0 && x <= 1 }

// finite reports whether x is neither infinite nor NaN.
func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// finiteNonNeg reports whether x is a finite number ≥ 0.
func finiteNonNeg(x float64) bool { return x >= 0 && !math.IsInf(x, 0) }
