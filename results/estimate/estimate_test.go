package estimate

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// design builds a matrix with a column of ones followed by the columns.
func design(cols ...[]float64) *mat.Dense {
	n := len(cols[0])
	x := mat.NewDense(n, len(cols)+1, nil)
	for i := range n {
		x.Set(i, 0, 1)
		for j, c := range cols {
			x.Set(i, j+1, c[i])
		}
	}
	return x
}

// The textbook example: x = 1..5, y = 2,4,5,4,5 gives ŷ = 2.2 + 0.6x,
// residuals −0.8, 0.6, 1.0, −0.6, −0.2, SSR = 2.4, σ² = 0.8, Sxx = 10.
func TestLeastSquaresByHand(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	y := []float64{2, 4, 5, 4, 5}
	f, err := LeastSquares(design(xs), y, nil)
	if err != nil {
		t.Fatal(err)
	}
	se := f.SE()
	// HC1 with one cluster per observation: Var(slope) =
	// Σ(x−x̄)²u² / Sxx² · N/(N−K) = 3.44/100 · 5/3.
	robust, g := f.ClusterSE([]int{0, 1, 2, 3, 4})
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"intercept", f.Coef[0], 2.2},
		{"slope", f.Coef[1], 0.6},
		{"residual 3", f.Resid[2], 1.0},
		{"SE slope", se[1], math.Sqrt(0.8 / 10)},
		{"SE intercept", se[0], math.Sqrt(0.8 * (1.0/5 + 9.0/10))},
		{"HC1 SE slope", robust[1], math.Sqrt(3.44 / 100 * 5 / 3)},
		{"clusters", float64(g), 5},
	} {
		if !near(tt.got, tt.want, 1e-9) {
			t.Errorf("%s: got %.10f, want %.10f", tt.name, tt.got, tt.want)
		}
	}
}

