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
	// peer ties: drop scale K/2·δ/W, strength growth and the acceptance
	// bound a·(1 + χ·(C − C̄)); the weekly meeting chance and
	// TieSameClass are held as counts of draws (meetBelow,
	// sameClassBelow)
	drop, accept float64
	grow         float32
	// the parameters the student step reads, at hand: EngagementPeer,
	// PeerRelationEffect, EngagementEffect, HomophilyAchievement,
	// HomophilySES; and migrant[1] the migrant term of the
	// dissimilarity, h_m·max(0, 1 − χ·(C − C̄)) (migrant[0] = 0)
	engagePeer, prEffect, engEffect float64
	homAch, homSES                  float64
	migrant                         [2]float64
	// sums, when not nil (spin-up years), collects per grade what
	// LearningGrowth reads, for MeasureReference.
	sums []yearSums
	// The drop gate (see bracket, widen and tieStep): achLo and achHi bracket every
	// student's mean achievement, sesTerm is the SES term of the
	// dissimilarity at the school's widest SES gap, and dropBound the
	// chance drop·(1 + d) at the largest dissimilarity they allow; +Inf
	// while there is no bracket.
	achLo, achHi       float32
	sesTerm, dropBound float64
	// The chances the tie step compares its draws with, as counts of the
	// draws below them (drawsBelow): 16-bit draws for meeting and the
	// acceptance's first test, 24-bit ones for a classmate and the drop
	// gate (all of them while the gate is open or NaN).
	meetBelow, acceptBelow, sameClassBelow, gateBelow uint64
}

// bracket sets the drop gate's bracket to the school's students' mean
// achievement and SES, lo to hi; with any homophily weight or the drop
// chance negative (outside their ranges), where the bound would not be
// one, it leaves the gate open.
func (wk *week) bracket(achLo, achHi, sesLo, sesHi float32) {
	if !(wk.homAch >= 0 && wk.homSES >= 0 && wk.migrant[1] >= 0 && wk.drop >= 0) {
		return
	}
	wk.sesTerm = float64(wk.homSES * math.Abs(float64(sesHi)-float64(sesLo)))
	wk.achLo, wk.achHi = achLo, achHi
	wk.widen()
}

// widen recomputes the drop gate's bound from the bracket: the
// dissimilarity of two students at its ends, the SES gap at its widest
// and the migrant term, worked out with the very operations of
// dissimilarity, so that, IEEE rounding being monotone, no pair of
// students in the bracket has a larger d, to the last bit.
func (wk *week) widen() {
	d := float64(wk.homAch*math.Abs(float64(wk.achHi-wk.achLo))) + wk.sesTerm
	wk.dropBound = wk.drop * (1 + (d + wk.migrant[1]))
	wk.gateBelow = gateBelow(wk.dropBound)
}

// gateBelow returns how many 24-bit draws lie below the drop gate bound,
// !(u ≥ bound): all of them for a NaN bound.
func gateBelow(bound float64) uint64 {
	if math.IsNaN(bound) {
		return 1 << 24
	}
	return drawsBelow(bound, 24)
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
	wk := &week{
		par: p, ref: ref,
		school: p.GrowthPerYear +
			ResourceTerm(s.Resources(), ref.Resources, p) +
			float64(p.ClimateEffect*(float64(s.Climate)-ref.Climate)),
		invW:          1 / w,
		noise:         p.GrowthNoise / math.Sqrt(w),
		engage:        weekly(p.EngagementRate, w),
		engageClimate: p.EngagementClimate * (float64(s.Climate) - ref.Climate),
		drop:          TiesPerStudent / 2 * p.TieDropRate / w,
		accept:        p.TieAccept * (1 + inclusion),
		grow:          float32(weekly(p.TieStrengthRate, w)),
		engagePeer:    p.EngagementPeer,
		prEffect:      p.PeerRelationEffect,
		engEffect:     p.EngagementEffect,
		homAch:        p.HomophilyAchievement,
		homSES:        p.HomophilySES,
		migrant:       [2]float64{0, float64(p.HomophilyMigrant * max(0, 1-inclusion))},
		achLo:         float32(math.Inf(-1)),
		achHi:         float32(math.Inf(1)),
		dropBound:     math.Inf(1),
		gateBelow:     gateBelow(math.Inf(1)),
	}
	meet := p.TieMeetRate / w * (1 + float64(p.ActivityTieBoost*float64(s.Reform.Activity)))
	wk.meetBelow, wk.acceptBelow = drawsBelow(meet, 16), drawsBelow(wk.accept, 16)
	wk.sameClassBelow = drawsBelow(p.TieSameClass, 24)
	return wk
}

