package sensitivity

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readPoints reads a testdata file of whitespace-separated rows.
func readPoints(t *testing.T, name string) [][]float64 {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		var row []float64
		for _, s := range strings.Fields(sc.Text()) {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, x)
		}
		out = append(out, row)
	}
	return out
}

// TestSobolSeqMatchesReference: the sequence equals SciPy's unscrambled
// Sobol sequence (Joe & Kuo's direction numbers) point for point, in 5,
// 40 and 1000 dimensions (the last dimensions of the 1000), after the
// origin.
func TestSobolSeqMatchesReference(t *testing.T) {
	for _, tt := range []struct {
		file string
		dim  int
	}{{"testdata/sobol_d5.txt", 5}, {"testdata/sobol_d40.txt", 40}, {"testdata/sobol_d1000.txt", 1000}} {
		want := readPoints(t, tt.file)
		s, err := NewSobolSeq(tt.dim)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, tt.dim)
		for i, w := range want {
			s.Next(got)
			tail := got[tt.dim-len(w):]
			for j := range w {
				if math.Abs(tail[j]-w[j]) > 1e-9 {
					t.Fatalf("%s: point %d, dimension %d: got %v, want %v", tt.file, i+1, tt.dim-len(w)+j+1, tail[j], w[j])
				}
			}
		}
	}
	if _, err := NewSobolSeq(MaxSobolDim + 1); err == nil {
		t.Error("a sequence beyond the direction numbers: no error")
	}
}

// ishigami is Ishigami & Homma's (1990) function on [−π, π]³.
func ishigami(u []float64, a, b float64) float64 {
	x := make([]float64, 3)
	for i := range x {
		x[i] = -math.Pi + 2*math.Pi*u[i]
	}
	return math.Sin(x[0]) + a*math.Pow(math.Sin(x[1]), 2) + b*math.Pow(x[2], 4)*math.Sin(x[0])
}

// gFunction is Sobol's G-function on [0,1]^k with coefficients a.
func gFunction(u, a []float64) float64 {
	f := 1.0
	for i, x := range u {
		f *= (math.Abs(4*x-2) + a[i]) / (1 + a[i])
	}
	return f
}

// gIndices are the G-function's analytic first-order and total indices.
func gIndices(a []float64) (s1, st []float64) {
	vi := make([]float64, len(a))
	prod := 1.0
	for i, ai := range a {
		vi[i] = 1 / (3 * (1 + ai) * (1 + ai))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	for i := range a {
		s1 = append(s1, vi[i]/v)
		st = append(st, vi[i]*prod/(1+vi[i])/v)
	}
	return s1, st
}

func evaluate(x [][]float64, f func([]float64) float64) []float64 {
	y := make([]float64, len(x))
	for i, p := range x {
		y[i] = f(p)
	}
	return y
}

// TestSobolIndicesKnownTruth: the indices of the Ishigami function (a = 7,
// b = 0.1) and of the G-function reproduce their analytic values, and the
// bootstrap intervals hold them.
func TestSobolIndicesKnownTruth(t *testing.T) {
	// Ishigami & Homma (1990); Saltelli et al. (2008), section 4.5: V = a²/8
	// + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2, V2 = a²/8,
	// V13 = b²π⁸(1/18 − 1/50).
	a, b := 7.0, 0.1
	pi4 := math.Pow(math.Pi, 4)
	v := a*a/8 + b*pi4/5 + b*b*pi4*pi4/18 + 0.5
	v1 := math.Pow(1+b*pi4/5, 2) / 2
	v2 := a * a / 8
	v13 := b * b * pi4 * pi4 * (1.0/18 - 1.0/50)
	ishS1 := []float64{v1 / v, v2 / v, 0}
	ishST := []float64{(v1 + v13) / v, v2 / v, v13 / v}
	// published: S = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437
	for i, w := range []float64{0.3139, 0.4424, 0} {
		if math.Abs(ishS1[i]-w) > 1e-4 {
			t.Fatalf("analytic Ishigami S%d = %v, published %v", i+1, ishS1[i], w)
		}
	}
	ga := []float64{0, 1, 4.5, 9, 99, 99}
	gS1, gST := gIndices(ga)
	for _, tt := range []struct {
		name   string
		k, n   int
		f      func([]float64) float64
		s1, st []float64
		tol    float64
	}{
		{"ishigami", 3, 4096, func(u []float64) float64 { return ishigami(u, a, b) }, ishS1, ishST, 0.03},
		{"g-function", 6, 4096, func(u []float64) float64 { return gFunction(u, ga) }, gS1, gST, 0.03},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x, err := Saltelli(tt.k, tt.n, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(x) != tt.n*(tt.k+2) {
				t.Fatalf("%d points, want %d", len(x), tt.n*(tt.k+2))
			}
			idx := SobolIndices(tt.k, evaluate(x, tt.f), 200, rand.New(rand.NewPCG(1, 2)))
			for i, s := range idx {
				if math.Abs(s.S1-tt.s1[i]) > tt.tol || math.Abs(s.ST-tt.st[i]) > tt.tol {
					t.Errorf("x%d: S1 %.4f (analytic %.4f), ST %.4f (analytic %.4f)", i+1, s.S1, tt.s1[i], s.ST, tt.st[i])
				}
				if !(s.S1Lo <= s.S1 && s.S1 <= s.S1Hi && s.STLo <= s.ST && s.ST <= s.STHi) {
					t.Errorf("x%d: an estimate outside its bootstrap interval: %+v", i+1, s)
				}
				if s.S1Lo > tt.s1[i]+0.01 || s.S1Hi < tt.s1[i]-0.01 || s.STLo > tt.st[i]+0.01 || s.STHi < tt.st[i]-0.01 {
					t.Errorf("x%d: intervals [%.4f, %.4f] and [%.4f, %.4f] miss the analytic %.4f and %.4f", i+1, s.S1Lo, s.S1Hi, s.STLo, s.STHi, tt.s1[i], tt.st[i])
				}
			}
		})
	}
}

