package results

// Parametric and stochastic uncertainty. An ensemble (results/ensemble)
// runs replication r with parameter draw r mod D; [Decompose] splits an
// outcome's variance over the runs by a one-way random-effects analysis of
// variance with the draws as groups (Searle, Casella & McCulloch 1992,
// ch. 3), and gives a 95% prediction interval for the outcome in one more
// world drawn from the ensemble, with its own random numbers, which holds
// both uncertainties. [PBetter] and [Ranks] compare scenarios draw by draw.

import (
	"math"

	"schoolnet/sim/fmath"
)

// Split is an outcome's uncertainty over an ensemble's runs.
type Split struct {
	// Mean is the mean over the runs.
	Mean float64
	// Parametric and Stochastic are the variance between draws (of the
	// draws' true means) and within them (the model's own randomness).
	// With one run a draw the two cannot be told apart: Stochastic is then
	// NaN and Parametric the runs' whole variance.
	Parametric, Stochastic float64
	// Lo and Hi bound the 95% prediction interval of the outcome in one
	// more world drawn from the ensemble (package doc); NaN with fewer
	// than two draws.
	Lo, Hi float64
	// CILo and CIHi bound the 95% confidence interval of the ensemble's
	// mean, x̄ ± t(0.975, D−1)·√(σ²_p/D + σ²_s/N): the runs of one draw
	// share its parameters, so the draws, not the runs, are the
	// independent units. With one run a draw it is the usual t interval
	// over the runs; NaN with fewer than two draws.
	CILo, CIHi float64
	// Draws and Runs count the groups and the runs.
	Draws, Runs int
}

// Share returns the parametric share of the variance, σ²_p/(σ²_p + σ²_s):
// NaN when it cannot be told (one run a draw, or no variance).
func (s *Split) Share() float64 {
	t := s.Parametric + s.Stochastic
	if math.IsNaN(t) || t == 0 {
		return math.NaN()
	}
	return s.Parametric / t
}

// Decompose splits the variance of the outcomes x of runs whose draws are
// draw (x[i] of draw draw[i]; runs whose x is NaN are left out) by a
// one-way random-effects analysis of variance, unbalanced groups allowed:
//
//	MSW = Σ_d Σ_i (x_di − x̄_d)² / (N − D),  MSB = Σ_d n_d (x̄_d − x̄)² / (D − 1)
//	n₀ = (N − Σ_d n_d²/N) / (D − 1),         σ²_s = MSW,  σ²_p = max(0, (MSB − MSW)/n₀)
//
// and returns them with the mean, the 95% prediction interval x̄ ±
// t(0.975, D−1)·√(σ²_p + σ²_s + σ²_p/D + σ²_s/N) and the 95% confidence
// interval of the mean, x̄ ± t(0.975, D−1)·√(σ²_p/D + σ²_s/N).
func Decompose(x []float64, draw []int) Split {
	if len(x) != len(draw) {
		panic("results: one draw per run")
	}
	groups := map[int][]float64{}
	var order []int
	var all []float64
	for i, v := range x {
		if math.IsNaN(v) {
			continue
		}
		if _, ok := groups[draw[i]]; !ok {
			order = append(order, draw[i])
		}
		groups[draw[i]] = append(groups[draw[i]], v)
		all = append(all, v)
	}
	nan := math.NaN()
	s := Split{Mean: nan, Parametric: nan, Stochastic: nan, Lo: nan, Hi: nan, CILo: nan, CIHi: nan,
		Draws: len(order), Runs: len(all)}
	if len(all) == 0 {
		return s
	}
	s.Mean = fmath.Mean(all)
	n, d := float64(len(all)), float64(len(order))
	if len(order) < 2 {
		return s
	}
	if constant(all, s.Mean) {
		// A quantity that does not vary but for rounding (a fixed
		// budget summed week by week) has no uncertainty of either kind,
		// not a parametric share of 100% of a variance of 1e-18.
		s.Parametric, s.Lo, s.Hi, s.CILo, s.CIHi = 0, s.Mean, s.Mean, s.Mean, s.Mean
		if len(all) > len(order) {
			s.Stochastic = 0
		}
		return s
	}
	var ssw, ssb, sumN2 float64
	for _, g := range order {
		xs := groups[g]
		m := fmath.Mean(xs)
		for _, v := range xs {
			e := v - m
			ssw += float64(e * e)
		}
		e := m - s.Mean
		ng := float64(len(xs))
		ssb += float64(ng * float64(e*e))
		sumN2 += float64(ng * ng)
	}
	msb := ssb / (d - 1)
	if len(all) == len(order) { // one run a draw
		s.Parametric = msb
	} else {
		msw := ssw / (n - d)
		n0 := (n - sumN2/n) / (d - 1)
		s.Stochastic = msw
		s.Parametric = math.Max(0, (msb-msw)/n0)
	}
	sp, ss := s.Parametric, s.Stochastic
	if math.IsNaN(ss) {
		ss = 0
	}
	t := fmath.StudentTQuantile(0.975, len(order)-1)
	half := float64(t * math.Sqrt(sp+ss+sp/d+ss/n)) // rounded: no fused multiply-add
	s.Lo, s.Hi = s.Mean-half, s.Mean+half
	half = float64(t * math.Sqrt(sp/d+ss/n))
	s.CILo, s.CIHi = s.Mean-half, s.Mean+half
	return s
}