// class holds what the students of one class share in a week's step, so
// that the per-student mechanisms compute it once per class.
type class struct {
	// ranges[0] is the class's students, ranges[1] its grade's: the
	// first and one past the last
	ranges [2][2]int
	// the grade's reference centre of peer relations and engagement
	prCentre, engCentre float64
	// classAggregates' yearly growth terms (school, teacher and
	// peer-achievement) per subject
	growth *[NumSubjects]float64
	// style is EngagementUpdate's teaching-style term,
	// κ_sty·(S_c − S̄)
	style float64
	// sums, in spin-up years, is the grade's share of the week's sums
	sums *yearSums
}

// class returns what the students of class c, in grade g, share this
// week; classAggregates must have run.
func (s *School) class(c int, g uint8, wk *week) class {
	cl := s.classRange(c, g)
	centre := &wk.ref.Centre[g]
	cl.prCentre, cl.engCentre = centre.PeerRelations, centre.Engagement
	cl.growth = (*[NumSubjects]float64)(s.scratch[c*NumSubjects:])
	cl.style = float64(wk.par.EngagementStyle * (s.classStyle(c) - wk.ref.Style))
	if wk.sums != nil {
		cl.sums = &wk.sums[g]
	}
	return cl
}

// classRange returns class c's students and those of its grade g, the
// part of class that PeerTieUpdate reads.
func (s *School) classRange(c int, g uint8) class {
	cpg := int(s.ClassesPerGrade)
	var cl class
	cl.ranges[0][0], cl.ranges[0][1] = s.Class(c)
	cl.ranges[1][0], _ = s.Class(int(g) * cpg)
	_, cl.ranges[1][1] = s.Class((int(g)+1)*cpg - 1)
	return cl
}

// classOf returns what student i's class shares this week.
func (s *School) classOf(i int, wk *week) class {
	return s.class(s.ClassOf(i), s.Students[i].Grade, wk)
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
	cl := s.classOf(i, wk)
	q := s.pcgState()
	learningStep(&s.Students[i], &cl, wk, &q)
	q.save(s)
}

// learningStep writes its four subjects out; these fail to compile if
// NumSubjects is not 4.
var (
	_ [NumSubjects - 4]struct{}
	_ [4 - NumSubjects]struct{}
)

// learningStep is LearningGrowth for student st of class cl, drawing from
// q. The school, teacher and peer-achievement terms are the same for the
// whole class; classAggregates computed them.
func learningStep(st *Student, cl *class, wk *week, q *pcgState) {
	student := float64(wk.prEffect*(float64(st.PeerRelations)-cl.prCentre)) +
		float64(wk.engEffect*(float64(st.Engagement)-cl.engCentre))
	if cl.sums != nil {
		cl.sums.add(st)
	}
	// One 64-bit draw gives the four subjects' shocks, 16 bits each; the
	// subjects written out, summed in order as a loop would.
	x := q.uint64()
	a, g := &st.Achievement, cl.growth
	invW, noise := wk.invW, wk.noise
	a[0] += float32(float64((g[0]+student)*invW) + float64(noise*noise16(x)))
	a[1] += float32(float64((g[1]+student)*invW) + float64(noise*noise16(x>>16)))
	a[2] += float32(float64((g[2]+student)*invW) + float64(noise*noise16(x>>32)))
	a[3] += float32(float64((g[3]+student)*invW) + float64(noise*noise16(x>>48)))
	var sum float32
	sum += a[0]
	sum += a[1]
	sum += a[2]
	sum += a[3]
	st.meanAch = sum / NumSubjects
	if m := st.meanAch; m < wk.achLo || m > wk.achHi {
		wk.achLo, wk.achHi = min(wk.achLo, m), max(wk.achHi, m)
		wk.widen()
	}
}

// EngagementUpdate moves student i's engagement towards its target:
//
//	e* = clamp01( p_i + κ_pr·(PR_i − PR̄) + κ_clim·(C − C̄) + κ_sty·(S_c − S̄) )
//	e ← e + (ρ_e/W)·(e* − e)
//
// with p_i the student's own propensity and S_c the mean style of the
// class's teachers.
func EngagementUpdate(s *School, i int, wk *week) {
	cl := s.classOf(i, wk)
	engagementStep(&s.Students[i], &cl, wk)
}

// engagementStep is EngagementUpdate for student st of class cl.
func engagementStep(st *Student, cl *class, wk *week) {
	target := float64(st.Propensity) +
		float64(wk.engagePeer*(float64(st.PeerRelations)-cl.prCentre)) +
		wk.engageClimate + cl.style
	// clamp01 by plain comparisons: the value of min(1, max(0, target)),
	// −0 and NaN included, without min and max's checks for them.
	if target <= 0 {
		target = 0
	} else if target > 1 {
		target = 1
	}
	st.Engagement += float32(wk.engage * (target - float64(st.Engagement)))
}
