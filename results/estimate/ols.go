package estimate

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"schoolnet/sim/fmath"
)

// ErrSingular reports a design matrix without full column rank: some
// coefficient is not identified by the data.
var ErrSingular = errors.New("estimate: design matrix is singular")

// Fit is a least-squares fit of y on the columns of X.
type Fit struct {
	// Coef are the coefficients β, one per column of X.
	Coef []float64
	// Resid are the residuals u_i = y_i − x_i·β.
	Resid []float64
	// N is the number of observations with positive weight and K the
	// number of coefficients.
	N, K int

	x     *mat.Dense
	w     []float64
	bread [][]float64 // (X'WX)⁻¹
}

// LeastSquares fits y = X·β by weighted least squares,
//
//	β = argmin_β Σ_i w_i·(y_i − x_i·β)² = (X'WX)⁻¹ X'Wy,
//
// solving the scaled system √W·X·β = √W·y by Householder QR. w nil means
// equal weights; observations of weight 0 do not count. It returns
// ErrSingular when X'WX cannot be inverted or its condition number (in the
// 1-norm) exceeds 1e12.
func LeastSquares(x *mat.Dense, y, w []float64) (*Fit, error) {
	n, k := x.Dims()
	if len(y) != n || (w != nil && len(w) != n) {
		panic("estimate: slice length mismatch")
	}
	if w == nil {
		w = make([]float64, n)
		for i := range w {
			w[i] = 1
		}
	}
	xy := make([][]float64, n) // the rows of √W·X, then √w_i·y_i
	used := 0
	for i := range n {
		if w[i] < 0 || math.IsNaN(w[i]) {
			panic("estimate: negative or NaN weight")
		}
		r := math.Sqrt(w[i])
		xy[i] = make([]float64, k+1)
		for j := range k {
			xy[i][j] = r * x.At(i, j)
		}
		xy[i][k] = r * y[i]
		if w[i] > 0 {
			used++
		}
	}
	if used < k {
		return nil, ErrSingular
	}
	xtx := square(k)
	for a := range k {
		for c := a; c < k; c++ {
			var s float64
			for i := range n {
				s += float64(xy[i][a] * xy[i][c])
			}
			xtx[a][c], xtx[c][a] = s, s
		}
	}
	l, ok := cholesky(xtx)
	if !ok {
		return nil, ErrSingular
	}
	bread := cholInverse(l)
	if illConditioned(xtx, bread) {
		return nil, ErrSingular
	}
	beta, ok := leastSquares(xy)
	if !ok {
		return nil, ErrSingular
	}
	f := &Fit{Coef: beta, Resid: make([]float64, n), N: used, K: k, x: x, w: w, bread: bread}
	for i := range n {
		f.Resid[i] = y[i] - fmath.Dot(x.RawRowView(i), beta)
	}
	return f, nil
}

// SE returns the conventional standard errors, assuming independent
// errors of equal variance:
//
//	Var(β) = σ²·(X'WX)⁻¹,  σ² = Σ_i w_i·u_i² / (N − K)
func (f *Fit) SE() []float64 {
	var ssr float64
	for i, u := range f.Resid {
		ssr += float64(f.w[i] * u * u)
	}
	s2 := ssr / float64(f.N-f.K)
	se := make([]float64, f.K)
	for j := range se {
		se[j] = math.Sqrt(s2 * f.bread[j][j])
	}
	return se
}

// ClusterSE returns standard errors robust to any correlation of the
// errors within clusters and to unequal variances (CR1, the "sandwich"
// with the small-sample factor Stata uses):
//
//	Var(β) = c · (X'WX)⁻¹ [ Σ_g s_g s_g' ] (X'WX)⁻¹,
//	s_g = Σ_{i∈g} w_i·x_i·u_i,   c = G/(G−1) · (N−1)/(N−K)
//
// cluster[i] labels observation i's cluster (any integers); G is the
// number of clusters with an observation of positive weight. It also
// returns G; with G < 2 the errors are NaN.
func (f *Fit) ClusterSE(cluster []int) (se []float64, clusters int) {
	n, k := f.x.Dims()
	if len(cluster) != n {
		panic("estimate: slice length mismatch")
	}
	index := map[int]int{}
	var scores [][]float64
	for i := range n {
		if f.w[i] == 0 {
			continue
		}
		g, ok := index[cluster[i]]
		if !ok {
			g = len(scores)
			index[cluster[i]] = g
			scores = append(scores, make([]float64, k))
		}
		s := f.w[i] * f.Resid[i]
		for j := range k {
			scores[g][j] += float64(s * f.x.At(i, j))
		}
	}
	G := len(scores)
	se = make([]float64, k)
	if G < 2 {
		for j := range se {
			se[j] = math.NaN()
		}
		return se, G
	}
	meat := square(k)
	for _, s := range scores { // in order of first appearance: deterministic
		for a := range k {
			for b := range k {
				meat[a][b] += float64(s[a] * s[b])
			}
		}
	}
	v := matMul(matMul(f.bread, meat), f.bread)
	c := float64(G) / float64(G-1) * float64(f.N-1) / float64(f.N-f.K)
	for j := range se {
		se[j] = math.Sqrt(c * v[j][j])
	}
	return se, G
}
