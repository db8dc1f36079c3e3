package agents

import (
	"slices"

	"schoolnet/sim/fmath"
)

// ResourceUpdate runs one week of the school's resource stocks:
//
//	F ← F·(1 − δ_F/W) + f_arrive / (cost_F·n/n_unit)
//	K ← K·(1 − δ_K/W) + k_arrive / (cost_K·n/n_unit)
//
// where f_arrive is the facilities money put into the pipeline
// FacilityLag weeks ago, k_arrive the courses money put in ResourceLagWeeks
// weeks ago (see School.Invest), n the school's planned enrolment and
// n_unit ResourcePupils (with ResourcePupils 0 the factor n/n_unit is 1:
// money buys the same stock in a school of any size). The school's routine
// budget (FacilitySpending, CourseSpending a year) enters the pipelines
// every week, with the same lags; at the generated stock it exactly
// offsets depreciation.
func ResourceUpdate(s *School, env *Env) {
	p := env.Par
	w := float64(env.WeeksPerYear)
	s.Invest(s.FacilitySpending/w, s.CourseSpending/w)
	f, k := s.pipeF.take(), s.pipeC.take()
	costF, costC := p.FacilityUnitCost, p.CourseUnitCost
	if p.ResourcePupils > 0 {
		scale := s.plannedPupils(env.Grades) / p.ResourcePupils
		costF, costC = costF*scale, costC*scale
	}
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	s.Facilities = float32(float64(float64(s.Facilities)*(1-p.FacilityDepreciation/w)) + f/costF)
	s.Courses = float32(float64(float64(s.Courses)*(1-p.CourseDepreciation/w)) + k/costC)
}

// plannedPupils is the school's planned enrolment: ClassesPerGrade ×
// ClassSize × grades.
func (s *School) plannedPupils(grades int) float64 {
	return float64(s.ClassesPerGrade) * float64(s.ClassSize) * float64(grades)
}

// routineSpending returns the yearly routine budgets, in RMB, that keep a
// school of the given planned enrolment at resource stock r (facilities
// and courses both r): r·cost·δ, times n/ResourcePupils when money is
// reckoned per pupil.
func routineSpending(r, pupils float64, par *Params) (facilities, courses float64) {
	facilities = r * par.FacilityUnitCost * par.FacilityDepreciation
	courses = r * par.CourseUnitCost * par.CourseDepreciation
	if par.ResourcePupils > 0 {
		scale := pupils / par.ResourcePupils
		facilities, courses = facilities*scale, courses*scale
	}
	return facilities, courses
}

// FacilityLag returns the weeks between money for facilities and its
// arrival as stock: FacilityLagWeeks, or ResourceLagWeeks when that is 0.
func (p *Params) FacilityLag() int {
	if p.FacilityLagWeeks > 0 {
		return p.FacilityLagWeeks
	}
	return p.ResourceLagWeeks
}

// ResourceTerm is the resource term of LearningGrowth, in SD a year, for a
// school of resource index r against the reference mean rRef:
//
//	β_res·(r − R̄)                        θ = 0 (linear)
//	β_res·R̄·h_θ(r/R̄)                     θ > 0
//
// with θ = SpendingConcavity and h_θ the isoelastic curve of Concave. Every
// form has slope β_res at the reference mean; with θ > 0 the slope is
// β_res·(R̄/r)^θ, so a unit of resources is worth more where there are
// fewer (diminishing returns to spending).
func ResourceTerm(r, rRef float64, p *Params) float64 {
	if p.SpendingConcavity == 0 {
		return float64(p.ResourceEffect * (r - rRef))
	}
	// Rounded, so that a caller's sum cannot fuse with the product (fmath).
	return float64(p.ResourceEffect * Concave(r, rRef, p.SpendingConcavity))
}

// TrainingDose is the training that T, this year's share of a teacher's
// year in training on top of the routine T_0 (RoutineTraining), is worth:
//
//	T                          θ = 0 or T_0 = 0 (linear)
//	T_0·h_θ((T_0 + T)/T_0)     otherwise
//
// with θ = SpendingConcavity: the first hours above routine training count
// fully, later ones less (slope (T_0/(T_0 + T))^θ).
func TrainingDose(training float64, p *Params) float64 {
	if p.SpendingConcavity == 0 || p.RoutineTraining == 0 || training <= 0 {
		return training
	}
	return Concave(p.RoutineTraining+training, p.RoutineTraining, p.SpendingConcavity)
}

// Concave is the isoelastic curve through (ref, 0) with slope 1 there:
//
//	ref·h_θ(x/ref),  h_θ(y) = (y^(1−θ) − 1)/(1 − θ),  h_1(y) = ln y
//
// Its slope at x is (ref/x)^θ. x is floored at 1e−9 and a non-positive ref
// gives 0.
func Concave(x, ref, theta float64) float64 {
	if ref <= 0 {
		return 0
	}
	y := max(x, 1e-9) / ref
	var h float64
	if theta == 1 {
		h = fmath.Log(y)
	} else {
		h = (fmath.Pow(y, 1-theta) - 1) / (1 - theta)
	}
	return float64(ref * h)
}

// FillPipeline puts a full lag's worth of routine spending into the
// pipelines, so that a generated school starts at its steady state.
func FillPipeline(s *School, weeksPerYear int) {
	w := float64(weeksPerYear)
	s.pipeF.fill(s.FacilitySpending / w)
	s.pipeC.fill(s.CourseSpending / w)
}

// pipeline is a ring of weekly slots of money on its way to a stock: money
// put in during week t is taken out by the ResourceUpdate of week t + lag,
// where the ring has lag+1 slots. Between steps the slot before at is the
// one that the next week's money goes to.
type pipeline struct {
	slot []float64
	at   int
}

func newPipeline(lag int) pipeline { return pipeline{slot: make([]float64, lag+1)} }

// free is the slot that money put in now goes to.
func (p *pipeline) free() int { return (p.at + len(p.slot) - 1) % len(p.slot) }

// put adds money to the slot taken out lag weeks from now.
func (p *pipeline) put(x float64) {
	// Rounded: callers pass products, which must not fuse into the sum
	// (see package fmath).
	p.slot[p.free()] += float64(x)
}

// take empties this week's slot, moves on and returns the money.
func (p *pipeline) take() float64 {
	x := p.slot[p.at]
	p.slot[p.at] = 0
	p.at = (p.at + 1) % len(p.slot)
	return x
}

// fill sets every slot but the free one to x.
func (p *pipeline) fill(x float64) {
	free := p.free()
	for k := range p.slot {
		if k != free {
			p.slot[k] = x
		}
	}
}

// clone returns a copy that shares no memory with p.
func (p *pipeline) clone() pipeline { return pipeline{slot: slices.Clone(p.slot), at: p.at} }

// clear empties every slot.
func (p *pipeline) clear() { clear(p.slot) }
