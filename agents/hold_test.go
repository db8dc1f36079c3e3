package agents

import (
	"reflect"
	"testing"
)

// TestHoldOwnValuesChangesNothing holds each mediator at the school's own
// values: the step must be exactly the unheld step.
func TestHoldOwnValuesChangesNothing(t *testing.T) {
	spec := testSpec(3, 2)
	par := DefaultParams()
	for _, m := range []Mediator{MediatorPeer, MediatorLeadership, MediatorStyle} {
		t.Run(m.String(), func(t *testing.T) {
			a := newWorld(t, spec, par, 5)
			b := newWorld(t, spec, par, 5)
			a.stepWeeks(3)
			b.stepWeeks(3)
			for i := range b.pop.Schools {
				s := &b.pop.Schools[i]
				h := &Hold{}
				switch m {
				case MediatorPeer:
					for j := range s.Students {
						h.PeerRelations = append(h.PeerRelations, s.Students[j].PeerRelations)
					}
				case MediatorStyle:
					for j := range s.Teachers {
						h.Style = append(h.Style, s.Teachers[j].Style)
					}
				case MediatorLeadership:
					// The leadership this week's LeadershipUpdate will
					// return, from a copy stepped ahead.
					c := &a.pop.Schools[i]
					pr := c.Principal
					LeadershipUpdate(c, &a.env, testWeeks)
					h.Leadership, h.HoldLeadership = c.Leadership(&a.par), true
					c.Principal = pr
				}
				s.Hold = h
			}
			a.stepWeeks(1)
			b.stepWeeks(1)
			for i := range a.pop.Schools {
				b.pop.Schools[i].Hold = nil
				if !reflect.DeepEqual(a.pop.Schools[i].Students, b.pop.Schools[i].Students) {
					t.Errorf("school %d: students differ when %s is held at its own values", i, m)
				}
				if a.pop.Schools[i].Climate != b.pop.Schools[i].Climate {
					t.Errorf("school %d: climate differs when %s is held at its own values", i, m)
				}
			}
		})
	}
}

// TestHoldIsRead holds each mediator above the school's own value and
// checks that learning (peer relations, style) or climate (leadership)
// rises, while the school's own mediator is left as the mechanisms make it.
func TestHoldIsRead(t *testing.T) {
	spec := testSpec(3, 2)
	par := DefaultParams()
	a := newWorld(t, spec, par, 9)
	b := newWorld(t, spec, par, 9)
	for i := range b.pop.Schools {
		s := &b.pop.Schools[i]
		h := &Hold{Leadership: 1, HoldLeadership: true}
		for range s.Students {
			h.PeerRelations = append(h.PeerRelations, 1)
		}
		for range s.Teachers {
			h.Style = append(h.Style, 1)
		}
		s.Hold = h
	}
	a.stepWeeks(1)
	b.stepWeeks(1)
	for i := range a.pop.Schools {
		sa, sb := &a.pop.Schools[i], &b.pop.Schools[i]
		if sb.Climate <= sa.Climate {
			t.Errorf("school %d: climate %.4f with leadership held at 1, %.4f without", i, sb.Climate, sa.Climate)
		}
		for j := range sa.Students {
			if sb.Students[j].Achievement[Maths] <= sa.Students[j].Achievement[Maths] {
				t.Fatalf("school %d student %d: maths %.4f with peer relations and style held at 1, %.4f without",
					i, j, sb.Students[j].Achievement[Maths], sa.Students[j].Achievement[Maths])
			}
			if sb.Students[j].PeerRelations == 1 && sa.Students[j].PeerRelations != 1 {
				t.Fatalf("school %d student %d: the held value replaced the student's own peer relations", i, j)
			}
		}
		if sb.Principal.Leadership != sa.Principal.Leadership {
			t.Errorf("school %d: the principal's own leadership changed under a hold", i)
		}
	}
}
