package sensitivity

import (
	"fmt"
	"math"
	"math/rand/v2"

	"schoolnet/results/estimate"
	"schoolnet/sim/fmath"
)

// Saltelli returns the design of a Sobol analysis of k parameters from n
// base rows: n·(k+2) points in [0,1)^k, row j's points in the order A_j,
// AB_j^(1), …, AB_j^(k), B_j, where (A_j, B_j) is point j + skip of the
// Sobol sequence in 2k dimensions (skip ≥ 0 points after the origin;
// SALib's default skips none in its older versions) and AB_j^(i) is A_j
// with coordinate i from B_j. It fails when 2k exceeds MaxSobolDim.
func Saltelli(k, n, skip int) ([][]float64, error) {
	if k < 1 || n < 1 {
		return nil, fmt.Errorf("sensitivity: a Sobol design needs at least one parameter and one base row, got %d and %d", k, n)
	}
	seq, err := NewSobolSeq(2 * k)
	if err != nil {
		return nil, fmt.Errorf("sensitivity: %d parameters need %d dimensions of the Sobol sequence, at most %d", k, 2*k, MaxSobolDim)
	}
	ab := make([]float64, 2*k)
	for range skip {
		seq.Next(ab)
	}
	out := make([][]float64, 0, n*(k+2))
	for range n {
		seq.Next(ab)
		a, b := ab[:k], ab[k:]
		out = append(out, append([]float64(nil), a...))
		for i := range k {
			p := append([]float64(nil), a...)
			p[i] = b[i]
			out = append(out, p)
		}
		out = append(out, append([]float64(nil), b...))
	}
	return out, nil
}

// SobolIndex is one parameter's first-order and total Sobol index with
// their bootstrap 95% percentile intervals.
type SobolIndex struct {
	S1, S1Lo, S1Hi float64
	ST, STLo, STHi float64
}

// SobolIndices estimates the first-order (Saltelli et al. 2010) and total
// (Jansen 1999) indices of each of k parameters from y, the model's output
// at the points of Saltelli(k, n, ·) in order, and their 95% percentile
// intervals from reps bootstrap resamples of the base rows drawn from r
// (reps 0: no intervals, NaN). An output that does not vary gives NaN
// indices.
func SobolIndices(k int, y []float64, reps int, r *rand.Rand) []SobolIndex {
	if k < 1 || len(y)%(k+2) != 0 || len(y) == 0 {
		panic("sensitivity: outputs are not those of a Saltelli design")
	}
	n := len(y) / (k + 2)
	rows := make([]int, n)
	for j := range rows {
		rows[j] = j
	}
	out := make([]SobolIndex, k)
	est := sobolEstimate(k, y, rows)
	for i := range out {
		out[i] = SobolIndex{S1: est[i], ST: est[k+i],
			S1Lo: math.NaN(), S1Hi: math.NaN(), STLo: math.NaN(), STHi: math.NaN()}
	}
	if reps > 0 {
		strata := make([]int, n)
		iv := estimate.Bootstrap(strata, reps, r, func(units []int) []float64 { return sobolEstimate(k, y, units) })
		for i := range out {
			out[i].S1Lo, out[i].S1Hi = iv[i].Lo, iv[i].Hi
			out[i].STLo, out[i].STHi = iv[k+i].Lo, iv[k+i].Hi
		}
	}
	return out
}

// sobolEstimate returns S_1..S_k then S_T1..S_Tk from the base rows given
// (repeats allowed).
func sobolEstimate(k int, y []float64, rows []int) []float64 {
	at := func(j, c int) float64 { return y[j*(k+2)+c] } // c: 0 A, 1..k AB^(i), k+1 B
	ab := make([]float64, 0, 2*len(rows))
	for _, j := range rows {
		ab = append(ab, at(j, 0), at(j, k+1))
	}
	mean := fmath.Mean(ab)
	var v float64
	for _, x := range ab {
		d := x - mean
		v += float64(d * d)
	}
	v /= float64(len(ab))
	out := make([]float64, 2*k)
	n := float64(len(rows))
	for i := range k {
		var s1, st float64
		for _, j := range rows {
			fa, fb, fab := at(j, 0), at(j, k+1), at(j, 1+i)
			s1 += float64(fb * (fab - fa))
			d := fa - fab
			st += float64(d * d)
		}
		out[i] = s1 / n / v
		out[k+i] = st / (2 * n) / v
	}
	return out
}
