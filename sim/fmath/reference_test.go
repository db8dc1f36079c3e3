package fmath

import (
	"math"
	"math/big"
)

// The exact values the tests measure errors against, computed with
// math/big at 256 bits and rounded once to float64.

const refPrec = 256

// bigExp returns e**x at refPrec bits for |x| ≤ 800, by the Taylor
// series of e**(x/2**16) squared 16 times.
func bigExp(x *big.Float) *big.Float {
	const halvings = 16
	r := new(big.Float).SetPrec(refPrec + 32).Set(x)
	r.SetMantExp(r, -halvings)
	sum := new(big.Float).SetPrec(refPrec + 32).SetInt64(1)
	term := new(big.Float).SetPrec(refPrec + 32).SetInt64(1)
	for n := int64(1); n < 40; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetInt64(n))
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	return sum
}

// refExp returns e**x rounded to float64.
func refExp(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x > 710:
		return math.Inf(1)
	case x < -746:
		return 0
	}
	f, _ := bigExp(new(big.Float).SetFloat64(x)).Float64()
	return f
}

// bigLog returns log x at refPrec bits for x > 0, by Newton's method on
// e**y = x from math.Log's guess, after taking out the power of 2:
// log x = log m + e·log 2.
func bigLog(x float64) *big.Float {
	m, e := math.Frexp(x)
	bm := new(big.Float).SetPrec(refPrec + 32).SetFloat64(m)
	y := new(big.Float).SetPrec(refPrec + 32).SetFloat64(math.Log(m))
	two := big.NewFloat(2)
	for range 5 { // quadratic convergence from 53 bits
		ey := bigExp(y)
		num := new(big.Float).Sub(bm, ey)
		den := new(big.Float).Add(bm, ey)
		num.Mul(num, two)
		y.Add(y, num.Quo(num, den))
	}
	if e != 0 {
		ln2 := new(big.Float).Set(bigLn2)
		y.Add(y, ln2.Mul(ln2, new(big.Float).SetInt64(int64(e))))
	}
	return y
}

// bigLn2 is log 2 at refPrec bits.
var bigLn2 = func() *big.Float {
	y := new(big.Float).SetPrec(refPrec + 32).SetFloat64(math.Ln2)
	two := new(big.Float).SetPrec(refPrec + 32).SetInt64(2)
	for range 5 {
		ey := bigExp(y)
		num := new(big.Float).Sub(two, ey)
		den := new(big.Float).Add(two, ey)
		num.Mul(num, big.NewFloat(2))
		y.Add(y, num.Quo(num, den))
	}
	return y
}()

// refLog returns log x rounded to float64.
func refLog(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1) || x < 0:
		return math.Log(x)
	case x == 0:
		return math.Inf(-1)
	}
	f, _ := bigLog(x).Float64()
	return f
}

// refPow returns x**y rounded to float64, for x > 0 and a finite result:
// e**(y·log x).
func refPow(x, y float64) float64 {
	l := bigLog(x)
	l.Mul(l, new(big.Float).SetPrec(refPrec+32).SetFloat64(y))
	if v, _ := l.Float64(); v > 710 || v < -746 {
		return math.Pow(x, y) // overflow or underflow: only the special value matters
	}
	f, _ := bigExp(l).Float64()
	return f
}
