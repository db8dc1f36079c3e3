package agents

// LeadershipUpdate runs one week of the principal's instructional
// leadership and returns the effective leadership it then has in this
// school:
//
//	ΔL = (1/W)·[ λ_x/(1 + X/τ_x)·max(0, P − L)
//	           + λ_m·m·r·max(0, L_mentor − L) + λ_t·T·r ]
//
// with P the principal's potential, X their experience, m the mentoring intensity, L_mentor
// the mentor's leadership, T the training share and r the school's
// ReformResponse (driven by the latent motivation). L stays in [0,1].
// The effective leadership is Principal.EffectiveLeadership, blended with a
// federation lead's where one is shared:
//
//	L_eff = (1 − w)·L_eff,own + w·L_shared
//
// with w = Reform.SharedWeight and L_shared = Reform.SharedLeadership.
func LeadershipUpdate(s *School, env *Env, w float64) float64 {
	p := env.Par
	pr := &s.Principal
	l := float64(pr.Leadership)
	x := float64(pr.Experience)
	r := pr.ReformResponse(p)
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	// Each pull's yearly rate is capped at W, so that a week closes at most
	// its whole gap however coarse the calendar (as weekly does for the
	// other relaxations); below the cap, min leaves the rate's bits as
	// they are.
	dl := float64(min(p.LeadershipExperienceRate/(1+x/p.LeadershipExperienceScale), w)*max(0, float64(pr.Potential)-l)) +
		float64(min(p.MentoringRate*float64(pr.Mentoring)*r, w)*max(0, float64(pr.MentorLeadership)-l)) +
		float64(p.TrainingRate*float64(pr.Training)*r)
	pr.Leadership = float32(min(1, l+dl/w))
	return s.Leadership(p)
}

// Leadership is the leadership that acts in school s: its principal's
// EffectiveLeadership, blended with a federation lead's where one is
// shared (Reform.SharedWeight, Reform.SharedLeadership).
func (s *School) Leadership(p *Params) float64 {
	w := float64(s.Reform.SharedWeight)
	return float64((1-w)*s.Principal.EffectiveLeadership(s.Tier, p)) + float64(w*float64(s.Reform.SharedLeadership))
}

// ClimateUpdate moves school climate towards its target:
//
//	C* = clamp01( c_0 + c_L·L_eff + c_M·M̄ )
//	C ← C + (ρ_C/W)·(C* − C)
//
// with M̄ the mean morale of the school's teachers.
func ClimateUpdate(s *School, leff float64, env *Env, w float64) {
	p := env.Par
	var morale float64
	for i := range s.Teachers {
		morale += float64(s.Teachers[i].Morale)
	}
	morale /= float64(max(1, len(s.Teachers)))
	target := min(1, max(0, p.ClimateBase+float64(p.ClimateLeadership*leff)+float64(p.ClimateMorale*morale)))
	s.Climate += float32(weekly(p.ClimateRate, w) * (target - float64(s.Climate)))
}
