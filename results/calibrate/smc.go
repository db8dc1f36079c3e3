package calibrate

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"

	"schoolnet/sim"
)

// Particle is one parameter draw of a generation and what it gave.
type Particle struct {
	// Generation and Index identify it: its generation and its number in
	// that generation's proposals.
	Generation, Index int
	Theta             []float64
	// Weight is its importance weight, π(θ)/q(θ): 1 for a draw from the
	// prior, the prior density over the proposal density otherwise.
	Weight float64
	// Stats are the target statistics it simulated and Distance their
	// distance from the targets (Model.Distance); both unset before it is
	// simulated.
	Stats    []float64
	Distance float64
}

// Generation is a closed generation: the particles it keeps and how it
// got them.
type Generation struct {
	Number int
	// Epsilon is its tolerance, the largest distance it keeps.
	Epsilon float64
	// Acceptance is the share of its new particles whose distance is
	// below the previous generation's tolerance (NaN for the first).
	Acceptance float64
	// Simulated counts its new particles.
	Simulated int
	// Kept are the particles it keeps, with their importance weights:
	// kept particles carry the weight they were drawn with from
	// generation to generation, as in Lenormand et al. (2013); normalise
	// them to read the posterior.
	Kept []Particle
}

// ESS is the effective sample size of the kept particles, (Σ w)²/Σ w².
func (g *Generation) ESS() float64 {
	var s, s2 float64
	for _, p := range g.Kept {
		s += p.Weight
		s2 += float64(p.Weight * p.Weight)
	}
	return float64(s*s) / s2
}

// sampler draws a calibration's particles: the method is the adaptive
// population Monte Carlo ABC of Lenormand, Jabot & Deffuant (2013), an
// ABC-SMC sampler (Beaumont, Cornuet, Marin & Robert 2009; Del Moral,
// Doucet & Jasra 2012) whose tolerance follows the distances and whose
// generations simulate a fixed number of particles, so that a
// generation's particles can be simulated side by side and across
// machines.
type sampler struct {
	model *Model
	// kept is N_α, the particles a generation keeps, and first the
	// particles of the first generation, N = N_α/α.
	kept, first int
}

func newSampler(m *Model) *sampler {
	s := m.Settings
	first := int(math.Round(float64(s.Particles) / s.Alpha))
	return &sampler{model: m, kept: s.Particles, first: max(first, s.Particles+1)}
}

// proposals returns the particles to simulate in generation t: for the
// first, N draws from the prior, a Latin hypercube over the parameters'
// plausible ranges (McKay, Beckman & Conover 1979); for the others,
// N − N_α draws from the previous generation's kept particles, each an
// ancestor drawn by weight and moved by a Gaussian kernel of twice their
// weighted covariance (Beaumont et al. 2009), redrawn (ancestor and move)
// until it falls in the prior's box. Every draw comes from the calibration
// seed's streams: generation t's own (entity 0) and particle i's (entity
// i + 1).
//
// The redraws make the proposal the kernel mixture truncated to the box,
// whose density is the mixture's over its mass inside the box, P_in. The
// new particles' importance weights carry that factor (see inBoxMass), so
// that they weigh what the kept particles of earlier generations weigh:
// without it every new particle would weigh 1/P_in times too much against
// them, and in many dimensions, where a wide kernel often falls outside,
// the newest generation would take almost all of the posterior's weight.
func (s *sampler) proposals(t int, prev *Generation) ([]Particle, error) {
	m := s.model
	seed := uint64(m.Settings.Seed)
	d := len(m.Params)
	if t == 0 {
		src := sim.Stream(seed, 0, sim.PurposeCalibrate, 0)
		batch := mat.NewDense(s.first, d, nil)
		samplemv.LatinHypercube{Q: newBox(m), Src: src}.Sample(batch)
		out := make([]Particle, s.first)
		for i := range out {
			out[i] = Particle{Generation: 0, Index: i, Theta: slices.Clone(batch.RawRowView(i)), Weight: 1}
		}
		return out, nil
	}
	cov := weightedCovariance(prev.Kept, d)
	for i := range cov {
		for j := range cov[i] {
			cov[i][j] *= 2
		}
		r := &m.Params[i].Range
		jitter := 1e-6 * (r.High - r.Low)
		cov[i][i] += float64(jitter * jitter) // a parameter every kept particle shares
	}
	chol, err := cholesky(cov)
	if err != nil {
		return nil, err
	}
	mix := newMixture(prev.Kept, chol)
	n := s.first - s.kept
	out := make([]Particle, n)
	for i := range out {
		r := sim.Stream(seed, t, sim.PurposeCalibrate, i+1)
		theta := make([]float64, d)
		for try := 0; ; try++ {
			mix.draw(theta, r)
			if inside(m, theta) {
				break
			}
			if try == maxRedraws {
				return nil, errors.New("calibrate: the kernel draws fall outside the plausible ranges; the kept particles sit at their edge")
			}
		}
		out[i] = Particle{Generation: t, Index: i, Theta: theta, Weight: importance(m, theta, mix)}
	}
	pIn := inBoxMass(m, sim.Stream(seed, t, sim.PurposeCalibrate, 0), mix)
	for i := range out {
		out[i].Weight = float64(out[i].Weight * pIn)
	}
	return out, nil
}

