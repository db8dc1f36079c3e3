package estimate

import "math"

// Matching is the result of nearest-neighbour matching of treated units
// to controls.
type Matching struct {
	// Control[i] is, for treated unit i, the control it was matched to, or
	// −1 when it was left unmatched; for a control it is −1.
	Control []int
	// Weight[i] is the unit's weight in the matched sample (the
	// effect-on-the-treated weights): 1 for a matched treated unit, the
	// number of treated units it was matched to for a control (matching
	// is with replacement), 0 for everyone else.
	Weight []float64
	// Matched counts the matched treated units; OffSupport those dropped
	// for lying outside the controls' range of scores (common support);
	// OutsideCaliper those whose nearest control was too far.
	Matched, OffSupport, OutsideCaliper int
}

// NearestNeighbour matches each treated unit, in index order, to the
// control whose score is nearest (ties to the lower index), with
// replacement. A treated unit whose score lies outside [min, max] of the
// controls' scores is off the common support and left unmatched, and so is
// one whose nearest control is more than caliper away (caliper ≤ 0 or
// +Inf: no caliper). Austin (2011) recommends matching on the logit of
// the propensity score with a caliper of 0.2 SD of that logit.
func NearestNeighbour(score []float64, treated []bool, caliper float64) Matching {
	n := len(score)
	if len(treated) != n {
		panic("estimate: slice length mismatch")
	}
	m := Matching{Control: make([]int, n), Weight: make([]float64, n)}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range n {
		m.Control[i] = -1
		if !treated[i] {
			lo, hi = min(lo, score[i]), max(hi, score[i])
		}
	}
	if caliper <= 0 {
		caliper = math.Inf(1)
	}
	for i := range n {
		if !treated[i] {
			continue
		}
		if score[i] < lo || score[i] > hi {
			m.OffSupport++
			continue
		}
		best, dist := -1, math.Inf(1)
		for j := range n {
			if d := math.Abs(score[i] - score[j]); !treated[j] && d < dist {
				best, dist = j, d
			}
		}
		if best < 0 || dist > caliper {
			m.OutsideCaliper++
			continue
		}
		m.Control[i] = best
		m.Weight[i] = 1
		m.Weight[best]++
		m.Matched++
	}
	return m
}
