package calibrate

import (
	"math"
	"math/rand/v2"
)

// logf, expf and normal are the calibration's elementary functions and
// standard normal draws, kept in one place so that every machine computes
// the same bits (package schoolnet/sim/fmath).
func logf(x float64) float64      { return math.Log(x) }
func expf(x float64) float64      { return math.Exp(x) }
func normal(r *rand.Rand) float64 { return r.NormFloat64() }
