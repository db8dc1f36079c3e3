package agents

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTransferUtility: a post is worth more in a school of higher
// reputation, less the farther it is, and more the more it pays, by the
// documented formula.
func TestTransferUtility(t *testing.T) {
	p := DefaultParams()
	at := func(x float32, rep float32) *School { return &School{X: x, Reputation: rep} }
	home := at(0, 0)
	base := TransferUtility(home, at(0, 0), 0, &p)
	if base != -p.TransferCost {
		t.Errorf("an identical school next door is worth %g, want −transfer_cost = %g", base, -p.TransferCost)
	}
	for _, tt := range []struct {
		name string
		to   *School
		pay  float64
		want float64
	}{
		{"one SD better", at(0, 1), 0, base + p.TransferAdvantage},
		{"one SD worse", at(0, -1), 0, base - p.TransferAdvantage},
		{"20 km away", at(20, 0), 0, base - 2*p.TransferDistance},
		{"a fifth of a year's pay more", at(0, 0), p.TeacherSalary / 5, base + p.TransferPay/5},
	} {
		if got := TransferUtility(home, tt.to, tt.pay, &p); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: V = %.4f, want %.4f", tt.name, got, tt.want)
		}
	}
}

// TestAcceptOfferTakeUp: the share of teachers who accept an offer to a
// weaker school rises with the pay offered, as logistic(V).
func TestAcceptOfferTakeUp(t *testing.T) {
	p := DefaultParams()
	from, to := &School{Reputation: 0.7}, &School{X: 8, Reputation: -0.8}
	r := stream(3, 4)
	const n = 20000
	last := -1.0
	for _, pay := range []float64{0, 22000, 66000, 220000} {
		accept := 0
		for range n {
			if AcceptOffer(from, to, pay, &p, r) {
				accept++
			}
		}
		got := float64(accept) / n
		want := 1 / (1 + math.Exp(-TransferUtility(from, to, pay, &p)))
		if math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/n) {
			t.Errorf("pay %.0f: take-up %.4f, want %.4f", pay, got, want)
		}
		if got <= last {
			t.Errorf("pay %.0f: take-up %.4f, not above %.4f at less pay", pay, got, last)
		}
		last = got
	}
}

// TestTransferSeek: novices look most; the chance falls with experience
// up to 30 years; 0 switches looking off.
func TestTransferSeek(t *testing.T) {
	p := DefaultParams()
	seek := func(x float32) float64 { return TransferSeek(&Teacher{Experience: x}, &p) }
	if got := seek(0); math.Abs(got-p.TransferSearch) > 1e-12 {
		t.Errorf("novice: %g, want transfer_search %g", got, p.TransferSearch)
	}
	if got, want := seek(20)/seek(0), math.Exp(-2*p.TransferExperience); math.Abs(got-want) > 1e-9 {
		t.Errorf("20 years: %.4f of a novice's chance, want %.4f", got, want)
	}
	if seek(40) != seek(30) {
		t.Errorf("the fall stops at 30 years: %g at 40, %g at 30", seek(40), seek(30))
	}
	p.TransferSearch = 0
	if seek(0) != 0 {
		t.Errorf("transfer_search 0: chance %g", seek(0))
	}
}

// transferWorld is a district of 9 schools (2 strong, 4 average, 3 weak)
// with reputations 0.8, 0 and −0.8 by tier, in which every school has
// just hired one new teacher of each subject.
func transferWorld(t *testing.T, p Params, seed uint64) *world {
	t.Helper()
	w := newWorld(t, testSpec(9, 2), p, seed)
	for i := range w.pop.Schools {
		s := &w.pop.Schools[i]
		s.Reputation = [NumTiers]float32{0.8, 0, -0.8}[s.Tier]
		var hired [NumSubjects]bool
		for k := range s.Teachers {
			tc := &s.Teachers[k]
			tc.Experience = max(1, tc.Experience)
			if !hired[tc.Subject] {
				hired[tc.Subject] = true
				s.Teachers[k] = s.newTeacher(tc.Subject, &p)
			}
		}
	}
	w.ref.Effectiveness = 0.16
	return w
}

