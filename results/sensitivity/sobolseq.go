package sensitivity

import "fmt"

// sobolBits is the precision of the sequence: points are multiples of
// 2^−32, and at most 2^32 − 1 points can be drawn.
const sobolBits = 32

// MaxSobolDim is the number of dimensions the shipped direction numbers
// cover.
var MaxSobolDim = len(joeKuo) + 1

// SobolSeq is the Sobol low-discrepancy sequence in [0,1)^d (Sobol' 1967)
// with the direction numbers of Joe & Kuo (2008, the file
// new-joe-kuo-6.21201, which minimise the two-dimensional projections'
// discrepancy), generated in Gray-code order (Antonov & Saleev 1979), as
// Bratley & Fox (1988) describe. The first point, the origin, is skipped,
// as SALib and Joe & Kuo's own generator do: the sequence starts at
// (0.5, 0.5, …).
type SobolSeq struct {
	v [][sobolBits]uint32 // direction numbers per dimension
	x []uint32            // the last point, as integers
	n uint64              // points drawn, the origin included
}

// NewSobolSeq returns the sequence in d dimensions, 1 ≤ d ≤ MaxSobolDim.
func NewSobolSeq(d int) (*SobolSeq, error) {
	if d < 1 || d > MaxSobolDim {
		return nil, fmt.Errorf("sensitivity: a Sobol sequence has 1 to %d dimensions, got %d", MaxSobolDim, d)
	}
	s := &SobolSeq{v: make([][sobolBits]uint32, d), x: make([]uint32, d), n: 1}
	for i := range sobolBits { // dimension 1: van der Corput, every m = 1
		s.v[0][i] = 1 << (sobolBits - 1 - i)
	}
	for j := 1; j < d; j++ {
		p := &joeKuo[j-1]
		deg := int(p.s)
		v := &s.v[j]
		for i := 0; i < deg && i < sobolBits; i++ {
			v[i] = p.m[i] << (sobolBits - 1 - i)
		}
		// v_i = a_1 v_{i−1} ⊕ … ⊕ a_{s−1} v_{i−s+1} ⊕ v_{i−s} ⊕ (v_{i−s} >> s)
		for i := deg; i < sobolBits; i++ {
			v[i] = v[i-deg] ^ (v[i-deg] >> deg)
			for k := 1; k < deg; k++ {
				if (p.a>>(deg-1-k))&1 == 1 {
					v[i] ^= v[i-k]
				}
			}
		}
	}
	return s, nil
}

// Next writes the next point into dst, which has the sequence's
// dimensions.
func (s *SobolSeq) Next(dst []float64) {
	if len(dst) != len(s.x) {
		panic("sensitivity: Sobol point of the wrong dimension")
	}
	if s.n >= 1<<sobolBits {
		panic("sensitivity: Sobol sequence exhausted")
	}
	// The bit that changes between Gray codes n−1 and n: the lowest zero
	// bit of n−1.
	c, m := 0, s.n-1
	for m&1 == 1 {
		m >>= 1
		c++
	}
	for j := range s.x {
		s.x[j] ^= s.v[j][c]
		dst[j] = float64(s.x[j]) / (1 << sobolBits)
	}
	s.n++
}
