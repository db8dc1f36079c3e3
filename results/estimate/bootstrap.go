package estimate

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
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
// say), and returns the distribution of statistic over the replicates. A
// unit is usually a cluster, such as a school with all its students.
// statistic gets the units of one replicate, repeats included, in stratum
// and draw order; replicates where it returns NaN or ±Inf are skipped.
// Draws come only from r, so a seeded r gives the same interval every
// time.
func Bootstrap(strata []int, reps int, r *rand.Rand, statistic func(units []int) float64) Interval {
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
	var xs []float64
	for range reps {
		units = units[:0]
		for _, s := range labels {
			m := members[s]
			for range m {
				units = append(units, m[r.IntN(len(m))])
			}
		}
		if x := statistic(units); !math.IsNaN(x) && !math.IsInf(x, 0) {
			xs = append(xs, x)
		}
	}
	out := Interval{Reps: len(xs), SE: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	if len(xs) < 2 {
		return out
	}
	slices.Sort(xs)
	out.SE = stat.StdDev(xs, nil)
	out.Lo = stat.Quantile(0.025, stat.LinInterp, xs, nil)
	out.Hi = stat.Quantile(0.975, stat.LinInterp, xs, nil)
	return out
}
