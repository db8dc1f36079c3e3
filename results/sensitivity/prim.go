package sensitivity

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Box is a box in parameter space: Lo[j] ≤ x_j ≤ Hi[j], each bound ±Inf
// where the box does not restrict that side.
type Box struct {
	Lo, Hi []float64
}

// Contains reports whether x lies in the box.
func (b *Box) Contains(x []float64) bool {
	for j, v := range x {
		if v < b.Lo[j] || v > b.Hi[j] {
			return false
		}
	}
	return true
}

// Restricted returns the dimensions the box restricts, in order.
func (b *Box) Restricted() []int {
	var out []int
	for j := range b.Lo {
		if !math.IsInf(b.Lo[j], -1) || !math.IsInf(b.Hi[j], 1) {
			out = append(out, j)
		}
	}
	return out
}

// Describe writes the box as a condition on named parameters: "a ≥ 0.3
// and b ≤ 0.7" (each restricted parameter once, in order); "everywhere"
// for a box that restricts nothing. format writes a bound.
func (b *Box) Describe(names []string, format func(float64) string) string {
	var parts []string
	for _, j := range b.Restricted() {
		lo, hi := !math.IsInf(b.Lo[j], -1), !math.IsInf(b.Hi[j], 1)
		switch {
		case lo && hi:
			parts = append(parts, fmt.Sprintf("%s ≤ %s ≤ %s", format(b.Lo[j]), names[j], format(b.Hi[j])))
		case lo:
			parts = append(parts, fmt.Sprintf("%s ≥ %s", names[j], format(b.Lo[j])))
		default:
			parts = append(parts, fmt.Sprintf("%s ≤ %s", names[j], format(b.Hi[j])))
		}
	}
	if len(parts) == 0 {
		return "everywhere"
	}
	return strings.Join(parts, " and ")
}

// PrimStep is one box of PRIM's peeling trajectory.
type PrimStep struct {
	Box Box
	// Coverage is the share of all cases (points where the condition
	// holds) inside the box, Density the share of the box's points that
	// are cases, Mass the share of all points inside the box.
	Coverage, Density, Mass float64
	// N counts the box's points and Cases its cases.
	N, Cases int
}

// PrimOptions are PRIM's settings; the zero value means the defaults.
type PrimOptions struct {
	// Alpha is the share of the box's points peeled at each step
	// (default 0.05, as Friedman & Fisher 1999 and the EMA Workbench).
	Alpha float64
	// MinMass stops the peeling when the box would hold fewer than this
	// share of the points (default 0.05).
	MinMass float64
	// Threshold is the density the chosen box must reach (default 0.8, the
	// EMA Workbench's).
	Threshold float64
	// MinCoverage is the coverage a box must keep to be chosen (default
	// 0.5), so that a box of a few lucky points is not reported.
	MinCoverage float64
}

func (o *PrimOptions) defaults() {
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.MinMass == 0 {
		o.MinMass = 0.05
	}
	if o.Threshold == 0 {
		o.Threshold = 0.8
	}
	if o.MinCoverage == 0 {
		o.MinCoverage = 0.5
	}
}

// PrimResult is PRIM's peeling trajectory and the box it chose.
type PrimResult struct {
	Steps []PrimStep
	// Chosen is the index in Steps of the chosen box: the first whose
	// density reaches the threshold with at least MinCoverage, or, if none
	// does, the densest with at least MinCoverage (step 0, the whole
	// space, if none is denser).
	Chosen int
}

// PRIM runs the patient rule induction method's peeling (Friedman &
// Fisher 1999) on the points x (rows) where y says whether the condition
// of interest holds. Starting from the box of all points, each step
// removes the Alpha share of the box's points below the Alpha-quantile or
// above the (1−Alpha)-quantile of one parameter, whichever side and
// parameter leaves the highest density (ties: more points kept, then the
// lower parameter, then the lower side), until the box would fall below
// MinMass or no peel removes any point. Bounds are data values, so a box
// reads "x_j ≥ v" with v a point's value. The pasting step is not
// applied.
func PRIM(x [][]float64, y []bool, opt PrimOptions) PrimResult {
	opt.defaults()
	n := len(x)
	if n == 0 || len(y) != n {
		panic("sensitivity: PRIM needs as many outcomes as points, at least one")
	}
	k := len(x[0])
	cases := 0
	for _, c := range y {
		if c {
			cases++
		}
	}
	in := make([]int, n)
	for i := range in {
		in[i] = i
	}
	box := Box{Lo: make([]float64, k), Hi: make([]float64, k)}
	for j := range k {
		box.Lo[j], box.Hi[j] = math.Inf(-1), math.Inf(1)
	}
	step := func() PrimStep {
		c := 0
		for _, i := range in {
			if y[i] {
				c++
			}
		}
		s := PrimStep{Box: Box{Lo: slices.Clone(box.Lo), Hi: slices.Clone(box.Hi)}, N: len(in), Cases: c,
			Mass: float64(len(in)) / float64(n), Density: float64(c) / float64(len(in)), Coverage: math.NaN()}
		if cases > 0 {
			s.Coverage = float64(c) / float64(cases)
		}
		return s
	}
	res := PrimResult{Steps: []PrimStep{step()}}
	vals := make([]float64, 0, n)
	for {
		type peel struct {
			j     int
			upper bool
			bound float64
			keep  []int
			dens  float64
		}
		var best *peel
		for j := range k {
			vals = vals[:0]
			for _, i := range in {
				vals = append(vals, x[i][j])
			}
			slices.Sort(vals)
			m := len(vals)
			cut := int(math.Ceil(opt.Alpha * float64(m)))
			if cut < 1 || cut >= m {
				continue
			}
			for _, upper := range []bool{false, true} {
				var bound float64
				var keep []int
				if !upper { // keep x_j ≥ the value at rank cut
					bound = vals[cut]
					for _, i := range in {
						if x[i][j] >= bound {
							keep = append(keep, i)
						}
					}
				} else {
					bound = vals[m-1-cut]
					for _, i := range in {
						if x[i][j] <= bound {
							keep = append(keep, i)
						}
					}
				}
				if len(keep) == len(in) || float64(len(keep)) < opt.MinMass*float64(n) {
					continue
				}
				c := 0
				for _, i := range keep {
					if y[i] {
						c++
					}
				}
				p := &peel{j: j, upper: upper, bound: bound, keep: keep, dens: float64(c) / float64(len(keep))}
				if best == nil || p.dens > best.dens || (p.dens == best.dens && len(p.keep) > len(best.keep)) {
					best = p
				}
			}
		}
		if best == nil {
			break
		}
		in = best.keep
		if best.upper {
			box.Hi[best.j] = best.bound
		} else {
			box.Lo[best.j] = best.bound
		}
		res.Steps = append(res.Steps, step())
	}
	res.Chosen = -1
	for s, st := range res.Steps {
		if st.Density >= opt.Threshold && st.Coverage >= opt.MinCoverage {
			res.Chosen = s
			break
		}
	}
	if res.Chosen < 0 {
		res.Chosen = 0
		for s, st := range res.Steps {
			if st.Coverage >= opt.MinCoverage && st.Density > res.Steps[res.Chosen].Density {
				res.Chosen = s
			}
		}
	}
	return res
}
