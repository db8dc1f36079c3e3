package results

import (
	"math"

	"schoolnet/sim/fmath"
)

// MeanCI returns the mean of xs and the half-width of its 95% confidence
// interval from Student's t with len(xs)−1 degrees of freedom:
//
//	x̄ ± t_{0.975, n−1} · s / √n
//
// The half-width is NaN for fewer than two values. It is computed with
// package fmath, so the same values give the same bits on every machine.
func MeanCI(xs []float64) (mean, half float64) {
	mean = fmath.Mean(xs)
	n := float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	t := fmath.StudentTQuantile(0.975, len(xs)-1)
	return mean, t * fmath.StdDev(xs) / math.Sqrt(n)
}
