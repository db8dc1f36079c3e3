package agents

import "schoolnet/sim/fmath"

// MoraleUpdate moves each teacher's morale towards its target:
//
//	M* = clamp01( m_0 + m_L·L_eff + m_C·C − m_load·load )
//	M ← M + (ρ_M/W)·(M* − M)
//
// where load is the share of the teacher's time taken by collaboration.
func MoraleUpdate(s *School, leff float64, env *Env, w float64) {
	p := env.Par
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	base := p.MoraleBase + float64(p.MoraleLeadership*leff) + float64(p.MoraleClimate*float64(s.Climate))
	rate := weekly(p.MoraleRate, w)
	for i := range s.Teachers {
		t := &s.Teachers[i]
		target := min(1, max(0, base-float64(p.MoraleLoad*float64(t.Load))))
		t.Morale += float32(rate * (target - float64(t.Morale)))
	}
}

// Colleague looks up a teacher by school and ID as they stood at the start
// of the year-end phase, so that schools closing their year in parallel
// read each other's staff without a race. It reports false if the teacher
// is no longer there.
type Colleague func(school int32, id int64) (*Teacher, bool)

// TeacherDevelopment runs a teacher's yearly growth:
//
//	ΔE = g_x·exp(−X/τ_x) + g_t·T·r + g_m·m + γ·mean_k max(0, E_k − E)
//	ΔS = σ_s·(mean_k S_k − S)
//	X ← X + 1
//
// where X is experience, T the training share, r the school's
// ReformResponse, m the principal's latent motivation (motivation, which
// the caller passes; 0 where there is no principal yet), g_m
// MotivationDevelopment, and k runs over the teacher's collaboration
// partners (possibly in other schools), looked up through partner. Ties to
// partners who have gone are cleared.
func TeacherDevelopment(t *Teacher, response, motivation float64, partner Colleague, p *Params) {
	var gap, style float64
	n := 0
	for k := range t.TieID {
		if t.TieID[k] == 0 {
			continue
		}
		c, ok := partner(t.TieSchool[k], t.TieID[k])
		if !ok {
			t.TieID[k], t.TieSchool[k] = 0, 0
			continue
		}
		gap += max(0, float64(c.Effectiveness-t.Effectiveness))
		style += float64(c.Style)
		n++
	}
	de := float64(p.TeacherExperienceGain*fmath.Exp(-float64(t.Experience)/p.TeacherExperienceScale)) +
		float64(p.TeacherTrainingGain*float64(t.Training)*response) +
		float64(p.MotivationDevelopment*motivation)
	if n > 0 {
		de += p.CollaborationGain * gap / float64(n)
		t.Style += float32(p.StyleDrift * (style/float64(n) - float64(t.Style)))
	}
	t.Effectiveness += float32(de)
	t.Experience++
}

// TeacherAttrition decides at the end of a year whether teacher t leaves:
//
//	logit P(leave) = logit(a_0) + a_M·(M̄ − M) + a_W·max(0, −z_school)
//	               + a_E·(Ē − E)/σ
//
// with M̄ and Ē the reference morale and effectiveness, z_school the
// school's mean achievement in SD of the reference grades, a_E
// AttritionEffectiveness and σ TeacherSD: less effective teachers leave
// more. Teachers on a rotation posting or a transfer incentive's
// commitment finish it first and do not leave.
func TeacherAttrition(s *School, t *Teacher, zSchool float64, env *Env) bool {
	if t.PostingEnds >= 0 {
		return false
	}
	p := env.Par
	logit := fmath.Log(p.AttritionBase/(1-p.AttritionBase)) +
		float64(p.AttritionMorale*(env.Ref.Morale-float64(t.Morale))) +
		float64(p.AttritionWeakness*max(0, -zSchool))
	if p.AttritionEffectiveness != 0 && p.TeacherSD > 0 {
		z := (env.Ref.Effectiveness - float64(t.Effectiveness)) / p.TeacherSD
		logit += float64(p.AttritionEffectiveness * z)
	}
	return s.rng.Float64() < 1/(1+fmath.Exp(-logit))
}

// Hire replaces the teacher in slot i of school s with a new hire of the
// same subject, whose mean effectiveness rises with the school's
// reputation (HireReputation).
func Hire(s *School, i int, env *Env) {
	s.Teachers[i] = s.newTeacher(s.Teachers[i].Subject, env.Par)
}

// PrincipalSuccession replaces the principal, with chance
// PrincipalTurnover a year, by a new one appointed from the school's own
// kind: experience 0, potential drawn around the school's LeadershipMean,
// leadership NoviceGap below it, and a fresh latent motivation. It reports
// whether the principal changed.
func PrincipalSuccession(s *School, env *Env) bool {
	if s.rng.Float64() >= env.Par.PrincipalTurnover {
		return false
	}
	s.Principal = s.newPrincipal(0, env.Par)
	return true
}
