package agents

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"schoolnet/sim/ranges"
)

// calibrationFile is the parameters.csv of the shipped calibration
// (schoolnet calibrate targets/default.toml), copied into the docs with
// the run's other files.
const calibrationFile = "../targets/calibration/parameters.csv"

// calibrated is one row of calibrationFile.
type calibrated struct {
	key                   string // the model key, without "model."
	before                float64
	median, q05, q95      float64
	defaultQuantileBefore float64
}

// readCalibration reads calibrationFile's model parameters.
func readCalibration(t *testing.T) []calibrated {
	t.Helper()
	f, err := os.Open(calibrationFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", calibrationFile, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	num := func(row []string, name string) float64 {
		x, err := strconv.ParseFloat(row[col[name]], 64)
		if err != nil {
			t.Fatalf("%s: %s of %s: %v", calibrationFile, name, row[0], err)
		}
		return x
	}
	var out []calibrated
	for _, row := range rows[1:] {
		key, ok := strings.CutPrefix(row[col["param"]], "model.")
		if !ok {
			t.Errorf("%s: %s is not a model parameter; agents.DefaultParams cannot take its median", calibrationFile, row[col["param"]])
			continue
		}
		out = append(out, calibrated{key: key, before: num(row, "default"), median: num(row, "median"),
			q05: num(row, "q05"), q95: num(row, "q95"), defaultQuantileBefore: num(row, "default_quantile")})
	}
	return out
}

// sig2 rounds x to two significant digits, the precision the defaults
// take from a posterior of a few hundred particles.
func sig2(x float64) float64 {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 2, 64), 64)
	return y
}

// TestDefaultsArePosteriorMedians checks that every parameter of the
// shipped calibration has the run's posterior median, to two significant
// digits, as its default: a default changed by hand, or a calibration
// re-run without adopting its medians, fails here.
func TestDefaultsArePosteriorMedians(t *testing.T) {
	p := DefaultParams()
	cal := readCalibration(t)
	if len(cal) == 0 {
		t.Fatalf("%s holds no parameters", calibrationFile)
	}
	for _, c := range cal {
		x, ok := ranges.Get(&p, c.key)
		if !ok {
			t.Errorf("%s: model.%s is no parameter", calibrationFile, c.key)
			continue
		}
		if want := sig2(c.median); x != want {
			t.Errorf("model.%s: default %g, want the posterior median %g (%s)", c.key, x, want, calibrationFile)
		}
	}
}

// The calibration status table of docs/MODEL.md lies between these lines.
const (
	statusBegin = "<!-- calibration status: generated from targets/calibration/parameters.csv by go test ./agents -run CalibrationStatus -update -->"
	statusEnd   = "<!-- end of calibration status -->"
)

// calibrationStatus is docs/MODEL.md's calibration status table: each
// calibrated parameter's range, default, posterior interval and where the
// default lies in its range, with the parameters at an edge named.
func calibrationStatus(cal []calibrated) string {
	var b strings.Builder
	b.WriteString("| parameter | plausible range | default: posterior median | posterior 90% interval | place in the range | at the run (its quantile in the posterior) |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	var edge []string
	for _, c := range cal {
		r, _ := ParamRanges.Lookup(c.key)
		place := (c.median - r.Low) / (r.High - r.Low)
		mark := ""
		if place < 0.05 || place > 0.95 {
			mark = " (edge)"
			edge = append(edge, "`"+c.key+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %s–%s | %s | %s–%s | %.0f%%%s | %s (%.0f%%) |\n", c.key,
			ranges.Format(r.Low), ranges.Format(r.High), ranges.Format(sig2(c.median)),
			ranges.Format(sig2(c.q05)), ranges.Format(sig2(c.q95)), 100*place, mark,
			ranges.Format(c.before), 100*c.defaultQuantileBefore)
	}
	if len(edge) == 0 {
		b.WriteString("\nNo calibrated default lies within 5% of an end of its plausible range.\n")
	} else {
		fmt.Fprintf(&b, "\nAt an edge (within 5%% of an end of the plausible range, because the posterior puts it there): %s. docs/CALIBRATION.md says why.\n", strings.Join(edge, ", "))
	}
	return b.String()
}

// TestCalibrationStatus checks docs/MODEL.md's calibration status table
// against the shipped calibration's parameters.csv; -update rewrites it.
func TestCalibrationStatus(t *testing.T) {
	doc := readModelDoc(t)
	begin, end := strings.Index(doc, statusBegin), strings.Index(doc, statusEnd)
	if begin < 0 || end < begin {
		t.Fatalf("docs/MODEL.md lacks the calibration status markers %q and %q", statusBegin, statusEnd)
	}
	got := doc[begin+len(statusBegin)+1 : end]
	want := calibrationStatus(readCalibration(t))
	if got == want {
		return
	}
	if !*updateDoc {
		t.Fatalf("docs/MODEL.md's calibration status differs from %s:\n got:\n%s\nwant:\n%s\n(go test ./agents -run CalibrationStatus -update rewrites it)", calibrationFile, got, want)
	}
	doc = doc[:begin+len(statusBegin)+1] + want + doc[end:]
	if err := os.WriteFile("../docs/MODEL.md", []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}
