package agents

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"schoolnet/sim/fmath"
)

// TransferOptions is the number of vacancies of its subject that a teacher
// looking for a transfer hears of in a year (TeacherTransfer).
const TransferOptions = 3

// Distance returns the straight-line distance between two schools in km.
func Distance(a, b *School) float64 {
	return fmath.Hypot(float64(a.X-b.X), float64(a.Y-b.Y))
}

// TransferUtility returns the value, on the logit scale, that a teacher of
// school from puts on a post at school to that pays pay RMB a year more,
// against staying where it is:
//
//	V = −c + β_A·(rep_to − rep_from) − β_D·d/10 + β_P·pay/w
//
// with c TransferCost, β_A TransferAdvantage, rep the schools'
// reputations, β_D TransferDistance, d the distance in km, β_P
// TransferPay and w TeacherSalary.
func TransferUtility(from, to *School, pay float64, p *Params) float64 {
	// float64(x*y) rounds each product before a sum, so that no machine
	// fuses the two into one multiply-add: the same bits everywhere.
	return -p.TransferCost +
		float64(p.TransferAdvantage*float64(to.Reputation-from.Reputation)) -
		float64(float64(p.TransferDistance*Distance(from, to))/10) +
		float64(float64(p.TransferPay*pay)/p.TeacherSalary)
}

// AcceptOffer decides whether a teacher of school from accepts a post at
// school to that pays pay RMB a year more: with chance logistic(V), V the
// TransferUtility, drawn from r.
func AcceptOffer(from, to *School, pay float64, p *Params, r *rand.Rand) bool {
	return r.Float64() < logistic(TransferUtility(from, to, pay, p))
}

func logistic(x float64) float64 { return 1 / (1 + fmath.Exp(-x)) }

// TransferSeek returns the chance that teacher t looks at other schools'
// vacancies this year:
//
//	q = λ·exp(−μ·min(X, 30)/10)
//
// with λ TransferSearch, μ TransferExperience and X the teacher's
// experience in years.
func TransferSeek(t *Teacher, p *Params) float64 {
	x := float64(p.TransferExperience * min(float64(t.Experience), 30))
	return float64(p.TransferSearch * fmath.Exp(-x/10))
}

// TransferRounds is the most rounds of applications in a year's
// TeacherTransfer: a vacancy a mover leaves can be filled by another
// mover in the next round (a vacancy chain).
const TransferRounds = 3

// A slot is a teaching post: a school and an index into its Teachers.
type slot struct{ school, slot int32 }

// TeacherTransfer runs one year-end round of voluntary transfers between
// the schools, after every school's CloseYear. The vacancies are the slots
// that this year's new hires fill. Every teacher who has taught a year or
// more and is neither posted nor committed (PostingEnds < 0) looks, with
// chance TransferSeek, for a transfer. In each of up to TransferRounds
// rounds, every teacher still looking hears of up to TransferOptions
// vacancies of its subject in other schools, drawn at random, and applies
// to the one it values most, j* = argmax_j V_j with V =
// TransferUtility(own, j, 0), with chance
//
//	P(apply) = logistic(V_j*)
//
// against staying; a teacher who does not apply stops looking. Each vacancy, in school and
// slot order, then takes the most effective of its applicants who is more
// effective than the new hire (schools prefer the applicants with the
// higher value added: Boyd, Lankford, Loeb, Ronfeldt & Wyckoff 2011); the
// others look again in the next round. The mover takes the slot with the
// value added PortableEffectiveness gives it there and Home = the new
// school; the new hire goes to its old slot instead (Move), which is a
// vacancy of the next round, and the old school counts a mover. Every
// draw comes from r. It returns the number of moves.
func TeacherTransfer(schools []School, env *Env, r *rand.Rand) int {
	p := env.Par
	if p.TransferSearch <= 0 {
		return 0
	}
	var looking []slot
	for si := range schools {
		s := &schools[si]
		for k := range s.Teachers {
			t := &s.Teachers[k]
			if t.Experience >= 1 && t.PostingEnds < 0 && r.Float64() < TransferSeek(t, p) {
				looking = append(looking, slot{int32(si), int32(k)})
			}
		}
	}
	moves := 0
	for range TransferRounds {
		if len(looking) == 0 {
			break
		}
		var n int
		n, looking = transferRound(schools, looking, env, r)
		moves += n
		if n == 0 {
			break
		}
	}
	return moves
}

