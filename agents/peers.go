package agents

import "math"

// PeerTieUpdate runs one week of student i's peer ties:
//
//  1. One of i's K slots, chosen at random, may end: a tie to j ends with
//     chance (K/2)·(δ/W)·(1 + d_ij). Each tie is checked from both ends,
//     each end picking it with chance 1/K, so a tie's yearly hazard is
//     δ·(1 + d_ij).
//  2. With chance (TieMeetRate/W)·(1 + b·Activity), where Activity is the
//     school's joint-activity intensity (Reform.Activity) and b the
//     ActivityTieBoost, i meets a candidate j: a classmate with
//     chance TieSameClass, else any student of the same grade. If both have
//     a free slot and are not yet tied, a tie of strength 0 forms with
//     chance a·(1 + χ·(C − C̄))·exp(−d_ij), capped at 1.
//  3. Each tie's strength grows: s ← s + (ρ_s/W)·(1 − s).
//  4. Peer relations PR_i = Σ_k s_k / K.
//
// The dissimilarity is
//
//	d_ij = h_a·|Ā_i − Ā_j| + h_s·|SES_i − SES_j| + h_m·[mig_i ≠ mig_j]·max(0, 1 − χ·(C − C̄))
//
// with Ā a student's mean latent achievement over subjects and χ the
// climate inclusion: a better climate raises acceptance and weakens the
// migrant-local divide. Ties are mutual and stored at both ends.
func PeerTieUpdate(s *School, i int, wk *week) {
	cl := s.classRange(s.ClassOf(i), s.Students[i].Grade)
	q := s.pcgState()
	tieStep(s, i, &cl, wk, &q)
	q.save(s)
}

// tieStep is PeerTieUpdate for student i of class cl, drawing from q.
// It decides without branching where a branch would be guessed wrong
// often: everything a decision needs is worked out whichever way it goes,
// and only the rare changes themselves, a tie ending or forming, are
// branched to. Every decision and every draw is the one the steps above
// make, in the same order.
func tieStep(s *School, i int, cl *class, wk *week, q *pcgState) {
	const K = TiesPerStudent
	ties := (*[K]int32)(s.TieTo[i*K : i*K+K])
	str := (*[K]float32)(s.TieStrength[i*K : i*K+K])
	st := &s.Students[i]

	// One draw: slot (bits 0-23), drop (24-47), meeting (48-63, 16 bits).
	x := q.uint64()
	// 1. The slot's tie, if any, may end. Its chance drop·(1 + d) is
	// worked out only if the draw is below the gate, the chance at the
	// largest d the week's students allow (week.widen): above it, the tie
	// stays whatever d is, which spares most students the peer's record.
	t := ties[below24(x, K)]
	if k := x >> 24 & bits24; wk.belowGate(k, t) && wk.dropsBelow(k, st, &s.Students[t]) {
		unlink(s, i, int(t))
	}

	// 2. With the weekly meeting chance, a second draw: same class or grade (bits
	// 0-23), candidate (24-47), acceptance (48-63). It is made in any
	// case and kept only if i meets someone.
	meet := x>>48 < wk.meetBelow // float64(x>>48)·2^−16 < the meeting chance
	next := *q
	y := next.uint64()
	q.keepIf(&next, meet)
	// The candidate: a classmate, or with chance 1 − TieSameClass
	// anyone of the grade, chosen among the others (i skipped); none if
	// i is alone. unit24(y) ≥ TieSameClass (a parameter, never NaN)
	// takes the grade.
	r := &cl.ranges[b2i(y&bits24 >= wk.sameClassBelow)]
	lo, hi := r[0], r[1]
	j := lo + below24(y>>24, max(hi-lo-1, 0))
	j += b2i(j >= i)
	found := b2i(hi-lo >= 2) & b2i(j < hi)
	// u < bound·exp(−d), with both free and not yet tied. What i's own
	// record and the draws decide is tested first, without a branch
	// between them; the candidate's record (a random read), whether they
	// are tied and the exponential are needed only when that holds
	// (about one student in five).
	v := y >> 48 // the uniform v·2^−16
	if b2i(meet)&found&b2i(st.ties < K)&b2i(v < wk.acceptBelow) != 0 {
		if other := &s.Students[j]; other.ties < K && !tiedTo(ties, j) &&
			float64(v)*0x1p-16 < wk.accept*expNeg(dissimilarity(st, other, wk)) {
			link(s, i, j)
		}
	}

	// 3. Each tie's strength grows, and peer relations are their sum
	// over K, added in slot order.
	grow := wk.grow
	var sum float32
	str[0] = growTie(ties[0], str[0], grow)
	sum += str[0]
	str[1] = growTie(ties[1], str[1], grow)
	sum += str[1]
	str[2] = growTie(ties[2], str[2], grow)
	sum += str[2]
	str[3] = growTie(ties[3], str[3], grow)
	sum += str[3]
	str[4] = growTie(ties[4], str[4], grow)
	sum += str[4]
	str[5] = growTie(ties[5], str[5], grow)
	sum += str[5]
	st.PeerRelations = sum / K
}

