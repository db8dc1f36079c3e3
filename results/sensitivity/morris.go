package sensitivity

import (
	"fmt"
	"math"
	"math/rand/v2"

	"schoolnet/results/estimate"
	"schoolnet/sim/fmath"
)

// Morris returns the design of an elementary-effects screening of k
// parameters (Morris 1991): r trajectories of k + 1 points each, in order,
// on the grid {0, 1/(p−1), …, 1} of p levels (p even, at least 2). Each
// trajectory starts at a random grid point x* with every coordinate at
// most 1 − Δ, Δ = p/(2(p−1)), takes a random direction ±1 per parameter
// (a parameter going down starts at x*_i + Δ), and moves the parameters
// one at a time, in a random order, by Δ: Campolongo, Cariboni & Saltelli
// (2007)'s B* = (J x* + (Δ/2)[(2B − J)D* + J])P*. Draws come from src.
func Morris(k, r, p int, src *rand.Rand) ([][]float64, error) {
	switch {
	case k < 1 || r < 1:
		return nil, fmt.Errorf("sensitivity: a Morris design needs at least one parameter and one trajectory, got %d and %d", k, r)
	case p < 2 || p%2 != 0:
		return nil, fmt.Errorf("sensitivity: Morris levels must be even and at least 2, got %d", p)
	}
	delta := MorrisDelta(p)
	step := 1 / float64(p-1)
	out := make([][]float64, 0, r*(k+1))
	for range r {
		x := make([]float64, k)
		dir := make([]float64, k)
		for i := range x {
			// levels 0 .. p/2−1: x* ≤ 1 − Δ
			x[i] = float64(src.IntN(p/2)) * step
			dir[i] = 1
			if src.IntN(2) == 1 {
				dir[i] = -1
				x[i] += delta
			}
		}
		order := src.Perm(k)
		out = append(out, append([]float64(nil), x...))
		for _, i := range order {
			x[i] += float64(dir[i] * delta)
			x[i] = math.Min(1, math.Max(0, x[i]))
			out = append(out, append([]float64(nil), x...))
		}
	}
	return out, nil
}

// MorrisDelta is the step Δ = p/(2(p − 1)) of a p-level Morris design.
func MorrisDelta(p int) float64 { return float64(p) / float64(2*(p-1)) }

// MorrisIndex is one parameter's elementary-effects statistics: μ, the
// mean effect; μ*, the mean absolute effect, with its bootstrap 95%
// percentile interval; and σ, the effects' standard deviation (n − 1).
// Effects are in the output's unit per the parameter's whole range.
type MorrisIndex struct {
	Mu, MuStar, MuStarLo, MuStarHi, Sigma float64
}

// MorrisIndices computes each of k parameters' statistics from the design
// x (Morris's, in the unit cube) and the outputs y at its points, with
// reps bootstrap resamples of the trajectories drawn from r (0: no
// interval, NaN). The elementary effect of parameter i in a trajectory is
// (f(x + Δe_i) − f(x))/Δ, whichever way the step went.
func MorrisIndices(k int, x [][]float64, y []float64, reps int, r *rand.Rand) []MorrisIndex {
	if k < 1 || len(x) != len(y) || len(y)%(k+1) != 0 || len(y) == 0 {
		panic("sensitivity: outputs are not those of a Morris design")
	}
	traj := len(y) / (k + 1)
	ee := make([][]float64, k) // ee[i][t]
	for i := range ee {
		ee[i] = make([]float64, traj)
	}
	for t := range traj {
		base := t * (k + 1)
		for s := range k {
			a, b := x[base+s], x[base+s+1]
			i := -1
			for c := range k {
				if a[c] != b[c] {
					i = c
				}
			}
			if i < 0 {
				panic("sensitivity: a Morris step that moves no parameter")
			}
			ee[i][t] = (y[base+s+1] - y[base+s]) / (b[i] - a[i])
		}
	}
	out := make([]MorrisIndex, k)
	for i := range out {
		mu, sigma := fmath.MeanStdDev(ee[i])
		out[i] = MorrisIndex{Mu: mu, MuStar: meanAbs(ee[i], nil), Sigma: sigma, MuStarLo: math.NaN(), MuStarHi: math.NaN()}
		if traj < 2 {
			out[i].Sigma = math.NaN()
		}
	}
	if reps > 0 {
		iv := estimate.Bootstrap(make([]int, traj), reps, r, func(units []int) []float64 {
			v := make([]float64, k)
			for i := range v {
				v[i] = meanAbs(ee[i], units)
			}
			return v
		})
		for i := range out {
			out[i].MuStarLo, out[i].MuStarHi = iv[i].Lo, iv[i].Hi
		}
	}
	return out
}

// meanAbs is the mean of |x_u| over the units u (all of x when nil).
func meanAbs(x []float64, units []int) float64 {
	var s float64
	if units == nil {
		for _, v := range x {
			s += math.Abs(v)
		}
		return s / float64(len(x))
	}
	for _, u := range units {
		s += math.Abs(x[u])
	}
	return s / float64(len(units))
}
