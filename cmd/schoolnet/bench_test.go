package main

import (
	"math"
	"testing"
)

// TestAmdahl checks Amdahl's bound at its edges and at one worked value.
func TestAmdahl(t *testing.T) {
	tests := []struct {
		share float64
		n     int
		want  float64
	}{
		{0, 16, 16}, // nothing sequential: n times as fast
		{1, 16, 1},  // all sequential: no faster
		{0.05, 16, 1 / (0.05 + 0.95/16)},
		{0.025, 64, 1 / (0.025 + 0.975/64)},
	}
	for _, tt := range tests {
		if got := amdahl(tt.share, tt.n); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("amdahl(%g, %d) = %g, want %g", tt.share, tt.n, got, tt.want)
		}
	}
}
