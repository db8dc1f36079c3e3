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
//	ΔE = g_x·exp(−X/τ_x) + g_t·D(T)·r + g_m·m + γ·mean_k max(0, E_k − E)
//	     − φ·Q + λ_r·r·max(0, Σ_w u_w·E_w^remote/W − U·E)
//	Q ← Q − φ·Q + g_t·D(T)·r
//	ΔS = σ_s·(mean_k S_k − S)
//	X ← X + 1
//
// where X is experience, T the training share, r the school's
// ReformResponse, m the principal's latent motivation (motivation, which
// the caller passes; 0 where there is no principal yet), g_m
// MotivationDevelopment, and k runs over the teacher's collaboration
// partners (possibly in other schools), looked up through partner. Ties to
// partners who have gone are cleared. D is TrainingDose, the training
// worth of T with diminishing returns. Q is the effectiveness training added
// that has not faded (Trained) and φ TrainingFadeout; U = Σ_w u_w/W is the
// year's share of lessons given beside a remote expert of effectiveness
// E_w^remote (RemoteExposure, RemoteExpert) and λ_r RemoteLearning: the
// local teacher closes a share λ_r·U of the gap to the expert a year.
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
	trained := float64(p.TeacherTrainingGain * TrainingDose(float64(t.Training), p) * response)
	de := float64(p.TeacherExperienceGain*fmath.Exp(-float64(t.Experience)/p.TeacherExperienceScale)) +
		trained +
		float64(p.MotivationDevelopment*motivation)
	if n > 0 {
		de += p.CollaborationGain * gap / float64(n)
		t.Style += float32(p.StyleDrift * (style/float64(n) - float64(t.Style)))
	}
	// The switched-off mechanisms leave de untouched, so that their keys at
	// 0 give the bits of the model without them.
	if p.TrainingFadeout > 0 {
		lost := float64(p.TrainingFadeout * float64(t.Trained))
		de -= lost
		t.Trained = float32(float64(t.Trained) - lost + trained)
	}
	if p.RemoteLearning > 0 && t.RemoteExposure > 0 {
		// float64(x*y) rounds a product before a sum (see fmath).
		gap := float64(t.RemoteExpert) - float64(float64(t.RemoteExposure)*float64(t.Effectiveness))
		de += float64(p.RemoteLearning * max(0, gap) * response)
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
	if s.Label > 0 {
		leave, _, _ := LabelResponse(s, p)
		logit += leave
	}
	return s.rng.Float64() < 1/(1+fmath.Exp(-logit))
}

// LabelResponse returns how teachers and families respond to the public
// label a policy has put on school s (School.Label, L in [0,1]):
//
//	leave      = a_L·L                   rise in the logit of a teacher leaving
//	reputation = rep − s_L·L             the reputation applicants and families see
//	intakeSES  = −e_L·L                  shift of the catchment intake's mean SES
//
// with a_L = LabelAttrition, s_L = LabelStigma and e_L = LabelIntakeSES.
// TeacherAttrition adds leave, Hire draws new teachers against reputation,
// and SchoolYear draws the intake with its SES shifted by intakeSES. A
// school-choice or teacher-mobility mechanism should read the same
// values (PerceivedReputation, LabelResponse).
func LabelResponse(s *School, p *Params) (leave, reputation, intakeSES float64) {
	rep := float64(s.Reputation)
	if s.Label == 0 {
		return 0, rep, 0
	}
	l := float64(s.Label)
	// float64(x*y) rounds a product before a sum (see fmath).
	return float64(p.LabelAttrition * l), rep - float64(p.LabelStigma*l), -float64(p.LabelIntakeSES * l)
}

// PerceivedReputation is the reputation that applicants and families see:
// the school's reputation less its label's stigma (LabelResponse).
func (s *School) PerceivedReputation(p *Params) float64 {
	_, rep, _ := LabelResponse(s, p)
	return rep
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