// mixture is a generation's proposal before the prior's box: the kept
// particles' Gaussian kernels (covariance L·Lᵀ), weighted by the
// particles' weights.
type mixture struct {
	kept  []Particle
	cum   []float64 // cumulative weights, in the order of kept
	total float64
	chol  [][]float64
}

func newMixture(kept []Particle, chol [][]float64) *mixture {
	mx := &mixture{kept: kept, cum: make([]float64, len(kept)), chol: chol}
	for i, p := range kept {
		mx.total += p.Weight
		mx.cum[i] = mx.total
	}
	return mx
}

// draw sets theta to a draw of the mixture from r: an ancestor by weight,
// moved by its kernel.
func (mx *mixture) draw(theta []float64, r *rand.Rand) {
	u := float64(r.Float64() * mx.total)
	k, _ := slices.BinarySearch(mx.cum, u)
	moveBy(theta, mx.kept[min(k, len(mx.cum)-1)].Theta, mx.chol, r)
}

// massDraws is the number of kernel draws inBoxMass makes: the estimate's
// relative standard error is √((1 − P)/(massDraws·P)), 4% at P = 0.06.
const massDraws = 10_000

// inBoxMass estimates P_in, the chance that a draw of the proposal's
// kernel mixture (ancestor by weight, Gaussian move) falls inside the
// prior's box, by massDraws such draws from r: the generation's own
// stream, so every process that proposes the generation finds the same.
func inBoxMass(m *Model, r *rand.Rand, mix *mixture) float64 {
	theta := make([]float64, len(m.Params))
	in := 0
	for range massDraws {
		mix.draw(theta, r)
		if inside(m, theta) {
			in++
		}
	}
	return float64(max(in, 1)) / massDraws
}

// maxRedraws bounds the draws of one particle that may fall outside the
// prior's box.
const maxRedraws = 10_000

// box is the uniform prior over the parameters' plausible ranges, as the
// quantile function the Latin hypercube maps its strata with:
// low + p·(high − low), the product rounded so every machine draws the
// same particles.
type box []float64

var _ distmv.Quantiler = box(nil)

func newBox(m *Model) box {
	b := make(box, 0, 2*len(m.Params))
	for _, p := range m.Params {
		b = append(b, p.Range.Low, p.Range.High)
	}
	return b
}

func (b box) Quantile(dst, p []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(p))
	}
	for i, v := range p {
		lo, hi := b[2*i], b[2*i+1]
		dst[i] = float64(v*(hi-lo)) + lo
	}
	return dst
}

// inside reports whether theta lies in the prior's box.
func inside(m *Model, theta []float64) bool {
	for i, p := range m.Params {
		if theta[i] < p.Range.Low || theta[i] > p.Range.High {
			return false
		}
	}
	return true
}

// logPrior is the log density of the uniform prior, −Σ log(high − low).
func logPrior(m *Model) float64 {
	var s float64
	for _, p := range m.Params {
		s -= logf(p.Range.High - p.Range.Low)
	}
	return s
}

// moveBy sets theta to from + L·z, z standard normal from r.
func moveBy(theta, from []float64, chol [][]float64, r *rand.Rand) {
	d := len(theta)
	z := make([]float64, d)
	for i := range z {
		z[i] = normal(r)
	}
	for i := range d {
		x := from[i]
		for j := 0; j <= i; j++ {
			x += float64(chol[i][j] * z[j])
		}
		theta[i] = x
	}
}

// importance is a new particle's weight, the prior density over the
// proposal's, a mixture of the kernel around every kept particle:
//
//	w = π(θ) / Σ_k w̄_k φ(θ; θ_k, Σ)
//
// with w̄ the kept particles' normalised weights and φ the Gaussian
// density of covariance Σ = L·Lᵀ, summed in log space.
func importance(m *Model, theta []float64, mix *mixture) float64 {
	d, chol := len(theta), mix.chol
	var logDet float64
	for i := range d {
		logDet += logf(chol[i][i])
	}
	norm := -float64(float64(0.5*float64(d))*logf(2*math.Pi)) - logDet
	terms := make([]float64, len(mix.kept))
	u := make([]float64, d)
	for k, p := range mix.kept {
		// Solve L·u = θ − θ_k; the exponent is −uᵀu/2.
		var q float64
		for i := range d {
			x := theta[i] - p.Theta[i]
			for j := range i {
				x -= float64(chol[i][j] * u[j])
			}
			u[i] = x / chol[i][i]
			q += float64(u[i] * u[i])
		}
		terms[k] = logf(p.Weight/mix.total) + norm - float64(q/2)
	}
	return expf(logPrior(m) - logSumExp(terms))
}

