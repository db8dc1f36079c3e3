package policy

import (
	"math"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// TestFundingRaisesOnlyTargetsAfterLag funds every weak school with 5M RMB
// over the first year and compares the world with its unfunded twin:
// funded schools gain resources, after the lag; nobody else changes. It
// checks the pipeline with money per school, the routine lag for
// facilities and no substitution; those keys have tests of their own.
func TestFundingRaisesOnlyTargetsAfterLag(t *testing.T) {
	f := spec(t, "funding").(*FundingSpec)
	f.Start, f.End = 1, 1
	f.PerSchool = 5e6
	f.Facilities, f.Courses, f.Training = 1, 0, 0
	f.Select = Selection{Rule: RuleAll, Tier: "weak"}
	perSchool := func(cfg sim.Config) sim.Config {
		cfg.Params.ResourcePupils, cfg.Params.FacilityLagWeeks, cfg.Params.FundingCrowdOut = 0, 0, 0
		return cfg
	}

	lag := testConfig(1).Params.ResourceLagWeeks

	funded, frecs := run(t, perSchool(testConfig(1, f)), nil)
	_, brecs := run(t, perSchool(testConfig(1)), nil)
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

// fundWeak returns a config that funds every weak school with perSchool
// RMB over years 1..end, with the spending shares given, for a run of
// years years of weeks weeks.
func fundWeak(t *testing.T, perSchool float64, end, years, weeks int, shares [3]float64, set func(*FundingSpec, *agents.Params)) func(seed uint64) sim.Config {
	return func(seed uint64) sim.Config {
		f := spec(t, "funding").(*FundingSpec)
		f.Start, f.End, f.PerSchool = 1, end, perSchool
		f.Facilities, f.Courses, f.Training = shares[0], shares[1], shares[2]
		f.Select = Selection{Rule: RuleAll, Tier: "weak"}
		c := testConfig(seed, f)
		c.Years, c.WeeksPerYear = years, weeks
		holdTeacherMarket(&c.Params)
		if set != nil {
			set(f, &c.Params)
		}
		return c
	}
}

var defaultShares = [3]float64{0.5, 0.3, 0.2}

// holdTeacherMarket switches voluntary transfers and the effectiveness
// term of attrition off: a test of what money or remote lessons do to a
// school's teachers measures it on the teachers who stay, so that the few
// seeds it can afford are not swamped by teachers carrying the effect
// away (the market itself is tested in sim/mobility_test.go).
func holdTeacherMarket(p *agents.Params) {
	p.TransferSearch, p.AttritionEffectiveness = 0, 0
}

// TestFundingDiminishingReturns funds every weak school with 3M and with
// 6M RMB over two years: the second 3M raises achievement by less than the
// first (averaged over seeds, years 3 and 4), and by less than twice as
// much with the concavity on than with it off.
func TestFundingDiminishingReturns(t *testing.T) {
	gain := func(per float64, theta float64) float64 {
		eff := effectByYear(t, 6, fundWeak(t, per, 2, 4, 20, defaultShares, func(_ *FundingSpec, p *agents.Params) {
			p.SpendingConcavity = theta
		}))
		return (eff[3] + eff[4]) / 2
	}
	theta := agents.DefaultParams().SpendingConcavity
	first, both := gain(3e6, theta), gain(6e6, theta)
	if first <= 0 || both-first >= first {
		t.Errorf("concavity %g: the first 3M RMB per school buys %+.4f SD, the second %+.4f; want less from the second", theta, first, both-first)
	}
	linFirst, linBoth := gain(3e6, 0), gain(6e6, 0)
	if both/first >= linBoth/linFirst {
		t.Errorf("6M/3M effect ratio %.3f with concavity %g, %.3f without; want the concave one lower", both/first, theta, linBoth/linFirst)
	}
}

// TestFundingCrowdOut compares a grant with and without substitution: the
// district's cut of the regular budget halves what the grant adds to the
// school's resources (exactly, in the stocks) and lowers the effect on
// achievement, while the programme's cost is the same.
func TestFundingCrowdOut(t *testing.T) {
	for _, crowd := range []float64{0, 0.5} {
		f := spec(t, "funding").(*FundingSpec)
		f.Start, f.End, f.PerSchool = 1, 2, 3e6
		f.Facilities, f.Courses, f.Training = 0, 1, 0
		f.Select = Selection{Rule: RuleAll, Tier: "weak"}
		cfg := testConfig(3, f)
		cfg.Params.FundingCrowdOut = crowd
		twin := cfg
		twin.Policies = nil
		_, recs := run(t, cfg, nil)
		_, base := run(t, twin, nil)
		var gain, cost float64
		n := 0
		for i, r := range recs[2].Schools {
			if r.Tier != agents.Weak {
				continue
			}
			gain += r.Resources - base[2].Schools[i].Resources
			cost += r.Cost.Money
			n++
		}
		gain /= float64(n)
		// Courses per pupil: the net money over the school's unit cost,
		// less what depreciation and the lag have taken (checked loosely).
		p := cfg.Params
		pupils := float64(2 * 3 * 30)
		full := 3e6 / 2 / (p.CourseUnitCost * pupils / p.ResourcePupils) / 2 // a year's money, half the index
		want := (1 - crowd) * full
		if gain < 0.6*want || gain > 1.3*want {
			t.Errorf("crowd-out %g: year-2 resource index +%.3f, want about +%.3f (%.0f%% of the grant's)", crowd, gain, want, 100*(1-crowd))
		}
		if math.Abs(cost/float64(n)-1.5e6) > 1 {
			t.Errorf("crowd-out %g: year-2 cost %.0f RMB per school, want the whole grant 1500000", crowd, cost/float64(n))
		}
	}
	with := effectByYear(t, 6, fundWeak(t, 3e6, 2, 4, 20, defaultShares, nil))
	without := effectByYear(t, 6, fundWeak(t, 3e6, 2, 4, 20, defaultShares, func(_ *FundingSpec, p *agents.Params) { p.FundingCrowdOut = 0 }))
	if with[4] >= without[4] {
		t.Errorf("year 4 effect %+.4f SD with crowd-out, %+.4f without; want substitution to lower it", with[4], without[4])
	}
}

// TestLabelledFundingCanComeOutNegative funds every weak school with 1M
// RMB over two years under a public "priority" label. With strong
// responses to the label (families' flight, teachers' exits, a thin
// applicant pool) the programme lowers the schools' achievement; at the
// default responses the label still costs a visible part of the effect.
func TestLabelledFundingCanComeOutNegative(t *testing.T) {
	label := func(l bool, set func(p *agents.Params)) func(*FundingSpec, *agents.Params) {
		return func(f *FundingSpec, p *agents.Params) {
			f.Labelled = l
			if set != nil {
				set(p)
			}
		}
	}
	strong := func(p *agents.Params) { p.LabelAttrition, p.LabelStigma, p.LabelIntakeSES = 1, 1, 0.5 }
	mean := func(e []float64) float64 { return (e[2] + e[3] + e[4]) / 3 }
	plain := mean(effectByYear(t, 6, fundWeak(t, 1e6, 4, 4, 20, defaultShares, label(false, nil))))
	labelled := mean(effectByYear(t, 6, fundWeak(t, 1e6, 4, 4, 20, defaultShares, label(true, nil))))
	stigma := mean(effectByYear(t, 6, fundWeak(t, 1e6, 4, 4, 20, defaultShares, label(true, strong))))
	if stigma >= 0 {
		t.Errorf("strongly stigmatising label: effect %+.4f SD (years 2-4), want negative", stigma)
	}
	if plain-labelled < 0.25*plain {
		t.Errorf("default label: effect %+.4f SD, unlabelled %+.4f; want the label to cost at least a quarter of it", labelled, plain)
	}
	off := mean(effectByYear(t, 6, fundWeak(t, 1e6, 4, 4, 20, defaultShares, label(true, func(p *agents.Params) {
		p.LabelAttrition, p.LabelStigma, p.LabelIntakeSES = 0, 0, 0
	}))))
	if off != plain {
		t.Errorf("label with every response at 0: effect %+.6f, unlabelled %+.6f; want identical", off, plain)
	}
}

// TestFundingEffectDecaysAfterMoneyStops funds every weak school over
// years 1-2 (40-week years, as shipped) and follows the schools to year 7,
// spending the money on one category at a time, and on the shipped mix.
//
//   - Training (non-capital spending): the effect peaks within a year of
//     the last payment (training acts on the next year's students) and
//     falls below half the peak three years later, as the gains fade;
//     with fade-out off the gains are permanent and the effect holds up.
//   - Facilities (capital spending) arrive after construction, so their
//     effect is larger three years after the last payment than one year
//     after it: Jackson & Mackevicius (2024) find capital spending's
//     benefits take about five years to materialise.
//   - The shipped mix peaks within the construction lag and a year, and
//     does not rise after it by more than the noise of four seeds (0.005
//     SD): with the defaults of issue 11's absolute learning its effect
//     holds about level from then to year 7 (16 seeds: 0.020, 0.018,
//     0.019 in years 5-7), as the facilities depreciate slowly.
func TestFundingEffectDecaysAfterMoneyStops(t *testing.T) {
	peak := func(e []float64) (int, float64) {
		y := 0
		for k := range e {
			if e[k] > e[y] {
				y = k
			}
		}
		return y, e[y]
	}
	const end = 2
	training, facilities := [3]float64{0, 0, 1}, [3]float64{1, 0, 0}
	fade := effectByYear(t, 4, fundWeak(t, 1e6, end, 7, 40, training, nil))
	if y, top := peak(fade); y > end+1 || fade[end+4] > 0.5*top {
		t.Errorf("training with fade-out: effect %.4f, peaks in year %d; want the peak by year %d and under half of it by year %d", fade, y, end+1, end+4)
	}
	keep := effectByYear(t, 4, fundWeak(t, 1e6, end, 7, 40, training, func(_ *FundingSpec, p *agents.Params) { p.TrainingFadeout = 0 }))
	if _, top := peak(keep); keep[end+4] < 0.7*top {
		t.Errorf("training without fade-out: effect %.4f; want it to hold above 70%% of its peak (the gains are permanent)", keep)
	}
	capital := effectByYear(t, 4, fundWeak(t, 1e6, end, 7, 40, facilities, nil))
	if capital[end+1] >= capital[end+3] {
		t.Errorf("facilities: effect %.4f; want it larger three years after the last payment than one year after (construction)", capital)
	}
	lag := agents.DefaultParams().FacilityLagWeeks / 40
	mix := effectByYear(t, 4, fundWeak(t, 1e6, end, 7, 40, defaultShares, nil))
	_, early := peak(mix[:end+lag+2])
	if _, top := peak(mix); top > early+0.005 || early <= 0 {
		t.Errorf("shipped mix: effect %.4f; want its peak by year %d (%.4f) not exceeded later by more than 0.005", mix, end+lag+1, early)
	}
}

// TestFundingHelpsDisadvantagedSchoolsAtLeastAsMuch gives every weak and,
// in another run, every strong school the same money (the test world's
// schools are all the same size, so the same money per pupil). Averaged
// over the years after the money starts, the weak schools gain at least
// as much: their resources are scarcer, so each RMB buys more
// (SpendingConcavity), and the reputation and attrition feedbacks keep
// their gains. With money per school and linear returns (the model before
// issue 11) they gained less.
func TestFundingHelpsDisadvantagedSchoolsAtLeastAsMuch(t *testing.T) {
	tiers := func(set func(*agents.Params)) (weak, strong float64) {
		for _, tier := range []string{"weak", "strong"} {
			eff := effectByYear(t, 8, func(seed uint64) sim.Config {
				f := spec(t, "funding").(*FundingSpec)
				f.Start, f.End, f.PerSchool = 1, 2, 1e6
				f.Select = Selection{Rule: RuleAll, Tier: tier}
				c := testConfig(seed, f)
				c.Years, c.WeeksPerYear = 6, 40
				if set != nil {
					set(&c.Params)
				}
				return c
			})
			var mean float64
			for _, e := range eff[1:] {
				mean += e / float64(len(eff)-1)
			}
			if tier == "weak" {
				weak = mean
			} else {
				strong = mean
			}
		}
		return weak, strong
	}
	weak, strong := tiers(nil)
	if weak < strong {
		t.Errorf("mean effect of 1M RMB over years 1-6: weak schools %+.4f SD, strong %+.4f; want weak at least as much", weak, strong)
	}
}
