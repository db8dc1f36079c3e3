package evaluate

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"schoolnet/results/estimate"
	"schoolnet/sim/fmath"
)

// The designs a study can use.
const (
	Naive  = "naive"   // follow-up difference of treated and comparison schools
	DID    = "did"     // difference in differences with school fixed effects
	PSMDID = "psm-did" // DID on schools matched on a propensity score
	RCT    = "rct"     // follow-up difference in the lottery world
	RCTDID = "rct-did" // DID in the lottery world
)

// Designs lists the designs in report order.
var Designs = []string{Naive, DID, PSMDID, RCT, RCTDID}

// Caliper is the matching caliper in SD of the logit of the propensity
// score (Austin 2011).
const Caliper = 0.2

// Estimate is one study's estimate of an effect: the value, its standard
// error clustered by school, and the 95% interval
// value ± t(0.975, G−1)·SE over G clusters. The values are NaN when the
// design could not be applied (too few schools).
type Estimate struct {
	Value, SE, Lo, Hi float64
	Clusters          int
}

func estimateOf(value, se float64, clusters int) Estimate {
	e := Estimate{Value: value, SE: se, Lo: math.NaN(), Hi: math.NaN(), Clusters: clusters}
	if clusters >= 2 && !math.IsNaN(se) {
		// fmath's t quantile, and float64(t*se) rounded before the sum, so
		// that every machine computes the same bits.
		t := fmath.StudentTQuantile(0.975, clusters-1)
		e.Lo, e.Hi = value-float64(t*se), value+float64(t*se)
	}
	return e
}