// TestSaltelliLayout: row j holds A, AB^(1..k), B, AB^(i) differing from
// A only in coordinate i, where it has B's.
func TestSaltelliLayout(t *testing.T) {
	k := 4
	x, err := Saltelli(k, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 8 {
		a, bb := x[j*(k+2)], x[j*(k+2)+k+1]
		for i := range k {
			ab := x[j*(k+2)+1+i]
			for c := range k {
				want := a[c]
				if c == i {
					want = bb[c]
				}
				if ab[c] != want {
					t.Fatalf("row %d, AB^(%d)[%d] = %v, want %v", j, i+1, c, ab[c], want)
				}
			}
		}
	}
	if _, err := Saltelli(MaxSobolDim, 1, 0); err == nil {
		t.Error("more parameters than the sequence has dimensions for: no error")
	}
}

// TestMorrisLinearExact: for a linear function the elementary effects are
// exact: μ = μ* = the coefficient (per whole range) and σ = 0.
func TestMorrisLinearExact(t *testing.T) {
	c := []float64{3, -2, 0.5, 0}
	x, err := Morris(len(c), 20, 4, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	y := evaluate(x, func(u []float64) float64 {
		var s float64
		for i, v := range u {
			s += c[i] * v
		}
		return s
	})
	for i, m := range MorrisIndices(len(c), x, y, 100, rand.New(rand.NewPCG(5, 6))) {
		if math.Abs(m.Mu-c[i]) > 1e-9 || math.Abs(m.MuStar-math.Abs(c[i])) > 1e-9 || m.Sigma > 1e-9 {
			t.Errorf("x%d: μ %v, μ* %v, σ %v; want %v, %v, 0", i+1, m.Mu, m.MuStar, m.Sigma, c[i], math.Abs(c[i]))
		}
	}
}

// TestMorrisDesign: each trajectory moves every parameter exactly once,
// by ±Δ, on the grid, inside [0,1].
func TestMorrisDesign(t *testing.T) {
	k, p := 5, 6
	x, err := Morris(k, 10, p, rand.New(rand.NewPCG(7, 8)))
	if err != nil {
		t.Fatal(err)
	}
	d := MorrisDelta(p)
	for tr := range 10 {
		moved := make([]bool, k)
		for s := range k {
			a, b := x[tr*(k+1)+s], x[tr*(k+1)+s+1]
			n := 0
			for c := range k {
				if a[c] != b[c] {
					n++
					moved[c] = true
					if math.Abs(math.Abs(b[c]-a[c])-d) > 1e-12 {
						t.Fatalf("trajectory %d step %d moves x%d by %v, want ±%v", tr, s, c+1, b[c]-a[c], d)
					}
				}
				if b[c] < 0 || b[c] > 1 {
					t.Fatalf("a point outside the unit cube: %v", b)
				}
				lv := b[c] * float64(p-1)
				if math.Abs(lv-math.Round(lv)) > 1e-9 {
					t.Fatalf("%v is not on the %d-level grid", b[c], p)
				}
			}
			if n != 1 {
				t.Fatalf("trajectory %d step %d moves %d parameters", tr, s, n)
			}
		}
		if slices.Contains(moved, false) {
			t.Fatalf("trajectory %d leaves a parameter unmoved", tr)
		}
	}
	if _, err := Morris(3, 2, 5, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("odd levels: no error")
	}
}

// TestMorrisRanksGFunction: on the G-function with a = (0, 1, 4.5, 9, 99,
// 99), μ* ranks the parameters as their analytic total indices do, and
// screens out the two unimportant ones (Saltelli et al. 2008, section 3.5).
func TestMorrisRanksGFunction(t *testing.T) {
	a := []float64{0, 1, 4.5, 9, 99, 99}
	_, st := gIndices(a)
	x, err := Morris(len(a), 40, 4, rand.New(rand.NewPCG(9, 10)))
	if err != nil {
		t.Fatal(err)
	}
	idx := MorrisIndices(len(a), x, evaluate(x, func(u []float64) float64 { return gFunction(u, a) }), 0, nil)
	for i := 0; i+1 < 4; i++ {
		if !(idx[i].MuStar > idx[i+1].MuStar) || !(st[i] > st[i+1]) {
			t.Errorf("μ* of x%d (%.3f) not above x%d's (%.3f)", i+1, idx[i].MuStar, i+2, idx[i+1].MuStar)
		}
	}
	for i := 4; i < 6; i++ {
		if idx[i].MuStar > 0.1*idx[0].MuStar {
			t.Errorf("x%d (a = 99) has μ* %.3f, not screened out against x1's %.3f", i+1, idx[i].MuStar, idx[0].MuStar)
		}
	}
	if !math.IsNaN(idx[0].MuStarLo) {
		t.Error("an interval without bootstrap")
	}
}

// TestPRIMFindsKnownBox: the condition holds inside x1 ≥ 0.6 and x2 ≤ 0.3
// (and at random in 5% of other points); PRIM's chosen box restricts x1 and
// x2 near those bounds, not x3, with high coverage and density.
func TestPRIMFindsKnownBox(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var x [][]float64
	var y []bool
	for range 2000 {
		p := []float64{r.Float64(), r.Float64(), r.Float64()}
		in := p[0] >= 0.6 && p[1] <= 0.3
		x = append(x, p)
		y = append(y, in || r.Float64() < 0.05)
	}
	res := PRIM(x, y, PrimOptions{})
	box := res.Steps[res.Chosen]
	if !slices.Equal(box.Box.Restricted(), []int{0, 1}) {
		t.Fatalf("restricted %v, want x1 and x2: %s", box.Box.Restricted(), box.Box.Describe([]string{"x1", "x2", "x3"}, func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }))
	}
	if math.Abs(box.Box.Lo[0]-0.6) > 0.08 || math.Abs(box.Box.Hi[1]-0.3) > 0.08 {
		t.Errorf("box %v–%v, want x1 ≥ 0.6, x2 ≤ 0.3", box.Box.Lo, box.Box.Hi)
	}
	if box.Density < 0.8 || box.Coverage < 0.6 {
		t.Errorf("density %.2f, coverage %.2f", box.Density, box.Coverage)
	}
	if got := box.Box.Describe([]string{"x1", "x2", "x3"}, func(v float64) string { return "v" }); got != "x1 ≥ v and x2 ≤ v" {
		t.Errorf("described as %q", got)
	}
	for s := 1; s < len(res.Steps); s++ {
		if res.Steps[s].N >= res.Steps[s-1].N {
			t.Fatalf("step %d does not peel", s)
		}
	}
}
