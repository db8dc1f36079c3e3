package estimate

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"schoolnet/sim/fmath"
)

// ErrNoConvergence reports a logistic fit whose iterations did not settle,
// usually because the outcome is perfectly separated by the covariates.
var ErrNoConvergence = errors.New("estimate: logistic regression did not converge (separation?)")

// Logistic fits P(y_i = 1) = logistic(x_i·β) by maximum likelihood with a
// ridge penalty of lambda on every coefficient but the first (the
// intercept, when X's first column is ones):
//
//	β = argmax Σ_i [y_i·η_i − log(1 + e^{η_i})] − (λ/2)·Σ_{j≥1} β_j²,  η = Xβ
//
// by iteratively reweighted least squares (Newton's method): with
// p = logistic(η) and W = diag(p(1−p)),
//
//	β ← (X'WX + λI₋)⁻¹ X'W·z,   z = η + (y − p)/(p(1−p)).
//
// lambda 0 is the plain maximum-likelihood fit; a small positive lambda
// keeps the fit finite when the outcome is (nearly) separated. It returns
// the coefficients and their standard errors from the inverse of the
// penalised information matrix.
func Logistic(x *mat.Dense, y []float64, lambda float64) (beta, se []float64, err error) {
	n, k := x.Dims()
	if len(y) != n {
		panic("estimate: slice length mismatch")
	}
	// The arithmetic is this package's (linalg.go) and fmath's, so that
	// every machine computes the same bits.
	b := make([]float64, k)
	const maxIter = 100
	for iter := 0; ; iter++ {
		if iter == maxIter {
			return nil, nil, ErrNoConvergence
		}
		info := square(k)
		grad := make([]float64, k)
		for i := range n {
			row := x.RawRowView(i)
			p := 1 / (1 + fmath.Exp(-fmath.Dot(row, b)))
			w := p * (1 - p)
			for a := range k {
				grad[a] += float64((y[i] - p) * row[a])
				for c := a; c < k; c++ {
					info[a][c] += float64(w * row[a] * row[c])
				}
			}
		}
		for a := range k {
			for c := range a {
				info[a][c] = info[c][a]
			}
		}
		for j := 1; j < k; j++ {
			info[j][j] += lambda
			grad[j] -= float64(lambda * b[j])
		}
		l, ok := cholesky(info)
		if !ok {
			return nil, nil, ErrNoConvergence
		}
		step := cholSolve(l, grad)
		for j := range b {
			b[j] += step[j]
		}
		if maxAbs(b) > 50 {
			return nil, nil, ErrNoConvergence
		}
		if maxAbs(step) < 1e-10 {
			cov := cholInverse(l)
			se = make([]float64, k)
			for j := range k {
				se[j] = math.Sqrt(cov[j][j])
			}
			return b, se, nil
		}
	}
}

// maxAbs returns the largest |v_i| (the ∞-norm).
func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}
