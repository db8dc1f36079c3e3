package statistics

import (
	"context"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// simulate runs a small world with the parameters set and returns its
// collector.
func simulate(t *testing.T, set func(p *agents.Params)) *Collector {
	t.Helper()
	pop := agents.DefaultPopulation()
	pop.Districts, pop.SchoolsPerDistrict, pop.StaffHistoryYears = 1, 12, 5
	par := agents.DefaultParams()
	set(&par)
	var c Collector
	cfg := sim.Config{Seed: 9, Years: 3, WeeksPerYear: 20, SpinUpYears: 2, Population: pop, Params: par,
		Observe: func(_, y int, pop *agents.Population, _ *agents.Reference) { c.Add(Observe(y, pop)) }}
	if _, err := sim.Replicate(context.Background(), cfg, 1, 2, nil); err != nil {
		t.Fatal(err)
	}
	return &c
}

// TestStatisticsFollowTheirMechanisms: on a simulated world, each
// statistic rises with the parameter of the mechanism it measures, the
// other parameters and the random numbers held.
func TestStatisticsFollowTheirMechanisms(t *testing.T) {
	for _, tt := range []struct {
		name      string
		key       Key
		low, high func(p *agents.Params)
	}{
		{"growth", Key{Growth, 8, "all", "composite"},
			func(p *agents.Params) { p.GrowthPerYear = 0.1 }, func(p *agents.Params) { p.GrowthPerYear = 0.5 }},
		{"teacher value added", Key{TeacherVAWithin, 0, "", "composite"},
			func(p *agents.Params) { p.TeacherSD = 0.02 }, func(p *agents.Params) { p.TeacherSD = 0.3 }},
		{"peer effect", Key{PeerEffect, 0, "", "composite"},
			func(p *agents.Params) { p.PeerAchievementEffect = 0 }, func(p *agents.Params) { p.PeerAchievementEffect = 0.8 }},
		{"leavers", Key{TeacherLeavers, 0, "all", ""},
			func(p *agents.Params) { p.AttritionBase = 0.02 }, func(p *agents.Params) { p.AttritionBase = 0.3 }},
		{"tier gap", Key{GapStrongWeak, 9, "", "composite"},
			func(p *agents.Params) { p.HireReputation = 0 }, func(p *agents.Params) { p.HireReputation = 0.5 }},
	} {
		lo := simulate(t, tt.low).Get(tt.key, 1, 2)
		hi := simulate(t, tt.high).Get(tt.key, 1, 2)
		if !(hi > lo) {
			t.Errorf("%s: %s is %.4f at the low setting and %.4f at the high one; want it to rise", tt.name, tt.key.Statistic, lo, hi)
		}
	}
}
