package agents

import "math"

// learning holds the parts of LearningGrowth that are the same for every
// student of a school in a given week.
type learning struct {
	par    *Params
	ref    *Reference
	school float64 // GrowthPerYear + resource and climate terms, per year
	invW   float64 // 1 / weeks per year
	noise  float64 // GrowthNoise / sqrt(weeks per year)
}

func newLearning(s *School, env *Env) learning {
	p, ref := env.Par, env.Ref
	w := float64(env.WeeksPerYear)
	return learning{
		par: p, ref: ref,
		school: p.GrowthPerYear +
			p.ResourceEffect*(s.Resources()-ref.Resources) +
			p.ClimateEffect*(float64(s.Climate)-ref.Climate),
		invW:  1 / w,
		noise: p.GrowthNoise / math.Sqrt(w),
	}
}

func (lg *learning) grow(s *School, i int) { LearningGrowth(s, i, lg) }

// LearningGrowth adds one week of growth to each subject of student i:
//
//	Δa_is = (1/W)·[ g0 + (1 − u_s)·E_t + u_s·E_s^remote − Ē − β_load·load_t
//	               + β_sty·(S_t − S̄) + β_peer·Z_cs
//	               + β_pr·(PR_i − PR̄) + β_eng·(e_i − ē)
//	               + β_res·(R − R̄) + β_clim·(C − C̄) ] + (σ/√W)·ε
//
// where W is weeks per year, t the class's teacher of subject s with
// effectiveness E_t, style S_t and collaboration load load_t, u_s the share
// of lessons in s given remotely by an expert of effectiveness E_s^remote
// (Reform.Remote), Z_cs the class mean in s in SD of the reference grade, PR_i and e_i the student's peer relations and
// engagement, R and C the school's resources and climate, bars the frozen
// reference means and ε a standard normal draw from the school's stream.
func LearningGrowth(s *School, i int, lg *learning) {
	p, ref := lg.par, lg.ref
	st := &s.Students[i]
	c := s.ClassOf(i)
	student := lg.school +
		p.PeerRelationEffect*(float64(st.PeerRelations)-ref.PeerRelations) +
		p.EngagementEffect*(float64(st.Engagement)-ref.Engagement)
	peers := s.scratch[c*NumSubjects : (c+1)*NumSubjects]
	teach := s.Teaching[c*NumSubjects : (c+1)*NumSubjects]
	r := s.rng
	for k := range NumSubjects {
		t := &s.Teachers[teach[k]]
		u := float64(s.Reform.Remote[k])
		g := student +
			(1-u)*float64(t.Effectiveness) + u*float64(s.Reform.RemoteEffectiveness[k]) - ref.Effectiveness -
			p.LoadEffect*float64(t.Load) +
			p.StyleEffect*(float64(t.Style)-ref.Style) +
			p.PeerAchievementEffect*peers[k]
		st.Achievement[k] += float32(g*lg.invW + lg.noise*r.NormFloat64())
	}
	st.refresh()
}

// EngagementUpdate moves student i's engagement towards its target:
//
//	e* = clamp01( p_i + κ_pr·(PR_i − PR̄) + κ_clim·(C − C̄) + κ_sty·(S_c − S̄) )
//	e ← e + (ρ_e/W)·(e* − e)
//
// with p_i the student's own propensity and S_c the mean style of the
// class's teachers.
func EngagementUpdate(s *School, i int, env *Env, w float64) {
	p, ref := env.Par, env.Ref
	st := &s.Students[i]
	target := float64(st.Propensity) +
		p.EngagementPeer*(float64(st.PeerRelations)-ref.PeerRelations) +
		p.EngagementClimate*(float64(s.Climate)-ref.Climate) +
		p.EngagementStyle*(s.classStyle(s.ClassOf(i))-ref.Style)
	target = min(1, max(0, target))
	st.Engagement += float32(p.EngagementRate / w * (target - float64(st.Engagement)))
}
