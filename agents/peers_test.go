package agents

import (
	"math"
	"testing"
)

// TestDropGateBoundsEveryPair checks the drop gate of PeerTieUpdate: the
// bound a week's step computes (week.bracket, week.widen) must be at
// least the drop chance drop·(1 + d_ij) of every pair of the school's
// students, to the last bit, or a tie that should end would stay. It also
// holds after a week's learning has moved the students (the bracket
// widens), and for pairs made up at the ends of the bracket, where
// rounding is closest.
func TestDropGateBoundsEveryPair(t *testing.T) {
	par := DefaultParams()
	par.HomophilyMigrant = 0.8 // a migrant term, so that it must be counted
	w := newWorld(t, testSpec(3, 2), par, 21)
	r := stream(5, 6)
	var open, pairs int
	for si := range w.pop.Schools {
		s := &w.pop.Schools[si]
		for range 3 {
			StepSchool(s, &w.env)
		}
		wk := newWeek(s, &w.env)
		classAggregates(s, &w.env, wk)
		if math.IsInf(wk.dropBound, 1) {
			t.Fatalf("school %d: no bound after classAggregates", si)
		}
		check := func(when string) {
			for i := range s.Students {
				if m := s.Students[i].meanAch; m < wk.achLo || m > wk.achHi {
					t.Fatalf("school %d, %s: student %d's mean achievement %v outside the bracket [%v, %v]", si, when, i, m, wk.achLo, wk.achHi)
				}
				for j := range s.Students {
					p := wk.drop * (1 + dissimilarity(&s.Students[i], &s.Students[j], wk))
					if p > wk.dropBound {
						t.Fatalf("school %d, %s: students %d and %d drop with chance %v, above the gate %v", si, when, i, j, p, wk.dropBound)
					}
					pairs++
				}
			}
		}
		check("before the week")
		// A week's learning on the same week: the bracket follows.
		for i := range s.Students {
			LearningGrowth(s, i, wk)
		}
		check("after learning")
		// The bound is the one the bracket gives now.
		bound := *wk
		bound.widen()
		if bound.dropBound != wk.dropBound {
			t.Fatalf("school %d: gate %v, but %v from the present bracket", si, wk.dropBound, bound.dropBound)
		}
		// Made-up pairs anywhere in the bracket, the ends included, at the
		// school's SES extremes and of unlike migrant status: the pair at
		// the two ends meets the gate exactly.
		sesLo, sesHi := s.Students[0].SES, s.Students[0].SES
		for i := range s.Students {
			sesLo, sesHi = min(sesLo, s.Students[i].SES), max(sesHi, s.Students[i].SES)
		}
		ends := []float32{wk.achLo, wk.achHi, math.Nextafter32(wk.achLo, wk.achHi), math.Nextafter32(wk.achHi, wk.achLo)}
		var met bool
		for k := range 20000 {
			a, b := s.Students[r.IntN(len(s.Students))], s.Students[r.IntN(len(s.Students))]
			if k < len(ends)*len(ends) {
				a.meanAch, b.meanAch = ends[k%len(ends)], ends[k/len(ends)]
			} else {
				a.meanAch = min(wk.achHi, max(wk.achLo, wk.achLo+float32(r.Float64())*(wk.achHi-wk.achLo)))
				b.meanAch = min(wk.achHi, max(wk.achLo, wk.achHi-float32(r.Float64())*(wk.achHi-wk.achLo)))
			}
			a.SES, b.SES = sesLo, sesHi
			a.Migrant, b.Migrant = true, false
			p := wk.drop * (1 + dissimilarity(&a, &b, wk))
			if p > wk.dropBound {
				t.Fatalf("school %d: made-up pair (%v, %v) drops with chance %v, above the gate %v", si, a.meanAch, b.meanAch, p, wk.dropBound)
			}
			met = met || p == wk.dropBound
			// The decision is u < p for the draw's uniform u = k·2^−24,
			// gate or no gate: at the draws either side of p and of the
			// gate, and at random.
			kp, kg := uint64(math.Ceil(p*0x1p24)), wk.gateBelow
			for _, k := range []uint64{kp - 1, kp, kp + 1, kg - 1, kg, r.Uint64N(1 << 24), r.Uint64N(max(kg, 1))} {
				k = min(k, 1<<24-1)
				u := float64(k) * 0x1p-24
				if got := wk.drops(k, &a, 1, &b); got != (u < p) {
					t.Fatalf("school %d: drops(%v) = %v for a drop chance of %v", si, u, got, p)
				}
				if wk.drops(k, &a, -1, &b) {
					t.Fatalf("school %d: an empty slot drops at %v", si, u)
				}
			}
		}
		if !met {
			t.Errorf("school %d: no pair at the bracket's ends meets the gate: it is looser than it need be", si)
		}
		// The gate is worth having: most weekly draws lie above it.
		if wk.dropBound < 0.5 {
			open++
		}
		t.Logf("school %d: gate %.4f (drop chance %.4f at d = 0)", si, wk.dropBound, wk.drop)
	}
	if open != len(w.pop.Schools) {
		t.Errorf("the gate lies above 0.5 in %d of %d schools: it spares few students", len(w.pop.Schools)-open, len(w.pop.Schools))
	}
	t.Logf("%d pairs checked", pairs)
}
