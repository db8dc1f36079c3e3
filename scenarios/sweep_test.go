package scenarios

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"schoolnet/sim/policy"
)

// sweepBase is a small scenario with a pairing policy named "pairs".
const sweepBase = `name = "small"
[run]
seed = 42
years = 2
weeks_per_year = 10
spin_up_years = 1
[population]
districts = 2
schools_per_district = 3
staff_history_years = 3
[[policy]]
kind = "pairing"
name = "pairs"
end = 2
`

func loadSweep(t *testing.T, sweep string) *Scenario {
	t.Helper()
	dir := writeFiles(t, map[string]string{"sweep.toml": sweepBase + sweep})
	s, err := Load(filepath.Join(dir, "sweep.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSweepDefaults(t *testing.T) {
	s := loadSweep(t, "[sweep]\n[[sweep.param]]\nkey = \"model.tie_accept\"\nvalues = [0.1]\n")
	want := DefaultSweep()
	if sw := s.Sweep; sw.Method != want.Method || sw.Replications != 4 || sw.Points != 20 || sw.Outcome != "weak_composite" || sw.Seed != nil {
		t.Errorf("sweep %+v, want the defaults %+v", sw, want)
	}
	plain := loadSweep(t, "")
	if plain.Sweep.Defined() {
		t.Errorf("a scenario without [sweep] has sweep %+v, want none", plain.Sweep)
	}
}

func TestSweepGridOrder(t *testing.T) {
	s := loadSweep(t, `[sweep]
[[sweep.param]]
key = "policy.pairs.mentoring_intensity"
values = [0.0, 0.5, 1]
[[sweep.param]]
key = "model.activity_tie_boost"
values = [0.5, 1.5]
[[sweep.param]]
key = "policy.pairs.select.share"
values = [0.25, 0.75]
`)
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 12 {
		t.Fatalf("%d points, want 3×2×2 = 12", len(points))
	}
	for i, pt := range points {
		// The last param varies fastest.
		want := []float64{[]float64{0, 0.5, 1}[i/4], []float64{0.5, 1.5}[i/2%2], []float64{0.25, 0.75}[i%2]}
		var got []float64
		for _, v := range pt.Values {
			switch x := v.(type) {
			case float64:
				got = append(got, x)
			case int64:
				got = append(got, float64(x))
			}
		}
		if pt.Index != i || !slices.Equal(got, want) {
			t.Errorf("point %d: index %d values %v, want %v", i, pt.Index, got, want)
		}
		// Each point's scenario has its values and keeps the rest.
		ps := pt.Scenario
		pair := ps.Policies[0].(*policy.PairingSpec)
		if pair.MentoringIntensity != want[0] || ps.Model.ActivityTieBoost != want[1] || pair.Select.Share != want[2] {
			t.Errorf("point %d scenario: intensity %g boost %g share %g, want %v", i, pair.MentoringIntensity, ps.Model.ActivityTieBoost, pair.Select.Share, want)
		}
		if ps.Name != "small" || ps.Run != s.Run || pair.Focus != policy.FocusAttainment || len(ps.Policies) != 1 {
			t.Errorf("point %d: name %q run %+v policies %d; want the sweep scenario's", i, ps.Name, ps.Run, len(ps.Policies))
		}
	}
	// The sweep scenario itself is untouched.
	if p := s.Policies[0].(*policy.PairingSpec); p.MentoringIntensity != 0.5 || p.Select.Share != 0.5 {
		t.Errorf("sweep scenario changed: %+v", p)
	}
}

func TestSweepLHSStratified(t *testing.T) {
	const n = 10
	s := loadSweep(t, fmt.Sprintf(`[sweep]
method = "lhs"
points = %d
seed = 7
[[sweep.param]]
key = "model.activity_tie_boost"
min = 0.5
max = 2.5
[[sweep.param]]
key = "policy.pairs.select.share"
min = 0.1
max = 0.9
[[sweep.param]]
key = "policy.pairs.teacher_ties"
min = 0
max = 4
`, n))
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != n {
		t.Fatalf("%d points, want %d", len(points), n)
	}
	for k, r := range [][2]float64{{0.5, 2.5}, {0.1, 0.9}} {
		var xs []float64
		for _, pt := range points {
			xs = append(xs, pt.Values[k].(float64))
		}
		slices.Sort(xs)
		width := (r[1] - r[0]) / n
		for j, x := range xs {
			// One value in each stratum [min + j·w, min + (j+1)·w).
			if lo, hi := r[0]+float64(j)*width, r[0]+float64(j+1)*width; x < lo-1e-12 || x >= hi+1e-12 {
				t.Errorf("param %d: stratum %d holds %g, want it in [%g,%g)", k, j, x, lo, hi)
			}
		}
	}
	// An integer key takes whole numbers in [min, max], two draws each
	// with 10 points over 5 values.
	count := map[int64]int{}
	for _, pt := range points {
		v, ok := pt.Values[2].(int64)
		if !ok || v < 0 || v > 4 {
			t.Fatalf("teacher_ties %v (%T), want a whole number in [0,4]", pt.Values[2], pt.Values[2])
		}
		count[v]++
		if got := pt.Scenario.Policies[0].(*policy.PairingSpec).TeacherTies; int64(got) != v {
			t.Errorf("point %d: teacher_ties %d, want %d", pt.Index, got, v)
		}
	}
	for v := range int64(5) {
		if count[v] != 2 {
			t.Errorf("teacher_ties = %d drawn %d times, want 2 (one per stratum of width 1)", v, count[v])
		}
	}
	// The same seed gives the same points; another seed others.
	again, _ := s.SweepPoints()
	other := loadSweep(t, strings.Replace(fmt.Sprintf("[sweep]\nmethod = \"lhs\"\npoints = %d\nseed = 7\n[[sweep.param]]\nkey = \"model.activity_tie_boost\"\nmin = 0.5\nmax = 2.5\n", n), "seed = 7", "seed = 8", 1))
	otherPoints, _ := other.SweepPoints()
	for i := range points {
		if points[i].Values[0] != again[i].Values[0] {
			t.Fatalf("point %d differs between two expansions of the same sweep", i)
		}
	}
	if points[0].Values[0] == otherPoints[0].Values[0] {
		t.Error("seeds 7 and 8 drew the same first point")
	}
}

func TestSweepDefaultSeedIsRunSeed(t *testing.T) {
	src := "[sweep]\nmethod = \"lhs\"\npoints = 3\n%s[[sweep.param]]\nkey = \"model.activity_tie_boost\"\nmin = 0\nmax = 1\n"
	a, _ := loadSweep(t, fmt.Sprintf(src, "")).SweepPoints()
	b, _ := loadSweep(t, fmt.Sprintf(src, "seed = 42\n")).SweepPoints()
	for i := range a {
		if a[i].Values[0] != b[i].Values[0] {
			t.Errorf("point %d: %v without a seed, %v with seed = run.seed", i, a[i].Values[0], b[i].Values[0])
		}
	}
}

func TestSweepStringValuesAndExtends(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base.toml": sweepBase + "[sweep]\nreplications = 2\n[[sweep.param]]\nkey = \"model.tie_accept\"\nvalues = [0.1, 0.2]\n",
		"main.toml": "extends = \"base.toml\"\n[[sweep.param]]\nkey = \"policy.pairs.focus\"\nvalues = [\"general\", \"attainment\"]\n",
	})
	s, err := Load(filepath.Join(dir, "main.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// The extending file's [[sweep.param]] tables replace the base's; the
	// rest of [sweep] is inherited.
	if got := s.Sweep.Keys(); !slices.Equal(got, []string{"policy.pairs.focus"}) || s.Sweep.Replications != 2 {
		t.Fatalf("keys %v replications %d, want [policy.pairs.focus] and 2 from the base", got, s.Sweep.Replications)
	}
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"general", "attainment"} {
		if got := points[i].Scenario.Policies[0].(*policy.PairingSpec).Focus; got != want {
			t.Errorf("point %d: focus %q, want %q", i, got, want)
		}
	}
}

func TestBrokenSweeps(t *testing.T) {
	// Lines: sweepBase has 14 lines, so [sweep] is line 15.
	const param = "[[sweep.param]]\n"
	for _, tt := range []struct {
		name, src string
		line      int
		key, msg  string
	}{
		{"unknown method", "[sweep]\nmethod = \"gird\"\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n", 16, "sweep.method", "unknown method \"gird\" (one of grid, lhs, morris, sobol, table)"},
		{"unknown sweep key", "[sweep]\nreplicatons = 2\n", 16, "sweep.replicatons", "did you mean sweep.replications?"},
		{"no params", "[sweep]\nreplications = 2\n", 15, "sweep.param", "at least one [[sweep.param]]"},
		{"unknown model key", "[sweep]\n" + param + "key = \"model.tie_acept\"\nvalues = [0.1]\n", 17, "sweep.param[1].key", "did you mean model.tie_accept?"},
		{"unknown policy", "[sweep]\n" + param + "key = \"policy.pair.mentoring_intensity\"\nvalues = [0.1]\n", 17, "sweep.param[1].key", "did you mean policy.pairs?"},
		{"unknown policy key", "[sweep]\n" + param + "key = \"policy.pairs.mentoring\"\nvalues = [\"none\"]\n" + param + "key = \"policy.pairs.select.shar\"\nvalues = [0.1]\n", 20, "sweep.param[2].key", "did you mean policy.pairs.select.share?"},
		{"run key", "[sweep]\n" + param + "key = \"run.seed\"\nvalues = [1]\n", 17, "sweep.param[1].key", "starts with model., population. or policy."},
		{"a policy's name", "[sweep]\n" + param + "key = \"policy.pairs.name\"\nvalues = [\"x\"]\n", 17, "sweep.param[1].key", "cannot be swept"},
		{"values and range", "[sweep]\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\nmin = 0.0\nmax = 1.0\n", 16, "sweep.param[1]", "not both"},
		{"neither values nor range", "[sweep]\n" + param + "key = \"model.tie_accept\"\n", 16, "sweep.param[1]", "give values (grid) or min and max (lhs)"},
		{"range for grid", "[sweep]\n" + param + "key = \"model.tie_accept\"\nmin = 0.0\nmax = 1.0\n", 16, "sweep.param[1]", "method grid needs values"},
		{"values for lhs", "[sweep]\nmethod = \"lhs\"\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n", 17, "sweep.param[1]", "method lhs needs min and max"},
		{"min above max", "[sweep]\nmethod = \"lhs\"\n" + param + "key = \"model.tie_accept\"\nmin = 0.5\nmax = 0.2\n", 20, "sweep.param[1].max", "must be above min"},
		{"lhs over a string", "[sweep]\nmethod = \"lhs\"\n" + param + "key = \"policy.pairs.focus\"\nmin = 0.0\nmax = 1.0\n", 18, "sweep.param[1].key", "not a number"},
		{"float for an integer key", "[sweep]\n" + param + "key = \"policy.pairs.teacher_ties\"\nvalues = [1.5]\n", 18, "sweep.param[1].values", "whole numbers"},
		{"string for a number", "[sweep]\n" + param + "key = \"model.tie_accept\"\nvalues = [\"high\"]\n", 18, "sweep.param[1].values", "takes a number"},
		{"empty values", "[sweep]\n" + param + "key = \"model.tie_accept\"\nvalues = []\n", 18, "sweep.param[1].values", "at least one value"},
		{"swept twice", "[sweep]\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n" + param + "key = \"model.tie_accept\"\nvalues = [0.2]\n", 20, "sweep.param[2].key", "swept twice"},
		{"points for grid", "[sweep]\npoints = 5\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n", 16, "sweep.points", "only for method lhs"},
		{"no replications", "[sweep]\nreplications = 0\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n", 16, "sweep.replications", "[1,10000]"},
		{"unknown outcome", "[sweep]\noutcome = \"weak_composit\"\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n", 16, "sweep.outcome", "did you mean weak_composite?"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("broken.toml", []byte(sweepBase+tt.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *scenarios.Error", err)
			}
			if e.File != "broken.toml" || e.Line != tt.line || e.Key != tt.key {
				t.Errorf("got file %q line %d key %q, want broken.toml line %d key %q (%v)", e.File, e.Line, e.Key, tt.line, tt.key, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not say %q", err, tt.msg)
			}
		})
	}
}

// TestBrokenSweepPoints checks values that load as a [sweep] table but
// make a point that is not a valid scenario.
func TestBrokenSweepPoints(t *testing.T) {
	const param = "[[sweep.param]]\n"
	for _, tt := range []struct {
		name, src string
		line      int
		key, msg  string
	}{
		{"model value out of range", "[sweep]\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1, 1.5]\n", 18, "sweep.param[1].values", "point 1 sets model.tie_accept = 1.5: must be in [0,1] (chance), got 1.5"},
		{"policy value out of range", "[sweep]\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n" + param + "key = \"policy.pairs.mentoring_intensity\"\nvalues = [0.5, -1]\n", 21, "sweep.param[2].values", "point 1 sets policy.pairs.mentoring_intensity = -1: must be in [0,1]"},
		{"selection out of range", "[sweep]\n" + param + "key = \"policy.pairs.select.share\"\nvalues = [2]\n", 18, "sweep.param[1].values", "point 0 sets policy.pairs.select.share = 2: must be in [0,1]"},
		{"lhs range too wide", "[sweep]\nmethod = \"lhs\"\npoints = 4\n" + param + "key = \"policy.pairs.select.share\"\nmin = 0.5\nmax = 3.5\n", 18, "sweep.param[1]", "sets policy.pairs.select.share = "},
		// The shares' sum names the share the point sets, and so the
		// param that sets it.
		{"an invalid combination", "[sweep]\n" + param + "key = \"population.weak.share\"\nvalues = [0.3, 0.5]\n", 18, "sweep.param[1].values", "point 1 sets population.weak.share = 0.5: tier shares must sum to 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("broken.toml", []byte(sweepBase+tt.src))
			if err != nil {
				t.Fatalf("the sweep table itself is valid, got %v", err)
			}
			_, err = s.SweepPoints()
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *scenarios.Error", err)
			}
			if e.File != "broken.toml" || e.Line != tt.line || e.Key != tt.key {
				t.Errorf("got file %q line %d key %q, want broken.toml line %d key %q (%v)", e.File, e.Line, e.Key, tt.line, tt.key, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestFormatSweepValue(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want string
	}{{int64(3), "3"}, {1e6, "1000000"}, {0.1, "0.1"}, {float64(2), "2"}, {1.0 / 3, "0.3333333333333333"}, {"general", "general"}, {true, "true"}, {math.SmallestNonzeroFloat64 * 0, "0"}} {
		if got := FormatSweepValue(tt.v); got != tt.want {
			t.Errorf("FormatSweepValue(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
