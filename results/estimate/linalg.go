package estimate

import (
	"math"

	"schoolnet/sim/fmath"
)

// The dense linear algebra of the estimators, on the small matrices they
// need (k×k for k coefficients, and the n×k design for least squares).
// gonum's mat would do it, but its BLAS kernels sum in a different order
// on amd64 (SIMD assembly) than elsewhere and are fused into multiply-adds
// on arm64, so the same data would give other last digits on another
// machine. Here every sum runs in index order and every product is rounded
// with float64(...) before it is added (see package schoolnet/sim/fmath).

// square returns a k×k matrix of zeros.
func square(k int) [][]float64 {
	m := make([][]float64, k)
	for i := range m {
		m[i] = make([]float64, k)
	}
	return m
}

// matMul returns a·b for k×k matrices.
func matMul(a, b [][]float64) [][]float64 {
	k := len(a)
	out := square(k)
	col := make([]float64, k)
	for j := range k {
		for i := range k {
			col[i] = b[i][j]
		}
		for i := range k {
			out[i][j] = fmath.Dot(a[i], col)
		}
	}
	return out
}

// cholesky returns the lower-triangular L with A = L·Lᵀ for a symmetric A,
// or false when A is not (numerically) positive definite.
func cholesky(a [][]float64) ([][]float64, bool) {
	k := len(a)
	l := square(k)
	for j := range k {
		d := a[j][j] - fmath.Dot(l[j][:j], l[j][:j])
		if !(d > 0) || math.IsInf(d, 0) {
			return nil, false
		}
		l[j][j] = math.Sqrt(d)
		for i := j + 1; i < k; i++ {
			l[i][j] = (a[i][j] - fmath.Dot(l[i][:j], l[j][:j])) / l[j][j]
		}
	}
	return l, true
}

// cholSolve returns x with L·Lᵀ·x = b, by forward and back substitution.
func cholSolve(l [][]float64, b []float64) []float64 {
	k := len(l)
	y := make([]float64, k)
	for i := range k {
		y[i] = (b[i] - fmath.Dot(l[i][:i], y[:i])) / l[i][i]
	}
	x := make([]float64, k)
	for i := k - 1; i >= 0; i-- {
		s := y[i]
		for j := i + 1; j < k; j++ {
			s -= float64(l[j][i] * x[j])
		}
		x[i] = s / l[i][i]
	}
	return x
}

// cholInverse returns A⁻¹ from A's Cholesky factor L, solving column by
// column; the result is made exactly symmetric from its lower triangle.
func cholInverse(l [][]float64) [][]float64 {
	k := len(l)
	inv := square(k)
	e := make([]float64, k)
	for j := range k {
		clear(e)
		e[j] = 1
		col := cholSolve(l, e)
		for i := j; i < k; i++ {
			inv[i][j], inv[j][i] = col[i], col[i]
		}
	}
	return inv
}

// illConditioned reports whether the condition number of A in the 1-norm,
// ‖A‖₁·‖A⁻¹‖₁, exceeds 1e12 (or is not a number), given A⁻¹.
func illConditioned(a, inv [][]float64) bool {
	c := norm1(a) * norm1(inv)
	return !(c <= 1e12)
}

// norm1 returns the largest column sum of absolute values.
func norm1(a [][]float64) float64 {
	var n float64
	for j := range a {
		var s float64
		for i := range a {
			s += math.Abs(a[i][j])
		}
		n = max(n, s)
	}
	return n
}

// leastSquares returns the β minimising ‖A·β − b‖₂ for the n×k matrix A
// of full column rank, n ≥ k, by Householder QR. Each row of ab holds a
// row of A followed by the element of b (n×(k+1)); ab is overwritten. It
// reports false when a column of A is zero after the reflections of those
// before it (A is rank-deficient).
func leastSquares(ab [][]float64) ([]float64, bool) {
	n, k := len(ab), len(ab[0])-1
	diag := make([]float64, k)
	for j := range k {
		// The reflection H = I − 2vvᵀ/(vᵀv), v = a[j:, j] − α·e₁, maps
		// column j below the diagonal onto α·e₁, α = −sign(a_jj)·‖a[j:, j]‖;
		// it is applied to the columns right of j, b included.
		var ss float64
		for i := j; i < n; i++ {
			ss += float64(ab[i][j] * ab[i][j])
		}
		if ss == 0 {
			return nil, false
		}
		alpha := -math.Copysign(math.Sqrt(ss), ab[j][j])
		ab[j][j] -= alpha // ab[j:, j] now holds v
		var vv float64
		for i := j; i < n; i++ {
			vv += float64(ab[i][j] * ab[i][j])
		}
		for c := j + 1; c <= k; c++ {
			var s float64
			for i := j; i < n; i++ {
				s += float64(ab[i][j] * ab[i][c])
			}
			f := 2 * s / vv
			for i := j; i < n; i++ {
				ab[i][c] -= float64(f * ab[i][j])
			}
		}
		diag[j] = alpha
	}
	// Back substitution in R·β = (Qᵀb)[:k], R's diagonal in diag.
	beta := make([]float64, k)
	for j := k - 1; j >= 0; j-- {
		s := ab[j][k]
		for c := j + 1; c < k; c++ {
			s -= float64(ab[j][c] * beta[c])
		}
		beta[j] = s / diag[j]
	}
	return beta, true
}

// SolveSymmetric returns x with A·x = b for a symmetric positive definite
// A (rows a[i]), by Cholesky factorisation. It returns ErrSingular when A
// is not positive definite or its condition number in the 1-norm exceeds
// 1e12. Every machine computes the same bits.
func SolveSymmetric(a [][]float64, b []float64) ([]float64, error) {
	if len(b) != len(a) {
		panic("estimate: slice length mismatch")
	}
	l, ok := cholesky(a)
	if !ok {
		return nil, ErrSingular
	}
	if illConditioned(a, cholInverse(l)) {
		return nil, ErrSingular
	}
	return cholSolve(l, b), nil
}
