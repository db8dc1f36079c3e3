package fmath

import (
	"bytes"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"golang.org/x/exp/stats"
)

// fusedArch reports whether the Go compiler fuses x*y+z on this
// architecture, where x/exp/stats' last bit may differ from Quantile's.
var fusedArch = runtime.GOARCH != "amd64" && runtime.GOARCH != "386"

// readGolden reads a testdata CSV file without its header.
func readGolden(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestQuantileMatchesR checks Quantile against R's quantile() with its
// defaults (type 7), computed once by testdata/quantile7.R on fixed
// vectors (ties, one and two values, unsorted input, 200 bootstrap-like
// replicates) at p from 0 to 1, the 2.5% and 97.5% of a percentile
// interval among them.
func TestQuantileMatchesR(t *testing.T) {
	vectors := map[string][]float64{}
	for _, row := range readGolden(t, "testdata/quantile7-data.csv") {
		vectors[row[0]] = append(vectors[row[0]], parseFloat(t, row[1]))
	}
	golden := readGolden(t, "testdata/quantile7.csv")
	if len(golden) != 60 {
		t.Fatalf("%d golden values, want 60", len(golden))
	}
	for _, row := range golden {
		x := slices.Sorted(slices.Values(vectors[row[0]]))
		p, want := parseFloat(t, row[1]), parseFloat(t, row[2])
		if got := Quantile(p, x); math.Abs(got-want) > 4e-16*max(1, math.Abs(want)) {
			t.Errorf("%s, p = %g: %.17g, R %.17g", row[0], p, got, want)
		}
	}
}

// TestQuantileIsXExpStats checks Quantile against golang.org/x/exp/stats'
// Quantiles, type 7 too, on random data: the same bits on amd64, where
// x/exp/stats is not fused (Quantile is fused nowhere).
func TestQuantileIsXExpStats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 300; n += 7 {
		x := make([]float64, n)
		for i := range x {
			x[i] = r.NormFloat64() * math.Exp(3*r.Float64())
		}
		slices.Sort(x)
		ps := []float64{0, 0.025, 0.5, 0.975, 1, r.Float64(), r.Float64()}
		want := stats.Quantiles(x, ps...)
		for j, p := range ps {
			if got := Quantile(p, x); got != want[j] && !(fusedArch && math.Abs(got-want[j]) < 1e-13*math.Abs(want[j])) {
				t.Errorf("n = %d, p = %g: %.17g, x/exp/stats %.17g", n, p, got, want[j])
			}
		}
	}
	if !math.IsNaN(Quantile(0.5, []float64{1, math.NaN()})) {
		t.Error("a NaN in the data: want NaN")
	}
	for _, bad := range []func(){
		func() { Quantile(1.5, []float64{1}) },
		func() { Quantile(0.5, nil) },
		func() { Quantile(0.5, []float64{2, 1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("bad input did not panic")
				}
			}()
			bad()
		}()
	}
}
