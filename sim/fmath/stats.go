package fmath

import (
	"math"
	"slices"
)

// Sum returns x[0] + x[1] + … in index order.
func Sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}

// Dot returns Σ_i a_i·b_i, in index order, each product rounded before
// it is added. It panics if the lengths differ.
func Dot(a, b []float64) float64 {
	if len(a) != len(b) {
		panic("fmath: slice length mismatch")
	}
	var s float64
	for i := range a {
		s += float64(a[i] * b[i])
	}
	return s
}

// Mean returns the arithmetic mean of x, summed in index order (NaN for an
// empty x).
func Mean(x []float64) float64 { return Sum(x) / float64(len(x)) }

// MeanStdDev returns the mean of x and its sample standard deviation (with
// n − 1), by the corrected two-pass algorithm of Chan, Golub & LeVeque
// (1983), as gonum's stat.MeanStdDev computes them:
//
//	d_i = x_i − mean,  s² = (Σ d_i² − (Σ d_i)²/n) / (n − 1)
func MeanStdDev(x []float64) (mean, sd float64) {
	mean = Mean(x)
	var ss, comp float64
	for _, v := range x {
		d := v - mean
		ss += float64(d * d)
		comp += d
	}
	n := float64(len(x))
	return mean, math.Sqrt((ss - float64(comp*comp)/n) / (n - 1))
}

// StdDev returns the sample standard deviation of x (see [MeanStdDev]).
func StdDev(x []float64) float64 {
	_, sd := MeanStdDev(x)
	return sd
}

// Quantile returns the p-quantile of the sorted values x by R's default
// definition, type 7 of Hyndman & Fan (1996), which numpy, pandas, Julia
// and golang.org/x/exp/stats also use: with h = (n − 1)·p,
//
//	Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])
//
// (0-based; x[n−1] when ⌊h⌋ = n − 1). So a researcher who recomputes a
// percentile interval from the same replicates in R (quantile), numpy
// (percentile) or pandas gets the same bounds.
//
// It computes x/exp/stats.Quantiles' formula with each product rounded
// before it is added; x/exp/stats itself is fused on arm64 (its last bit
// differs between machines), and is the reference of the tests. It is
// NaN if x holds a NaN, and panics if x is empty or not sorted, or p is
// outside [0, 1].
func Quantile(p float64, x []float64) float64 {
	switch {
	case !(p >= 0 && p <= 1):
		panic("fmath: quantile outside [0,1]")
	case len(x) == 0:
		panic("fmath: quantile of no data")
	case slices.ContainsFunc(x, math.IsNaN):
		return math.NaN()
	case !slices.IsSorted(x):
		panic("fmath: quantile of unsorted data")
	}
	h := float64(float64(len(x)-1)*p) + 1 // 1-based, as x/exp/stats; rounded: no fused multiply-add
	lo, hi := int(math.Floor(h-1)), int(math.Ceil(h-1))
	return x[lo] + float64((h-math.Floor(h))*(x[hi]-x[lo]))
}
