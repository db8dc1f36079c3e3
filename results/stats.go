package results

import (
	"math"
	"slices"

	"schoolnet/sim/fmath"
)

// MeanCI returns the mean of xs and the half-width of its 95% confidence
// interval from Student's t with n−1 degrees of freedom:
//
//	x̄ ± t_{0.975, n−1} · s / √n
//
// over the n values of xs that are defined: a NaN (a value undefined in
// that replication, such as the mean of a group without students) is
// left out, and the statistics and tables that report a mean say over
// how many replications it is. The half-width is NaN for fewer than two
// values, the mean for none. It is computed with package fmath, so the
// same values give the same bits on every machine.
func MeanCI(xs []float64) (mean, half float64) {
	mean, half, _ = MeanCIDefined(xs)
	return mean, half
}

// MeanInterval returns the mean of the defined xs, the bounds of its 95%
// interval and how many xs are defined: MeanCIDefined's interval over the
// runs, or, with an ensemble (draw[i] the parameter draw of run i; nil
// without), the ensemble mean's, whose independent units are the draws
// (Split's CILo and CIHi).
func MeanInterval(xs []float64, draw []int) (mean, lo, hi float64, n int) {
	if draw != nil {
		s := Decompose(xs, draw)
		return s.Mean, s.CILo, s.CIHi, s.Runs
	}
	mean, half, n := MeanCIDefined(xs)
	return mean, mean - half, mean + half, n
}

// MeanCIDefined is MeanCI, with the number of defined values n.
func MeanCIDefined(xs []float64) (mean, half float64, n int) {
	if slices.ContainsFunc(xs, math.IsNaN) {
		xs = slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
	}
	mean = fmath.Mean(xs)
	if len(xs) < 2 {
		return mean, math.NaN(), len(xs)
	}
	t := fmath.StudentTQuantile(0.975, len(xs)-1)
	return mean, t * fmath.StdDev(xs) / math.Sqrt(float64(len(xs))), len(xs)
}
