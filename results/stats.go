package results

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// MeanCI returns the mean of xs and the half-width of its 95% confidence
// interval from Student's t with len(xs)−1 degrees of freedom:
//
//	x̄ ± t_{0.975, n−1} · s / √n
//
// The half-width is NaN for fewer than two values.
func MeanCI(xs []float64) (mean, half float64) {
	mean = stat.Mean(xs, nil)
	n := float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	return mean, t * stat.StdDev(xs, nil) / math.Sqrt(n)
}
