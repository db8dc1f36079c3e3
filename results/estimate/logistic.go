package estimate

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
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
	b := mat.NewVecDense(k, nil)
	const maxIter = 100
	for iter := 0; ; iter++ {
		if iter == maxIter {
			return nil, nil, ErrNoConvergence
		}
		var eta mat.VecDense
		eta.MulVec(x, b)
		info := mat.NewSymDense(k, nil)
		grad := mat.NewVecDense(k, nil)
		for i := range n {
			p := 1 / (1 + math.Exp(-eta.AtVec(i)))
			w := p * (1 - p)
			row := x.RawRowView(i)
			for a := range k {
				grad.SetVec(a, grad.AtVec(a)+(y[i]-p)*row[a])
				for c := a; c < k; c++ {
					info.SetSym(a, c, info.At(a, c)+w*row[a]*row[c])
				}
			}
		}
		for j := 1; j < k; j++ {
			info.SetSym(j, j, info.At(j, j)+lambda)
			grad.SetVec(j, grad.AtVec(j)-lambda*b.AtVec(j))
		}
		var ch mat.Cholesky
		if !ch.Factorize(info) {
			return nil, nil, ErrNoConvergence
		}
		var step mat.VecDense
		if err := ch.SolveVecTo(&step, grad); err != nil {
			return nil, nil, ErrNoConvergence
		}
		b.AddVec(b, &step)
		if mat.Norm(b, math.Inf(1)) > 50 {
			return nil, nil, ErrNoConvergence
		}
		if mat.Norm(&step, math.Inf(1)) < 1e-10 {
			var cov mat.SymDense
			if err := ch.InverseTo(&cov); err != nil {
				return nil, nil, ErrNoConvergence
			}
			beta, se = make([]float64, k), make([]float64, k)
			for j := range k {
				beta[j] = b.AtVec(j)
				se[j] = math.Sqrt(cov.At(j, j))
			}
			return beta, se, nil
		}
	}
}
