package agents

import (
	"math"

	"schoolnet/sim/fmath"
)

// The per-student hot path splits one 64-bit draw of the school's stream
// into several narrower uniforms instead of drawing each separately. A
// 24-bit uniform resolves chances to 6e-8, far below any rate of the
// model; the split changes no distribution, only how many draws are made.

const (
	bits24 = 1<<24 - 1
	bits16 = 1<<16 - 1
)

// drawsBelow returns how many of the n-bit draws k = 0, 1, …, 2^n − 1,
// taken as the uniforms k/2^n, lie below p: k/2^n < p exactly when
// k < drawsBelow(p, n), so that a chance is decided by comparing integers
// instead of converting the draw and comparing floats. p·2^n is exact
// (a power of two), so its ceiling is the count; none lie below a NaN.
func drawsBelow(p float64, n int) uint64 {
	c := math.Ceil(math.Ldexp(p, n))
	switch {
	case !(c > 0):
		return 0
	case c >= math.Ldexp(1, n):
		return 1 << n
	}
	return uint64(c)
}

// unit24 returns the low 24 bits of x as a uniform in [0,1).
func unit24(x uint64) float64 { return float64(x&bits24) * 0x1p-24 }

// below24 returns the low 24 bits of x as a uniform integer in [0,n), by
// multiply and shift (bias below n/2^24).
func below24(x uint64, n int) int { return int((x & bits24) * uint64(n) >> 24) }

// noise16 returns the low 16 bits of x as a uniform on [−√3, √3) up to a
// half step, a variable of mean 0 and SD 1: (k + 1/2)/2^16 − 1/2, times √12.
// It computes (k + 1/2 − 2^15)·√12/2^16 as the exact integer 2k − (2^16 − 1)
// times half the factor (exact too): the same product, so the same
// rounding, in one operation fewer (TestNoise16).
func noise16(x uint64) float64 {
	return float64(int64(2*(x&bits16))-(1<<16-1)) * (3.4641016151377544 / 0x1p17)
}

// expNegTable holds exp(−k/expNegStep) for k = 0 … expNegMax·expNegStep.
var expNegTable = func() []float64 {
	t := make([]float64, expNegMax*expNegStep+2)
	for k := range t {
		t[k] = fmath.Exp(-float64(k) / expNegStep)
	}
	return t
}()

const (
	expNegStep = 128 // table points per unit
	expNegMax  = 16  // exp(−16) ≈ 1.1e-7 is taken as 0 beyond
)

// expNeg returns exp(−d) for d ≥ 0 by linear interpolation in a table,
// with relative error below 1e-5 (h²/8 for step h = 1/128), and 0 beyond
// d = 16. It serves the tie acceptance chance, the hottest exponential.
// It never indexes outside the table: d ≤ 0 gives 1, and NaN or +Inf 0.
func expNeg(d float64) float64 {
	switch {
	case !(d < expNegMax): // also NaN
		return 0
	case d <= 0:
		return 1
	}
	x := float64(d * expNegStep)
	k := int(x)
	f := x - float64(k)
	return expNegTable[k] + float64(f*(expNegTable[k+1]-expNegTable[k]))
}
