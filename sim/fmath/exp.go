package fmath

import "math"

// Constants of fdlibm's e_exp.c (Sun Microsystems, 1993).
const (
	expOverflow  = 7.09782712893383973096e+02  // above: +Inf
	expUnderflow = -7.45133219101941108420e+02 // below: 0
	ln2Hi        = 6.93147180369123816490e-01  // ln 2, high 32 bits: k·ln2Hi is exact
	ln2Lo        = 1.90821492927058770002e-10  // ln 2 − ln2Hi
	invLn2       = 1.44269504088896338700e+00  // 1/ln 2

	expP1 = 1.66666666666666019037e-01
	expP2 = -2.77777777770155933842e-03
	expP3 = 6.61375632143793436117e-05
	expP4 = -1.65339022054652515390e-06
	expP5 = 4.13813679705723846039e-08
)

// Exp returns e**x, as fdlibm computes it (error below 1 ulp):
//
//	x = k·ln2 + r, |r| ≤ ln2/2, r = hi − lo (k·ln2 in two parts)
//	c = r − r²·P(r²)   (Remez polynomial of degree 5 in r²)
//	e**r = 1 − ((lo − r·c/(2 − c)) − hi),  e**x = 2**k · e**r
//
// Special cases: Exp(+Inf) = +Inf, Exp(−Inf) = 0, Exp(NaN) = NaN; results
// that overflow are +Inf, results that underflow are 0.
func Exp(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x > expOverflow:
		return math.Inf(1)
	case x < expUnderflow:
		return 0
	case -0x1p-28 < x && x < 0x1p-28:
		return 1 + x
	}
	// k = round(x/ln2), half away from zero.
	k := math.Trunc(float64(invLn2*x) + math.Copysign(0.5, x))
	hi := x - float64(k*ln2Hi)
	lo := float64(k * ln2Lo)
	r := hi - lo
	return math.Ldexp(expReduced(r, hi, lo), int(k))
}

// expReduced returns e**r for r = hi − lo, |r| ≤ ln2/2.
func expReduced(r, hi, lo float64) float64 {
	t := float64(r * r)
	p := expP4 + float64(t*expP5)
	p = expP3 + float64(t*p)
	p = expP2 + float64(t*p)
	p = expP1 + float64(t*p)
	c := r - float64(t*p)
	return 1 - ((lo - float64(r*c)/(2-c)) - hi)
}
