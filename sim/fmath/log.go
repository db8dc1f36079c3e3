package fmath

import "math"

// Coefficients of fdlibm's e_log.c: a Remez polynomial for
// log(1+f) = 2s + s·R(s²), s = f/(2+f).
const (
	logL1 = 6.666666666666735130e-01
	logL2 = 3.999999999940941908e-01
	logL3 = 2.857142874366239149e-01
	logL4 = 2.222219843214978396e-01
	logL5 = 1.818357216161805012e-01
	logL6 = 1.531383769920937332e-01
	logL7 = 1.479819860511658591e-01
)

// Log returns the natural logarithm of x, by fdlibm's method (error below
// 1 ulp):
//
//	x = 2**k · (1+f),  √2/2 ≤ 1+f < √2
//	s = f/(2+f),  R = s²·(L1 + s⁴·(L3 + …)) + s⁴·(L2 + s⁴·(L4 + …))
//	log(x) = k·ln2 + f − (f²/2 − s·(f²/2 + R))   (k·ln2 in two parts)
//
// Special cases: Log(+Inf) = +Inf, Log(0) = −Inf, Log(x < 0) = NaN,
// Log(NaN) = NaN.
func Log(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	m, e := math.Frexp(x) // x = m·2**e, 1/2 ≤ m < 1; exact, also for subnormals
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	f := m - 1
	k := float64(e)

	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	odd := logL5 + float64(s4*logL7)
	odd = logL3 + float64(s4*odd)
	odd = logL1 + float64(s4*odd)
	even := logL4 + float64(s4*logL6)
	even = logL2 + float64(s4*even)
	r := float64(s2*odd) + float64(s4*even)

	hfsq := float64(0.5 * f * f)
	tail := float64(s*(hfsq+r)) + float64(k*ln2Lo)
	return float64(k*ln2Hi) - ((hfsq - tail) - f)
}
