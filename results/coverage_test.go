package results

import (
	"context"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// TestIntervalCoverage checks the 95% intervals that summary.csv and the
// tables report: on a small world whose true mean outcome is known from
// 4,000 replications, the interval from 20 replications covers it in
// 90-99% of 100 independent seeds.
func TestIntervalCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 6,000 small replications")
	}
	pop := agents.DefaultPopulation()
	pop.Districts, pop.SchoolsPerDistrict = 1, 6
	pop.ClassSize, pop.StaffHistoryYears = 10, 2
	for tier := range agents.Tier(agents.NumTiers) {
		pop.Tier(tier).ClassesPerGrade = 1
	}
	cfg := sim.Config{Years: 1, WeeksPerYear: 8, SpinUpYears: 1, Population: pop, Params: agents.DefaultParams()}
	outcome := func(seed uint64, reps int) []float64 {
		c := cfg
		c.Seed = seed
		recs, err := sim.Replicate(context.Background(), c, reps, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		xs := make([]float64, reps)
		for r, ys := range recs {
			m := sim.Summarise(ys[len(ys)-1])
			xs[r] = m.Groups[sim.GroupAll].Composite
		}
		return xs
	}
	truth, _ := MeanCI(outcome(1_000_000, 4000))
	covered := 0
	const seeds = 100
	for seed := range uint64(seeds) {
		m, h := MeanCI(outcome(seed+1, 20))
		if m-h <= truth && truth <= m+h {
			covered++
		}
	}
	if covered < 90 || covered > 99 {
		t.Errorf("the 95%% interval covered the true mean %.4f in %d of %d seeds, want 90-99", truth, covered, seeds)
	}
	t.Logf("coverage %d/%d, true mean %.4f", covered, seeds, truth)
}
