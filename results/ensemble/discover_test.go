package ensemble

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"schoolnet/results/sensitivity"
)

// writeComparison writes the ensemble.csv and outcomes.csv of a
// comparison of "pairing" and "funding-only" over draws of two
// parameters, in which funding-only's weak_composite is higher exactly
// where peer_relation_effect < 0.3, whatever teacher_sd is.
func writeComparison(t *testing.T, draws int) string {
	t.Helper()
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	var ens, out strings.Builder
	ens.WriteString("draw,model.peer_relation_effect,model.teacher_sd,scenario,scenario_hash,seed\n")
	out.WriteString("scenario,replication,draw,weak_composite,turnover,scenario_hash,seed\n")
	for d := range draws {
		pe, sd := r.Float64(), 0.1+0.2*r.Float64()
		fmt.Fprintf(&ens, "%d,%f,%f,pairing,h,1\n", d, pe, sd)
		gain := 0.05
		if pe < 0.3 {
			gain = -0.05
		}
		for _, rep := range []int{d, d + draws} { // two replications a draw
			noise := 0.01 * r.NormFloat64()
			fmt.Fprintf(&out, "pairing,%d,%d,%f,0.1,h,1\n", rep, d, -0.9+gain+noise)
			fmt.Fprintf(&out, "funding-only,%d,%d,%f,0.1,h,1\n", rep, d, -0.9+noise)
		}
	}
	os.WriteFile(filepath.Join(dir, "ensemble.csv"), []byte(ens.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "outcomes.csv"), []byte(out.String()), 0o644)
	return dir
}

// TestDiscoverFindsTheKnownRegion: funding-only beats pairing exactly
// where peer_relation_effect < 0.3; PRIM's box says so, and leaves
// teacher_sd free.
func TestDiscoverFindsTheKnownRegion(t *testing.T) {
	dir := writeComparison(t, 200)
	d, err := Discover(dir, Question{Better: "funding-only", Than: "pairing", Outcome: "weak_composite"}, sensitivity.PrimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s := d.Share(); math.Abs(s-0.3) > 0.08 {
		t.Errorf("funding-only wins in %.2f of the draws, want about 0.3", s)
	}
	c := d.PRIM.Steps[d.PRIM.Chosen]
	if c.Density < 0.8 || c.Coverage < 0.5 {
		t.Errorf("chosen box: density %.2f, coverage %.2f", c.Density, c.Coverage)
	}
	if got := c.Box.Restricted(); len(got) != 1 || got[0] != 0 || math.Abs(c.Box.Hi[0]-0.3) > 0.1 {
		t.Errorf("chosen box %s, want peer_relation_effect ≤ about 0.3 alone", c.Box.Describe(d.Keys, bound))
	}
	var b strings.Builder
	d.Print(&b)
	if !strings.Contains(b.String(), "when peer_relation_effect ≤ 0.") {
		t.Errorf("the answer does not read as a condition:\n%s", b.String())
	}
}

// TestDiscoverBadInput: a missing file, an unknown scenario or outcome
// and a bad cell are refused with the file and line.
func TestDiscoverBadInput(t *testing.T) {
	dir := writeComparison(t, 10)
	q := Question{Better: "funding-only", Than: "pairing", Outcome: "weak_composite"}
	for _, tt := range []struct {
		name string
		q    Question
		edit func()
		want string
	}{
		{"unknown scenario", Question{Better: "funding", Than: "pairing", Outcome: "weak_composite"}, nil, "no scenario \"funding\""},
		{"unknown outcome", Question{Better: "funding-only", Than: "pairing", Outcome: "weak_composit"}, nil, "did you mean weak_composite?"},
		{"same scenario", Question{Better: "pairing", Than: "pairing", Outcome: "weak_composite"}, nil, "the same scenario"},
		{"missing", q, func() { os.Remove(filepath.Join(dir, "outcomes.csv")) }, "outcomes.csv: no such file"},
		{"bad cell", q, func() {
			os.WriteFile(filepath.Join(dir, "ensemble.csv"), []byte("draw,model.peer_relation_effect,scenario,scenario_hash,seed\n0,0.1,a,h,1\n1,x,a,h,1\n"), 0o644)
		}, "ensemble.csv:3: model.peer_relation_effect: \"x\" is not a finite number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.edit != nil {
				tt.edit()
			}
			_, err := Discover(dir, tt.q, sensitivity.PrimOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
