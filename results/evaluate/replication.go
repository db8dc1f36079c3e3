package evaluate

import (
	"context"
	"slices"

	"schoolnet/agents"
	"schoolnet/sim"
)

// replication runs the worlds of one replication and evaluates them.
type replication struct {
	study *Study
	opt   *Options
	rep   int
	cfgs  []sim.Config
	holds []agents.Mediator
	roles []int // the world an engine stands for; −1 for the twin
}

func (w *replication) add(c sim.Config, m agents.Mediator, role int) {
	w.cfgs = append(w.cfgs, c)
	w.holds = append(w.holds, m)
	w.roles = append(w.roles, role)
}

func (w *replication) run(ctx context.Context, res *Result) (*Replication, error) {
	st := w.study
	// The worlds are the same until the first policy acts: spin the twin
	// up alone and fork the others from it at the end of year 0.
	twin, err := sim.New(w.cfgs[0])
	if err != nil {
		return nil, err
	}
	engines := []*sim.Engine{twin}
	// obs[k][y−Baseline] is engine k's tested grade at the end of year y.
	obs := make([][][]Student, len(w.cfgs))
	recs := make([]map[int][]agents.SchoolRecord, len(w.cfgs))
	for k := range recs {
		recs[k] = map[int][]agents.SchoolRecord{}
	}
	observe := func(y int) {
		if y >= st.Baseline {
			for k, e := range engines {
				obs[k] = append(obs[k], observeGrade(e, st.Grade))
			}
		}
		if y >= 1 && w.opt.Progress != nil {
			w.opt.Progress()
		}
	}
	emit := func(k int, r sim.YearRecord) {
		if r.Year == st.Baseline || r.Year == st.FollowUp {
			recs[k][r.Year] = r.Schools
		}
	}
	if err := sim.Lockstep(ctx, engines, w.holds[:1], 0, observe, emit); err != nil {
		return nil, err
	}
	for k, c := range w.cfgs[1:] {
		f, err := twin.Fork(c)
		if err != nil {
			return nil, err
		}
		engines = append(engines, f)
		obs[k+1] = slices.Clone(obs[0])
		for y, r := range recs[0] {
			recs[k+1][y] = r
		}
	}
	if err := sim.Lockstep(ctx, engines, w.holds, st.FollowUp, observe, emit); err != nil {
		return nil, err
	}

	out := &Replication{Estimates: map[string]*[NumOutcomes]Estimate{}}
	last := st.FollowUp - st.Baseline
	var data [numWorlds]*Data
	for k, role := range w.roles {
		if role < 0 || w.holds[k] != agents.MediatorNone {
			continue
		}
		pre, post := obs[k][0], obs[k][last]
		d := &Data{Pre: pre, Post: post, Schools: st.schools(recs[k][st.Baseline], recs[k][st.FollowUp], pre)}
		data[role] = d
		if w.opt.Export {
			out.Data[role] = d
		}
		for i := range d.Schools {
			switch s := &d.Schools[i]; {
			case s.Treated:
				out.Treated[role]++
			case s.Eligible:
				out.Comparison[role]++
			}
		}
		for yi := 1; yi <= last; yi++ {
			eff, per := trueEffect(obs[k][yi], obs[0][yi], d.Schools)
			out.Truth[role] = append(out.Truth[role], eff)
			if yi == last {
				for i := range per {
					per[i].World, per[i].Year = role, st.Baseline+yi
				}
				out.Schools = append(out.Schools, per...)
			}
		}
		if role == worldScenario {
			out.Students = studentEffects(post, obs[0][last], d.Schools)
		}
	}
	for k, m := range w.holds {
		if m == agents.MediatorNone {
			continue
		}
		for j, mm := range Mediators {
			if mm == m {
				out.Held[j], _ = trueEffect(obs[k][last], obs[0][last], data[worldScenario].Schools)
			}
		}
	}

	if d := data[worldScenario]; d != nil {
		b := newBySchool(d)
		units := d.sampleUnits(nil)
		if res.Has(Naive) {
			out.Estimates[Naive] = each(func(k int) Estimate { return b.fitPost(units, k) })
		}
		if res.Has(DID) {
			out.Estimates[DID] = each(func(k int) Estimate { return b.fitDID(units, k) })
		}
		if res.Has(PSMDID) {
			out.PSM = d.Match()
			if out.PSM != nil {
				matched := d.sampleUnits(out.PSM.Weight)
				out.Estimates[PSMDID] = each(func(k int) Estimate { return b.fitDID(matched, k) })
			} else {
				out.Estimates[PSMDID] = each(func(int) Estimate { return failed() })
			}
		}
		if w.opt.Mediation {
			r := sim.Stream(w.cfgs[0].Seed, w.rep, sim.PurposeStudy, 0)
			m := b.mediation(units, w.opt.Bootstrap, r)
			out.Mediation = &m
		}
	}
	if d := data[worldLottery]; d != nil {
		b := newBySchool(d)
		units := d.sampleUnits(nil)
		if res.Has(RCT) {
			out.Estimates[RCT] = each(func(k int) Estimate { return b.fitPost(units, k) })
		}
		if res.Has(RCTDID) {
			out.Estimates[RCTDID] = each(func(k int) Estimate { return b.fitDID(units, k) })
		}
	}
	return out, nil
}

func each(f func(k int) Estimate) *[NumOutcomes]Estimate {
	var out [NumOutcomes]Estimate
	for k := range out {
		out[k] = f(k)
	}
	return &out
}

// trueEffect returns the true effect on the treated schools' tested grade:
// the student-weighted mean over those schools of the difference between
// their grade mean in the treated world and in the twin, and each school's
// difference.
func trueEffect(treated, twin []Student, schools []School) ([NumOutcomes]float64, []SchoolEffect) {
	n1, m1 := gradeMeans(treated, len(schools))
	n0, m0 := gradeMeans(twin, len(schools))
	var sum [NumOutcomes]float64
	var n int
	var per []SchoolEffect
	for i := range schools {
		if !schools[i].Treated || n1[i] == 0 || n0[i] == 0 {
			continue
		}
		e := SchoolEffect{School: int32(i), Students: n1[i]}
		for k := range NumOutcomes {
			e.Effect[k] = m1[i][k] - m0[i][k]
			sum[k] += float64(float64(n1[i]) * e.Effect[k]) // rounded: no fused multiply-add (see fmath)
		}
		n += n1[i]
		per = append(per, e)
	}
	for k := range sum {
		if n > 0 {
			sum[k] /= float64(n)
		}
	}
	return sum, per
}

// studentEffects returns the true effect on each student of the treated
// schools who is in both worlds (matched by ID).
func studentEffects(treated, twin []Student, schools []School) []StudentEffect {
	byID := make(map[int64]*Student, len(twin))
	for i := range twin {
		byID[twin[i].ID] = &twin[i]
	}
	var out []StudentEffect
	for i := range treated {
		s := &treated[i]
		t, ok := byID[s.ID]
		if !ok || !schools[s.School].Treated {
			continue
		}
		e := StudentEffect{School: s.School, ID: s.ID}
		for k := range NumOutcomes {
			e.Effect[k] = s.Score[k] - t.Score[k]
		}
		out = append(out, e)
	}
	return out
}
