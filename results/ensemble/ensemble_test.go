package ensemble

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim/ranges"
)

// TestPriorDraws: the prior draws every model parameter with a plausible
// range inside it, the same values for the same seed and draw, other
// values for another draw, whole numbers for integer keys.
func TestPriorDraws(t *testing.T) {
	e := NewPrior(8, 42)
	if len(e.Keys) < 10 {
		t.Fatalf("only %d parameters", len(e.Keys))
	}
	par := agents.DefaultParams()
	a, b := e.Draw(3), e.Draw(4)
	if !slices.Equal(a, NewPrior(8, 42).Draw(3)) || slices.Equal(a, b) {
		t.Error("draws are not a function of seed and draw alone")
	}
	for k, key := range e.Keys {
		r, _ := agents.ParamRanges.Lookup(strings.TrimPrefix(key, "model."))
		if a[k] < r.Low || a[k] > r.High {
			t.Errorf("%s = %v outside [%v, %v]", key, a[k], r.Low, r.High)
		}
		if ranges.IsInteger(&par, r.Key) && a[k] != math.Trunc(a[k]) {
			t.Errorf("%s = %v is not whole", key, a[k])
		}
	}
	scn, err := scenarios.Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Apply(scn, a)
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := ranges.Get(&got.Model, "peer_relation_effect"); x != a[slices.Index(e.Keys, "model.peer_relation_effect")] {
		t.Errorf("Apply set peer_relation_effect to %v", x)
	}
	if scn.Model == got.Model {
		t.Error("Apply changed nothing, or changed the scenario it was given")
	}
}

// TestPosterior: particles are drawn by weight, policy keys go to the
// policy of that name, and a bad file is refused with its line and column.
func TestPosterior(t *testing.T) {
	data := "generation,particle,weight,distance,model.teacher_sd,policy.pairs.mentoring_intensity\n" +
		"3,0,0,1.5,0.11,0.2\n3,1,1,1.2,0.14,0.7\n"
	e, err := ParsePosterior("posterior.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	e.Draws, e.Seed = 4, 1
	for d := range 20 {
		if got := e.Draw(d); !slices.Equal(got, []float64{0.14, 0.7}) {
			t.Fatalf("draw %d = %v: a particle of weight 0 drawn", d, got)
		}
	}
	for _, tt := range []struct{ data, want string }{
		{"generation,particle,weight\n", "posterior.csv:1: not a posterior file"},
		{"generation,particle,weight,distance,model.teacher_sdd\n1,0,1,1,0.1\n", "posterior.csv:1:5: \"model.teacher_sdd\": no such model parameter (did you mean model.teacher_sd?)"},
		{"generation,particle,weight,distance,model.teacher_sd\n1,0,-1,1,0.1\n", "posterior.csv:2:3: weight"},
		{"generation,particle,weight,distance,model.teacher_sd\n1,0,1,1,x\n", "posterior.csv:2:5: model.teacher_sd: \"x\" is not a finite number"},
		{"generation,particle,weight,distance,model.teacher_sd\n1,0,0,1,0.1\n", "no particle with a positive weight"},
	} {
		_, err := ParsePosterior("posterior.csv", []byte(tt.data))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one containing %q", tt.data, err, tt.want)
		}
	}
}

// TestShippedPosterior: --ensemble posterior draws the shipped
// calibration's particles, each parameter inside its plausible range
// (that they centre on the defaults is results/calibrate's
// TestShippedPosteriorCentresOnTheDefaults).
func TestShippedPosterior(t *testing.T) {
	e, err := Load(Posterior, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "targets/calibration/posterior.csv" || len(e.Keys) == 0 {
		t.Fatalf("--ensemble posterior loaded %q with keys %v", e.Name, e.Keys)
	}
	for k, key := range e.Keys {
		model, ok := strings.CutPrefix(key, "model.")
		if !ok {
			t.Fatalf("%s: the shipped posterior calibrates model keys only", key)
		}
		r, _ := agents.ParamRanges.Lookup(model)
		for d := range e.Draws {
			if x := e.Draw(d)[k]; x < r.Low || x > r.High {
				t.Errorf("%s: draw %d is %g, outside its plausible range [%g, %g]", key, d, x, r.Low, r.High)
			}
		}
	}
}

// TestCheckNamesTheLineOfABadParticle: a posterior particle out of a
// parameter's range is refused before any run, naming its line, even one
// of weight 0 that no draw would pick (so that whether a file is refused
// does not depend on the seed).
func TestCheckNamesTheLineOfABadParticle(t *testing.T) {
	scns := tinyScenarios(t)
	good := "generation,particle,weight,distance,model.tie_accept\n1,0,1,0.1,0.5\n"
	e, err := ParsePosterior("posterior.csv", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Check(scns...); err != nil {
		t.Errorf("a posterior within the ranges: %v", err)
	}
	e, err = ParsePosterior("posterior.csv", []byte(good+"1,1,0,0.1,1.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = e.Check(scns...)
	if err == nil || !strings.HasPrefix(err.Error(), "posterior.csv:3: model.tie_accept: must be in [0,1]") {
		t.Errorf("got %v, want the bad particle's line and key", err)
	}
}
