package agents

import (
	"math"
	"testing"
)

// checkTies fails unless every tie is mutual, points at a student of the
// same grade in the school, each student's tie count matches its slots and
// every empty slot has strength +0.
func checkTies(t *testing.T, s *School, when string) {
	t.Helper()
	const K = TiesPerStudent
	if len(s.TieTo) != len(s.Students)*K || len(s.TieStrength) != len(s.TieTo) {
		t.Fatalf("%s: %d students but %d tie slots", when, len(s.Students), len(s.TieTo))
	}
	for i := range s.Students {
		n := 0
		for k := range K {
			j := int(s.TieTo[i*K+k])
			if j < 0 {
				if x := s.TieStrength[i*K+k]; math.Float32bits(x) != 0 {
					t.Fatalf("%s: student %d's empty slot %d has strength %v, not +0 (growTie needs +0)", when, i, k, x)
				}
				continue
			}
			n++
			switch {
			case j >= len(s.Students) || j == i:
				t.Fatalf("%s: student %d tied to invalid index %d", when, i, j)
			case !tied(s, j, i):
				t.Fatalf("%s: tie %d-%d is not mutual", when, i, j)
			case s.Students[j].Grade != s.Students[i].Grade:
				t.Fatalf("%s: tie %d-%d crosses grades %d and %d", when, i, j, s.Students[i].Grade, s.Students[j].Grade)
			}
		}
		if int(s.Students[i].ties) != n {
			t.Fatalf("%s: student %d counts %d ties, has %d", when, i, s.Students[i].ties, n)
		}
	}
	for c := range s.NumClasses() {
		lo, hi := s.Class(c)
		for i := lo; i < hi; i++ {
			if s.ClassOf(i) != c {
				t.Fatalf("%s: student %d in class range %d has class %d", when, i, c, s.ClassOf(i))
			}
		}
	}
}

// TestSchoolYearKeepsTiesAndClasses runs several years and checks after
// each week and year end that ties stay mutual, within grade and counted,
// that classes stay contiguous, and that enrolment adds up.
func TestSchoolYearKeepsTiesAndClasses(t *testing.T) {
	w := newWorld(t, testSpec(2, 3), DefaultParams(), 17)
	for year := range 4 {
		w.stepWeeks(testWeeks)
		for i := range w.pop.Schools {
			s := &w.pop.Schools[i]
			checkTies(t, s, "after the weeks")
			before := len(s.Students)
			grads, intake := SchoolYear(s, &w.env)
			if len(s.Students) != before-grads+intake {
				t.Errorf("year %d school %d: %d students, want %d - %d + %d", year, i, len(s.Students), before, grads, intake)
			}
			if want := int(s.ClassesPerGrade * s.ClassSize); grads != want || intake != want {
				t.Errorf("year %d: %d graduates and %d intake, want %d each", year, grads, intake, want)
			}
			checkTies(t, s, "after SchoolYear")
		}
	}
}

func TestExpNeg(t *testing.T) {
	for d := 0.0; d < 20; d += 0.001 {
		want := math.Exp(-d)
		if d >= 16 {
			want = 0
		}
		if got := expNeg(d); math.Abs(got-want) > 1e-5*want+1e-7 {
			t.Fatalf("expNeg(%g) = %g, want %g", d, got, want)
		}
	}
	// Values the engine should never pass must not index outside the
	// table.
	for _, tt := range []struct{ d, want float64 }{
		{-1, 1}, {-1e308, 1}, {math.Inf(-1), 1}, {math.Inf(1), 0}, {math.NaN(), 0}, {1e308, 0},
	} {
		if got := expNeg(tt.d); got != tt.want {
			t.Errorf("expNeg(%g) = %g, want %g", tt.d, got, tt.want)
		}
	}
}
