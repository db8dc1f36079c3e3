package results

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"schoolnet/sim"
)

func TestMeanCI(t *testing.T) {
	for _, tt := range []struct {
		xs         []float64
		mean, half float64
	}{
		// t(0.975, 4) = 2.7764451, sd = sqrt(2.5)
		{[]float64{1, 2, 3, 4, 5}, 3, 2.7764451 * math.Sqrt(2.5) / math.Sqrt(5)},
		// t(0.975, 1) = 12.7062047, sd = sqrt(2)
		{[]float64{0, 2}, 1, 12.7062047 * math.Sqrt(2) / math.Sqrt(2)},
		{[]float64{4, 4, 4}, 4, 0},
	} {
		m, h := MeanCI(tt.xs)
		if math.Abs(m-tt.mean) > 1e-9 || math.Abs(h-tt.half) > 1e-6 {
			t.Errorf("MeanCI(%v) = %g ± %g, want %g ± %g", tt.xs, m, h, tt.mean, tt.half)
		}
	}
	if _, h := MeanCI([]float64{1}); !math.IsNaN(h) {
		t.Errorf("one value: half-width %g, want NaN", h)
	}
}

func TestWriteFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.csv")
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "old\n"); return err }); err != nil {
		t.Fatal(err)
	}
	// A writer that fails half-way leaves the old file and no temporary.
	boom := errors.New("disk on fire")
	err := WriteFile(p, func(w io.Writer) error {
		io.WriteString(w, "new half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the writer's error", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old\n" {
		t.Errorf("file now %q, want the old content", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only a.csv", len(entries))
	}
}

// TestEvaluationNeverReadsMotivation guards the model's one secret: the
// principals' latent reform motivation. No code that reports or evaluates
// outcomes may read it (or the response it drives): every package under
// results (the evaluation lab's estimators and designs included), the
// engine in sim (but not sim/policy, whose voluntary selection models
// volunteering) and the command line.
func TestEvaluationNeverReadsMotivation(t *testing.T) {
	dirs := []string{"../sim", "../cmd/schoolnet"}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	scanned := 0
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			scanned++
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					switch sel.Sel.Name {
					case "ReformMotivation", "ReformResponse", "motivation":
						t.Errorf("%s reads %s", fset.Position(sel.Pos()), sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
	for _, want := range []string{"estimate", "evaluate"} {
		found := false
		for _, d := range dirs {
			found = found || d == want
		}
		if !found {
			t.Errorf("package results/%s was not scanned", want)
		}
	}
	if scanned < 20 {
		t.Errorf("only %d files scanned", scanned)
	}
}

// TestResultColumnsDocumented checks that every column of yearly.csv and
// schools.csv, every group and every summary outcome appears, in
// backticks, in docs/RESULTS.md.
func TestResultColumnsDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/RESULTS.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	// A family written `ses_q1` … `ses_q4` documents its members.
	family := regexp.MustCompile(`^(ses_q)[1-4](.*)$`)
	documented := func(name string) bool {
		if strings.Contains(doc, "`"+name+"`") {
			return true
		}
		m := family.FindStringSubmatch(name)
		return m != nil && strings.Contains(doc, "`"+m[1]+"1"+m[2]+"` … `"+m[1]+"4"+m[2]+"`")
	}
	for _, list := range []struct {
		what  string
		names []string
	}{
		{"yearly.csv column", YearlyColumns},
		{"schools.csv column", SchoolColumns},
		{"group", sim.Groups},
	} {
		for _, n := range list.names {
			if !documented(n) {
				t.Errorf("docs/RESULTS.md does not document the %s %s", list.what, n)
			}
		}
	}
	for _, o := range Headlines {
		if !documented(o.Name) {
			t.Errorf("docs/RESULTS.md does not document the summary outcome %s", o.Name)
		}
	}
}

// TestCompareWhereAGroupIsPartlyUndefined: a scenario's mean is over its
// own replications where the value is defined, its difference from the
// reference and the count over those where both are.
func TestCompareWhereAGroupIsPartlyUndefined(t *testing.T) {
	nan := math.NaN()
	weak := [][]float64{{0, 0, nan}, {1, nan, 3}} // per scenario, per replication
	runs := make([][][]sim.YearMetrics, len(weak))
	for k := range weak {
		for _, w := range weak[k] {
			y := sim.YearMetrics{Year: 1, Groups: make([]sim.GroupMetrics, len(sim.Groups))}
			y.Groups[sim.GroupWeak].Composite = w
			runs[k] = append(runs[k], []sim.YearMetrics{y})
		}
	}
	for _, e := range CompareDraws([]string{"ref", "reform"}, runs, -1, []int{0, 1, 2}, false) {
		if e.Outcome != "weak_composite" {
			continue
		}
		want := map[string][3]float64{"ref": {0, 0, 2}, "reform": {2, 1, 1}}[e.Scenario] // mean, diff, n
		if e.Mean != want[0] || e.Diff != want[1] || e.N != int(want[2]) {
			t.Errorf("%s: mean %v, diff %v over %d; want %v", e.Scenario, e.Mean, e.Diff, e.N, want)
		}
	}
}

// TestAtYearSaysTheYearCompared: outcomes compared at an earlier year
// than the last (compare --year) are described as of that year, not "in
// the final year" (a docs audit found the terminal saying so).
func TestAtYearSaysTheYearCompared(t *testing.T) {
	for _, c := range []struct {
		desc       string
		year, last int
		want       string
	}{
		{"weak schools' mean maths in the final year", 2, 3, "weak schools' mean maths in year 2"},
		{"weak schools' mean maths in the final year", 3, 3, "weak schools' mean maths in the final year"},
		{"weak schools' mean maths in the final year", -1, 3, "weak schools' mean maths in the final year"},
		{"reform money spent over the run", 2, 6, "reform money spent over years 1–2"},
		{"mean yearly teacher turnover over the simulated years", 4, 6, "mean yearly teacher turnover over years 1–4"},
		{"reform money spent over the run", 0, 6, "reform money spent before any simulated year (none: year 0)"},
		{"weak schools' mean maths in the final year", 0, 6, "weak schools' mean maths in year 0, the baseline before any reform"},
	} {
		if got := AtYear(c.desc, c.year, c.last); got != c.want {
			t.Errorf("AtYear(%q, %d, %d) = %q, want %q", c.desc, c.year, c.last, got, c.want)
		}
	}
	for _, h := range Headlines {
		if d := AtYear(h.Description, 1, 2); strings.Contains(d, "final year") || strings.Contains(d, "over the run") || strings.Contains(d, "simulated years") {
			t.Errorf("%s at year 1 of 2: %q still speaks of the whole run", h.Name, d)
		}
	}
}
