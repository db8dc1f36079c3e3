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
func tieStep(s *School, i int, cl *class, wk *week, q *pcgState) {
	const K = TiesPerStudent
	ties := (*[K]int32)(s.TieTo[i*K:])
	str := (*[K]float32)(s.TieStrength[i*K:])

	// One draw: slot (bits 0-23), drop (24-47), meeting (48-63, 16 bits).
	x := q.uint64()
	if k := below24(x, K); ties[k] >= 0 {
		j := int(ties[k])
		if unit24(x>>24) < wk.drop*(1+dissimilarity(&s.Students[i], &s.Students[j], wk)) {
			unlink(s, i, j)
		}
	}

	if float64(x>>48)*0x1p-16 < wk.meet {
		// A second draw: same class or grade (bits 0-23), candidate
		// (24-47), acceptance (48-63).
		y := q.uint64()
		j := meetCandidate(i, cl, wk, y)
		if j >= 0 && hasFreeSlot(s, i) && hasFreeSlot(s, j) && !tied(s, i, j) {
			// u < bound·exp(−d); the exponential is needed only when u < bound.
			if u := float64(y>>48) * 0x1p-16; u < wk.accept && u < wk.accept*expNeg(dissimilarity(&s.Students[i], &s.Students[j], wk)) {
				link(s, i, j)
			}
		}
	}

	// Each tie's strength grows; an empty slot (−1) keeps its strength and
	// adds +0 to the sum, which leaves it as it is (the sum is never −0),
	// chosen by a mask rather than a branch.
	grow := wk.grow
	var sum float32
	for k := range K {
		empty := uint32(ties[k] >> 31) // all ones for an empty slot
		old := str[k]
		grown := math.Float32bits(old+float32(grow*(1-old))) &^ empty // rounded: no fused multiply-add (see fmath)
		str[k] = math.Float32frombits(grown | math.Float32bits(old)&empty)
		sum += math.Float32frombits(grown)
	}
	s.Students[i].PeerRelations = sum / K
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

// meetCandidate draws the student i, of class cl, meets this week, or -1
// if i is alone. y supplies the uniforms: bits 0-23 choose class or
// grade, bits 24-47 the candidate.
func meetCandidate(i int, cl *class, wk *week, y uint64) int {
	lo, hi := cl.lo, cl.hi
	if unit24(y) >= wk.sameClass {
		lo, hi = cl.glo, cl.ghi
	}
	if hi-lo < 2 {
		return -1
	}
	j := lo + below24(y>>24, hi-lo-1)
	if j >= i {
		j++ // skip i itself
	}
	if j >= hi {
		return -1
	}
	return j
}

func hasFreeSlot(s *School, i int) bool { return s.Students[i].ties < TiesPerStudent }

func tied(s *School, i, j int) bool {
	for _, x := range s.TieTo[i*TiesPerStudent : (i+1)*TiesPerStudent] {
		if int(x) == j {
			return true
		}
	}
	return false
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
