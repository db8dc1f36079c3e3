package fmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns the distance between a and b in units in the last place
// (0 when both are NaN, or equal; huge when only one is NaN or their
// signs differ).
func ulps(a, b float64) uint64 {
	switch {
	case a == b || (math.IsNaN(a) && math.IsNaN(b)):
		return 0
	case math.IsNaN(a) || math.IsNaN(b) || math.Signbit(a) != math.Signbit(b):
		return math.MaxUint64
	}
	ia, ib := math.Float64bits(math.Abs(a)), math.Float64bits(math.Abs(b))
	if ia > ib {
		return ia - ib
	}
	return ib - ia
}

// edges are the special and extreme arguments every function is tried on.
var edges = []float64{
	0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	0x1p-1074 * 3, 0x1p-1023, 0x1p-1022, -0x1p-1022, 0x1p-60, 0x1p-29, 0x1p-28, 1e-10,
	0.5, -0.5, 1, -1, 2, -2, math.Ln2 / 2, -math.Ln2 / 2, 1.5 * math.Ln2, math.Ln2,
	math.Pi / 4, math.Pi / 2, math.Pi, 3 * math.Pi / 4, 2 * math.Pi, -math.Pi, 10, -10,
	700, 709.78, 709.79, 710, -708, -745, -745.2, -746, 1e10, -1e10,
	0x1p28, 0x1p52, 1e300, math.MaxFloat64, -math.MaxFloat64,
	math.Inf(1), math.Inf(-1), math.NaN(),
}

// samples returns the edges and n random arguments from each decade of
// magnitude between 1e-310 and 1e308, both signs, and n uniform in
// [−lim, lim].
func samples(n int, lim float64) []float64 {
	r := rand.New(rand.NewPCG(1, 2))
	xs := append([]float64(nil), edges...)
	for e := -310; e <= 307; e++ {
		for range n / 50 {
			x := (1 + 9*r.Float64()) * math.Pow(10, float64(e))
			xs = append(xs, x, -x)
		}
	}
	for range n {
		xs = append(xs, lim*(2*r.Float64()-1))
	}
	return xs
}

// TestElementaryWithinOneULP compares each function with package math over
// millions of arguments. Where they are more than 1 ulp apart, the
// function must be within 1 ulp of the exact value (math.Exp's amd64
// assembly is off by 2 ulp at times, and returns +Inf for x in
// (709.4, 709.78), below the overflow threshold).
func TestElementaryWithinOneULP(t *testing.T) {
	trigRange := func(x float64) bool { return math.Abs(x) < trigReduceMax || math.IsInf(x, 0) }
	tests := []struct {
		name  string
		got   func(float64) float64
		math  func(float64) float64
		exact func(float64) float64 // nil: math is trusted
		lim   float64               // random arguments uniform in [−lim, lim]
		valid func(float64) bool
	}{
		{"Exp", Exp, math.Exp, refExp, 750, nil},
		{"Log", Log, math.Log, refLog, 1e6, nil},
		{"Sin", Sin, math.Sin, nil, 100, trigRange},
		{"Cos", Cos, math.Cos, nil, 100, trigRange},
		{"Atan", Atan, math.Atan, nil, 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			same, mathOff, n := 0, 0, 0
			for _, x := range samples(20000, tt.lim) {
				if tt.valid != nil && !tt.valid(x) {
					continue
				}
				n++
				got, want := tt.got(x), tt.math(x)
				d := ulps(got, want)
				if d == 0 {
					same++
				}
				if d <= 1 {
					continue
				}
				if tt.exact == nil {
					t.Errorf("%s(%v) = %v, math says %v (%d ulp apart)", tt.name, x, got, want, d)
					continue
				}
				if exact := tt.exact(x); ulps(got, exact) > 1 {
					t.Errorf("%s(%v) = %v, math says %v, exact %v", tt.name, x, got, want, exact)
				} else {
					mathOff++
				}
			}
			t.Logf("%s: %d arguments: %d the same as math's, %d where math is off by more than 1 ulp", tt.name, n, same, mathOff)
		})
	}
}

// TestElementaryAccuracy measures Exp and Log against the exact value.
func TestElementaryAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 3000 {
		x := 1490*r.Float64() - 745
		if got, exact := Exp(x), refExp(x); ulps(got, exact) > 1 {
			t.Errorf("Exp(%v) = %v, exact %v", x, got, exact)
		}
		y := math.Ldexp(0.5+r.Float64(), r.IntN(2100)-1075)
		if got, exact := Log(y), refLog(y); ulps(got, exact) > 1 {
			t.Errorf("Log(%v) = %v, exact %v", y, got, exact)
		}
	}
}

func TestPow(t *testing.T) {
	specials := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -2, 3, -3, 0.25,
		1e-300, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), 0x1p63, -0x1p63, 0x1p64}
	for _, x := range specials {
		for _, y := range specials {
			if got, want := Pow(x, y), math.Pow(x, y); ulps(got, want) > 1 {
				t.Errorf("Pow(%v, %v) = %v, math says %v", x, y, got, want)
			}
		}
	}
	// Pow splits y as math.Pow does, so its error is like math.Pow's: up
	// to some 20 ulp for |y| ≤ 40 (the integer part of y costs one
	// rounding per binary digit). Both must stay within a relative error
	// of 4e-15 of the exact value on the model's uses, (1+x/s)**(−r·s)
	// for x ≥ 0 and q**n for q in (0,1), and around them.
	const tol = 4e-15
	r := rand.New(rand.NewPCG(3, 4))
	same, n := 0, 0
	for range 3000 {
		for _, xy := range [][2]float64{
			{10 * r.Float64(), 40 * (2*r.Float64() - 1)},
			{1 + r.Float64(), -10 * r.Float64()},
			{r.Float64(), math.Floor(40 * r.Float64())},
		} {
			x, y := xy[0], xy[1]
			got, want, exact := Pow(x, y), math.Pow(x, y), refPow(x, y)
			if math.Abs(got-exact) > tol*exact || math.Abs(want-exact) > tol*exact {
				t.Errorf("Pow(%v, %v) = %v, math says %v, exact %v", x, y, got, want, exact)
			}
			if got == want {
				same++
			}
			n++
		}
	}
	t.Logf("Pow: %d of %d the same as math's", same, n)
}

func TestHypot(t *testing.T) {
	tests := []struct{ p, q, want float64 }{
		{3, 4, 5},
		{-3, 4, 5},
		{0, 0, 0},
		{0, -2, 2},
		{1e300, 1e300, 1.4142135623730951e300},
		{1e-320, 1e-320, math.Hypot(1e-320, 1e-320)},
		{math.Inf(-1), math.NaN(), math.Inf(1)},
		{math.NaN(), 1, math.NaN()},
	}
	for _, tt := range tests {
		if got := Hypot(tt.p, tt.q); ulps(got, tt.want) > 1 {
			t.Errorf("Hypot(%v, %v) = %v, want %v", tt.p, tt.q, got, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		p, q := 100*(2*r.Float64()-1), 100*(2*r.Float64()-1)
		if got, want := Hypot(p, q), math.Hypot(p, q); ulps(got, want) > 1 {
			t.Errorf("Hypot(%v, %v) = %v, math says %v", p, q, got, want)
		}
	}
}
