package policy

import (
	"context"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// testConfig is a small world for policy tests: 2 districts of 10 schools
// (2 strong, 5 average, 3 weak each), 3 grades of 2 classes of 30, 20 weeks
// a year, 1 spin-up year and 4 simulated years.
func testConfig(seed uint64, specs ...Spec) sim.Config {
	pop := agents.DefaultPopulation()
	pop.Districts, pop.SchoolsPerDistrict = 2, 10
	pop.ClassSize = 30
	pop.StaffHistoryYears = 5
	for t := range agents.Tier(agents.NumTiers) {
		pop.Tier(t).ClassesPerGrade = 2
	}
	cfg := sim.Config{Seed: seed, Years: 4, WeeksPerYear: 20, SpinUpYears: 1, Workers: 1,
		Population: pop, Params: agents.DefaultParams()}
	if len(specs) > 0 {
		cfg.Policies = func() []sim.Policy {
			out := make([]sim.Policy, len(specs))
			for i, s := range specs {
				out[i] = s.New(i)
			}
			return out
		}
	}
	return cfg
}

// spec returns the default spec of kind, failing the test if the kind is
// not registered.
func spec(t *testing.T, kind string) Spec {
	t.Helper()
	s, ok := NewSpec(kind)
	if !ok {
		t.Fatalf("kind %q not registered", kind)
	}
	return s
}

// run simulates cfg and returns the engine (for the final state) and the
// records of years 0..Years. yearEnd, if not nil, is called with the
// engine after each simulated year.
func run(t *testing.T, cfg sim.Config, yearEnd func(e *sim.Engine, year int)) (*sim.Engine, []sim.YearRecord) {
	t.Helper()
	e, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var recs []sim.YearRecord
	emit := func(y sim.YearRecord) { recs = append(recs, y) }
	for y := 1 - cfg.SpinUpYears; y <= cfg.Years; y++ {
		if err := e.RunYear(context.Background(), y, emit); err != nil {
			t.Fatal(err)
		}
		if yearEnd != nil && y >= 1 {
			yearEnd(e, y)
		}
	}
	return e, recs
}

// treated returns the indices of the schools policy index treats in rec.
func treated(rec sim.YearRecord, index int) map[int32]bool {
	out := map[int32]bool{}
	for _, r := range rec.Schools {
		if r.Member.Treated&(1<<uint(index)) != 0 {
			out[r.School] = true
		}
	}
	return out
}

// check validates a spec whole, as a scenario would, for a run of 6 years
// of 100 schools in 4 districts.
func check(s Spec) error { return Check(s, 6, 100, 4) }

// effectByYear runs cfg(seed) and its policy-free twin for each seed and
// returns, per year 0..Years, the mean over seeds of the treated schools'
// mean composite (in SD of the reference grade) minus the same schools'
// in the twin: the policies' true effect on the schools they treat.
func effectByYear(t *testing.T, seeds int, cfg func(seed uint64) sim.Config) []float64 {
	t.Helper()
	var out []float64
	for seed := range uint64(seeds) {
		c := cfg(100 + seed)
		twin := c
		twin.Policies = nil
		_, recs := run(t, c, nil)
		_, base := run(t, twin, nil)
		if out == nil {
			out = make([]float64, len(recs))
		}
		last := recs[len(recs)-1]
		for y := range recs {
			var got, want float64
			n := 0
			for i, r := range recs[y].Schools {
				if last.Schools[i].Member.Treated == 0 {
					continue
				}
				a, b := r.All(), base[y].Schools[i].All()
				got += a.Composite
				want += b.Composite
				n += a.N
			}
			if n > 0 {
				out[y] += (got - want) / float64(n) / float64(seeds)
			}
		}
	}
	return out
}
