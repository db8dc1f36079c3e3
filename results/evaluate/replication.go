package evaluate

import (
	"context"
	"maps"
	"math"
	"slices"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// plan is what every replication of an evaluation runs: the scenario run
// to the follow-up, its lottery version, the treated worlds the
// configurations read and the world the mediation worlds hold channels of.
type plan struct {
	res           *Result
	study         *Study
	opt           *Options
	base, lottery *scenarios.Scenario
	keys          []worldKey // the treated worlds, in engine order after the twin
	held          worldKey   // ConfigAll's scenario world
	per           int        // workers of each engine
}

// plan returns the plan of r's evaluation of base (the scenario run to the
// follow-up), each engine stepping its schools with per workers.
func (r *Result) plan(base *scenarios.Scenario, per int) *plan {
	needScenario := r.Options.Mediation
	for _, d := range []string{Naive, DID, PSMDID} {
		needScenario = needScenario || r.Has(d)
	}
	needLottery := r.Has(RCT) || r.Has(RCTDID)
	p := &plan{res: r, study: &r.Study, opt: &r.Options, base: base, lottery: scenarios.Lottery(base), per: per}
	p.keys = worldKeys(r.Configs, needScenario, needLottery)
	p.held, _ = r.Configs[len(r.Configs)-1].Sources.worlds()
	return p
}

// engines returns the number of worlds a replication runs.
func (p *plan) engines() int {
	n := 1 + len(p.keys)
	if p.opt.Mediation {
		n += len(Mediators)
	}
	return n
}

// run runs the worlds of replication rep in lockstep and evaluates every
// configuration.
func (p *plan) run(ctx context.Context, rep int) (*Replication, error) {
	st := p.study
	seed := uint64(p.base.Run.Seed)
	cfg := func(s *scenarios.Scenario, policies bool) sim.Config {
		c := s.Config(p.per)
		c.Replication = rep
		if !policies {
			c.Policies = nil
		}
		return c
	}
	// The worlds are the same until the first policy acts: spin the twin
	// up alone and fork the others from it at the end of year 0.
	twin, err := sim.New(cfg(p.base, false))
	if err != nil {
		return nil, err
	}
	engines := []*sim.Engine{twin}
	holds := []agents.Mediator{agents.MediatorNone}
	// obs[k][y−Baseline] is engine k's tested grade at the end of year y
	// and prep[k][y−Baseline] its schools' TestPrep then.
	obs := [][][]Student{nil}
	prep := [][][]float64{nil}
	recs := []map[int][]agents.SchoolRecord{{}}
	// results[mode] are the results before the policy a dip of that mode
	// selects on. They are filled in place when the baseline is observed,
	// before any policy acts (policies start after the baseline year); the
	// dip worlds' selections share the slices.
	results := map[int][]float64{}
	for _, k := range p.keys {
		if k.dip != dipNone {
			results[k.dip] = make([]float64, p.base.Population.NumSchools())
		}
	}
	observe := func(y int) {
		if y >= st.Baseline {
			for k, e := range engines {
				obs[k] = append(obs[k], observeGrade(e, st.Grade))
				prep[k] = append(prep[k], testPrep(e))
			}
		}
		if y == st.Baseline {
			for mode, r := range results {
				t := newTest(st, Sources{Measurement: mode == dipMeasured}, seed, rep)
				copy(r, st.schoolResults(t.measure(obs[0][0], y, prep[0][0]), engines[0].Population().Schools))
			}
		}
		if y >= 1 && p.opt.Progress != nil {
			p.opt.Progress()
		}
	}
	emit := func(k int, r sim.YearRecord) {
		if r.Year == st.Baseline || r.Year == st.FollowUp {
			recs[k][r.Year] = r.Schools
		}
	}
	if err := sim.Lockstep(ctx, engines, holds, 0, observe, emit); err != nil {
		return nil, err
	}
	engineOf := map[worldKey]int{}
	fork := func(s *scenarios.Scenario, m agents.Mediator) error {
		f, err := twin.Fork(cfg(s, true))
		if err != nil {
			return err
		}
		engines = append(engines, f)
		holds = append(holds, m)
		obs = append(obs, slices.Clone(obs[0]))
		prep = append(prep, slices.Clone(prep[0]))
		recs = append(recs, maps.Clone(recs[0]))
		return nil
	}
	for _, k := range p.keys {
		if err := fork(k.world(p.base, p.lottery, results[k.dip], st.Spec.Dip), agents.MediatorNone); err != nil {
			return nil, err
		}
		engineOf[k] = len(engines) - 1
	}
	held := map[agents.Mediator]int{}
	if p.opt.Mediation {
		for _, m := range Mediators {
			if err := fork(p.held.world(p.base, p.lottery, results[p.held.dip], st.Spec.Dip), m); err != nil {
				return nil, err
			}
			held[m] = len(engines) - 1
		}
	}
	if err := sim.Lockstep(ctx, engines, holds, st.FollowUp, observe, emit); err != nil {
		return nil, err
	}

	out := &Replication{}
	last := st.FollowUp - st.Baseline
	for _, c := range p.res.Configs {
		all := c.Name == ConfigAll
		cs := ConfigStudy{Config: c.Name, Estimates: map[string]*[NumOutcomes]Estimate{}}
		t := newTest(st, c.Sources, seed, rep)
		sk, lk := c.Sources.worlds()
		for role, key := range [numWorlds]worldKey{sk, lk} {
			k, ok := engineOf[key]
			if !ok {
				continue
			}
			pre := t.measure(obs[k][0], st.Baseline, prep[k][0])
			post := t.measure(obs[k][last], st.FollowUp, prep[k][last])
			d := &Data{Pre: pre, Post: post, Schools: st.schools(recs[k][st.Baseline], recs[k][st.FollowUp], pre)}
			if all && p.opt.Export {
				out.Data[role] = d
			}
			for i := range d.Schools {
				switch s := &d.Schools[i]; {
				case s.Treated:
					cs.Treated[role]++
				case s.Eligible:
					cs.Comparison[role]++
				}
			}
			for yi := 1; yi <= last; yi++ {
				if yi < last && !all {
					continue // the decomposition reads the follow-up alone
				}
				eff, per := trueEffect(obs[k][yi], obs[0][yi], d.Schools)
				if all {
					out.Truth[role] = append(out.Truth[role], eff)
				}
				if yi == last {
					cs.Truth[role] = eff
					if all {
						for i := range per {
							per[i].World, per[i].Year = role, st.Baseline+yi
						}
						out.Schools = append(out.Schools, per...)
					}
				}
			}
			p.estimate(&cs, role, d, all, out, seed, rep)
			if all {
				if role == worldScenario {
					out.Students = studentEffects(obs[k][last], obs[0][last], d.Schools)
					for j, m := range Mediators {
						if h, ok := held[m]; ok {
							out.Held[j], _ = trueEffect(obs[h][last], obs[0][last], d.Schools)
						}
					}
				}
			}
		}
		if all {
			out.Treated, out.Comparison, out.Estimates = cs.Treated, cs.Comparison, cs.Estimates
		}
		if p.opt.Decompose {
			out.Bias = append(out.Bias, cs)
		}
	}
	return out, nil
}

// estimate applies the designs of world role to its data d: naive, did
// and psm-did to the scenario world, rct and rct-did to the lottery world.
// For ConfigAll (all) it keeps the matching and the mediation estimate in
// out.
func (p *plan) estimate(cs *ConfigStudy, role int, d *Data, all bool, out *Replication, seed uint64, rep int) {
	res := p.res
	b := newBySchool(d)
	units := d.sampleUnits(nil)
	if role == worldLottery {
		if res.Has(RCT) {
			cs.Estimates[RCT] = each(func(k int) Estimate { return b.fitPost(units, k) })
		}
		if res.Has(RCTDID) {
			cs.Estimates[RCTDID] = each(func(k int) Estimate { return b.fitDID(units, k) })
		}
		return
	}
	if res.Has(Naive) {
		cs.Estimates[Naive] = each(func(k int) Estimate { return b.fitPost(units, k) })
	}
	if res.Has(DID) {
		cs.Estimates[DID] = each(func(k int) Estimate { return b.fitDID(units, k) })
	}
	if res.Has(PSMDID) {
		psm := d.Match()
		if psm != nil {
			matched := d.sampleUnits(psm.Weight)
			cs.Estimates[PSMDID] = each(func(k int) Estimate { return b.fitDID(matched, k) })
		} else {
			cs.Estimates[PSMDID] = each(func(int) Estimate { return failed() })
		}
		if all {
			out.PSM = psm
		}
	}
	if all && p.opt.Mediation {
		r := sim.Stream(seed, rep, sim.PurposeStudy, 0)
		m := b.mediation(units, p.opt.Bootstrap, r)
		out.Mediation = &m
	}
}

// testPrep returns each school's TestPrep in e.
func testPrep(e *sim.Engine) []float64 {
	schools := e.Population().Schools
	out := make([]float64, len(schools))
	for i := range schools {
		out[i] = float64(schools[i].TestPrep)
	}
	return out
}

func each(f func(k int) Estimate) *[NumOutcomes]Estimate {
	var out [NumOutcomes]Estimate
	for k := range out {
		out[k] = f(k)
	}
	return &out
}

// trueEffect returns the true effect on the treated schools' tested grade
// and each treated school's: the student-weighted mean over those schools
// of the difference between their students' mean outcome in the treated
// world and the same students' mean in the twin, wherever they are there
// (students matched by ID). A family that moved to a treated school
// (agents.IntakeResponse) thus brings its child's own counterfactual, so
// the truth is what the reform did to the students, not how it changed
// who they are. A school whose students cannot all be found in the twin's
// tested grade (a school-choice policy admits children under new IDs)
// keeps the difference of the two worlds' school means. Where both worlds
// have the same students in the same order the two agree to the bit.
func trueEffect(treated, twin []Student, schools []School) ([NumOutcomes]float64, []SchoolEffect) {
	n1, m1 := gradeMeans(treated, len(schools))
	n0, m0 := gradeMeans(twin, len(schools))
	byID := make(map[int64]int, len(twin))
	for i := range twin {
		byID[twin[i].ID] = i
	}
	// matched[s] sums the twin outcomes of school s's students in the
	// treated world, in that world's order; whole[s] is false when one of
	// them is missing from the twin.
	matched := make([][NumOutcomes]float64, len(schools))
	whole := make([]bool, len(schools))
	for i := range whole {
		whole[i] = true
	}
	for i := range treated {
		st := &treated[i]
		if !schools[st.School].Treated {
			continue
		}
		j, ok := byID[st.ID]
		if !ok {
			whole[st.School] = false
			continue
		}
		for k := range NumOutcomes {
			matched[st.School][k] += twin[j].Score[k]
		}
	}
	var sum [NumOutcomes]float64
	var n int
	var per []SchoolEffect
	for i := range schools {
		if !schools[i].Treated || n1[i] == 0 || (!whole[i] && n0[i] == 0) {
			continue
		}
		e := SchoolEffect{School: int32(i), Students: n1[i]}
		for k := range NumOutcomes {
			base := m0[i][k]
			if whole[i] {
				base = matched[i][k] / float64(n1[i])
			}
			e.Effect[k] = m1[i][k] - base
			sum[k] += float64(float64(n1[i]) * e.Effect[k]) // rounded: no fused multiply-add (see fmath)
		}
		n += n1[i]
		per = append(per, e)
	}
	for k := range sum {
		if n > 0 {
			sum[k] /= float64(n)
		} else {
			sum[k] = math.NaN() // no treated student: no effect to speak of
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
