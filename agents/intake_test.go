package agents

import (
	"math"
	"slices"
	"testing"
)

// entrants returns the grade-0 students of s.
func entrantsOf(s *School) []Student {
	var out []Student
	for _, st := range s.Students {
		if st.Grade == 0 {
			out = append(out, st)
		}
	}
	return out
}

// meanAdvantage returns the mean SES + mean achievement of students.
func meanAdvantage(students []Student) float64 {
	var sum float64
	for i := range students {
		sum += float64(students[i].SES) + students[i].MeanAchievement()
	}
	return sum / float64(len(students))
}

// treatThreeAverage makes a small world with intake_response share and
// marks its first three average schools treated under the given label;
// it returns the world, its schools and the treated schools' indices.
func treatThreeAverage(t *testing.T, share float64, label float32) (*world, []School, []int) {
	t.Helper()
	par := DefaultParams()
	par.IntakeResponse = share
	w := newWorld(t, testSpec(12, 2), par, 5)
	schools := w.pop.Schools
	var treated []int
	for i := range schools {
		if schools[i].Tier == Average && len(treated) < 3 {
			schools[i].Member.Treated = 1
			schools[i].Label = label
			treated = append(treated, i)
		}
	}
	return w, schools, treated
}

// TestIntakeResponse: families move towards the treated schools. With
// intake_response 0 nothing changes; otherwise each treated school swaps
// round(share × entrants) of its entrants, the least advantaged, for the
// most advantaged local entrants of untreated schools of its district and
// tier, so its intake's mean SES and achievement rise and theirs fall.
// Nobody else moves, no student is lost or duplicated, and every place
// keeps its class.
func TestIntakeResponse(t *testing.T) {
	for _, share := range []float64{0, 0.03, 0.1} {
		w, schools, treated := treatThreeAverage(t, share, 0)
		before := make([][]Student, len(schools))
		for i := range schools {
			before[i] = slices.Clone(schools[i].Students)
		}
		IntakeResponse(schools, stream(7, 7), &w.par)

		home := map[int64]int{} // where each student was
		for i := range before {
			for _, st := range before[i] {
				home[st.ID] = i
			}
		}
		moved := 0
		for i := range schools {
			s := &schools[i]
			if len(s.Students) != len(before[i]) {
				t.Fatalf("share %g: school %d has %d students, had %d", share, i, len(s.Students), len(before[i]))
			}
			for j := range s.Students {
				now, was := &s.Students[j], &before[i][j]
				if now.Class != was.Class || now.Grade != was.Grade {
					t.Fatalf("share %g: school %d place %d changed class or grade", share, i, j)
				}
				if now.ID == was.ID {
					continue
				}
				moved++
				from := home[now.ID]
				switch {
				case now.Grade != 0:
					t.Errorf("share %g: a Grade %d student moved", share, now.Grade+1)
				case schools[from].District != s.District || schools[from].Tier != s.Tier:
					t.Errorf("share %g: a student moved between districts or tiers", share)
				case s.Member.Treated != 0 && (schools[from].Member.Treated != 0 || now.Migrant):
					t.Errorf("share %g: a treated school took a mover from a treated school or a migrant child", share)
				case s.Member.Treated == 0 && schools[from].Member.Treated == 0:
					t.Errorf("share %g: a student moved between untreated schools", share)
				}
			}
		}
		if share == 0 {
			if moved != 0 {
				t.Errorf("intake_response 0: %d students moved, want none", moved)
			}
			continue
		}
		var gain, loss float64
		for _, i := range treated {
			n := len(entrantsOf(&schools[i]))
			want := int(share*float64(n) + 0.5)
			got := 0
			for j, st := range schools[i].Students {
				if st.ID != before[i][j].ID {
					got++
				}
			}
			if got != want {
				t.Errorf("share %g: school %d took %d movers, want round(%g × %d) = %d", share, i, got, share, n, want)
			}
			gain += meanAdvantage(entrantsOf(&schools[i])) - meanAdvantage(entrantsOf(&School{Students: before[i]}))
		}
		others := 0
		for i := range schools {
			if schools[i].Tier == Average && schools[i].Member.Treated == 0 {
				loss += meanAdvantage(entrantsOf(&schools[i])) - meanAdvantage(entrantsOf(&School{Students: before[i]}))
				others++
			}
		}
		gain /= float64(len(treated))
		loss /= float64(others)
		t.Logf("share %g: %d moves; treated intakes' advantage %+.3f, untreated average schools' %+.3f", share, moved/2, gain, loss)
		if gain <= 0 || loss >= 0 || math.IsNaN(gain) {
			t.Errorf("share %g: treated intakes' advantage %+.3f, untreated %+.3f; want a rise and a fall", share, gain, loss)
		}
	}
}

// TestIntakeResponseLabel: a public label repels the families a favoured
// school would draw. Treated schools under a full label take no movers,
// under half a label half as many as unlabelled ones (rounded).
func TestIntakeResponseLabel(t *testing.T) {
	for _, label := range []float32{0, 0.5, 1} {
		w, schools, treated := treatThreeAverage(t, 0.1, label)
		before := make([][]int64, len(schools))
		for _, i := range treated {
			for _, st := range schools[i].Students {
				before[i] = append(before[i], st.ID)
			}
		}
		IntakeResponse(schools, stream(7, 7), &w.par)
		for _, i := range treated {
			got := 0
			for j, st := range schools[i].Students {
				if st.ID != before[i][j] {
					got++
				}
			}
			n := len(entrantsOf(&schools[i]))
			want := int(float64(0.1*(1-float64(label)))*float64(n) + 0.5)
			if got != want {
				t.Errorf("label %g: school %d took %d movers, want round(0.1 × (1 − %g) × %d) = %d", label, i, got, label, n, want)
			}
			if label == 0 && got == 0 {
				t.Errorf("label 0: school %d took no movers; the test needs some", i)
			}
		}
	}
}

// TestBeforeTreatment: the parameters that act only on treated schools are
// the ones BeforeTreatment clears, and no other.
func TestBeforeTreatment(t *testing.T) {
	p := DefaultParams()
	q := p.BeforeTreatment()
	if q.IntakeResponse != 0 || q.TestInflation != 0 {
		t.Errorf("BeforeTreatment left intake_response %g, test_inflation %g", q.IntakeResponse, q.TestInflation)
	}
	q.IntakeResponse, q.TestInflation = p.IntakeResponse, p.TestInflation
	if q != p {
		t.Errorf("BeforeTreatment changed another parameter")
	}
}
