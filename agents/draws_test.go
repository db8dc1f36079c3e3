package agents

import (
	"math"
	"testing"
)

// TestNoise16 checks noise16 against its definition, (k + 1/2)/2^16 − 1/2
// times √12, computed the plain way, for every one of the 2^16 values of
// k, to the bit (the higher bits of the draw are ignored); and that the
// values have mean 0 and SD 1 up to the half step.
func TestNoise16(t *testing.T) {
	var sum, sumSq float64
	for k := range uint64(1 << 16) {
		want := (float64(k) + 0.5 - 0x1p15) * (3.4641016151377544 / 0x1p16)
		got := noise16(k | 0xdead<<16)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("noise16(%d) = %v, want %v", k, got, want)
		}
		sum += got
		sumSq += got * got
	}
	n := float64(1 << 16)
	if mean, sd := sum/n, math.Sqrt(sumSq/n); math.Abs(mean) > 1e-12 || math.Abs(sd-1) > 1e-9 {
		t.Errorf("mean %v and SD %v, want 0 and 1", mean, sd)
	}
}

// TestDrawsBelow checks drawsBelow, which turns a chance into a count of
// draws: k·2^−n < p must hold exactly when k < drawsBelow(p, n), for
// every 16-bit draw and every 24-bit one, at chances on the grid of
// draws, a step either side of them, outside [0, 1] and NaN; and the
// gate's count, all draws for a NaN bound.
func TestDrawsBelow(t *testing.T) {
	ps := []float64{0, 0.5, 1, 0x1p-24, 3 * 0x1p-16, 0.3, 1.0 / 3, 0.999999, -0.1, 1.5, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Nextafter(0.25, 0), math.Nextafter(0.25, 1), math.SmallestNonzeroFloat64}
	r := stream(7, 8)
	for range 4 {
		ps = append(ps, r.Float64())
	}
	for _, n := range []int{16, 24} {
		for _, p := range ps {
			below := drawsBelow(p, n)
			for k := range uint64(1) << n {
				if u := math.Ldexp(float64(k), -n); (u < p) != (k < below) {
					t.Fatalf("%d bits, p = %v: draw %d (%v) below p is %v, but drawsBelow gives %d", n, p, k, u, u < p, below)
				}
			}
		}
	}
	if gateBelow(math.NaN()) != 1<<24 || gateBelow(math.Inf(1)) != 1<<24 || gateBelow(0.25) != 1<<22 {
		t.Errorf("gateBelow: NaN %d, +Inf %d, 0.25 %d; want all, all and 2^22", gateBelow(math.NaN()), gateBelow(math.Inf(1)), gateBelow(0.25))
	}
}