func failed() Estimate {
	return Estimate{Value: math.NaN(), SE: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
}

// unit is one school in a design's sample with its weight; group labels
// it for fixed effects and clustering (a school drawn twice by a bootstrap
// is two groups).
type unit struct {
	school int32
	w      float64
	group  int
}

// sampleUnits returns the treated and eligible untreated schools of d,
// each with weight w[school] (nil: 1); schools of weight 0 are left out.
func (d *Data) sampleUnits(w []float64) []unit {
	var out []unit
	for i := range d.Schools {
		s := &d.Schools[i]
		if !s.Eligible {
			continue
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi > 0 {
			out = append(out, unit{school: s.Index, w: wi, group: int(s.Index)})
		}
	}
	return out
}

// byschool groups a data set's students by school and year.
type byschool struct {
	data      *Data
	pre, post [][]*Student
}

func newBySchool(d *Data) *byschool {
	b := &byschool{data: d, pre: make([][]*Student, len(d.Schools)), post: make([][]*Student, len(d.Schools))}
	for i := range d.Pre {
		b.pre[d.Pre[i].School] = append(b.pre[d.Pre[i].School], &d.Pre[i])
	}
	for i := range d.Post {
		b.post[d.Post[i].School] = append(b.post[d.Post[i].School], &d.Post[i])
	}
	return b
}

// fitPost is the naive design: the follow-up outcome k regressed on a
// constant and the treated indicator, clustered by school.
func (b *byschool) fitPost(units []unit, k int) Estimate {
	var y, w []float64
	var treated []float64
	var group []int
	for _, u := range units {
		tr := 0.0
		if b.data.Schools[u.school].Treated {
			tr = 1
		}
		for _, st := range b.post[u.school] {
			y = append(y, st.Score[k])
			w = append(w, u.w)
			treated = append(treated, tr)
			group = append(group, u.group)
		}
	}
	if len(y) < 3 {
		return failed()
	}
	x := mat.NewDense(len(y), 2, nil)
	for i := range y {
		x.Set(i, 0, 1)
		x.Set(i, 1, treated[i])
	}
	f, err := estimate.LeastSquares(x, y, w)
	if err != nil {
		return failed()
	}
	se, g := f.ClusterSE(group)
	return estimateOf(f.Coef[1], se[1], g)
}

// fitDID is the two-period DID with school fixed effects,
//
//	y_ist = α_s + γ·post_t + τ·(treated_s × post_t) + ε_ist,
//
// estimated by the within (fixed-effects) transformation: y, post and
// treated×post are centred on their weighted school means and regressed on
// each other. τ is the estimate; its SE is clustered by school (CR1, the
// fixed effects nested in the clusters and so not counted in K, as Stata's
// xtreg, fe does).
func (b *byschool) fitDID(units []unit, k int) Estimate {
	var y, post, tp, w []float64
	var group []int
	for _, u := range units {
		tr := 0.0
		if b.data.Schools[u.school].Treated {
			tr = 1
		}
		start := len(y)
		for t, list := range [2][]*Student{b.pre[u.school], b.post[u.school]} {
			for _, st := range list {
				y = append(y, st.Score[k])
				post = append(post, float64(t))
				tp = append(tp, tr*float64(t))
				w = append(w, u.w)
				group = append(group, u.group)
			}
		}
		for _, col := range [][]float64{y, post, tp} {
			centre(col[start:])
		}
	}
	if len(y) < 4 {
		return failed()
	}
	x := mat.NewDense(len(y), 2, nil)
	for i := range y {
		x.Set(i, 0, post[i])
		x.Set(i, 1, tp[i])
	}
	f, err := estimate.LeastSquares(x, y, w)
	if err != nil {
		return failed()
	}
	se, g := f.ClusterSE(group)
	return estimateOf(f.Coef[1], se[1], g)
}

// centre subtracts the mean from x (one school's rows, all of one weight).
func centre(x []float64) {
	m := fmath.Mean(x)
	for i := range x {
		x[i] -= m
	}
}

// PSM is a propensity-score matching of treated to untreated eligible
// schools on the baseline covariates.
type PSM struct {
	// Weight is each school's weight in the matched sample (1 for a
	// matched treated school, the times used for a control, else 0).
	Weight []float64
	// Treated counts the treated schools; Matched, OffSupport and
	// OutsideCaliper what became of them.
	Treated, Matched, OffSupport, OutsideCaliper int
	// Before and After are the standardised mean differences of each
	// covariate of Covariates between treated and comparison schools,
	// before and after matching; NaN for a covariate that does not vary.
	Before, After []float64
	// Ridge reports that the plain logistic fit did not converge
	// (separation) and a ridge penalty of 1 was used.
	Ridge bool
}

// Match fits the propensity model
//
//	logit P(treated_s) = β₀ + Σ_j β_j·z_sj
//
// on the eligible schools' baseline covariates z (standardised; those that
// do not vary among them are left out) and matches each treated school to
// the comparison school of nearest logit, with replacement, within a
// caliper of Caliper SD of the logit and on the common support. It returns
// nil when there are too few schools of either kind.
func (d *Data) Match() *PSM {
	var idx []int
	var treated []bool
	nt := 0
	for i := range d.Schools {
		if d.Schools[i].Eligible {
			idx = append(idx, i)
			treated = append(treated, d.Schools[i].Treated)
			if d.Schools[i].Treated {
				nt++
			}
		}
	}
	if nt < 2 || len(idx)-nt < 2 {
		return nil
	}
	nc := len(Covariates)
	raw := make([][]float64, nc)
	varies := make([]bool, nc)
	var cols [][]float64
	for j := range nc {
		raw[j] = make([]float64, len(idx))
		for r, i := range idx {
			raw[j][r] = d.Schools[i].Covariates[j]
		}
		m, sd := fmath.MeanStdDev(raw[j])
		if varies[j] = sd > 1e-9; varies[j] {
			z := make([]float64, len(idx))
			for r := range z {
				z[r] = (raw[j][r] - m) / sd
			}
			cols = append(cols, z)
		}
	}
	x := mat.NewDense(len(idx), len(cols)+1, nil)
	y := make([]float64, len(idx))
	for r := range idx {
		x.Set(r, 0, 1)
		for j, c := range cols {
			x.Set(r, j+1, c[r])
		}
		if treated[r] {
			y[r] = 1
		}
	}
	p := &PSM{Treated: nt, Weight: make([]float64, len(d.Schools))}
	beta, _, err := estimate.Logistic(x, y, 0)
	if err != nil {
		p.Ridge = true
		if beta, _, err = estimate.Logistic(x, y, 1); err != nil {
			return nil
		}
	}
	score := make([]float64, len(idx)) // the logit x_r·β
	for r := range score {
		score[r] = fmath.Dot(x.RawRowView(r), beta)
	}
	m := estimate.NearestNeighbour(score, treated, Caliper*fmath.StdDev(score))
	p.Matched, p.OffSupport, p.OutsideCaliper = m.Matched, m.OffSupport, m.OutsideCaliper
	for r, i := range idx {
		p.Weight[i] = m.Weight[r]
	}
	p.Before, p.After = make([]float64, nc), make([]float64, nc)
	for j := range nc {
		p.Before[j], p.After[j] = math.NaN(), math.NaN()
		if varies[j] {
			p.Before[j] = estimate.StandardisedDifference(raw[j], treated, nil)
			p.After[j] = estimate.StandardisedDifference(raw[j], treated, m.Weight)
		}
	}
	return p
}
