package agents

import "schoolnet/sim/fmath"

// Principal leads one school.
type Principal struct {
	// ID is unique in the population.
	ID int64
	// Leadership is instructional leadership in [0,1], before the context
	// discount (see EffectiveLeadership).
	Leadership float32
	// Potential is the leadership experience alone leads to.
	Potential float32
	// Experience as a principal, in years.
	Experience float32
	// ExperienceByTier splits Experience by the tier of the school where it
	// was gained; the entry of the current school's tier is the principal's
	// experience in comparable schools.
	ExperienceByTier [NumTiers]float32
	// Mentoring is the intensity of mentoring received this week, in [0,1],
	// and MentorLeadership the mentor's leadership; both are set by policies
	// and cleared every week (ClearReform).
	Mentoring        float32
	MentorLeadership float32
	// Training is this week's share of full-time-equivalent leadership
	// training, set by policies and cleared every week.
	Training float32

	// motivation is the latent reform motivation: a standard normal draw
	// that nobody outside the model observes. See ReformResponse.
	motivation float32
}

// EffectiveLeadership is leadership as it acts in school tier:
//
//	L_eff = L · (1 − ContextDiscount · (1 − fit)),  fit = (X_tier + 1) / (X + 1)
//
// where X is total experience and X_tier the experience gained in schools of
// this tier. A new principal, or one who has always led this kind of school,
// has fit 1; one whose experience all comes from another kind has fit near 0.
func (p *Principal) EffectiveLeadership(tier Tier, par *Params) float64 {
	fit := (float64(p.ExperienceByTier[tier]) + 1) / (float64(p.Experience) + 1)
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	return float64(float64(p.Leadership) * (1 - float64(par.ContextDiscount*(1-fit))))
}

// ReformResponse is the factor by which the principal's school turns reform
// inputs (mentoring, training) into change:
//
//	r = 2 · logistic(MotivationResponse · m)
//
// with m the latent motivation. Its population mean is about 1. Policies may
// read it to decide voluntary participation; evaluation code must never read
// it, and a test in package results enforces that for the evaluation side.
func (p *Principal) ReformResponse(par *Params) float64 {
	// The argument rounded: where Exp is inlined (profile-guided builds),
	// its first sums would otherwise fuse with the product (see fmath).
	return 2 / (1 + fmath.Exp(float64(-par.MotivationResponse*float64(p.motivation))))
}

// ReformMotivation returns the latent motivation itself. Only policies that
// model voluntary selection may call it.
func (p *Principal) ReformMotivation() float64 { return float64(p.motivation) }

// newPrincipal draws a principal for school s with x years of experience,
// all of it in schools of s's tier, and the leadership that experience has
// brought (the solution of LeadershipUpdate's experience term):
//
//	L(x) = P − NoviceGap·(1 + x/τ_x)^(−λ_x·τ_x)
func (s *School) newPrincipal(x float64, par *Params) Principal {
	r := s.rng
	pot := float64(s.LeadershipMean) + float64(par.PrincipalSD*fmath.NormFloat64(r))
	p := Principal{
		ID:         s.newID(),
		Potential:  clamp01f(pot),
		Leadership: clamp01f(pot - noviceGap(x, par)),
		Experience: float32(x),
		motivation: float32(fmath.NormFloat64(r)),
	}
	p.ExperienceByTier[s.Tier] = float32(x)
	return p
}

// noviceGap is how far below their potential experience x leaves a
// principal: NoviceGap·(1 + x/τ_x)^(−λ_x·τ_x).
func noviceGap(x float64, par *Params) float64 {
	return float64(par.NoviceGap * fmath.Pow(1+x/par.LeadershipExperienceScale, -par.LeadershipExperienceRate*par.LeadershipExperienceScale))
}

// setExperience gives a drawn principal x years of experience, all in
// schools of tier, and the leadership they bring (as newPrincipal does):
// a roster's principal tenure.
func (p *Principal) setExperience(x float64, tier Tier, par *Params) {
	p.Experience = float32(x)
	p.ExperienceByTier = [NumTiers]float32{}
	p.ExperienceByTier[tier] = float32(x)
	p.Leadership = clamp01f(float64(p.Potential) - noviceGap(x, par))
}
