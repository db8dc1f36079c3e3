package fmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestStudentTQuantile(t *testing.T) {
	// The closed forms for ν = 1 (tan(π(p−½))) and ν = 2
	// ((2p−1)·√(2/(4p(1−p)))), and published values of qt(p, ν).
	tests := []struct {
		p    float64
		nu   int
		want float64
	}{
		{0.975, 1, math.Tan(math.Pi * 0.475)},
		{0.975, 2, 0.95 * math.Sqrt(2/(4*0.975*0.025))},
		{0.025, 2, -0.95 * math.Sqrt(2/(4*0.975*0.025))},
		{0.975, 10, 2.228138851986274},
		{0.975, 30, 2.042272456301238},
		{0.5, 7, 0},
		{0, 3, math.Inf(-1)},
		{1, 3, math.Inf(1)},
	}
	for _, tt := range tests {
		got := StudentTQuantile(tt.p, tt.nu)
		if !(got == tt.want || math.Abs(got-tt.want) <= 1e-13*math.Abs(tt.want)) {
			t.Errorf("StudentTQuantile(%v, %d) = %.15g, want %.15g", tt.p, tt.nu, got, tt.want)
		}
	}
	if got := StudentTQuantile(1.5, 3); !math.IsNaN(got) {
		t.Errorf("StudentTQuantile(1.5, 3) = %v, want NaN", got)
	}
	// Against gonum, whose inverse incomplete beta function is accurate
	// to 1e-12 or so for large ν: every ν a run or a study can have.
	for nu := 1; nu <= 2000; nu++ {
		for _, p := range []float64{0.975, 0.9, 0.6, 0.1, 0.001} {
			got := StudentTQuantile(p, nu)
			want := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(nu)}.Quantile(p)
			if math.Abs(got-want) > 1e-11*math.Abs(want) {
				t.Errorf("StudentTQuantile(%v, %d) = %.17g, gonum says %.17g", p, nu, got, want)
			}
		}
	}
	// Against the exact P(|T| ≤ t) at the returned t. For large ν the
	// series is ill-conditioned in c² = ν/(ν+t²), whose rounding alone
	// moves it by some 1e-14.
	for _, nu := range []int{1, 2, 3, 4, 5, 10, 19, 99, 500, 1999, 2000} {
		for _, p := range []float64{0.975, 0.6, 0.999} {
			q := StudentTQuantile(p, nu)
			if a := exactTAbsCDF(q, nu); math.Abs(a-(2*p-1)) > 5e-14 {
				t.Errorf("ν = %d: P(|T| ≤ %v) = %v, want %v", nu, q, a, 2*p-1)
			}
		}
	}
}

// exactTAbsCDF returns P(|T| ≤ t) from the series of tAbsCDF summed with
// math/big at refPrec bits (atan from float64: 1 ulp of it is well
// within the tolerance).
func exactTAbsCDF(t float64, nu int) float64 {
	bf := func(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }
	n := bf(float64(nu))
	d := new(big.Float).Add(n, new(big.Float).Mul(bf(t), bf(t)))
	c2 := new(big.Float).Quo(n, d)
	s := new(big.Float).Quo(bf(t), new(big.Float).Sqrt(d))
	sum, term := bf(1), bf(1)
	for k := 2 + nu%2; k <= nu-2; k += 2 {
		term.Mul(term, c2)
		term.Mul(term, bf(float64(k-1)))
		term.Quo(term, bf(float64(k)))
		sum.Add(sum, term)
	}
	if nu%2 == 0 {
		a, _ := sum.Mul(sum, s).Float64()
		return a
	}
	theta := bf(math.Atan(t / math.Sqrt(float64(nu))))
	if nu > 1 {
		sc := new(big.Float).Mul(s, new(big.Float).Sqrt(c2))
		theta.Add(theta, sc.Mul(sc, sum))
	}
	a, _ := theta.Mul(theta, bf(2/math.Pi)).Float64()
	return a
}

func TestMeanStdDevQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{1, 2, 3, 7, 40, 1001} {
		x := make([]float64, n)
		for i := range x {
			x[i] = 3 + 2*r.NormFloat64()
		}
		m, sd := MeanStdDev(x)
		wm, wsd := stat.MeanStdDev(x, nil)
		if math.Abs(m-wm) > 1e-14*math.Abs(wm) || !(math.Abs(sd-wsd) <= 1e-13*wsd || n == 1 && math.IsNaN(sd)) {
			t.Errorf("n = %d: MeanStdDev = %v, %v; gonum says %v, %v", n, m, sd, wm, wsd)
		}
		if got := Mean(x); got != m {
			t.Errorf("n = %d: Mean = %v, MeanStdDev's mean %v", n, got, m)
		}
	}
	if got := Sum([]float64{1e16, 1, -1e16}); got != 0 {
		t.Errorf("Sum = %v, want 0 (index order: 1e16+1 rounds to 1e16)", got)
	}
}

func TestDot(t *testing.T) {
	tests := []struct {
		a, b []float64
		want float64
	}{
		{nil, nil, 0},
		{[]float64{1, 2, 3}, []float64{4, 5, 6}, 32},
		// In index order: 1e16·1 + 1 rounds to 1e16, then − 1e16.
		{[]float64{1e16, 1, -1e16}, []float64{1, 1, 1}, 0},
		// Each product rounded: 0.1·0.1 is 0.010000000000000002 in float64.
		{[]float64{0.1, -0.1}, []float64{0.1, 0.1}, 0},
	}
	for _, tt := range tests {
		if got := Dot(tt.a, tt.b); got != tt.want {
			t.Errorf("Dot(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