// drops reports whether a's tie in a slot that holds t (−1: empty), to
// b, ends at the weekly 24-bit draw k, the uniform u = k·2^−24: if the slot
// is taken, u < drop·(1 + d_ab). It is the tie step's decision, belowGate
// and then dropsBelow, which the tie step writes out so as to look up the
// peer's record (b) only below the gate.
func (wk *week) drops(k uint64, a *Student, t int32, b *Student) bool {
	return wk.belowGate(k, t) && wk.dropsBelow(k, a, b)
}

// belowGate reports whether a slot that holds t (−1: empty) is taken and
// the draw k lies below the gate (week.widen): k·2^−24 < dropBound, by
// the count of draws below it (gateBelow). Only then does the tie step
// read the peer's record, for above the gate the tie stays whatever d is.
// The two tests are combined without a branch: whether the slot is taken
// is guessed wrong too often. It is small enough to be inlined into the
// tie step, which a compiler inlines into the student loop.
func (wk *week) belowGate(k uint64, t int32) bool {
	return b2i(t >= 0)&b2i(k < wk.gateBelow) != 0
}

// dropsBelow is drops for a draw below the gate: k·2^−24 < drop·(1 + d_ab).
// It stays a call of its own (too large to be inlined into the student
// loop), which only the draws below the gate, about one in four, make.
func (wk *week) dropsBelow(k uint64, a, b *Student) bool {
	return float64(k)*0x1p-24 < wk.drop*(1+dissimilarity(a, b, wk))
}

// The tie step writes its six slots out; these fail to compile if
// TiesPerStudent is not 6.
var (
	_ [TiesPerStudent - 6]struct{}
	_ [6 - TiesPerStudent]struct{}
)

// growTie returns the strength s of a tie to t grown by a week,
// s + g·(1 − s). An empty slot (t = −1) keeps its strength, which is
// always +0 (link, unlink and the year end's moves leave an empty slot at
// +0; checkTies checks it): +0 added to a sum leaves it as it is (the sum
// of strengths is never −0). A mask chooses, not a branch.
func growTie(t int32, s, g float32) float32 {
	empty := uint32(t >> 31) // all ones for an empty slot
	// float32(g*(1-s)) is rounded: no fused multiply-add (see fmath).
	return math.Float32frombits(math.Float32bits(s+float32(g*(1-s))) &^ empty)
}

// dissimilarity is d_ij of PeerTieUpdate. Its migrant term is added as
// wk.migrant[0] = +0 when both are alike: d + 0 = d, except that −0
// would become +0, which neither 1 + d nor expNeg(d) tells apart.
func dissimilarity(a, b *Student, wk *week) float64 {
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	d := float64(wk.homAch*math.Abs(float64(a.meanAch-b.meanAch))) +
		float64(wk.homSES*math.Abs(float64(a.SES)-float64(b.SES)))
	return d + wk.migrant[b2i(a.Migrant != b.Migrant)]
}

// b2i is 1 for true and 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func tied(s *School, i, j int) bool {
	return tiedTo((*[TiesPerStudent]int32)(s.TieTo[i*TiesPerStudent:]), j)
}

// tiedTo reports whether the slots ties hold a tie to j.
func tiedTo(ties *[TiesPerStudent]int32, j int) bool {
	t := int32(j)
	return ties[0] == t || ties[1] == t || ties[2] == t || ties[3] == t || ties[4] == t || ties[5] == t
}

// link adds a mutual tie of zero strength; both must have a free slot.
func link(s *School, i, j int) {
	put := func(a, b int) {
		for k := a * TiesPerStudent; k < (a+1)*TiesPerStudent; k++ {
			if s.TieTo[k] < 0 {
				s.TieTo[k], s.TieStrength[k] = int32(b), 0
				s.Students[a].ties++
				return
			}
		}
	}
	put(i, j)
	put(j, i)
}

// unlink removes the tie between i and j at both ends.
func unlink(s *School, i, j int) {
	drop := func(a, b int) {
		for k := a * TiesPerStudent; k < (a+1)*TiesPerStudent; k++ {
			if int(s.TieTo[k]) == b {
				s.TieTo[k], s.TieStrength[k] = -1, 0
				s.Students[a].ties--
			}
		}
	}
	drop(i, j)
	drop(j, i)
}
