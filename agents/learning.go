package agents

import "math"

// week holds what every student of a school shares in one week's step:
// the parameters and reference, and the weekly rates derived from them, so
// that the per-student mechanisms do no divisions or lookups they need not.
type week struct {
	par    *Params
	ref    *Reference
	school float64 // GrowthPerYear + resource and climate terms, per year
	invW   float64 // 1 / weeks per year
	noise  float64 // GrowthNoise / sqrt(weeks per year)
	engage float64 // EngagementRate / W
	// climate and style shifts of the engagement target
	engageClimate float64
	// peer ties: weekly meeting chance, drop scale K/2·δ/W, strength
	// growth, climate inclusion and the acceptance bound a·(1 + inclusion)
	meet, drop, inclusion, accept float64
	grow                          float32
	// sums, when not nil (spin-up years), collects per grade what
	// LearningGrowth reads, for MeasureReference.
	sums []yearSums
}

// weekly returns the share of the gap to its target that a quantity
// relaxing at rate per year closes in one of w weekly steps: rate/w, at
// most the whole gap, so that no parameter in its allowed range can make a
// step overshoot its target and oscillate.
func weekly(rate, w float64) float64 { return min(1, rate/w) }

func newWeek(s *School, env *Env) *week {
	p, ref := env.Par, env.Ref
	w := float64(env.WeeksPerYear)
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	inclusion := float64(p.TieClimateInclusion * (float64(s.Climate) - ref.Climate))
	return &week{
		par: p, ref: ref,
		school: p.GrowthPerYear +
			ResourceTerm(s.Resources(), ref.Resources, p) +
			float64(p.ClimateEffect*(float64(s.Climate)-ref.Climate)),
		invW:          1 / w,
		noise:         p.GrowthNoise / math.Sqrt(w),
		engage:        weekly(p.EngagementRate, w),
		engageClimate: p.EngagementClimate * (float64(s.Climate) - ref.Climate),
		meet:          p.TieMeetRate / w * (1 + float64(p.ActivityTieBoost*float64(s.Reform.Activity))),
		drop:          TiesPerStudent / 2 * p.TieDropRate / w,
		inclusion:     inclusion,
		accept:        p.TieAccept * (1 + inclusion),
		grow:          float32(weekly(p.TieStrengthRate, w)),
	}
}

// LearningGrowth adds one week of growth to each subject of student i:
//
//	Δa_is = (1/W)·[ g0 + (1 − u_s)·E_t + u_s·E_s^remote − Ē − β_load·load_t
//	               + β_sty·(S_t − S̄) + β_peer·Z_cs
//	               + β_pr·(PR_i − PR̄) + β_eng·(e_i − ē)
//	               + β_res·(R − R̄) + β_clim·(C − C̄) ] + (σ/√W)·ε
//
// The weekly shock ε has mean 0 and SD 1 and is uniform on [−√3, √3]
// (16 bits of one draw per subject); a year's 40 shocks add up to a
// practically normal yearly shock of SD σ.
// where W is weeks per year, t the class's teacher of subject s with
// effectiveness E_t, style S_t and collaboration load load_t, u_s the share
// of lessons in s given remotely by an expert of effectiveness E_s^remote
// (Reform.Remote), Z_cs the class mean in s in SD of the reference grade, PR_i and e_i the student's peer relations and
// engagement, R and C the school's resources and climate, bars the frozen
// reference means and ε the weekly shock from the school's stream.
func LearningGrowth(s *School, i int, wk *week) {
	p, ref := wk.par, wk.ref
	st := &s.Students[i]
	c := s.ClassOf(i)
	centre := &ref.Centre[st.Grade]
	student := float64(p.PeerRelationEffect*(float64(st.PeerRelations)-centre.PeerRelations)) +
		float64(p.EngagementEffect*(float64(st.Engagement)-centre.Engagement))
	if wk.sums != nil {
		wk.sums[st.Grade].add(st)
	}
	// The school, teacher and peer-achievement terms are the same for the
	// whole class; classAggregates computed them.
	class := s.scratch[c*NumSubjects : (c+1)*NumSubjects]
	// One 64-bit draw gives the four subjects' shocks, 16 bits each.
	x := s.draw()
	var sum float32
	for k := range NumSubjects {
		g := class[k] + student
		st.Achievement[k] += float32(float64(g*wk.invW) + float64(wk.noise*noise16(x>>(16*k))))
		sum += st.Achievement[k]
	}
	st.meanAch = sum / NumSubjects
}

// EngagementUpdate moves student i's engagement towards its target:
//
//	e* = clamp01( p_i + κ_pr·(PR_i − PR̄) + κ_clim·(C − C̄) + κ_sty·(S_c − S̄) )
//	e ← e + (ρ_e/W)·(e* − e)
//
// with p_i the student's own propensity and S_c the mean style of the
// class's teachers.
func EngagementUpdate(s *School, i int, wk *week) {
	p, ref := wk.par, wk.ref
	st := &s.Students[i]
	target := float64(st.Propensity) +
		float64(p.EngagementPeer*(float64(st.PeerRelations)-ref.Centre[st.Grade].PeerRelations)) +
		wk.engageClimate +
		float64(p.EngagementStyle*(s.classStyle(s.ClassOf(i))-ref.Style))
	target = min(1, max(0, target))
	st.Engagement += float32(wk.engage * (target - float64(st.Engagement)))
}
