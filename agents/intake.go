package agents

import (
	"cmp"
	"math/rand/v2"
	"slices"

	"schoolnet/sim/fmath"
)

// IntakeResponse moves families towards the schools a reform has singled
// out. It runs once a year, in the cross-school phase of the first week
// (after the policies have acted and the new Grade-1 cohort of SchoolYear
// is enrolled but has not yet met anyone), and draws from r, the
// replication's policy stream.
//
// Each treated school T (Membership.Treated ≠ 0), in index order, gives
//
//	n = round(intake_response · entrants of T)
//
// of its places to movers: the local entrants of the untreated schools of
// T's district and tier with the highest advantage
//
//	a = SES + mean prior achievement + ε,  ε ~ Logistic(0, 1),
//
// each child's ε drawn once a year, who swap places with the n entrants of
// T of lowest advantage (those go to the movers' schools, in the movers'
// classes). A child moves at most once a year; when the pool has fewer
// children than n, all of them move. Families who value test scores more
// are richer and have higher-scoring children (Hastings, Kane & Staiger
// 2005), so a favoured school's intake improves and its neighbours' falls:
// compositional change that a school-level study reads as an effect.
// A school under a public label of intensity L (School.Label) draws
// only (1 − L) of that: a label that names a school as weak repels the
// families who would seek out a favoured school (Bénabou, Kramarz &
// Prost 2009), which LabelResponse's label_intake_ses carries.
// Students keep their IDs, so the evaluation lab's true effect, which
// follows each student, is not changed by it.
func IntakeResponse(schools []School, r *rand.Rand, p *Params) {
	if p.IntakeResponse == 0 {
		return
	}
	// slot is one entrant: a school and the student's index in it.
	type slot struct {
		school, i int
		adv       float64
	}
	var treated []int
	for i := range schools {
		if schools[i].Member.Treated != 0 {
			treated = append(treated, i)
		}
	}
	if len(treated) == 0 {
		return
	}
	// Every entrant's advantage, drawn in school and student order: school
	// i's entrants (its first students, ordered by grade, youngest first)
	// are adv[i], all of them in one array, and so are moved's.
	first := make([]int, len(schools)+1)
	for i := range schools {
		n := 0
		for n < len(schools[i].Students) && schools[i].Students[n].Grade == 0 {
			n++
		}
		first[i+1] = first[i] + n
	}
	flat := make([]float64, first[len(schools)])
	movedFlat := make([]bool, len(flat))
	adv := make([][]float64, len(schools))
	moved := make([][]bool, len(schools))
	for i := range schools {
		s := &schools[i]
		adv[i], moved[i] = flat[first[i]:first[i+1]:first[i+1]], movedFlat[first[i]:first[i+1]:first[i+1]]
		for k := range adv[i] {
			st := &s.Students[k]
			u := min(max(r.Float64(), 1e-12), 1-1e-12)
			// MeanAchievement is a sum times 1/4: rounded before the sum
			// (see package fmath).
			adv[i][k] = float64(st.SES) + float64(st.MeanAchievement()) + fmath.Log(u/(1-u))
		}
	}
	// The untreated schools of each district and tier, in index order:
	// where a treated school's movers come from.
	type area struct {
		district int32
		tier     Tier
	}
	untreated := map[area][]int{}
	for i := range schools {
		if s := &schools[i]; s.Member.Treated == 0 {
			a := area{s.District, s.Tier}
			untreated[a] = append(untreated[a], i)
		}
	}
	for _, t := range treated {
		ts := &schools[t]
		var pool []slot
		for _, i := range untreated[area{ts.District, ts.Tier}] {
			s := &schools[i]
			for k := range adv[i] {
				if !moved[i][k] && !s.Students[k].Migrant {
					pool = append(pool, slot{school: i, i: k, adv: adv[i][k]})
				}
			}
		}
		if len(pool) == 0 {
			continue
		}
		var own []slot
		for k := range adv[t] {
			if !moved[t][k] {
				own = append(own, slot{school: t, i: k, adv: adv[t][k]})
			}
		}
		// A public label draws no one: families avoid a school named
		// "priority" or "weak" (LabelResponse), they do not seek it out.
		share := float64(p.IntakeResponse * (1 - float64(ts.Label)))
		n := int(float64(share*float64(len(adv[t]))) + 0.5)
		n = min(n, len(pool), len(own))
		if n == 0 {
			continue
		}
		// The most advantaged movers first, the least advantaged
		// entrants of T first; ties keep school and student order.
		slices.SortStableFunc(pool, func(a, b slot) int { return cmp.Compare(b.adv, a.adv) })
		slices.SortStableFunc(own, func(a, b slot) int { return cmp.Compare(a.adv, b.adv) })
		for k := range n {
			m, d := pool[k], own[k]
			ms, ds := &schools[m.school].Students[m.i], &schools[d.school].Students[d.i]
			*ms, *ds = *ds, *ms
			ms.Class, ds.Class = ds.Class, ms.Class // each slot keeps its class
			adv[m.school][m.i], adv[d.school][d.i] = adv[d.school][d.i], adv[m.school][m.i]
			moved[m.school][m.i], moved[d.school][d.i] = true, true
		}
	}
}

// BeforeTreatment returns p with the parameters that act only on schools
// a policy treats (IntakeResponse, TestInflation) set to zero. Two worlds
// whose parameters have the same BeforeTreatment are the same world until
// a policy first acts, so one can be forked from the other
// (sim.Engine.Fork).
func (p Params) BeforeTreatment() Params {
	p.IntakeResponse, p.TestInflation = 0, 0
	return p
}