// TestTeacherTransfer: movers take only this year's vacancies, in another
// school, of their own subject, and only where they are more effective
// than the new hire, who takes the mover's old slot; staff numbers and
// subject mixes stay; the old school counts a mover; over many years more
// teachers move up the schools' ranking than down. With transfer_search 0
// nothing changes and nothing is drawn.
func TestTeacherTransfer(t *testing.T) {
	p := DefaultParams()
	p.TransferSearch = 1
	up, down, moves := 0, 0, 0
	for trial := range 30 {
		w := transferWorld(t, p, uint64(100+trial))
		where := map[int64]int32{}
		eff := map[int64]float32{}
		var mix [][NumSubjects]int
		for i := range w.pop.Schools {
			var m [NumSubjects]int
			for _, tc := range w.pop.Schools[i].Teachers {
				where[tc.ID], eff[tc.ID] = int32(i), tc.Effectiveness
				m[tc.Subject]++
			}
			mix = append(mix, m)
		}
		n := TeacherTransfer(w.pop.Schools, &w.env, stream(7, uint64(trial)))
		moves += n
		movers := 0
		for i := range w.pop.Schools {
			s := &w.pop.Schools[i]
			var m [NumSubjects]int
			for _, tc := range s.Teachers {
				m[tc.Subject]++
				from, ok := where[tc.ID]
				if !ok {
					t.Fatalf("trial %d: teacher %d appeared from nowhere", trial, tc.ID)
				}
				delete(where, tc.ID)
				if from == int32(i) || tc.Experience == 0 {
					continue // stayed, or a new hire placed in a mover's slot
				}
				movers++
				if tc.Home != int32(i) || tc.PostingEnds != -1 || tc.TieID != ([TeacherTies]int64{}) {
					t.Errorf("trial %d: mover %d in school %d has Home %d, PostingEnds %d, ties %v", trial, tc.ID, i, tc.Home, tc.PostingEnds, tc.TieID)
				}
				rf, rt := w.pop.Schools[from].Reputation, s.Reputation
				switch {
				case rt > rf:
					up++
				case rt < rf:
					down++
				}
			}
			if m != mix[i] {
				t.Errorf("trial %d: school %d has subject mix %v, had %v", trial, i, m, mix[i])
			}
		}
		if len(where) != 0 {
			t.Errorf("trial %d: %d teachers lost", trial, len(where))
		}
		var counted int32
		for i := range w.pop.Schools {
			counted += w.pop.Schools[i].Movers
		}
		if movers != n || int(counted) != n {
			t.Errorf("trial %d: %d moves returned, %d movers found, %d counted by the schools", trial, n, movers, counted)
		}
	}
	if moves < 30 {
		t.Fatalf("only %d moves in 30 trials; the test needs more", moves)
	}
	if up <= 2*down {
		t.Errorf("%d moves up the ranking, %d down: want more than twice as many up", up, down)
	}

	// Each mover took a vacancy: a slot of a new hire, where it was more
	// effective before its move than the hire, or the slot of a teacher
	// who moved away (a vacancy chain, filled in a later round).
	w := transferWorld(t, p, 77)
	occupant := map[[2]int32]Teacher{}
	before := map[int64]Teacher{}
	for i := range w.pop.Schools {
		for k, tc := range w.pop.Schools[i].Teachers {
			before[tc.ID] = tc
			occupant[[2]int32{int32(i), int32(k)}] = tc
		}
	}
	if TeacherTransfer(w.pop.Schools, &w.env, stream(8, 8)) == 0 {
		t.Fatal("no moves")
	}
	moved := map[int64]bool{}
	for i := range w.pop.Schools {
		for _, tc := range w.pop.Schools[i].Teachers {
			moved[tc.ID] = tc.Experience > 0 && tc.Home != before[tc.ID].Home
		}
	}
	for i := range w.pop.Schools {
		for k, tc := range w.pop.Schools[i].Teachers {
			if !moved[tc.ID] {
				continue
			}
			was := occupant[[2]int32{int32(i), int32(k)}]
			switch {
			case was.Experience == 0 && before[tc.ID].Effectiveness <= was.Effectiveness:
				t.Errorf("mover %d of effectiveness %.3f displaced a new hire of %.3f", tc.ID, before[tc.ID].Effectiveness, was.Effectiveness)
			case was.Experience > 0 && !moved[was.ID]:
				t.Errorf("mover %d took slot %d of school %d, which was no vacancy", tc.ID, k, i)
			}
		}
	}

	// Switched off: nothing moves and nothing is drawn.
	p.TransferSearch = 0
	w = transferWorld(t, p, 101)
	a, b := stream(1, 2), stream(1, 2)
	if n := TeacherTransfer(w.pop.Schools, &w.env, a); n != 0 {
		t.Errorf("transfer_search 0: %d moves", n)
	}
	if a.Uint64() != b.Uint64() {
		t.Error("transfer_search 0: the round drew from the stream")
	}
}

// TestShuffledAgreesWithList checks the vacancies a looking teacher hears
// of (shuffled) against the partial shuffle of the full list of other
// schools' vacancies that it replaced: same draws, same options.
func TestShuffledAgreesWithList(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var o shuffled
	for range 2000 {
		total := r.IntN(12)
		lo := r.IntN(total + 1)
		hi := lo + r.IntN(total-lo+1)
		var list []int
		for j := range total {
			if j < lo || j >= hi {
				list = append(list, j)
			}
		}
		o.reset(lo, hi, total)
		if o.n != len(list) {
			t.Fatalf("%d without [%d,%d): %d options, want %d", total, lo, hi, o.n, len(list))
		}
		a, b := rand.New(rand.NewPCG(uint64(total), uint64(lo))), rand.New(rand.NewPCG(uint64(total), uint64(lo)))
		for j := range min(TransferOptions+2, len(list)) {
			m := j + a.IntN(len(list)-j)
			list[j], list[m] = list[m], list[j]
			o.swap(j, j+b.IntN(o.n-j))
			if got := o.at(j); got != list[j] {
				t.Fatalf("%d without [%d,%d), draw %d: option %d, the list gives %d", total, lo, hi, j, got, list[j])
			}
		}
	}
}
