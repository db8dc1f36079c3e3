package policy

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"schoolnet/sim"
	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// Allocation rules of funding.
const (
	AllocEqual       = "equal"       // the same amount to every selected school
	AllocNeed        = "need"        // more to schools of lower reputation
	AllocCompetitive = "competitive" // the better half of proposals get double
	AllocPupils      = "pupils"      // in proportion to enrolment: the same money per pupil
)

var allocations = []string{AllocEqual, AllocNeed, AllocCompetitive, AllocPupils}

// FundingSpec is a [[policy]] of kind "funding": money for the selected
// schools, spread evenly over the policy's weeks, that buys facilities and
// courses (after the resource lag) and teacher training.
type FundingSpec struct {
	Common
	// PerSchool is the money, in RMB, for an average selected school over
	// the whole policy. Default 1,000,000: the SSP's 1M RMB per school over
	// three years (Wang & Liu 2025).
	PerSchool float64 `toml:"per_school"`
	// Allocation is equal, need or competitive; the total is always
	// PerSchool × the number of selected schools.
	Allocation string `toml:"allocation"`
	// Facilities, Courses and Training are the shares of the money spent on
	// each; they sum to 1. Defaults 0.5, 0.3, 0.2: SSP money went to
	// facilities, labs and libraries, new courses and teacher development
	// (Wang & Liu 2025); the split is an assumption.
	Facilities float64 `toml:"facilities"`
	Courses    float64 `toml:"courses"`
	Training   float64 `toml:"training"`
	// TrainingCost is the money that buys one teacher a full year of
	// training. Default 200,000 RMB: assumption, about two years' salary
	// of a Shanghai teacher's substitute cover and course fees.
	TrainingCost float64 `toml:"training_cost"`
	// Labelled says whether the programme publicly labels the schools it
	// funds ("priority", "weak school"), as France's ZEP and RAR did: a
	// labelled school carries School.Label = 1 while the programme runs,
	// and teachers and families respond to it (agents.LabelResponse).
	// Default false.
	Labelled bool `toml:"label"`
}

func init() {
	register("funding", func() Spec {
		return &FundingSpec{
			Common:    Common{Start: 1, End: 3, Select: DefaultSelection()},
			PerSchool: 1e6, Allocation: AllocEqual,
			Facilities: 0.5, Courses: 0.3, Training: 0.2, TrainingCost: 2e5,
		}
	})
}

// Validate checks the funding keys.
func (s *FundingSpec) Validate() error {
	switch {
	case !slices.Contains(allocations, s.Allocation):
		return fieldErr("allocation", "unknown allocation %q; one of %s", s.Allocation, strings.Join(allocations, ", "))
	case math.Abs(s.Facilities+s.Courses+s.Training-1) > 1e-9:
		return fieldErr("facilities", "facilities + courses + training must be 1, got %g", s.Facilities+s.Courses+s.Training)
	}
	return nil
}

// Ranges returns the allowed range of each numeric key. A billion RMB per
// school is more than any school's budget over any policy's life.
func (s *FundingSpec) Ranges() ranges.Table { return fundingRanges }

var fundingRanges = withCommon(
	ranges.Range{Key: "per_school", Min: 0, Max: 1e9, Unit: "RMB per school",
		Low: 8e5, High: 1.2e6, Evidence: ranges.Measured,
		Source: "Wang & Liu (2025): about 1,000,000 RMB per participating SSP school over three years; the plausible range is that figure ±20%, for \"about\""},
	ranges.Range{Key: "facilities", Min: 0, Max: 1, Unit: "share of the money"},
	ranges.Range{Key: "courses", Min: 0, Max: 1, Unit: "share of the money"},
	ranges.Range{Key: "training", Min: 0, Max: 1, Unit: "share of the money"},
	ranges.Range{Key: "training_cost", Min: 1000, Max: 1e8, Unit: "RMB per teacher-year"},
)

// Exclusive: funding stacks with every other policy.
func (s *FundingSpec) Exclusive() string { return "" }

// New returns the policy for one replication.
func (s *FundingSpec) New(index int) sim.Policy {
	return &Funding{Spec: *s, treatment: treatment{index: index}}
}

// Funding is the funding policy of one replication.
type Funding struct {
	Spec FundingSpec
	treatment
	// yearly is each chosen school's money per year, in RMB.
	yearly []float64
	// unlabelled is set once the programme has taken its label off.
	unlabelled bool
}

