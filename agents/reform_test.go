package agents

import (
	"math"
	"testing"
)

// TestReformClear checks that ReformClear tells a school whose weekly
// reform inputs ClearReform would change from one it would leave as it
// is: each input set, −0 included, makes it not clear; ClearReform makes
// it clear again.
func TestReformClear(t *testing.T) {
	w := newWorld(t, testSpec(2, 1), DefaultParams(), 1)
	s := w.school(t, Weak)
	ClearReform(s)
	if !ReformClear(s) {
		t.Fatal("a cleared school is not clear")
	}
	negZero := float32(math.Copysign(0, -1))
	inputs := map[string]*float32{
		"Activity": &s.Reform.Activity, "SharedWeight": &s.Reform.SharedWeight,
		"SharedLeadership": &s.Reform.SharedLeadership, "SharedCourses": &s.Reform.SharedCourses,
		"Remote[3]": &s.Reform.Remote[3], "RemoteEffectiveness[0]": &s.Reform.RemoteEffectiveness[0],
		"Mentoring": &s.Principal.Mentoring, "MentorLeadership": &s.Principal.MentorLeadership,
		"Training": &s.Principal.Training, "last teacher's Load": &s.Teachers[len(s.Teachers)-1].Load,
	}
	for name, x := range inputs {
		for _, v := range []float32{0.25, negZero} {
			*x = v
			if ReformClear(s) {
				t.Errorf("%s = %v: clear", name, v)
			}
			ClearReform(s)
			if !ReformClear(s) {
				t.Errorf("%s = %v, then ClearReform: not clear", name, v)
			}
		}
	}
}
