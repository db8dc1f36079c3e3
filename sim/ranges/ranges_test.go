package ranges

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
)

type inner struct {
	Share float64 `toml:"share"`
}

type embedded struct {
	Start int `toml:"start"`
}

type spec struct {
	embedded
	Rate    float64 `toml:"rate"`
	Count   int     `toml:"count"`
	Name    string  `toml:"name"`
	Select  inner   `toml:"select"`
	Skipped float64 `toml:"-"`
	List    []int   `toml:"list"`
}

var table = Table{
	{Key: "start", Min: 1, Max: 100, Unit: "year"},
	{Key: "rate", Min: 0, Max: 52, Unit: "per year"},
	{Key: "count", Min: 1, Max: 10},
	{Key: "select.share", Min: 0, Max: 1, Unit: "share"},
}

func TestKeysWalkNestedAndEmbedded(t *testing.T) {
	got := Keys(reflect.TypeFor[spec]())
	want := []string{"start", "rate", "count", "select.share"}
	if !slices.Equal(got, want) {
		t.Errorf("Keys = %v, want %v", got, want)
	}
	noRange, noField := table[1:].Missing(reflect.TypeFor[spec]())
	if !slices.Equal(noRange, []string{"start"}) || noField != nil {
		t.Errorf("Missing = %v, %v; want [start], []", noRange, noField)
	}
}

func TestCheck(t *testing.T) {
	ok := spec{embedded{1}, 2, 3, "x", inner{0.5}, math.NaN(), nil}
	if err := table.Check(&ok); err != nil {
		t.Fatalf("a valid spec: %v", err)
	}
	for _, tt := range []struct {
		key  string
		x    float64
		want string
	}{
		{"rate", 53, "rate: must be in [0,52] (per year), got 53"},
		{"rate", math.NaN(), "rate: must be a finite number in [0,52] (per year), got NaN"},
		{"rate", math.Inf(-1), "rate: must be a finite number in [0,52] (per year), got -Inf"},
		{"count", 0, "count: must be in [1,10], got 0"},
		{"select.share", 1.5, "select.share: must be in [0,1] (share), got 1.5"},
		{"start", 1e6, "start: must be in [1,100] (year), got 1000000"},
	} {
		s := ok
		if !Set(&s, tt.key, tt.x) {
			t.Fatalf("Set %s failed", tt.key)
		}
		err := table.Check(&s)
		var re *Error
		if !errors.As(err, &re) || re.Key != tt.key || err.Error() != tt.want {
			t.Errorf("%s = %g: got %v, want %q", tt.key, tt.x, err, tt.want)
		}
	}
}

func TestGetSet(t *testing.T) {
	var s spec
	Set(&s, "count", 2.6)
	Set(&s, "select.share", 0.25)
	if x, _ := Get(&s, "count"); x != 3 {
		t.Errorf("an integer key holds %g, want 3 (rounded)", x)
	}
	if x, ok := Get(&s, "select.share"); !ok || x != 0.25 {
		t.Errorf("select.share = %g, %v", x, ok)
	}
	if _, ok := Get(&s, "name"); ok {
		t.Error("Get found a string key")
	}
}

func TestFormat(t *testing.T) {
	for x, want := range map[float64]string{1e9: "1000000000", 0.1: "0.1", 1 << 53: "9007199254740992", 1e300: "1e+300", -5: "-5"} {
		if got := Format(x); got != want {
			t.Errorf("Format(%g) = %s, want %s", x, got, want)
		}
	}
}
