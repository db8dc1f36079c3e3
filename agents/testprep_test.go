package agents

import (
	"math"
	"testing"
)

// TestTeachingToTheTest: a treated school's exam scores rise above its
// learning by test_inflation a year, for TestPrepYears years at most; an
// untreated school's do not, nor do they with test_inflation 0; and no
// student learns anything more or less for it.
func TestTeachingToTheTest(t *testing.T) {
	const rate = 0.05
	run := func(inflation float64, years int) *world {
		par := DefaultParams()
		par.TestInflation = inflation
		w := newWorld(t, testSpec(3, 1), par, 9)
		w.pop.Schools[0].Member.Treated = 1
		w.stepWeeks(years * testWeeks)
		return w
	}
	for _, tc := range []struct {
		inflation float64
		years     int
		want      float64
	}{
		{0, 1, 0},
		{rate, 1, rate},
		{rate, 3, 3 * rate},
		{rate, 6, TestPrepYears * rate},
	} {
		w := run(tc.inflation, tc.years)
		if got := float64(w.pop.Schools[0].TestPrep); math.Abs(got-tc.want) > 1e-5 {
			t.Errorf("test_inflation %g, %d years treated: TestPrep %.6f, want %.6f", tc.inflation, tc.years, got, tc.want)
		}
		for i := 1; i < len(w.pop.Schools); i++ {
			if w.pop.Schools[i].TestPrep != 0 {
				t.Errorf("test_inflation %g: untreated school %d has TestPrep %g", tc.inflation, i, w.pop.Schools[i].TestPrep)
			}
		}
	}
	off, on := run(0, 2), run(rate, 2)
	for i := range off.pop.Schools {
		for j := range off.pop.Schools[i].Students {
			if off.pop.Schools[i].Students[j].Achievement != on.pop.Schools[i].Students[j].Achievement {
				t.Fatalf("school %d student %d learned differently with teaching to the test", i, j)
			}
		}
	}
}
