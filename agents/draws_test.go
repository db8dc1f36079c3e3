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
