package fmath

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"
)

// TestZigguratSameDrawsAsStdlib draws from two copies of the same stream,
// one through math/rand/v2 and one through this package: the variates
// must be the same (this is what keeps schoolnet's results unchanged on
// amd64), and so must the state of the streams afterwards. On amd64,
// where math/rand/v2 does not fuse, they must be identical; elsewhere
// the standard library's slow paths are fused, so a tail variate may
// differ from ours in its last bits.
func TestZigguratSameDrawsAsStdlib(t *testing.T) {
	tests := []struct {
		name string
		ours func(*rand.Rand) float64
		std  func(*rand.Rand) float64
	}{
		{"NormFloat64", NormFloat64, (*rand.Rand).NormFloat64},
		{"ExpFloat64", ExpFloat64, (*rand.Rand).ExpFloat64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := rand.New(rand.NewPCG(11, 12)), rand.New(rand.NewPCG(11, 12))
			differ := 0
			for i := range 2_000_000 {
				x, y := tt.ours(a), tt.std(b)
				if x == y {
					continue
				}
				differ++
				if runtime.GOARCH == "amd64" || ulps(x, y) > 4 {
					t.Fatalf("draw %d: %s gives %v, math/rand/v2 %v", i, tt.name, x, y)
				}
			}
			if a.Uint64() != b.Uint64() {
				t.Errorf("the streams are out of step after the draws")
			}
			if differ > 0 {
				t.Logf("%d tail variates differ in their last bits from math/rand/v2's (fused on %s)", differ, runtime.GOARCH)
			}
		})
	}
}

// TestZigguratMoments checks the distributions themselves: mean, variance
// and a tail probability of a million variates.
func TestZigguratMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	const n = 1_000_000
	var sn, sn2, se, se2 float64
	var tailN, tailE int
	for range n {
		x, y := NormFloat64(r), ExpFloat64(r)
		sn += x
		sn2 += float64(x * x)
		se += y
		se2 += float64(y * y)
		if math.Abs(x) > normR {
			tailN++
		}
		if y > 5 {
			tailE++
		}
	}
	check := func(what string, got, want, se float64) {
		t.Helper()
		if math.Abs(got-want) > 5*se {
			t.Errorf("%s = %.5f, want %.5f ± %.5f", what, got, want, 5*se)
		}
	}
	check("normal mean", sn/n, 0, 1/math.Sqrt(n))
	check("normal variance", sn2/n, 1, math.Sqrt(2.0/n))
	pn := 2 * 0.5 * math.Erfc(normR/math.Sqrt2)
	check("normal P(|x| > r)", float64(tailN)/n, pn, math.Sqrt(pn/n))
	check("exponential mean", se/n, 1, 1/math.Sqrt(n))
	check("exponential variance", se2/n-(se/n)*(se/n), 1, math.Sqrt(8.0/n))
	check("exponential P(x > 5)", float64(tailE)/n, math.Exp(-5), math.Sqrt(math.Exp(-5)/n))
}

// TestZigguratTables compares the regenerated tables with those written
// in the standard library's source, when the source is there.
func TestZigguratTables(t *testing.T) {
	dir := filepath.Join(runtime.GOROOT(), "src", "math", "rand", "v2")
	tests := []struct {
		file    string
		k, w, f string
		z       *ziggurat
	}{
		{"normal.go", "kn", "wn", "fn", &normZig},
		{"exp.go", "ke", "we", "fe", &expZig},
	}
	for _, tt := range tests {
		src, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Skipf("no standard library source: %v", err)
		}
		for _, table := range []struct {
			name string
			got  func(i int) float64
		}{
			{tt.k, func(i int) float64 { return float64(tt.z.k[i]) }},
			{tt.w, func(i int) float64 { return float64(tt.z.w[i]) }},
			{tt.f, func(i int) float64 { return float64(tt.z.f[i]) }},
		} {
			want := parseTable(t, string(src), table.name)
			if len(want) != len(tt.z.k) {
				t.Fatalf("%s: %s has %d entries, ours %d", tt.file, table.name, len(want), len(tt.z.k))
			}
			for i, v := range want {
				if got := table.got(i); got != v {
					t.Errorf("%s: %s[%d] = %v, ours %v", tt.file, table.name, i, v, got)
				}
			}
		}
	}
}

// parseTable returns the numbers of the Go array literal "var name = [N]T{...}"
// in src, each rounded to float32 (all three tables fit it exactly, or are
// uint32 values that float64 holds exactly).
func parseTable(t *testing.T, src, name string) []float64 {
	t.Helper()
	m := regexp.MustCompile(`(?s)var ` + name + ` = \[\d+\](\w+)\{(.*?)\}`).FindStringSubmatch(src)
	if m == nil {
		t.Skipf("table %s not found in the standard library's source", name)
	}
	var out []float64
	for _, s := range regexp.MustCompile(`[0-9a-fx.e+-]+`).FindAllString(m[2], -1) {
		if m[1] == "uint32" {
			v, err := strconv.ParseUint(s, 0, 32)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, float64(v))
			continue
		}
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, v)
	}
	return out
}
