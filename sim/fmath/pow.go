package fmath

import "math"

// Pow returns x**y. The fractional part of y (taken in [−1/2, 1/2]) is
// computed as Exp(yf·Log(x)), the integer part by repeated squaring of
// x's mantissa, with the binary exponents summed apart so that no
// intermediate overflows:
//
//	x**y = e**(yf·log x) · m**yi · 2**(e·yi),  x = m·2**e, y = yi + yf
//
// The error is a few ulp for moderate y·log x. Special cases are those of
// math.Pow (IEEE 754 pow): Pow(x, ±0) = 1 and Pow(1, y) = 1 for any x, y;
// a NaN argument otherwise gives NaN; Pow(x < 0, y) is NaN for a finite
// non-integer y; zeros and infinities follow the signs math.Pow documents.
func Pow(x, y float64) float64 {
	if r, ok := powSpecial(x, y); ok {
		return r
	}
	yi, yf := math.Modf(math.Abs(y))
	if yf > 0.5 {
		yi++
		yf--
	}
	if yi >= 1<<63 {
		// An even integer so large that x**yi overflows or underflows for
		// every x but ±1.
		switch {
		case x == -1:
			return 1
		case (math.Abs(x) < 1) == (y > 0):
			return 0
		}
		return math.Inf(1)
	}

	mant, exp := 1.0, 0 // the result is mant·2**exp
	if yf != 0 {
		mant = Exp(float64(yf * Log(x)))
	}
	xm, xe := math.Frexp(x)
	for n := int64(yi); n != 0; n >>= 1 {
		if xe < -1<<12 || 1<<12 < xe {
			// x**(2**j) alone already over- or underflows: the sign of
			// its exponent decides, the mantissa no longer matters.
			exp += xe
			break
		}
		if n&1 == 1 {
			mant = float64(mant * xm)
			exp += xe
		}
		xm = float64(xm * xm)
		xe <<= 1
		if xm < 0.5 {
			xm += xm
			xe--
		}
	}
	if y < 0 {
		mant = 1 / mant
		exp = -exp
	}
	return math.Ldexp(mant, exp)
}

// powSpecial returns Pow(x, y) and true for the special cases of IEEE 754
// pow (zeros, infinities, NaN, x or y equal to ±1, and x < 0 with a
// non-integer y).
func powSpecial(x, y float64) (float64, bool) {
	switch {
	case y == 0 || x == 1:
		return 1, true
	case y == 1:
		return x, true
	case math.IsNaN(x) || math.IsNaN(y):
		return math.NaN(), true
	case x == 0:
		switch {
		case y < 0:
			if odd(y) {
				return math.Copysign(math.Inf(1), x), true
			}
			return math.Inf(1), true
		case odd(y):
			return x, true
		}
		return 0, true
	case math.IsInf(y, 0):
		switch {
		case x == -1:
			return 1, true
		case (math.Abs(x) < 1) == math.IsInf(y, 1):
			return 0, true
		}
		return math.Inf(1), true
	case math.IsInf(x, 0):
		if math.IsInf(x, -1) {
			return Pow(1/x, -y), true // −0 to the −y
		}
		if y < 0 {
			return 0, true
		}
		return math.Inf(1), true
	case y == 0.5:
		return math.Sqrt(x), true
	case y == -0.5:
		return 1 / math.Sqrt(x), true
	case x < 0 && math.Trunc(y) != y:
		return math.NaN(), true
	}
	return 0, false
}

// odd reports whether y is an odd integer.
func odd(y float64) bool {
	if math.Abs(y) >= 1<<53 {
		return false // every float64 this large is even
	}
	i, f := math.Modf(y)
	return f == 0 && int64(i)&1 == 1
}
