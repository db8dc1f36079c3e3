package sim

import (
	"context"
	"testing"

	"schoolnet/agents"
)

// careers follows every teacher through one year of an engine: where it
// taught and its effectiveness before, and where it teaches after.
type careers struct {
	school map[int64]int32
	eff    map[int64]float64
}

func snapshotCareers(e *Engine) careers {
	c := careers{school: map[int64]int32{}, eff: map[int64]float64{}}
	for i := range e.Population().Schools {
		for _, t := range e.Population().Schools[i].Teachers {
			c.school[t.ID], c.eff[t.ID] = int32(i), float64(t.Effectiveness)
		}
	}
	return c
}

// TestBaselineTeacherMobility: in the default school system with no
// reform, about 2–6.5% of teachers a year move to another school
// (Hanushek, Kain & Rivkin 2004: 6.5% within Texas districts; rarer in
// Chinese counties), movers drift towards schools of higher reputation,
// leavers are less effective than stayers and movers (Boyd et al. 2008;
// Hanushek & Rivkin 2010), and those who leave weak schools for other
// schools are more effective than the weak schools' stayers (Boyd et al.
// 2008). Each year's records count the movers.
func TestBaselineTeacherMobility(t *testing.T) {
	cfg := Config{Seed: 20260101, Years: 4, WeeksPerYear: 10, SpinUpYears: 2, Workers: 2,
		Population: agents.DefaultPopulation(), Params: agents.DefaultParams()}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sd := cfg.Params.TeacherSD
	var drift, moverZ, leaverZ, stayerZ, weakMoverZ, weakStayerZ float64
	// moverGain and stayerGain sum each teacher's change in effectiveness
	// over the year, in teacher SD: Jackson (2013) finds teachers more
	// effective after a move than before, against their own trend.
	var moverGain, stayerGain float64
	var movers, leavers, stayers, weakMovers, weakStayers, up int
	for y := 1 - cfg.SpinUpYears; y <= cfg.Years; y++ {
		before := snapshotCareers(e)
		mean := e.Reference().Effectiveness
		var rec YearRecord
		if err := e.RunYear(context.Background(), y, func(r YearRecord) { rec = r }); err != nil {
			t.Fatal(err)
		}
		after := snapshotCareers(e)
		schools := e.Population().Schools
		yearMovers := 0
		for id, from := range before.school {
			z := (before.eff[id] - mean) / sd
			to, stayed := after.school[id]
			weak := schools[from].Tier == agents.Weak
			switch {
			case !stayed:
				leavers++
				leaverZ += z
			case to != from:
				movers++
				yearMovers++
				moverZ += z
				moverGain += (after.eff[id] - before.eff[id]) / sd
				drift += float64(schools[to].Reputation - schools[from].Reputation)
				if schools[to].Reputation > schools[from].Reputation {
					up++
				}
				if weak {
					weakMovers++
					weakMoverZ += z
				}
			default:
				stayers++
				stayerZ += z
				stayerGain += (after.eff[id] - before.eff[id]) / sd
				if weak {
					weakStayers++
					weakStayerZ += z
				}
			}
		}
		share := float64(yearMovers) / float64(len(before.school))
		if share < 0.02 || share > 0.065 {
			t.Errorf("year %d: %.3f of teachers moved school, want 0.02–0.065", y, share)
		}
		if y >= 0 {
			counted := 0
			for i := range rec.Schools {
				counted += rec.Schools[i].Movers
			}
			if counted != yearMovers {
				t.Errorf("year %d: records count %d movers, %d teachers moved", y, counted, yearMovers)
			}
		}
	}
	mz, lz, sz := moverZ/float64(movers), leaverZ/float64(leavers), stayerZ/float64(stayers)
	t.Logf("%d movers, %d leavers; %.2f of moves to a school of higher reputation, mean reputation gain %+.3f SD; effectiveness in teacher SD: movers %+.2f, leavers %+.2f, stayers %+.2f; from weak schools: movers %+.2f, stayers %+.2f",
		movers, leavers, float64(up)/float64(movers), drift/float64(movers), mz, lz, sz, weakMoverZ/float64(weakMovers), weakStayerZ/float64(weakStayers))
	t.Logf("change in effectiveness over the year of the move, in teacher SD: movers %+.3f, stayers %+.3f, movers less stayers %+.3f (Jackson 2013: positive)",
		moverGain/float64(movers), stayerGain/float64(stayers), moverGain/float64(movers)-stayerGain/float64(stayers))
	if drift <= 0 || 2*up <= movers {
		t.Errorf("movers' mean reputation gain %+.3f SD, %d of %d moves up: want a drift towards stronger schools",
			drift/float64(movers), up, movers)
	}
	if !(lz < sz && lz < mz) {
		t.Errorf("leavers' effectiveness %+.2f SD, want below stayers' %+.2f and movers' %+.2f", lz, sz, mz)
	}
	if !(weakMoverZ/float64(weakMovers) > weakStayerZ/float64(weakStayers)) {
		t.Errorf("movers out of weak schools %+.2f SD, want above the weak schools' stayers %+.2f",
			weakMoverZ/float64(weakMovers), weakStayerZ/float64(weakStayers))
	}
}

// TestTransferSwitchOff: with transfer_search 0 nobody moves school and
// the records count no movers.
func TestTransferSwitchOff(t *testing.T) {
	cfg := smallConfig(3)
	cfg.Params.TransferSearch = 0
	recs, err := Replicate(context.Background(), cfg, 1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range recs[0] {
		for _, r := range y.Schools {
			if r.Movers != 0 {
				t.Errorf("year %d school %d: %d movers", y.Year, r.School, r.Movers)
			}
		}
	}
}
