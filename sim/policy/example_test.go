package policy_test

import (
	"context"
	"fmt"
	"log"

	"schoolnet/scenarios"
	"schoolnet/sim"
	"schoolnet/sim/policy"
	"schoolnet/sim/ranges"
)

// GrantSpec is a [[policy]] of kind "library-grant": each selected school
// gets Amount RMB at the start of every policy year, spent on its
// library (facilities).
type GrantSpec struct {
	policy.Common
	Amount float64 `toml:"amount"`
}

func (s *GrantSpec) Validate() error   { return nil }
func (s *GrantSpec) Exclusive() string { return "" } // stacks with any policy
func (s *GrantSpec) Ranges() ranges.Table {
	return policy.WithCommon(ranges.Range{Key: "amount", Min: 0, Max: 1e8, Unit: "RMB per school and year"})
}
func (s *GrantSpec) New(index int) sim.Policy { return &grant{spec: *s, index: index} }

// grant is the policy of one replication.
type grant struct {
	spec   GrantSpec
	index  int // the policy's place in the scenario: its bit in Member.Treated
	chosen []int32
}

func (g *grant) Name() string { return g.spec.Label() }

func (g *grant) Act(w *sim.World) error {
	if !g.spec.Active(w.Clock.Year) || !w.Clock.YearStart() {
		return nil
	}
	if g.chosen == nil { // select once, at the start of the first year
		g.chosen = g.spec.Select.Choose(w)
		for _, i := range g.chosen {
			w.Pop.Schools[i].Member.Treated |= 1 << uint(g.index)
		}
	}
	for _, i := range g.chosen {
		s := &w.Pop.Schools[i]
		s.Invest(g.spec.Amount, 0)
		s.Cost.Money += g.spec.Amount
	}
	return nil
}

// A program adds a policy kind that scenario files can name, and runs a
// scenario with it.
func ExampleRegister() {
	err := policy.Register("library-grant", func() policy.Spec {
		return &GrantSpec{Common: policy.Common{Start: 1, Select: policy.DefaultSelection()}, Amount: 100000}
	})
	if err != nil {
		log.Fatal(err)
	}
	scn, err := scenarios.Parse("grants.toml", []byte(`name = "grants"
[run]
seed = 3
years = 3
weeks_per_year = 8
spin_up_years = 1
replications = 1
[population]
districts = 1
schools_per_district = 6
staff_history_years = 2
[[policy]]
kind = "library-grant"
amount = 50000
end = 2
[policy.select]
rule = "list"
tier = "any"
schools = [1, 4]
`))
	if err != nil {
		log.Fatal(err)
	}
	records, err := sim.Replicate(context.Background(), scn.Config(1), 1, 1, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, y := range records[0][1:] {
		var money float64
		var treated []int32
		for _, s := range y.Schools {
			money += s.Cost.Money
			if s.Member.Treated != 0 {
				treated = append(treated, s.School)
			}
		}
		fmt.Printf("year %d: schools %v treated, %.0f RMB\n", y.Year, treated, money)
	}
	_, err = scenarios.Parse("typo.toml", []byte("[[policy]]\nkind = \"library-grant\"\namount = -1\n[policy.select]\nrule = \"all\"\n"))
	fmt.Println(err)
	// Output:
	// year 1: schools [1 4] treated, 100000 RMB
	// year 2: schools [1 4] treated, 100000 RMB
	// year 3: schools [1 4] treated, 0 RMB
	// typo.toml:3: policy[1].amount: must be in [0,100000000] (RMB per school and year), got -1
}
