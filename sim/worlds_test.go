package sim

import (
	"context"
	"reflect"
	"testing"

	"schoolnet/agents"
)

// TestRunWorldsAsFreshRuns: worlds run by RunWorlds, sharing their
// spin-up or not, give exactly the records and observations of fresh runs,
// each observation reaching only its own world's hook.
func TestRunWorldsAsFreshRuns(t *testing.T) {
	treated := smallConfig(31)
	treated.Policies = func() []Policy { return []Policy{boostPolicy{}} }
	other := smallConfig(31)
	other.Params.GrowthPerYear *= 1.1 // another world: not shared
	cfgs := []Config{smallConfig(31), treated, other, treated}
	observed := make([][]int, len(cfgs))
	for k := range cfgs {
		cfgs[k].Observe = func(_, y int, _ *agents.Population, _ *agents.Reference) { observed[k] = append(observed[k], y) }
	}
	got := make([][]YearRecord, len(cfgs))
	if err := RunWorlds(context.Background(), cfgs, func(k int, r YearRecord) { got[k] = append(got[k], r) }); err != nil {
		t.Fatal(err)
	}
	for k, c := range cfgs {
		c.Observe = nil
		if !reflect.DeepEqual(got[k], run(t, c)) {
			t.Errorf("world %d differs from a fresh run", k)
		}
		if want := []int{0, 1, 2}; !reflect.DeepEqual(observed[k], want) {
			t.Errorf("world %d observed years %v, want %v", k, observed[k], want)
		}
	}
	if reflect.DeepEqual(got[0], got[2]) {
		t.Error("a world with other parameters gave the same records")
	}
}
