package policy

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"schoolnet/sim/ranges"
)

// TestRangesCoverEveryKey checks, for every policy kind, that each number
// a [[policy]] table can set has exactly one allowed range, every range
// names a key, and every default lies inside its range.
func TestRangesCoverEveryKey(t *testing.T) {
	for _, kind := range Kinds() {
		s, _ := NewSpec(kind)
		noRange, noField := s.Ranges().Missing(reflect.TypeOf(s).Elem())
		for _, k := range noRange {
			t.Errorf("%s: %s has no allowed range", kind, k)
		}
		for _, k := range noField {
			t.Errorf("%s: a range for %s, which is no key", kind, k)
		}
		if err := check(s); err != nil {
			t.Errorf("%s: the defaults are refused: %v", kind, err)
		}
	}
}

// TestCheckRefusesOutOfRange sets each numeric key of each kind just
// outside its range, to NaN and to 1e308, and checks that Check names it.
func TestCheckRefusesOutOfRange(t *testing.T) {
	for _, kind := range Kinds() {
		fresh, _ := NewSpec(kind)
		for _, r := range fresh.Ranges() {
			for _, x := range []float64{r.Min - 1, r.Max + 1, 1e308, math.NaN()} {
				s, _ := NewSpec(kind)
				ranges.Set(s, r.Key, x)
				if got, _ := ranges.Get(s, r.Key); got >= r.Min && got <= r.Max {
					continue // an integer key cannot hold it
				}
				var fe *FieldError
				if err := check(s); !errors.As(err, &fe) || fe.Key != r.Key {
					t.Errorf("%s.%s = %g: got %v, want a FieldError on it", kind, r.Key, x, err)
				}
			}
		}
	}
}

// TestDefaultsPlausible: every policy key whose range gives a plausible
// range (the published evidence, which calibration and sensitivity
// analyses draw from) has it inside the allowed range with the default in
// it, and names the kind of evidence and its source; and the keys with
// published evidence have one.
func TestDefaultsPlausible(t *testing.T) {
	withEvidence := map[string]bool{"funding.per_school": true, "rotation.share": true, "rotation.posting_years": true}
	for _, kind := range Kinds() {
		s, _ := NewSpec(kind)
		for _, r := range s.Ranges() {
			key := kind + "." + r.Key
			if !r.Plausible() {
				if withEvidence[key] {
					t.Errorf("%s has published evidence but no plausible range", key)
				}
				continue
			}
			delete(withEvidence, key)
			x, _ := ranges.Get(s, r.Key)
			switch {
			case r.Low > r.High || r.Low < r.Min || r.High > r.Max:
				t.Errorf("%s: plausible range [%g, %g] is not inside the allowed [%g, %g]", key, r.Low, r.High, r.Min, r.Max)
			case x < r.Low || x > r.High:
				t.Errorf("%s: default %g outside its plausible range [%g, %g]", key, x, r.Low, r.High)
			}
			if r.Evidence == "" || r.Source == "" {
				t.Errorf("%s: a plausible range without its evidence and source", key)
			}
		}
	}
	for key := range withEvidence {
		t.Errorf("%s is no policy key", key)
	}
}
