package calibrate

import (
	"math/rand/v2"

	"schoolnet/sim/fmath"
)

// logf, expf and normal are the calibration's elementary functions and
// standard normal draws: package fmath's, which every machine computes to
// the same bits (math.Exp and math.Log, and the rare paths of
// rand.NormFloat64 that call them, differ in their last bits between
// amd64 and arm64).
func logf(x float64) float64      { return fmath.Log(x) }
func expf(x float64) float64      { return fmath.Exp(x) }
func normal(r *rand.Rand) float64 { return fmath.NormFloat64(r) }
