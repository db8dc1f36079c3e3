package estimate

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
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
	bread *mat.SymDense // (X'WX)⁻¹
}

// LeastSquares fits y = X·β by weighted least squares,
//
//	β = argmin_β Σ_i w_i·(y_i − x_i·β)² = (X'WX)⁻¹ X'Wy,
//
// solving the scaled system √W·X·β = √W·y by QR (mat.VecDense.SolveVec).
// w nil means equal weights; observations of weight 0 do not count. It
// returns ErrSingular when X'WX cannot be inverted.
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
	xs := mat.NewDense(n, k, nil)
	ys := mat.NewVecDense(n, nil)
	used := 0
	for i := range n {
		if w[i] < 0 || math.IsNaN(w[i]) {
			panic("estimate: negative or NaN weight")
		}
		r := math.Sqrt(w[i])
		for j := range k {
			xs.Set(i, j, r*x.At(i, j))
		}
		ys.SetVec(i, r*y[i])
		if w[i] > 0 {
			used++
		}
	}
	if used < k {
		return nil, ErrSingular
	}
	var xtx mat.SymDense
	xtx.SymOuterK(1, xs.T())
	var ch mat.Cholesky
	if !ch.Factorize(&xtx) {
		return nil, ErrSingular
	}
	var bread mat.SymDense
	if err := ch.InverseTo(&bread); err != nil {
		return nil, ErrSingular
	}
	if c := ch.Cond(); c > 1e12 || math.IsInf(c, 0) {
		return nil, ErrSingular
	}
	var beta mat.VecDense
	if err := beta.SolveVec(xs, ys); err != nil {
		return nil, ErrSingular
	}
	f := &Fit{Coef: make([]float64, k), Resid: make([]float64, n), N: used, K: k, x: x, w: w, bread: &bread}
	for j := range k {
		f.Coef[j] = beta.AtVec(j)
	}
	for i := range n {
		f.Resid[i] = y[i] - mat.Dot(x.RowView(i), &beta)
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
		ssr += f.w[i] * u * u
	}
	s2 := ssr / float64(f.N-f.K)
	se := make([]float64, f.K)
	for j := range se {
		se[j] = math.Sqrt(s2 * f.bread.At(j, j))
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
			scores[g][j] += s * f.x.At(i, j)
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
	meat := mat.NewSymDense(k, nil)
	for _, s := range scores { // in order of first appearance: deterministic
		meat.SymRankOne(meat, 1, mat.NewVecDense(k, s))
	}
	var tmp, v mat.Dense
	tmp.Mul(f.bread, meat)
	v.Mul(&tmp, f.bread)
	c := float64(G) / float64(G-1) * float64(f.N-1) / float64(f.N-f.K)
	for j := range se {
		se[j] = math.Sqrt(c * v.At(j, j))
	}
	return se, G
}
