package ensemble

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"schoolnet/results"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

const tiny = `name = "tiny"
description = "a quick world for tests"
[run]
seed = 7
years = 2
weeks_per_year = 8
spin_up_years = 1
replications = 6
[population]
districts = 2
schools_per_district = 3
staff_history_years = 3
`

func tinyScenarios(t *testing.T) []*scenarios.Scenario {
	t.Helper()
	a, err := scenarios.Parse("tiny.toml", []byte(tiny))
	if err != nil {
		t.Fatal(err)
	}
	b, err := scenarios.Parse("funded.toml", []byte(tiny+"[[policy]]\nkind = \"funding\"\nper_school = 5000000\nend = 1\n[policy.select]\nrule = \"all\"\ntier = \"weak\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return []*scenarios.Scenario{a, b}
}

// metricsOf summarises every scenario's records.
func metricsOf(r *Runs) [][][]sim.YearMetrics {
	out := make([][][]sim.YearMetrics, len(r.Records))
	for k, reps := range r.Records {
		out[k] = make([][]sim.YearMetrics, len(reps))
		for i, recs := range reps {
			for _, y := range recs {
				out[k][i] = append(out[k][i], sim.Summarise(y))
			}
		}
	}
	return out
}

// TestSimulateWithoutSpreadIsThePlainRun: an ensemble whose only particle
// holds the scenarios' own parameter value has no parametric uncertainty;
// its runs are those without an ensemble, record for record, for any
// number of workers; and each replication's scenarios share the draw.
func TestSimulateWithoutSpreadIsThePlainRun(t *testing.T) {
	scns := tinyScenarios(t)
	plain, err := Simulate(context.Background(), scns, 4, 1, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	post := fmt.Sprintf("generation,particle,weight,distance,model.peer_relation_effect\n0,0,1,0,%v\n", scns[0].Model.PeerRelationEffect)
	e, err := ParsePosterior("posterior.csv", []byte(post))
	if err != nil {
		t.Fatal(err)
	}
	e.Draws, e.Seed = 2, 7
	for _, workers := range []int{1, 3} {
		got, err := Simulate(context.Background(), scns, 4, workers, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Printed, so that the undefined means of an empty group (NaN,
		// never equal to itself) compare equal.
		if fmt.Sprint(metricsOf(got)) != fmt.Sprint(metricsOf(plain)) {
			t.Errorf("workers %d: an ensemble at the scenarios' own value gives other runs than no ensemble", workers)
		}
		if want := []int{0, 1, 0, 1}; !reflect.DeepEqual(got.Draw, want) {
			t.Errorf("draws %v, want %v", got.Draw, want)
		}
	}
}

// TestParametricShareKnown: two particles far apart on a parameter that
// moves the weak schools' achievement make the parametric share of its
// variance near 1; the same parameter at one value makes the draws
// indistinguishable, so the ensemble adds nothing.
func TestParametricShareKnown(t *testing.T) {
	scns := tinyScenarios(t)[:1]
	weak := results.Headlines[2]
	share := func(values string) float64 {
		post := "generation,particle,weight,distance,model.peer_achievement_effect\n" + values
		e, err := ParsePosterior("posterior.csv", []byte(post))
		if err != nil {
			t.Fatal(err)
		}
		e.Draws, e.Seed = 4, 11
		r, err := Simulate(context.Background(), scns, 8, 2, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, 8)
		for i, ys := range metricsOf(r)[0] {
			x[i] = weak.Get(ys)
		}
		s := results.Decompose(x, r.Draw)
		return s.Share()
	}
	if s := share("0,0,1,0,0\n0,1,1,0,0.5\n"); !(s > 0.9) {
		t.Errorf("peer effect 0 against 0.5: parametric share %.3f, want above 0.9", s)
	}
	if s := share("0,0,1,0,0.15\n"); !(s < 0.5) && !isNaN(s) {
		t.Errorf("one particle: parametric share %.3f, want below 0.5", s)
	}
}

func isNaN(x float64) bool { return x != x }
