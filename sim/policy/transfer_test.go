package policy

import (
	"math"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// incentive returns the transfer-incentive spec with its defaults, changed
// by set.
func incentive(t *testing.T, set func(*TransferSpec)) *TransferSpec {
	t.Helper()
	s := spec(t, "transfer-incentive").(*TransferSpec)
	if set != nil {
		set(s)
	}
	if err := check(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// offersAtYearOne makes the year-1 offers of spec in a fresh world of
// seed and returns the policy and the world.
func offersAtYearOne(t *testing.T, s *TransferSpec, seed uint64) (*Transfer, *sim.World) {
	t.Helper()
	w := atYearOne(t, testConfig(seed))
	p := s.New(0).(*Transfer)
	act(t, p, w, 1)
	return p, w
}

// TestTransferIncentiveTakeUp: take-up rises with the amount offered and
// is low at the TTI's terms (Glazerman et al. 2013: about 22% applied);
// it is selective: those who accept are nearer the post and come from
// schools of lower reputation than those who decline (Protik et al. 2015
// find little sorting on teachers' own traits).
func TestTransferIncentiveTakeUp(t *testing.T) {
	takeUp := map[float64]float64{}
	var accDist, decDist, accRep, decRep float64
	var acc, dec int
	for _, amount := range []float64{0, 22000, 88000} {
		var offers, accepted int
		for seed := range uint64(12) {
			p, w := offersAtYearOne(t, incentive(t, func(s *TransferSpec) { s.Amount = amount }), 40+seed)
			for _, o := range p.Offers {
				offers++
				rep := float64(w.Pop.Schools[o.From].Reputation)
				if o.Accepted {
					accepted++
				}
				if amount != 22000 {
					continue
				}
				if o.Accepted {
					acc++
					accDist += o.Distance
					accRep += rep
				} else {
					dec++
					decDist += o.Distance
					decRep += rep
				}
			}
		}
		if offers < 200 {
			t.Fatalf("amount %.0f: %d offers; the test needs more", amount, offers)
		}
		takeUp[amount] = float64(accepted) / float64(offers)
	}
	t.Logf("take-up: %.3f unpaid, %.3f at 22,000 RMB a year, %.3f at 88,000", takeUp[0], takeUp[22000], takeUp[88000])
	if !(takeUp[0] < takeUp[22000] && takeUp[22000] < takeUp[88000]) {
		t.Errorf("take-up %.3f, %.3f, %.3f at 0, 22,000 and 88,000 RMB a year: want it to rise", takeUp[0], takeUp[22000], takeUp[88000])
	}
	if u := takeUp[22000]; u < 0.05 || u > 0.35 {
		t.Errorf("take-up %.3f at the TTI's terms, want low: 0.05–0.35 (the TTI's 22%% in a less stratified system)", u)
	}
	if !(accDist/float64(acc) < decDist/float64(dec)) {
		t.Errorf("accepters are %.1f km from the post, decliners %.1f: want accepters nearer", accDist/float64(acc), decDist/float64(dec))
	}
	if !(accRep/float64(acc) < decRep/float64(dec)) {
		t.Errorf("accepters' schools' reputation %+.2f, decliners' %+.2f: want accepters' lower", accRep/float64(acc), decRep/float64(dec))
	}
}

// TestTransferIncentiveMoves: offers go only to the top EligibleShare of
// a subject's teachers outside the receiving schools; movers fill only
// vacancies (slots of new hires) of the receiving schools, the most
// effective applicant first; they become the receiving school's staff,
// committed for CommitYears (exempt from leaving and moving), after which
// they are free; their old schools count them as movers; the receiving
// schools pay Amount a year per committed mover.
func TestTransferIncentiveMoves(t *testing.T) {
	s := incentive(t, func(s *TransferSpec) { s.Start, s.End, s.CommitYears = 1, 1, 2 })
	cfg := testConfig(50)
	var p *Transfer
	cfg.Policies = func() []sim.Policy { p = s.New(0).(*Transfer); return []sim.Policy{p} }
	committed := map[int64]int32{}
	_, recs := run(t, cfg, func(e *sim.Engine, y int) {
		pop := e.Population()
		if y == 1 {
			for _, o := range p.Offers {
				if o.Moved {
					committed[o.Teacher] = o.To
				}
			}
			if len(committed) == 0 {
				t.Fatal("nobody moved")
			}
		}
		for id, to := range committed {
			k := findTeacher(&pop.Schools[to], id)
			switch {
			case y <= 2 && k < 0:
				t.Errorf("year %d: committed mover %d left school %d", y, id, to)
			case y <= 2 && pop.Schools[to].Teachers[k].PostingEnds != 2:
				t.Errorf("year %d: mover %d has PostingEnds %d, want 2", y, id, pop.Schools[to].Teachers[k].PostingEnds)
			case y == 3 && k >= 0 && pop.Schools[to].Teachers[k].PostingEnds != -1:
				t.Errorf("year 3: mover %d still committed", id)
			}
		}
	})
	receiving := treated(recs[1], 0)
	for id, to := range committed {
		if !receiving[to] {
			t.Errorf("mover %d went to school %d, which is not receiving", id, to)
		}
	}
	movers := 0
	var paid float64
	for _, r := range recs[1].Schools {
		movers += r.Movers
		if receiving[r.School] {
			paid += r.Cost.Money
		}
	}
	if movers < len(committed) {
		t.Errorf("year 1 records count %d movers, %d teachers moved by the policy", movers, len(committed))
	}
	if want := float64(len(committed)) * s.Amount; math.Abs(paid-want) > 1e-6*want {
		t.Errorf("year 1: receiving schools paid %.0f RMB, want %d movers × %.0f", paid, len(committed), s.Amount)
	}

	// At the offer: who is offered, and who gets the posts.
	w := atYearOne(t, testConfig(51))
	p = incentive(t, nil).New(0).(*Transfer)
	cut := p.thresholds(w)
	type was struct {
		eff     float32
		subject agents.Subject
	}
	before := map[int64]was{}
	for i := range w.Pop.Schools {
		for _, tc := range w.Pop.Schools[i].Teachers {
			before[tc.ID] = was{tc.Effectiveness, tc.Subject}
		}
	}
	act(t, p, w, 1)
	receivingNow := map[int32]bool{}
	for _, a := range p.chosen {
		receivingNow[a] = true
	}
	var placed, unplaced [agents.NumSubjects][]float32
	for _, o := range p.Offers {
		b := before[o.Teacher]
		switch {
		case receivingNow[o.From]:
			t.Errorf("offer to teacher %d of receiving school %d", o.Teacher, o.From)
		case b.eff < cut[b.subject]:
			t.Errorf("offer to teacher %d of effectiveness %.3f, below the top-share cut %.3f", o.Teacher, b.eff, cut[b.subject])
		case o.Moved:
			placed[b.subject] = append(placed[b.subject], b.eff)
		case o.Accepted:
			unplaced[b.subject] = append(unplaced[b.subject], b.eff)
		}
	}
	for sub := range placed {
		for _, u := range unplaced[sub] {
			for _, e := range placed[sub] {
				if u > e {
					t.Errorf("%s: an applicant of %.3f went without a post while one of %.3f got one", agents.Subject(sub), u, e)
				}
			}
		}
	}
}

// TestTransferIncentiveLevels: measured like the Talent Transfer
// Initiative, as the value added of the mover against the new hire it
// replaces, the incentive does more in primary than in junior secondary
// schools, where less of the movers' value added is portable (Glazerman et
// al. 2013: +0.10 to +0.25 SD a year in elementary grades, none in middle
// schools).
func TestTransferIncentiveLevels(t *testing.T) {
	gain := map[string]float64{}
	for _, tt := range levels {
		var sum, full float64
		n := 0
		for seed := range uint64(6) {
			w := atYearOne(t, tt.config(60+seed))
			hires := map[[2]int32]float32{}
			before := map[int64]float32{}
			for i := range w.Pop.Schools {
				for k, tc := range w.Pop.Schools[i].Teachers {
					before[tc.ID] = tc.Effectiveness
					if tc.Experience == 0 {
						hires[[2]int32{int32(i), int32(k)}] = tc.Effectiveness
					}
				}
			}
			p := incentive(t, nil).New(0).(*Transfer)
			act(t, p, w, 1)
			for i := range w.Pop.Schools {
				for k, tc := range w.Pop.Schools[i].Teachers {
					hire, vacancy := hires[[2]int32{int32(i), int32(k)}]
					if !vacancy || tc.Experience == 0 {
						continue
					}
					sum += float64(tc.Effectiveness - hire)
					full += float64(before[tc.ID] - hire)
					n++
				}
			}
		}
		if n < 10 {
			t.Fatalf("%s: %d movers; the test needs more", tt.name, n)
		}
		gain[tt.name] = sum / float64(n)
		t.Logf("%s: %d movers, each %+.3f SD a year above the hire it replaced (%+.3f had all its value added moved)",
			tt.name, n, sum/float64(n), full/float64(n))
		if !(sum < full) {
			t.Errorf("%s: movers' gain %+.3f, want below the %+.3f of full portability", tt.name, sum/float64(n), full/float64(n))
		}
	}
	if !(gain["primary"] > gain["junior secondary"]) {
		t.Errorf("movers' gain over the hire: %+.3f in primary, %+.3f in junior secondary; want more in primary", gain["primary"], gain["junior secondary"])
	}
}