// logSumExp returns log Σ exp(x_i), computed without overflow.
func logSumExp(x []float64) float64 {
	top := math.Inf(-1)
	for _, v := range x {
		top = max(top, v)
	}
	if math.IsInf(top, -1) {
		return top
	}
	var s float64
	for _, v := range x {
		s += expf(v - top)
	}
	return top + logf(s)
}

// weightedCovariance returns the weighted covariance matrix of the
// particles' parameters, Σ_k w_k (θ_k − θ̄)(θ_k − θ̄)ᵀ / Σ_k w_k.
func weightedCovariance(ps []Particle, d int) [][]float64 {
	mean := make([]float64, d)
	var total float64
	for _, p := range ps {
		total += p.Weight
		for i := range d {
			mean[i] += float64(p.Weight * p.Theta[i])
		}
	}
	for i := range mean {
		mean[i] /= total
	}
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
	}
	for _, p := range ps {
		for i := range d {
			di := p.Theta[i] - mean[i]
			for j := range d {
				dj := p.Theta[j] - mean[j]
				cov[i][j] += float64(p.Weight * float64(di*dj))
			}
		}
	}
	for i := range cov {
		for j := range cov[i] {
			cov[i][j] /= total
		}
	}
	return cov
}

// cholesky returns the lower-triangular L with L·Lᵀ = a, by the
// Cholesky–Banachiewicz recurrence with every product rounded (gonum's
// mat.Cholesky runs LAPACK, whose sums run in another order on amd64
// than elsewhere; the kernel must be the same bits on every machine).
func cholesky(a [][]float64) ([][]float64, error) {
	n := len(a)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			s := a[i][j]
			for k := range j {
				s -= float64(l[i][k] * l[j][k])
			}
			if i == j {
				if !(s > 0) {
					return nil, errors.New("calibrate: the kept particles' covariance is not positive definite")
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	return l, nil
}

// close closes generation t: of the previous generation's kept particles
// and the generation's new ones, it keeps the N_α of smallest distance
// (ties in that order), each with its weight, and sets the tolerance to
// the largest distance kept and the acceptance to the share of new
// particles whose distance is below the previous tolerance.
func (s *sampler) close(t int, prev *Generation, fresh []Particle) *Generation {
	var pool []Particle
	if prev != nil {
		pool = append(pool, prev.Kept...)
	}
	pool = append(pool, fresh...)
	slices.SortStableFunc(pool, func(a, b Particle) int { return cmp.Compare(a.Distance, b.Distance) })
	kept := slices.Clone(pool[:min(s.kept, len(pool))])
	g := &Generation{Number: t, Epsilon: kept[len(kept)-1].Distance, Acceptance: math.NaN(), Simulated: len(fresh), Kept: kept}
	if prev != nil {
		below := 0
		for _, p := range fresh {
			if p.Distance < prev.Epsilon {
				below++
			}
		}
		g.Acceptance = float64(below) / float64(len(fresh))
	}
	return g
}

// done reports whether generation g ends the calibration: the last
// generation allowed, one that accepted too few of its new particles, or
// one whose tolerance has reached the floor the targets' own errors set
// (Model.Floor).
func (s *sampler) done(g *Generation) bool {
	st := s.model.Settings
	return g.Number+1 >= st.MaxGenerations || (g.Number > 0 && g.Acceptance < st.MinAcceptance) || g.Epsilon <= s.model.Floor()
}

// Floor is the tolerance below which the calibration does not go: the
// distance that the targets' own errors reach with chance 0.95. If each
// published value y_k is the model's statistic plus an error of SD σ_k,
// Σ_k z_k² follows a χ² distribution of K degrees of freedom, and the
// distance, √(Σ z²/K), stays below √(χ²_K(0.95)/K) 95 times in 100.
// Shrinking the tolerance further would ask the simulation to match the
// published values more closely than they are known, and with common
// random numbers would shrink the posterior to a point. The quantile is
// Wilson & Hilferty's (1931) approximation, K·(1 − 2/(9K) + 1.645·√(2/(9K)))³.
func (m *Model) Floor() float64 {
	k := float64(len(m.File.Targets))
	v := 2 / float64(9*k)
	c := 1 - v + float64(1.6448536269514722*math.Sqrt(v))
	return math.Sqrt(float64(c*c) * c)
}
