package estimate

import "math"

// StandardisedDifference is the standardised mean difference of x between
// treated and control units, weighted by w (nil: equal weights):
//
//	SMD = (x̄_t − x̄_c) / √((s²_t + s²_c)/2)
//
// where the means are weighted by w and the variances s² are those of the
// unweighted groups (so that an SMD before and after matching share one
// denominator, as Stuart 2010 recommends). Units of weight 0 do not count
// in the means. An |SMD| below 0.1 is the usual mark of good balance
// (Austin 2009). It is 0 when both groups are constant and equal, and NaN
// when either group is empty.
func StandardisedDifference(x []float64, treated []bool, w []float64) float64 {
	if len(treated) != len(x) || (w != nil && len(w) != len(x)) {
		panic("estimate: slice length mismatch")
	}
	var mt, mc [2]float64 // weighted sum and weight
	var st, sc [3]float64 // n, Σx, Σx² unweighted
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		// float64(x*y) rounds a product before a sum, so that no machine
		// fuses the two into one multiply-add (see package fmath).
		if treated[i] {
			mt[0] += float64(wi * v)
			mt[1] += wi
			st[0]++
			st[1] += v
			st[2] += float64(v * v)
		} else {
			mc[0] += float64(wi * v)
			mc[1] += wi
			sc[0]++
			sc[1] += v
			sc[2] += float64(v * v)
		}
	}
	if mt[1] == 0 || mc[1] == 0 || st[0] < 2 || sc[0] < 2 {
		return math.NaN()
	}
	variance := func(s [3]float64) float64 {
		mean := s[1] / s[0]
		return max(0, (s[2]-float64(s[0]*mean*mean))/(s[0]-1))
	}
	diff := mt[0]/mt[1] - mc[0]/mc[1]
	sd := math.Sqrt((variance(st) + variance(sc)) / 2)
	if sd == 0 {
		if math.Abs(diff) < 1e-12 {
			return 0
		}
		return math.Copysign(math.Inf(1), diff)
	}
	return diff / sd
}
