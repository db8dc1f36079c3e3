package fmath

import "math"

// Coefficients of Cephes' sin.c and atan.c (Stephen L. Moshier, Cephes
// Math Library 2.8, 2000).
const (
	// π/4 in three parts, each with trailing zeros, so that y·pio4a and
	// y·pio4b are exact for the octant counts y used here.
	pio4a = 7.85398125648498535156e-1
	pio4b = 3.77489470793079817668e-8
	pio4c = 2.69515142907905952645e-15

	// tan(3π/8), and the bits of π/2 below float64 precision.
	tan3pio8 = 2.41421356237309504880
	moreBits = 6.123233995736765886130e-17

	// Beyond trigReduceMax the three-part reduction loses accuracy.
	trigReduceMax = 1 << 29
)

var (
	sinCoef = [6]float64{
		1.58962301576546568060e-10, -2.50507477628578072866e-8,
		2.75573136213857245213e-6, -1.98412698295895385996e-4,
		8.33333333332211858878e-3, -1.66666666666666307295e-1,
	}
	cosCoef = [6]float64{
		-1.13585365213876817300e-11, 2.08757008419747316778e-9,
		-2.75573141792967388112e-7, 2.48015872888517045348e-5,
		-1.38888888888730564116e-3, 4.16666666666665929218e-2,
	}
	atanP = [5]float64{
		-8.750608600031904122785e-1, -1.615753718733365076637e+1,
		-7.500855792314704667340e+1, -1.228866684490136173410e+2,
		-6.485021904942025371773e+1,
	}
	atanQ = [6]float64{
		1, 2.485846490142306297962e+1, 1.650270098316988542046e+2,
		4.328810604912902668951e+2, 4.853903996359136964868e+2,
		1.945506571482613964425e+2,
	}
)

// horner returns c[0]·zⁿ⁻¹ + c[1]·zⁿ⁻² + … + c[n−1], rounding each product.
func horner(z float64, c []float64) float64 {
	p := c[0]
	for _, ck := range c[1:] {
		p = float64(p*z) + ck
	}
	return p
}

// Sin returns the sine of the radian argument x, by Cephes' method: x is
// reduced to z = x − j·π/4 in the octant j (π/4 in three parts), then
// sin z ≈ z + z³·S(z²) or cos z ≈ 1 − z²/2 + z⁴·C(z²) by the octant. The
// error is below 1 ulp for |x| < 2**29; beyond, the reduction loses
// accuracy (the result stays the same on every machine).
// Special cases: Sin(±0) = ±0, Sin(±Inf) = Sin(NaN) = NaN.
func Sin(x float64) float64 {
	if x == 0 || math.IsNaN(x) {
		return x
	}
	if math.IsInf(x, 0) {
		return math.NaN()
	}
	neg := x < 0
	z, j := octant(math.Abs(x))
	if j > 3 {
		neg = !neg
		j -= 4
	}
	y := sinCos(z, j == 1 || j == 2)
	if neg {
		return -y
	}
	return y
}

// Cos returns the cosine of the radian argument x, by the method of [Sin].
// Special cases: Cos(±Inf) = Cos(NaN) = NaN.
func Cos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN()
	}
	z, j := octant(math.Abs(x))
	neg := false
	if j > 3 {
		neg = true
		j -= 4
	}
	if j > 1 {
		neg = !neg
	}
	y := sinCos(z, !(j == 1 || j == 2))
	if neg {
		return -y
	}
	return y
}

// octant returns z = x − y·π/4 and j = y mod 8, for x ≥ 0 and y the even
// integer nearest x/(π/4) from above the octant's start: |z| ≤ π/4.
func octant(x float64) (z float64, j uint64) {
	j = uint64(x * (4 / math.Pi))
	y := float64(j)
	if j&1 == 1 {
		j++
		y++
	}
	j &= 7
	z = ((x - float64(y*pio4a)) - float64(y*pio4b)) - float64(y*pio4c)
	return z, j
}

// sinCos returns the polynomial for cos z (cos true) or sin z, |z| ≤ π/4.
func sinCos(z float64, cos bool) float64 {
	zz := float64(z * z)
	if cos {
		return (1 - float64(0.5*zz)) + float64(float64(zz*zz)*horner(zz, cosCoef[:]))
	}
	return z + float64(float64(z*zz)*horner(zz, sinCoef[:]))
}

// Atan returns the arctangent of x in radians, by Cephes' method: x is
// reduced to [0, 0.66] by atan x = π/2 − atan(1/x) above tan(3π/8) and
// atan x = π/4 + atan((x−1)/(x+1)) between, then a rational function of
// degree 4/5 in x². The error is below 1 ulp.
// Special cases: Atan(±0) = ±0, Atan(±Inf) = ±π/2, Atan(NaN) = NaN.
func Atan(x float64) float64 {
	if x == 0 || math.IsNaN(x) {
		return x
	}
	if x < 0 {
		return -atanPositive(-x)
	}
	return atanPositive(x)
}

// atanPositive returns atan x for x > 0.
func atanPositive(x float64) float64 {
	switch {
	case x > tan3pio8:
		return math.Pi/2 - atanReduced(1/x) + moreBits
	case x > 0.66:
		return math.Pi/4 + atanReduced((x-1)/(x+1)) + 0.5*moreBits
	}
	return atanReduced(x)
}

// atanReduced returns atan x for |x| ≤ 0.66:
// x + x·z·P(z)/Q(z), z = x².
func atanReduced(x float64) float64 {
	z := float64(x * x)
	r := float64(z*horner(z, atanP[:])) / horner(z, atanQ[:])
	return float64(x*r) + x
}
