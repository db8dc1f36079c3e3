package fmath

import (
	"math"
	"math/rand/v2"
)

// The ziggurat method of Marsaglia & Tsang (2000), "The ziggurat method for
// generating random variables", Journal of Statistical Software 5(8), with
// the layers and bit layout of math/rand/v2: NormFloat64 and ExpFloat64
// below draw the same numbers from a stream as (*rand.Rand).NormFloat64 and
// ExpFloat64 (their tables are regenerated here by the paper's zigset and
// match the standard library's exactly), but their rare slow paths (a
// wedge test or the tail, about 1.2% of normal draws) use this package's
// Exp and Log and round every product, so they give the same numbers on
// every machine.

// ziggurat holds the tables of one distribution: k[i] the acceptance
// threshold of layer i on the integer scale, w[i] the scale from integer
// to variate, f[i] the density at the layer's edge.
type ziggurat struct {
	k []uint32
	w []float32
	f []float32
}

const (
	normLayers = 128
	normR      = 3.442619855899      // the base layer's edge
	normV      = 9.91256303526217e-3 // each layer's area
	expLayers  = 256
	expR       = 7.69711747013104972  // the base layer's edge
	expV       = 3.949659822581572e-3 // each layer's area
	normScale  = 2147483648.0         // 2**31: j is a signed 32-bit integer
	expScale   = 4294967296.0         // 2**32: j is an unsigned 32-bit integer
)

var (
	normZig = newZiggurat(normLayers, normR, normV, normScale,
		func(x float64) float64 { return Exp(float64(float64(-0.5*x) * x)) },
		func(y float64) float64 { return math.Sqrt(-2 * Log(y)) })
	expZig = newZiggurat(expLayers, expR, expV, expScale,
		func(x float64) float64 { return Exp(-x) },
		func(y float64) float64 { return -Log(y) })
)

// newZiggurat builds the tables of a ziggurat of n layers of area v whose
// base layer's edge is r, for the density f (unnormalised, decreasing on
// x ≥ 0) with inverse finv, on the integer scale m (zigset of the paper).
func newZiggurat(n int, r, v, m float64, f, finv func(float64) float64) ziggurat {
	z := ziggurat{k: make([]uint32, n), w: make([]float32, n), f: make([]float32, n)}
	q := v / f(r)
	z.k[0] = uint32(r / q * m)
	z.k[1] = 0
	z.w[0] = float32(q / m)
	z.w[n-1] = float32(r / m)
	z.f[0] = 1
	z.f[n-1] = float32(f(r))
	x, prev := r, r
	for i := n - 2; i >= 1; i-- {
		x = finv(v/x + f(x))
		z.k[i+1] = uint32(x / prev * m)
		prev = x
		z.f[i] = float32(f(x))
		z.w[i] = float32(x / m)
	}
	return z
}

// wedge reports whether the point of layer i at height drawn from r lies
// under the density fx at its abscissa: the ziggurat's slow acceptance test.
func (z *ziggurat) wedge(r *rand.Rand, i int, fx float64) bool {
	height := z.f[i] + float32(float32(r.Float64())*(z.f[i-1]-z.f[i]))
	return height < float32(fx)
}

// NormFloat64 returns a standard normal variate (mean 0, SD 1) drawn from
// r: the same number as r.NormFloat64() would return, the same on every
// machine.
func NormFloat64(r *rand.Rand) float64 {
	for {
		u := r.Uint64()
		j := int32(u) // the sign is the variate's
		i := int(u >> 32 & (normLayers - 1))
		x := float64(float64(j) * float64(normZig.w[i])) // rounded: see Exp below
		if abs32(j) < normZig.k[i] {
			return x // inside the layer's rectangle: over 98% of draws
		}
		if i == 0 {
			return normTail(r, j > 0)
		}
		// The argument rounded: where Exp is inlined (profile-guided
		// builds), its first sums would otherwise fuse with the product.
		if normZig.wedge(r, i, Exp(float64(float64(-0.5*x)*x))) {
			return x
		}
	}
}

// normTail returns a normal variate beyond ±normR (Marsaglia 1964).
func normTail(r *rand.Rand, positive bool) float64 {
	for {
		x := float64(-Log(r.Float64()) * (1 / normR))
		y := -Log(r.Float64())
		if y+y >= float64(x*x) {
			if positive {
				return normR + x
			}
			return -normR - x
		}
	}
}

// ExpFloat64 returns an exponential variate of rate 1 (mean 1) drawn from
// r: the same number as r.ExpFloat64() would return, the same on every
// machine.
func ExpFloat64(r *rand.Rand) float64 {
	for {
		u := r.Uint64()
		j := uint32(u)
		i := int(uint8(u >> 32))
		x := float64(float64(j) * float64(expZig.w[i])) // rounded: Exp(−x) may be inlined
		if j < expZig.k[i] {
			return x
		}
		if i == 0 {
			return expR - Log(r.Float64()) // the tail: memoryless
		}
		if expZig.wedge(r, i, Exp(-x)) {
			return x
		}
	}
}

// abs32 returns |j| as an unsigned integer (2**31 for math.MinInt32).
func abs32(j int32) uint32 {
	if j < 0 {
		return uint32(-j)
	}
	return uint32(j)
}
