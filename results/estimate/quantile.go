package estimate

import (
	"math"
	"slices"
)

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
// It computes what x/exp/stats.Quantiles does, but rounds each product
// before it is added (float64(...)), so that arm64, whose compiler fuses
// a product and a sum into one instruction, gives the same bits as amd64;
// x/exp/stats does not, and is the reference of its tests. It is NaN if
// x holds a NaN, and panics if x is empty or unsorted or p is outside
// [0, 1].
func Quantile(p float64, x []float64) float64 {
	switch {
	case !(p >= 0 && p <= 1):
		panic("estimate: quantile outside [0,1]")
	case len(x) == 0:
		panic("estimate: quantile of no data")
	case slices.ContainsFunc(x, math.IsNaN):
		return math.NaN()
	case !slices.IsSorted(x):
		panic("estimate: quantile of unsorted data")
	}
	h := float64(float64(len(x)-1)*p) + 1 // 1-based, as x/exp/stats
	lo, hi := int(math.Floor(h-1)), int(math.Ceil(h-1))
	return x[lo] + float64((h-math.Floor(h))*(x[hi]-x[lo]))
}
