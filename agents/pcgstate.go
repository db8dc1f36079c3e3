package agents

import (
	"encoding/binary"
	"math/bits"
)

// pcgState is a school's random stream while its students step: the state
// of its PCG source copied into a value the step keeps at hand, so that a
// draw is a few inlined instructions instead of a call through rand.PCG.
// It gives exactly rand.PCG's numbers (Uint64: a 128-bit LCG step and the
// DXSM output function), and save writes the state back, so the school's
// stream goes on as if each number had been drawn from the source.
type pcgState struct{ hi, lo uint64 }

// pcgState returns the school's random stream in its present state; call
// save before anything else draws from the school's stream. The school
// must have been given its source by SetSource.
func (s *School) pcgState() pcgState {
	if s.pcg == nil {
		panic("agents: a school steps only with its source given by SetSource, not SetRand alone")
	}
	var buf [20]byte
	b, _ := s.pcg.AppendBinary(buf[:0]) // "pcg:", hi, lo, big-endian
	return pcgState{hi: binary.BigEndian.Uint64(b[4:]), lo: binary.BigEndian.Uint64(b[12:])}
}

// save writes q's state back to the school's source.
func (q *pcgState) save(s *School) {
	var buf [20]byte
	b := append(buf[:0], "pcg:"...)
	b = binary.BigEndian.AppendUint64(b, q.hi)
	b = binary.BigEndian.AppendUint64(b, q.lo)
	if err := s.pcg.UnmarshalBinary(b); err != nil {
		panic("agents: " + err.Error()) // cannot happen: the encoding is rand.PCG's own
	}
}

// uint64 returns the stream's next 64 bits, as rand.PCG.Uint64 does.
func (q *pcgState) uint64() uint64 {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	// state = state·mul + inc (mod 2^128)
	hi, lo := bits.Mul64(q.lo, mulLo)
	hi += q.hi*mulLo + q.lo*mulHi
	lo, c := bits.Add64(lo, incLo, 0)
	hi, _ = bits.Add64(hi, incHi, c)
	q.hi, q.lo = hi, lo
	// DXSM output
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	return hi * (lo | 1)
}

// keepIf sets q to next if keep is true, without a branch.
func (q *pcgState) keepIf(next *pcgState, keep bool) {
	m := -uint64(b2i(keep)) // all ones to keep next
	q.hi ^= (q.hi ^ next.hi) & m
	q.lo ^= (q.lo ^ next.lo) & m
}
