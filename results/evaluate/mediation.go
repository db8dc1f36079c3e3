package evaluate

import (
	"math"
	"math/rand/v2"

	"schoolnet/agents"
	"schoolnet/results/estimate"
)

// Mediators are the channels whose share of the effect the lab measures,
// in report order.
var Mediators = []agents.Mediator{agents.MediatorPeer, agents.MediatorLeadership, agents.MediatorStyle}

// The variables of the within-school moments: post, treated×post, the
// three mediators (peer relations, leadership, style) and the outcomes.
const (
	vPost = iota
	vTP
	vPeer
	vLead
	vStyle
	vOutcome
	numVars = vOutcome + NumOutcomes
)

// moments are one school's within-school cross-products of the variables
// over its students of both years: Σ (v − v̄)(v − v̄)'. Any fixed-effects
// regression on a sample of schools is solved from their sum, so a
// bootstrap replicate costs one sum over schools.
type moments [numVars][numVars]float64

func (b *byschool) moments(s int32) *moments {
	treated := 0.0
	if b.data.Schools[s].Treated {
		treated = 1
	}
	sc := &b.data.Schools[s]
	var n float64
	var sum [numVars]float64
	var cross moments
	for t, list := range [2][]*Student{b.pre[s], b.post[s]} {
		for _, st := range list {
			var v [numVars]float64
			v[vPost] = float64(t)
			v[vTP] = treated * float64(t)
			v[vPeer] = st.PeerRelations
			v[vLead] = sc.Leadership[t]
			v[vStyle] = sc.Style[t]
			for k := range NumOutcomes {
				v[vOutcome+k] = st.Score[k]
			}
			n++
			for a := range numVars {
				sum[a] += v[a]
				for c := range numVars {
					// Rounded, so that no machine fuses the product into
					// the sum (see package fmath).
					cross[a][c] += float64(v[a] * v[c])
				}
			}
		}
	}
	if n > 0 {
		for a := range numVars {
			for c := range numVars {
				cross[a][c] -= float64(sum[a]*sum[c]) / n
			}
		}
	}
	return &cross
}

// solveWithin returns the coefficients of the regression of variable y on
// variables xs from summed within-school moments, or nil if singular.
func solveWithin(m *moments, xs []int, y int) []float64 {
	k := len(xs)
	a := make([][]float64, k)
	rhs := make([]float64, k)
	for i, p := range xs {
		rhs[i] = m[p][y]
		a[i] = make([]float64, k)
		for j, q := range xs {
			a[i][j] = m[p][q]
		}
	}
	x, err := estimate.SolveSymmetric(a, rhs)
	if err != nil {
		return nil
	}
	return x
}

// Mediation is a researcher's estimate of how much of a DID effect each
// mediator carries, by the product of coefficients: a from the DID
// regression of the mediator on treatment,
//
//	M_ist = α_s + γ·post_t + a·(treated_s × post_t) + e_ist,
//
// and b from the DID regression of the outcome that adds the three
// mediators,
//
//	y_ist = α_s + γ·post_t + τ'·(treated_s × post_t) + Σ_m b_m·M_m,ist + ε_ist;
//
// the indirect effect is a·b and its share a·b/τ, τ the DID without
// mediators. The intervals are 95% percentile intervals of a stratified
// school bootstrap (treated and comparison schools resampled separately).
type Mediation struct {
	Total    float64
	A, B     [3]float64
	Indirect [3]float64
	Share    [3]float64
	// IndirectCI and ShareCI are the bootstrap intervals.
	IndirectCI, ShareCI [3]estimate.Interval
}

// mediation estimates the mediation of outcome k on the units, with reps
// bootstrap replicates drawn from r.
func (b *byschool) mediation(units []unit, reps int, r *rand.Rand) [NumOutcomes]Mediation {
	ms := make([]*moments, len(units))
	strata := make([]int, len(units))
	for i, u := range units {
		ms[i] = b.moments(u.school)
		if b.data.Schools[u.school].Treated {
			strata[i] = 1
		}
	}
	point := func(sample []int) ([NumOutcomes]Mediation, bool) {
		var sum moments
		for _, i := range sample {
			w := units[i].w
			for a := range numVars {
				for c := range numVars {
					sum[a][c] += float64(w * ms[i][a][c])
				}
			}
		}
		var out [NumOutcomes]Mediation
		var a [3]float64
		for m := range 3 {
			coef := solveWithin(&sum, []int{vPost, vTP}, vPeer+m)
			if coef == nil {
				return out, false
			}
			a[m] = coef[1]
		}
		for k := range NumOutcomes {
			total := solveWithin(&sum, []int{vPost, vTP}, vOutcome+k)
			full := solveWithin(&sum, []int{vPost, vTP, vPeer, vLead, vStyle}, vOutcome+k)
			if total == nil || full == nil {
				return out, false
			}
			md := &out[k]
			md.Total, md.A = total[1], a
			for m := range 3 {
				md.B[m] = full[2+m]
				md.Indirect[m] = a[m] * md.B[m]
				md.Share[m] = md.Indirect[m] / md.Total
			}
		}
		return out, true
	}
	all := make([]int, len(units))
	for i := range all {
		all[i] = i
	}
	out, ok := point(all)
	if !ok {
		var nan [NumOutcomes]Mediation
		for k := range nan {
			nan[k].Total = math.NaN()
			for m := range 3 {
				nan[k].A[m], nan[k].B[m] = math.NaN(), math.NaN()
				nan[k].Indirect[m], nan[k].Share[m] = math.NaN(), math.NaN()
				nan[k].IndirectCI[m] = estimate.Interval{SE: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
				nan[k].ShareCI[m] = nan[k].IndirectCI[m]
			}
		}
		return nan
	}
	// Each replicate gives every outcome's and mediator's indirect effect
	// and share: values k·6 + m (indirect) and k·6 + 3 + m (share).
	ci := estimate.Bootstrap(strata, reps, r, func(sample []int) []float64 {
		m, ok := point(sample)
		if !ok {
			return nil
		}
		v := make([]float64, 0, NumOutcomes*6)
		for k := range NumOutcomes {
			v = append(v, m[k].Indirect[:]...)
			v = append(v, m[k].Share[:]...)
		}
		return v
	})
	if len(ci) == 0 {
		ci = make([]estimate.Interval, NumOutcomes*6)
		for i := range ci {
			ci[i] = estimate.Percentile(nil)
		}
	}
	for k := range NumOutcomes {
		for m := range 3 {
			out[k].IndirectCI[m] = ci[k*6+m]
			out[k].ShareCI[m] = ci[k*6+3+m]
		}
	}
	return out
}
