package calibrate

import (
	"math"
	"testing"

	"schoolnet/sim/ranges"
	"schoolnet/targets"
)

// TestImportanceWeightsOfTruncatedProposals: a generation's proposals
// are redrawn until they fall in the prior's box, so their importance
// weights must count the kernel mixture's mass inside the box. Then a new
// particle weighs, on average, what a draw from the prior weighs (1, the
// weight the first generation's particles and every kept particle from it
// carry): E_q[π/q] = 1 for a proposal q that covers the box. Kept
// particles along one side of a two-parameter box put about two fifths of
// the kernel's mass outside it; without the correction the mean weight is
// about 1.7, and the newest generation takes a share of the posterior it
// has not earned.
func TestImportanceWeightsOfTruncatedProposals(t *testing.T) {
	unit := ranges.Range{Low: 0, High: 1}
	m := &Model{Params: []targets.Param{{Key: "a", Range: unit}, {Key: "b", Range: unit}},
		Settings: targets.Settings{Particles: 10, Alpha: 10.0 / 4010, Seed: 5}}
	prev := &Generation{Number: 0}
	for i := range 10 {
		x := 0.6 * float64(i) / 9 // spread 0–0.6 along one side, and across it
		prev.Kept = append(prev.Kept, Particle{Theta: []float64{x, 0.2 * float64(i%4)}, Weight: 1})
	}
	s := newSampler(m)
	props, err := s.proposals(1, prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 4000 {
		t.Fatalf("%d proposals, want 4000", len(props))
	}
	var sum, sum2 float64
	for _, p := range props {
		if !inside(m, p.Theta) {
			t.Fatalf("proposal %v outside the box", p.Theta)
		}
		sum += p.Weight
		sum2 += p.Weight * p.Weight
	}
	n := float64(len(props))
	mean := sum / n
	se := math.Sqrt((sum2/n - mean*mean) / n)
	t.Logf("mean importance weight %.4f (SE %.4f)", mean, se)
	if math.Abs(mean-1) > 4*se+0.02 {
		t.Errorf("mean importance weight of the proposals %.3f ± %.3f, want 1 (a draw from the prior weighs 1)", mean, se)
	}
}
