package estimate

import (
	"math"
	"math/rand/v2"
	"slices"

	"schoolnet/sim/fmath"
)

// Interval is a bootstrap estimate: the standard deviation of the
// replicate statistics (the bootstrap standard error) and their 2.5th and
// 97.5th percentiles (the 95% percentile interval). Reps counts the
// replicates that gave a finite statistic.
type Interval struct {
	SE, Lo, Hi float64
	Reps       int
}

// Bootstrap resamples the units 0..len(strata)−1 with replacement reps
// times, within each stratum (strata[i] labels unit i's stratum, so that
// every replicate keeps the strata's sizes: treated and control schools,
// say), and returns the distribution of each value of statistic over the
// replicates, one Interval per value. A unit is usually a cluster, such as
// a school with all its students. statistic gets the units of one
// replicate, repeats included, in stratum and draw order, and returns the
// same number of values every time (nil skips the replicate); a value that
// is NaN or ±Inf is left out of that value's distribution. Draws come only
// from r, so a seeded r gives the same intervals every time.
func Bootstrap(strata []int, reps int, r *rand.Rand, statistic func(units []int) []float64) []Interval {
	if r == nil {
		panic("estimate: Bootstrap needs a random source")
	}
	var labels []int
	members := map[int][]int{}
	for i, s := range strata {
		if _, ok := members[s]; !ok {
			labels = append(labels, s)
		}
		members[s] = append(members[s], i)
	}
	slices.Sort(labels)
	units := make([]int, 0, len(strata))
	var xs [][]float64
	for range reps {
		units = units[:0]
		for _, s := range labels {
			m := members[s]
			for range m {
				units = append(units, m[r.IntN(len(m))])
			}
		}
		v := statistic(units)
		if v == nil {
			continue
		}
		if xs == nil {
			xs = make([][]float64, len(v))
		}
		if len(v) != len(xs) {
			panic("estimate: bootstrap statistic changed its number of values")
		}
		for j, x := range v {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				xs[j] = append(xs[j], x)
			}
		}
	}
	out := make([]Interval, len(xs))
	for j := range xs {
		out[j] = Percentile(xs[j])
	}
	return out
}

// Percentile summarises replicate statistics xs: their standard deviation
// and their 2.5th and 97.5th percentiles by R's default definition (type 7,
// see fmath.Quantile). With fewer than two values the SE and bounds are NaN.
// xs is sorted in place.
func Percentile(xs []float64) Interval {
	out := Interval{Reps: len(xs), SE: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	if len(xs) < 2 {
		return out
	}
	slices.Sort(xs)
	out.SE = fmath.StdDev(xs)
	out.Lo = fmath.Quantile(0.025, xs)
	out.Hi = fmath.Quantile(0.975, xs)
	return out
}