// constant reports whether every x lies within 1e-9 of their mean m,
// relative to |m| where that is above 1: equal but for rounding.
func constant(x []float64, m float64) bool {
	tol := 1e-9 * math.Max(1, math.Abs(m))
	for _, v := range x {
		if math.Abs(v-m) > tol {
			return false
		}
	}
	return true
}

// drawMeans returns each draw's mean of x over its runs, by draw, in order
// of first appearance, leaving out NaN.
func drawMeans(x []float64, draw []int) ([]int, map[int]float64) {
	sum, cnt := map[int]float64{}, map[int]int{}
	var order []int
	for i, v := range x {
		if math.IsNaN(v) {
			continue
		}
		if _, ok := cnt[draw[i]]; !ok {
			order = append(order, draw[i])
		}
		sum[draw[i]] += v
		cnt[draw[i]]++
	}
	out := map[int]float64{}
	for _, d := range order {
		out[d] = sum[d] / float64(cnt[d])
	}
	return order, out
}

// PBetter returns the share of draws in which a beats b: a's mean over the
// draw's runs above b's when higher is better (sign +1), below it when
// lower is (sign −1); a tie counts half. a and b are the two scenarios'
// outcomes run by run (the same runs, the same draws); draws where either
// is NaN are left out. NaN if none is left.
func PBetter(a, b []float64, draw []int, sign float64) float64 {
	diff := make([]float64, len(a))
	for i := range a {
		diff[i] = a[i] - b[i]
	}
	order, m := drawMeans(diff, draw)
	if len(order) == 0 {
		return math.NaN()
	}
	var wins float64
	for _, d := range order {
		switch v := float64(sign * m[d]); {
		case v > 0:
			wins++
		case v == 0:
			wins += 0.5
		}
	}
	return wins / float64(len(order))
}

// Ranks returns, for scenarios' outcomes xs[k] run by run, each
// scenario's rank (1 the best) in each draw by its mean over the draw's
// runs, best first by sign (+1: higher is better); ranks[k][j] is
// scenario k's rank in the j-th draw in order of first appearance. Ties
// take the lower scenario index's order. Draws where any scenario's value
// is NaN are left out.
func Ranks(xs [][]float64, draw []int, sign float64) [][]int {
	ok := make([]bool, len(draw))
	for i := range draw {
		ok[i] = true
		for _, x := range xs {
			ok[i] = ok[i] && !math.IsNaN(x[i])
		}
	}
	means := make([]map[int]float64, len(xs))
	var order []int
	for k, x := range xs {
		y := make([]float64, len(x))
		for i := range x {
			y[i] = math.NaN()
			if ok[i] {
				y[i] = x[i]
			}
		}
		order, means[k] = drawMeans(y, draw)
	}
	ranks := make([][]int, len(xs))
	for k := range ranks {
		ranks[k] = make([]int, len(order))
	}
	for j, d := range order {
		for k := range xs {
			r := 1
			for o := range xs {
				a, b := float64(sign*means[o][d]), float64(sign*means[k][d])
				if a > b || (a == b && o < k) {
					r++
				}
			}
			ranks[k][j] = r
		}
	}
	return ranks
}
