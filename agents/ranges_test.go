package agents

import (
	"math"
	"reflect"
	"testing"

	"schoolnet/sim/ranges"
)

// TestRangesCoverEveryKey checks that every number a scenario can set in
// [model] and [population] has exactly one allowed range, and every range
// a key.
func TestRangesCoverEveryKey(t *testing.T) {
	for _, tt := range []struct {
		name  string
		table ranges.Table
		typ   reflect.Type
	}{
		{"model", ParamRanges, reflect.TypeFor[Params]()},
		{"population", PopulationRanges, reflect.TypeFor[PopulationSpec]()},
	} {
		noRange, noField := tt.table.Missing(tt.typ)
		for _, k := range noRange {
			t.Errorf("%s.%s has no allowed range in the table", tt.name, k)
		}
		for _, k := range noField {
			t.Errorf("the %s table has a range for %s, which is no key", tt.name, k)
		}
		seen := map[string]bool{}
		for _, r := range tt.table {
			if seen[r.Key] {
				t.Errorf("%s.%s has two ranges", tt.name, r.Key)
			}
			seen[r.Key] = true
		}
	}
}

// TestDefaultsInsideRanges checks that every default lies in its allowed
// range, and every parameter's plausible range inside its allowed range
// with the default in it.
func TestDefaultsInsideRanges(t *testing.T) {
	p, pop := DefaultParams(), DefaultPopulation()
	if err := p.Validate(); err != nil {
		t.Errorf("default parameters: %v", err)
	}
	if err := pop.Validate(); err != nil {
		t.Errorf("default population: %v", err)
	}
	for _, r := range ParamRanges {
		x, _ := ranges.Get(&p, r.Key)
		switch {
		case !r.Plausible():
			t.Errorf("model.%s has no plausible range", r.Key)
		case r.Low > r.High || r.Low < r.Min || r.High > r.Max:
			t.Errorf("model.%s: plausible range [%g, %g] is not inside the allowed [%g, %g]", r.Key, r.Low, r.High, r.Min, r.Max)
		case x < r.Low || x > r.High:
			t.Errorf("model.%s: default %g is outside its plausible range [%g, %g]", r.Key, x, r.Low, r.High)
		}
		if r.Unit == "" || r.Source == "" || r.Evidence == "" {
			t.Errorf("model.%s lacks a unit, source or kind of evidence", r.Key)
		}
	}
}

// TestValidateRefusesOutOfRange checks that a value just outside either
// bound, NaN and an infinity are refused for every parameter, naming it.
func TestValidateRefusesOutOfRange(t *testing.T) {
	for _, r := range ParamRanges {
		for _, x := range []float64{r.Min - 1, r.Max + 1, r.Max * 10, math.NaN(), math.Inf(1)} {
			p := DefaultParams()
			ranges.Set(&p, r.Key, x)
			if got, _ := ranges.Get(&p, r.Key); got >= r.Min && got <= r.Max {
				continue // an integer key cannot hold it
			}
			err := p.Validate()
			pe, ok := err.(*ParamError)
			if !ok || pe.Key != r.Key {
				t.Errorf("model.%s = %g: got %v, want a ParamError on it", r.Key, x, err)
			}
		}
	}
}