// transferRound runs one round of TeacherTransfer for the teachers in
// looking. It returns the number of moves and the applicants who were
// turned down, who look again.
func transferRound(schools []School, looking []slot, env *Env, r *rand.Rand) (int, []slot) {
	p := env.Par
	var open [NumSubjects][]slot
	for si := range schools {
		s := &schools[si]
		for k := range s.Teachers {
			if t := &s.Teachers[k]; t.Experience == 0 && t.PostingEnds < 0 {
				open[t.Subject] = append(open[t.Subject], slot{int32(si), int32(k)})
			}
		}
	}
	// applied[sub][j] lists the applicants to open[sub][j], in order.
	var applied [NumSubjects][][]slot
	for sub := range applied {
		applied[sub] = make([][]slot, len(open[sub]))
	}
	var options shuffled
	for _, me := range looking {
		s := &schools[me.school]
		t := &s.Teachers[me.slot]
		vs := open[t.Subject]
		// The options are the vacancies of other schools: vs without the
		// teacher's own school's, which lie together (vs is in school
		// order).
		lo, _ := slices.BinarySearchFunc(vs, me.school, func(v slot, i int32) int { return cmp.Compare(v.school, i) })
		hi, _ := slices.BinarySearchFunc(vs, me.school+1, func(v slot, i int32) int { return cmp.Compare(v.school, i) })
		options.reset(lo, hi, len(vs))
		best, value := -1, math.Inf(-1)
		for j := range min(TransferOptions, options.n) {
			// A partial shuffle: the options heard of are drawn without
			// replacement.
			m := j + r.IntN(options.n-j)
			options.swap(j, m)
			o := options.at(j)
			if v := TransferUtility(s, &schools[vs[o].school], 0, p); v > value {
				best, value = o, v
			}
		}
		if best >= 0 && r.Float64() < logistic(value) {
			applied[t.Subject][best] = append(applied[t.Subject][best], me)
		}
	}
	moves := 0
	var again []slot
	eff := func(a slot) float32 { return schools[a.school].Teachers[a.slot].Effectiveness }
	for sub := range applied {
		for j, apps := range applied[sub] {
			v := open[sub][j]
			best := -1
			for a, ap := range apps {
				if eff(ap) > eff(v) && (best < 0 || eff(ap) > eff(apps[best])) {
					best = a
				}
			}
			for a, ap := range apps {
				if a == best {
					Move(&schools[ap.school], int(ap.slot), &schools[v.school], int(v.slot), env, r)
					moves++
				} else {
					again = append(again, ap)
				}
			}
		}
	}
	return moves, again
}

// shuffled is the list of positions 0…total−1 without lo…hi−1, in a
// partial shuffle: at(k) is its k-th element after the swaps so far. Only
// the swapped places are stored, so a teacher's few draws cost O(1), not
// a list of every vacancy of the city, and give the same options as
// shuffling that list.
type shuffled struct {
	n, lo, gap int
	moved      []struct{ at, v int }
}

func (o *shuffled) reset(lo, hi, total int) {
	o.n, o.lo, o.gap, o.moved = total-(hi-lo), lo, hi-lo, o.moved[:0]
}

func (o *shuffled) at(k int) int {
	for i := len(o.moved) - 1; i >= 0; i-- {
		if o.moved[i].at == k {
			return o.moved[i].v
		}
	}
	if k >= o.lo {
		return k + o.gap
	}
	return k
}

func (o *shuffled) swap(j, m int) {
	vj, vm := o.at(j), o.at(m)
	o.moved = append(o.moved, struct{ at, v int }{j, vm}, struct{ at, v int }{m, vj})
}

// Move transfers the teacher in slot i of school from for good to slot j
// of school to, which holds this year's new hire (Experience 0): the
// teacher's value added becomes what PortableEffectiveness gives it there
// (drawing from r), its Home becomes to and it is neither posted nor
// committed. The new hire takes slot i instead, as from's hire: its mean
// effectiveness and style are moved from to's hiring terms to from's
// (HireReputation·reputation, HireStyle), so that it is drawn as from
// would have drawn it. Both lose their collaboration ties. from counts a
// mover and a hire. The two slots must be of the same subject.
func Move(from *School, i int, to *School, j int, env *Env, r *rand.Rand) {
	t, h := from.Teachers[i], to.Teachers[j]
	if t.Subject != h.Subject {
		panic("agents: move to a slot of another subject")
	}
	PortableEffectiveness(&t, from, to, env.Ref, env.Par, r)
	t.Home, t.PostingEnds, t.HomeShift = to.Index, -1, 0
	// Both start afresh with the colleagues of their new school: their
	// collaboration ties end, at both ends within the schools they leave
	// (the next refill, in SchoolYear, gives new ones; a partner in a
	// third school loses its tie at the next year end).
	t.TieSchool, t.TieID = [TeacherTies]int32{}, [TeacherTies]int64{}
	h.TieSchool, h.TieID = t.TieSchool, t.TieID
	dropTiesTo(from, t.ID)
	dropTiesTo(to, h.ID)
	h.Home = from.Index
	h.Effectiveness += float32(env.Par.HireReputation * float64(from.Reputation-to.Reputation))
	h.Style = clamp01f(float64(h.Style + from.HireStyle - to.HireStyle))
	from.Teachers[i], to.Teachers[j] = h, t
	from.Hires++
	from.Movers++
}

// dropTiesTo ends the collaboration ties of school s's teachers to
// teacher id.
func dropTiesTo(s *School, id int64) {
	for k := range s.Teachers {
		c := &s.Teachers[k]
		for j := range c.TieID {
			if c.TieID[j] == id {
				c.TieSchool[j], c.TieID[j] = 0, 0
			}
		}
	}
}
