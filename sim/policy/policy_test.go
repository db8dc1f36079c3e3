package policy

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"schoolnet/sim"
)

// world returns a generated world of the test config, before any step.
func world(t *testing.T, seed uint64) *sim.World {
	t.Helper()
	e, err := sim.New(testConfig(seed))
	if err != nil {
		t.Fatal(err)
	}
	return e.World()
}

func TestSelectionRules(t *testing.T) {
	w := world(t, 3)
	weak := 0
	for i := range w.Pop.Schools {
		if w.Pop.Schools[i].Tier.String() == "weak" {
			weak++
		}
	}
	for _, tt := range []struct {
		sel  Selection
		want int
	}{
		{Selection{Rule: RuleAll, Tier: "weak"}, weak},
		{Selection{Rule: RuleAll, Tier: "any"}, len(w.Pop.Schools)},
		{Selection{Rule: RuleAll, Tier: "any", Districts: []int{1}}, len(w.Pop.Schools) / 2},
		{Selection{Rule: RuleLottery, Tier: "weak", Share: 0.5}, weak / 2},
		{Selection{Rule: RuleRank, Tier: "any", Share: 0.25}, len(w.Pop.Schools) / 4},
		{Selection{Rule: RuleVoluntary, Tier: "weak", Share: 0.5, Strength: 1}, weak / 2},
		{Selection{Rule: RuleList, Tier: "any", Schools: []int{3, 1, 7}}, 3},
	} {
		got := tt.sel.Choose(w)
		if len(got) != tt.want {
			t.Errorf("%+v chose %d schools, want %d", tt.sel, len(got), tt.want)
		}
		for k, i := range got {
			if !tt.sel.Eligible(&w.Pop.Schools[i]) {
				t.Errorf("%+v chose ineligible school %d", tt.sel, i)
			}
			if k > 0 && got[k-1] >= i {
				t.Errorf("%+v: schools not in index order: %v", tt.sel, got)
			}
		}
	}
	// Rank takes the lowest reputations.
	rank := Selection{Rule: RuleRank, Tier: "any", Share: 0.25}
	chosen := rank.Choose(w)
	maxChosen := math.Inf(-1)
	in := map[int32]bool{}
	for _, i := range chosen {
		in[i] = true
		maxChosen = max(maxChosen, float64(w.Pop.Schools[i].Reputation))
	}
	for i := range w.Pop.Schools {
		if !in[int32(i)] && float64(w.Pop.Schools[i].Reputation) < maxChosen {
			t.Errorf("rank left out school %d of reputation %.3f below a chosen %.3f", i, w.Pop.Schools[i].Reputation, maxChosen)
		}
	}
}

// TestVoluntarySelectsOnMotivation: volunteers are more motivated than
// the schools that stay out, and more so the stronger the selection.
func TestVoluntarySelectsOnMotivation(t *testing.T) {
	gap := func(strength float64) float64 {
		var sum float64
		const seeds = 60
		for seed := range uint64(seeds) {
			w := world(t, 100+seed)
			sel := Selection{Rule: RuleVoluntary, Tier: "any", Share: 0.5, Strength: strength}
			in := map[int32]bool{}
			for _, i := range sel.Choose(w) {
				in[i] = true
			}
			var a, b, na, nb float64
			for i := range w.Pop.Schools {
				m := w.Pop.Schools[i].Principal.ReformMotivation()
				if in[int32(i)] {
					a, na = a+m, na+1
				} else {
					b, nb = b+m, nb+1
				}
			}
			sum += a/na - b/nb
		}
		return sum / seeds
	}
	g0, g1, g3 := gap(0), gap(1), gap(3)
	if math.Abs(g0) > 0.15 {
		t.Errorf("strength 0: motivation gap %.3f, want about 0 (a lottery)", g0)
	}
	if !(g1 > 0.3 && g3 > g1+0.3) {
		t.Errorf("motivation gap %.3f at strength 1 and %.3f at 3; want positive and growing", g1, g3)
	}
}

// TestSelectionReadsResults: where the evaluation lab gives a selection the
// schools' measured results of the year before, rank takes the lowest
// results instead of the lowest reputations, and voluntary selection with
// a large weight on a bad year takes the schools of the worst results;
// with weight 0 it chooses as without results.
func TestSelectionReadsResults(t *testing.T) {
	w := world(t, 4)
	n := len(w.Pop.Schools)
	results := make([]float64, n)
	for i := range results {
		results[i] = float64((i*7)%n) - float64(n)/2 // an order unrelated to reputation
	}
	worst := func(k int) map[int32]bool {
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(results[a], results[b]) })
		out := map[int32]bool{}
		for _, i := range idx[:k] {
			out[i] = true
		}
		return out
	}
	for _, sel := range []Selection{
		{Rule: RuleRank, Tier: "any", Share: 0.25, Results: results, ResultWeight: 1},
		{Rule: RuleVoluntary, Tier: "any", Share: 0.25, Strength: 1, Results: results, ResultWeight: 1000},
	} {
		got := sel.Choose(w)
		want := worst(len(got))
		for _, i := range got {
			if !want[i] {
				t.Errorf("%s with results: chose school %d of result %g, not among the %d worst", sel.Rule, i, results[i], len(got))
			}
		}
	}
	// Weight 0: the results change nothing (same draws, same schools).
	a := Selection{Rule: RuleVoluntary, Tier: "any", Share: 0.5, Strength: 1}
	b := a
	b.Results = results
	if got, want := b.Choose(world(t, 5)), a.Choose(world(t, 5)); !slices.Equal(got, want) {
		t.Errorf("voluntary with results of weight 0 chose %v, without results %v", got, want)
	}
}