// The mean as a regression on a constant, with three clusters of two:
// y = 1..6, u = −2.5 … 2.5, cluster sums −4, 0, 4, so
// Var = G/(G−1)·(N−1)/(N−K)·Σ_g s_g²/N² = 3/2 · 1 · 32/36.
func TestClusterSEOfAMean(t *testing.T) {
	x := mat.NewDense(6, 1, []float64{1, 1, 1, 1, 1, 1})
	f, err := LeastSquares(x, []float64{1, 2, 3, 4, 5, 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	se, g := f.ClusterSE([]int{7, 7, 3, 3, 9, 9})
	if want := math.Sqrt(1.5 * 32 / 36); !near(se[0], want, 1e-12) || g != 3 {
		t.Errorf("clustered SE %.10f with %d clusters, want %.10f with 3", se[0], g, want)
	}
	if _, g := f.ClusterSE([]int{1, 1, 1, 1, 1, 1}); g != 1 {
		t.Errorf("one cluster counted as %d", g)
	}
}

// Weights are frequency weights for the coefficients: a weight of 2 is the
// same fit as the observation written twice.
func TestLeastSquaresWeightsAreRepeats(t *testing.T) {
	xs := []float64{0, 1, 2, 3}
	y := []float64{1, 3, 2, 6}
	w := []float64{2, 1, 0, 1}
	a, err := LeastSquares(design(xs), y, w)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LeastSquares(design([]float64{0, 0, 1, 3}), []float64{1, 1, 3, 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := range a.Coef {
		if !near(a.Coef[j], b.Coef[j], 1e-12) {
			t.Errorf("coefficient %d: weighted %.12f, repeated %.12f", j, a.Coef[j], b.Coef[j])
		}
	}
	if a.N != 3 {
		t.Errorf("N = %d, want 3 (a zero weight does not count)", a.N)
	}
}

func TestLeastSquaresSingular(t *testing.T) {
	xs := []float64{1, 2, 3}
	if _, err := LeastSquares(design(xs, xs), []float64{1, 2, 3}, nil); err != ErrSingular {
		t.Errorf("two equal columns: error %v, want ErrSingular", err)
	}
}

// With one binary covariate the logistic MLE is the log odds of each group:
// x = 0: 3 of 4 (logit ln 3), x = 1: 1 of 4 (logit −ln 3); the information
// gives Var = 1/(n p (1−p)) per group: 4/3 for the intercept, 8/3 for the
// difference.
func TestLogisticByHand(t *testing.T) {
	xs := []float64{0, 0, 0, 0, 1, 1, 1, 1}
	y := []float64{1, 1, 1, 0, 1, 0, 0, 0}
	b, se, err := Logistic(design(xs), y, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"intercept", b[0], math.Log(3)},
		{"slope", b[1], -2 * math.Log(3)},
		{"SE intercept", se[0], math.Sqrt(4.0 / 3)},
		{"SE slope", se[1], math.Sqrt(8.0 / 3)},
	} {
		if !near(tt.got, tt.want, 1e-8) {
			t.Errorf("%s: got %.10f, want %.10f", tt.name, tt.got, tt.want)
		}
	}
}

// On data drawn from a known logistic model the fit solves the score
// equations Σ (y − p)·x = 0 and lands near the truth.
func TestLogisticScoreEquations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 4000
	x1, x2, y := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x1[i], x2[i] = r.NormFloat64(), r.NormFloat64()
		if r.Float64() < 1/(1+math.Exp(-(-0.5+1.0*x1[i]-0.7*x2[i]))) {
			y[i] = 1
		}
	}
	x := design(x1, x2)
	b, se, err := Logistic(x, y, 0)
	if err != nil {
		t.Fatal(err)
	}
	for j, want := range []float64{-0.5, 1.0, -0.7} {
		if !near(b[j], want, 4*se[j]) {
			t.Errorf("β%d = %.3f ± %.3f, true %.1f", j, b[j], se[j], want)
		}
	}
	for j := range 3 {
		var score float64
		for i := range n {
			p := 1 / (1 + math.Exp(-(b[0] + b[1]*x1[i] + b[2]*x2[i])))
			score += (y[i] - p) * x.At(i, j)
		}
		if !near(score, 0, 1e-6) {
			t.Errorf("score equation %d: %.3g, want 0", j, score)
		}
	}
}

// Perfect separation has no maximum: the plain fit reports it, a ridge
// penalty gives a finite one.
func TestLogisticSeparation(t *testing.T) {
	xs := []float64{-2, -1, 1, 2}
	y := []float64{0, 0, 1, 1}
	if _, _, err := Logistic(design(xs), y, 0); err != ErrNoConvergence {
		t.Errorf("separated data: error %v, want ErrNoConvergence", err)
	}
	b, _, err := Logistic(design(xs), y, 1)
	if err != nil || !(b[1] > 0) {
		t.Errorf("ridge fit on separated data: %v, %v; want a finite positive slope", b, err)
	}
}

// Treated scores 0.13, 0.50, 0.90, 3.0 against controls 0.12, 0.45, 0.60,
// 2.0: 0.13 → 0.12; 0.50 → 0.45 (0.05 nearer than 0.60); 0.90 is 0.30 from
// 0.60, beyond a caliper of 0.25; 3.0 is above every control (off support).
func TestNearestNeighbourByHand(t *testing.T) {
	score := []float64{0.13, 0.12, 0.50, 0.45, 0.90, 0.60, 3.0, 2.0}
	treated := []bool{true, false, true, false, true, false, true, false}
	m := NearestNeighbour(score, treated, 0.25)
	wantControl := []int{1, -1, 3, -1, -1, -1, -1, -1}
	wantWeight := []float64{1, 1, 1, 1, 0, 0, 0, 0}
	for i := range score {
		if m.Control[i] != wantControl[i] || m.Weight[i] != wantWeight[i] {
			t.Errorf("unit %d: control %d weight %g, want %d and %g", i, m.Control[i], m.Weight[i], wantControl[i], wantWeight[i])
		}
	}
	if m.Matched != 2 || m.OutsideCaliper != 1 || m.OffSupport != 1 {
		t.Errorf("matched %d, outside caliper %d, off support %d; want 2, 1, 1", m.Matched, m.OutsideCaliper, m.OffSupport)
	}
	// Without a caliper 0.90 takes 0.60; with replacement a control can
	// serve twice.
	m = NearestNeighbour([]float64{0.5, 0.55, 0.52, 0.9}, []bool{false, true, true, false}, 0)
	if m.Control[1] != 0 || m.Control[2] != 0 || m.Weight[0] != 2 || m.Weight[3] != 0 {
		t.Errorf("with replacement: controls %v weights %v, want both treated on unit 0 (weight 2)", m.Control, m.Weight)
	}
}

// x = 1,2,3 treated (mean 2, var 1) against 2,4,6 control (mean 4, var 4):
// SMD = (2 − 4)/√2.5. Weighting the controls 1,0,0 gives (2 − 2)/√2.5 = 0.
func TestStandardisedDifferenceByHand(t *testing.T) {
	x := []float64{1, 2, 3, 2, 4, 6}
	tr := []bool{true, true, true, false, false, false}
	if got, want := StandardisedDifference(x, tr, nil), -2/math.Sqrt(2.5); !near(got, want, 1e-12) {
		t.Errorf("SMD %.10f, want %.10f", got, want)
	}
	if got := StandardisedDifference(x, tr, []float64{1, 1, 1, 1, 0, 0}); !near(got, 0, 1e-12) {
		t.Errorf("matched SMD %.10f, want 0", got)
	}
	if got := StandardisedDifference([]float64{1, 1}, []bool{true, true}, nil); !math.IsNaN(got) {
		t.Errorf("no controls: SMD %g, want NaN", got)
	}
}

// The bootstrap of a mean of n values has SE near s/√n; it is
// reproducible from its seed, and constant data give a zero-width interval.
func TestBootstrapMean(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 200
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	mean := func(units []int) float64 {
		var s float64
		for _, u := range units {
			s += x[u]
		}
		return s / float64(len(units))
	}
	stat := func(units []int) []float64 { return []float64{mean(units), math.NaN()} }
	strata := make([]int, n)
	ab := Bootstrap(strata, 2000, rand.New(rand.NewPCG(5, 6)), stat)
	bb := Bootstrap(strata, 2000, rand.New(rand.NewPCG(5, 6)), stat)
	a, b := ab[0], bb[0]
	if a != b {
		t.Error("the same seed gave different intervals")
	}
	if want := 1 / math.Sqrt(float64(n)); !near(a.SE, want, 0.15*want) {
		t.Errorf("bootstrap SE %.4f, want about %.4f", a.SE, want)
	}
	if !(a.Lo < mean(nil_(n)) && mean(nil_(n)) < a.Hi) || a.Reps != 2000 {
		t.Errorf("interval [%.3f, %.3f] from %d replicates does not hold the sample mean", a.Lo, a.Hi, a.Reps)
	}
	if ab[1].Reps != 0 || !math.IsNaN(ab[1].Lo) {
		t.Errorf("a statistic that is always NaN: %+v, want no replicates", ab[1])
	}
	flat := Bootstrap([]int{0, 0, 1, 1}, 100, rand.New(rand.NewPCG(1, 1)), func([]int) []float64 { return []float64{2} })[0]
	if flat.Lo != 2 || flat.Hi != 2 || flat.SE != 0 {
		t.Errorf("constant statistic: %+v, want a zero-width interval at 2", flat)
	}
	// Strata keep their sizes: two strata of 3 and 1 units.
	Bootstrap([]int{1, 1, 1, 0}, 50, rand.New(rand.NewPCG(1, 1)), func(units []int) []float64 {
		if len(units) != 4 || units[0] != 3 {
			t.Fatalf("replicate %v: want the lone unit of stratum 0 first, then three of stratum 1", units)
		}
		return nil
	})
}

// nil_ returns the units 0..n−1.
func nil_(n int) []int {
	u := make([]int, n)
	for i := range u {
		u[i] = i
	}
	return u
}