var (
	_ sim.Policy = (*Funding)(nil)
	_ sim.Quiet  = (*Funding)(nil)
)

// Name returns the policy's name.
func (f *Funding) Name() string { return f.Spec.Label() }

// Act spends this week's money. At the start of the first year it selects
// the schools and sets each one's yearly amount by the allocation rule;
// at the start of each year it sets their teachers' training share. The
// district cuts the school's regular budget by FundingCrowdOut of the
// grant (substitution), so the school's spending rises by only 1 −
// FundingCrowdOut of it, in every category; the programme still pays, and
// is charged, the whole grant. A labelling programme marks its schools
// and takes the label off the first week after it ends.
func (f *Funding) Act(w *sim.World) error {
	c := &f.Spec.Common
	if !c.Active(w.Clock.Year) {
		if f.unlabels(w.Clock.Year) {
			for _, i := range f.chosen {
				school(w, i).Label = 0
			}
			f.unlabelled = true
		}
		return nil
	}
	chosen := f.selectOnce(w, c)
	if f.yearly == nil {
		f.yearly = f.allocate(w, chosen)
	}
	wk := weeksPerYear(w)
	for k, i := range chosen {
		s := school(w, i)
		week := f.yearly[k] / wk
		// net is what the school spends on top of its regular budget:
		// the district cuts that budget by FundingCrowdOut of the grant.
		net, yearly := week, f.yearly[k]
		if crowd := w.Par.FundingCrowdOut; crowd > 0 {
			net, yearly = week*(1-crowd), yearly*(1-crowd)
		}
		s.Invest(net*f.Spec.Facilities, net*f.Spec.Courses)
		if f.Spec.Labelled {
			s.Label = 1
		}
		s.Cost.Money += week
		if w.Clock.YearStart() && f.Spec.Training > 0 && len(s.Teachers) > 0 {
			share := yearly * f.Spec.Training / (f.Spec.TrainingCost * float64(len(s.Teachers)))
			for t := range s.Teachers {
				s.Teachers[t].Training += float32(share)
			}
		}
	}
	return nil
}

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// outside its years, except for the week it takes its label off.
func (f *Funding) QuietWeek(_ *sim.World, k sim.Clock) bool {
	return !f.Spec.Active(k.Year) && !f.unlabels(k.Year)
}

// unlabels reports whether the policy, in a year y outside its years,
// takes its label off the selected schools: after its end, once.
func (f *Funding) unlabels(y int) bool {
	return f.Spec.Labelled && f.done && !f.unlabelled && y > f.Spec.End
}

// allocate returns each chosen school's money per year.
func (f *Funding) allocate(w *sim.World, chosen []int32) []float64 {
	years := float64(activeYears(&f.Spec.Common, w))
	weights := make([]float64, len(chosen))
	switch f.Spec.Allocation {
	case AllocEqual:
		for k := range weights {
			weights[k] = 1
		}
	case AllocNeed: // weight exp(−reputation): a school 1 SD weaker gets e times as much
		for k, i := range chosen {
			weights[k] = fmath.Exp(-float64(school(w, i).Reputation))
		}
	case AllocCompetitive: // proposals scored by observed leadership plus noise; the better half win
		score := make([]float64, len(chosen))
		for k, i := range chosen {
			s := school(w, i)
			// float64(x*y) rounds a product before a sum, so that no
			// machine fuses the two into one multiply-add (see fmath).
			score[k] = s.Principal.EffectiveLeadership(s.Tier, w.Par) + float64(0.1*fmath.NormFloat64(w.Rand))
		}
		order := make([]int, len(chosen))
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
		for _, k := range order[:(len(order)+1)/2] {
			weights[k] = 1
		}
	case AllocPupils:
		for k, i := range chosen {
			weights[k] = float64(len(school(w, i).Students))
		}
	}
	var sum float64
	for _, x := range weights {
		sum += x
	}
	out := make([]float64, len(chosen))
	if sum == 0 {
		return out
	}
	total := f.Spec.PerSchool * float64(len(chosen))
	for k, x := range weights {
		out[k] = total * x / sum / years
	}
	return out
}

// activeYears returns the number of years the policy acts in.
func activeYears(c *Common, w *sim.World) int {
	if c.End == 0 {
		return max(1, w.Years-c.Start+1)
	}
	return c.End - c.Start + 1
}
