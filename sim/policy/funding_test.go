package policy

import (
	"testing"
)

// TestFundingRaisesOnlyTargetsAfterLag funds every weak school with 5M RMB
// over the first year and compares the world with its unfunded twin:
// funded schools gain resources, after the lag; nobody else changes.
func TestFundingRaisesOnlyTargetsAfterLag(t *testing.T) {
	f := spec(t, "funding").(*FundingSpec)
	f.Start, f.End = 1, 1
	f.PerSchool = 5e6
	f.Facilities, f.Courses, f.Training = 1, 0, 0
	f.Select = Selection{Rule: RuleAll, Tier: "weak"}

	lag := testConfig(1).Params.ResourceLagWeeks

	funded, frecs := run(t, testConfig(1, f), nil)
	_, brecs := run(t, testConfig(1), nil)
	pop := funded.Population()
	targets := treated(frecs[len(frecs)-1], 0)
	if len(targets) == 0 {
		t.Fatal("no school was funded")
	}
	for i := range pop.Schools {
		isWeak := pop.Schools[i].Tier.String() == "weak"
		if targets[int32(i)] != isWeak {
			t.Errorf("school %d (%s): treated %v", i, pop.Schools[i].Tier, targets[int32(i)])
		}
	}
	// Year 1 ends after 20 weeks, the lag is 20 weeks: money spent in week
	// w arrives in week w+20, so by the end of year 1 nothing has arrived.
	y1f, y1b := frecs[1].Schools, brecs[1].Schools
	for i := range y1f {
		if y1f[i].Resources != y1b[i].Resources {
			t.Errorf("year 1 school %d: resources %.4f funded vs %.4f unfunded; the lag is %d weeks", i, y1f[i].Resources, y1b[i].Resources, lag)
		}
		if targets[int32(i)] && y1f[i].Cost.Money < 4.99e6 {
			t.Errorf("year 1 school %d: cost %.0f RMB, want 5M", i, y1f[i].Cost.Money)
		}
	}
	// By the end of year 2 it has all arrived: +1 facilities unit less
	// depreciation, half of that in the resource index.
	y2f, y2b := frecs[2].Schools, brecs[2].Schools
	for i := range y2f {
		gain := y2f[i].Resources - y2b[i].Resources
		if targets[int32(i)] && (gain < 0.4 || gain > 0.5) {
			t.Errorf("year 2 funded school %d: resources +%.3f, want about +0.46", i, gain)
		}
		if !targets[int32(i)] && gain != 0 {
			t.Errorf("year 2 unfunded school %d: resources changed by %.4f", i, gain)
		}
		if y2f[i].Cost.Money != 0 {
			t.Errorf("year 2 school %d: cost %.0f after the policy ended", i, y2f[i].Cost.Money)
		}
	}
}

func TestFundingAllocationRules(t *testing.T) {
	for _, alloc := range []string{AllocEqual, AllocNeed, AllocCompetitive} {
		t.Run(alloc, func(t *testing.T) {
			f := spec(t, "funding").(*FundingSpec)
			f.Start, f.End, f.Allocation = 1, 2, alloc
			f.Select = Selection{Rule: RuleAll, Tier: "any"}
			_, recs := run(t, testConfig(2, f), nil)
			var total float64
			var money []float64
			for _, r := range recs[1].Schools {
				total += r.Cost.Money
				money = append(money, r.Cost.Money)
			}
			n := float64(len(recs[1].Schools))
			if want := f.PerSchool * n / 2; total < want*0.999 || total > want*1.001 {
				t.Errorf("year 1 spending %.0f, want %.0f (per_school × schools / years)", total, want)
			}
			switch alloc {
			case AllocEqual:
				for i, m := range money {
					if m != money[0] {
						t.Fatalf("school %d got %.0f, school 0 %.0f; want equal", i, m, money[0])
					}
				}
			case AllocCompetitive:
				winners := 0
				for _, m := range money {
					if m > 0 {
						winners++
					}
				}
				if winners != (len(money)+1)/2 {
					t.Errorf("%d of %d schools funded, want the better half", winners, len(money))
				}
			case AllocNeed:
				// Weak schools, of lower reputation, get more than strong ones.
				var weak, strong float64
				for _, r := range recs[1].Schools {
					switch r.Tier.String() {
					case "weak":
						weak += r.Cost.Money
					case "strong":
						strong += r.Cost.Money
					}
				}
				// 6 weak and 4 strong schools: compare per-school means.
				if weak/6 <= 2*strong/4 {
					t.Errorf("need-based: weak schools got %.0f each, strong %.0f; want weak far more", weak/6, strong/4)
				}
			}
		})
	}
}
