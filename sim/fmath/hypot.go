package fmath

import "math"

// Hypot returns √(p² + q²), scaled so that it neither overflows nor
// underflows needlessly: with p ≥ q ≥ 0, Hypot = p·√(1 + (q/p)²).
// Special cases: Hypot(±Inf, q) = Hypot(p, ±Inf) = +Inf, otherwise a NaN
// argument gives NaN.
func Hypot(p, q float64) float64 {
	p, q = math.Abs(p), math.Abs(q)
	switch {
	case math.IsInf(p, 1) || math.IsInf(q, 1):
		return math.Inf(1)
	case math.IsNaN(p) || math.IsNaN(q):
		return math.NaN()
	}
	if p < q {
		p, q = q, p
	}
	if p == 0 {
		return 0
	}
	q = q / p
	return p * math.Sqrt(1+float64(q*q))
}
