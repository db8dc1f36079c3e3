package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"schoolnet/results"
)

// Folder is a result folder as the report reads it: the folder of
// schoolnet compare (compare.csv and one subfolder per scenario) or of
// schoolnet run (one scenario).
type Folder struct {
	// Dir is the folder; Command the command that wrote it ("compare" or
	// "run"), from its manifest.
	Dir     string
	Command string
	// Manifest is the folder's manifest.json as read.
	Manifest map[string]any
	// Scenarios are the scenarios in the order compare.csv lists them; the
	// first is the reference the others are compared with.
	Scenarios []*Scenario
	// Effects are compare.csv's rows in file order (compare only).
	Effects []Effect
	// Year is the year the outcomes are compared at, and Years the last
	// year run.
	Year, Years int
}

// Scenario is one scenario's result files.
type Scenario struct {
	Name string
	// Manifest is the scenario's manifest.json, and Spec its resolved
	// scenario ("scenario").
	Manifest map[string]any
	Spec     map[string]any
	// Yearly is yearly.csv and Summary summary.csv.
	Yearly, Summary *Table
}

// Effect is one row of compare.csv. Raw holds the row's cells by column,
// as written, so that the report can show exactly the file's numbers.
type Effect struct {
	Scenario, Outcome, Unit string
	Mean, Diff, Lo, Hi      float64
	N                       int
	Raw                     map[string]string
}

// maxFileBytes bounds every file the report reads: a result folder's CSV
// files of a national system are far smaller.
const maxFileBytes = 1 << 30

// Load reads the result folder dir. It reads every table by column name,
// so that a folder written by an older or newer schoolnet, whose files
// have more columns or columns in another order, reads the same.
func Load(dir string) (*Folder, error) {
	f := &Folder{Dir: dir}
	m, err := readManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	f.Manifest = m
	f.Command, _ = m["command"].(string)
	switch f.Command {
	case "compare":
		if err := f.loadCompare(); err != nil {
			return nil, err
		}
	case "run":
		sc, err := loadScenario(dir, "", m)
		if err != nil {
			return nil, err
		}
		f.Scenarios = []*Scenario{sc}
	default:
		return nil, fmt.Errorf("report: %s was written by schoolnet %s; a report is made of the folder of schoolnet compare or run", dir, f.Command)
	}
	f.Years = f.Scenarios[0].lastYear()
	f.Year = f.Years
	if y, ok := m["year"].(float64); ok {
		f.Year = int(y)
	}
	return f, nil
}

// loadCompare reads compare.csv and each scenario's subfolder.
func (f *Folder) loadCompare() error {
	t, err := ReadTable(filepath.Join(f.Dir, "compare.csv"))
	if err != nil {
		return err
	}
	for _, col := range []string{"scenario", "outcome", "mean", "diff", "diff_ci_low", "diff_ci_high", "replications"} {
		if !t.Has(col) {
			return fmt.Errorf("report: %s: no column %s", t.Path, col)
		}
	}
	var names []string
	for _, row := range t.Rows {
		e := Effect{Scenario: t.Str(row, "scenario"), Outcome: t.Str(row, "outcome"), Unit: t.Str(row, "unit"),
			Mean: t.Num(row, "mean"), Diff: t.Num(row, "diff"), Lo: t.Num(row, "diff_ci_low"), Hi: t.Num(row, "diff_ci_high"),
			Raw: map[string]string{}}
		e.N, _ = strconv.Atoi(t.Str(row, "replications"))
		for col := range t.cols {
			e.Raw[col] = t.Str(row, col)
		}
		f.Effects = append(f.Effects, e)
		if len(names) == 0 || !contains(names, e.Scenario) {
			names = append(names, e.Scenario)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("report: %s has no rows", t.Path)
	}
	for _, n := range names {
		sub := filepath.Join(f.Dir, n)
		m, err := readManifest(filepath.Join(sub, "manifest.json"))
		if err != nil {
			return err
		}
		sc, err := loadScenario(sub, n, m)
		if err != nil {
			return err
		}
		f.Scenarios = append(f.Scenarios, sc)
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// loadScenario reads a scenario's yearly.csv and summary.csv.
func loadScenario(dir, name string, m map[string]any) (*Scenario, error) {
	sc := &Scenario{Name: name, Manifest: m}
	sc.Spec, _ = m["scenario"].(map[string]any)
	if sc.Spec == nil {
		return nil, fmt.Errorf("report: %s: the manifest has no scenario", filepath.Join(dir, "manifest.json"))
	}
	if name == "" {
		sc.Name, _ = sc.Spec["Name"].(string)
	}
	var err error
	if sc.Yearly, err = ReadTable(filepath.Join(dir, "yearly.csv")); err != nil {
		return nil, err
	}
	for _, col := range []string{"replication", "year", "group", "composite"} {
		if !sc.Yearly.Has(col) {
			return nil, fmt.Errorf("report: %s: no column %s", sc.Yearly.Path, col)
		}
	}
	if sc.Summary, err = ReadTable(filepath.Join(dir, "summary.csv")); err != nil {
		return nil, err
	}
	return sc, nil
}

// lastYear is the last year of yearly.csv.
func (sc *Scenario) lastYear() int {
	last := 0
	for _, row := range sc.Yearly.Rows {
		if y, err := strconv.Atoi(sc.Yearly.Str(row, "year")); err == nil && y > last {
			last = y
		}
	}
	return last
}

func readManifest(path string) (map[string]any, error) {
	b, err := readFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("report: %s is not a result folder of schoolnet (no %s)", filepath.Dir(path), filepath.Base(path))
		}
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("report: %s: %v", path, err)
	}
	return m, nil
}

func readFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxFileBytes {
		return nil, fmt.Errorf("report: %s is not a result file (a regular file of at most %d bytes)", path, maxFileBytes)
	}
	return os.ReadFile(path)
}

// Table is a CSV file read by column name.
type Table struct {
	Path string
	cols map[string]int
	Rows [][]string
}

// ReadTable reads a CSV file with a header row.
func ReadTable(path string) (*Table, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("report: %s: %v", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("report: %s is empty", path)
	}
	t := &Table{Path: path, cols: map[string]int{}, Rows: recs[1:]}
	for i, c := range recs[0] {
		t.cols[c] = i
	}
	return t, nil
}

// Has reports whether the table has the column.
func (t *Table) Has(col string) bool { _, ok := t.cols[col]; return ok }

// Str returns the row's cell in the column, "" if there is none.
func (t *Table) Str(row []string, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// Num returns the row's cell as a number, NaN if it is empty or absent.
func (t *Table) Num(row []string, col string) float64 {
	x, err := strconv.ParseFloat(t.Str(row, col), 64)
	if err != nil {
		return math.NaN()
	}
	return x
}

// groups returns the groups of yearly.csv, in the order they first
// appear.
func (sc *Scenario) groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, row := range sc.Yearly.Rows {
		if g := sc.Yearly.Str(row, "group"); !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// values returns col of group g by year (0…years) and replication, in
// the order of the replication numbers; NaN where missing.
func (sc *Scenario) values(g, col string, years int) (reps []int, v [][]float64) {
	index := map[int]int{}
	for _, row := range sc.Yearly.Rows {
		if sc.Yearly.Str(row, "group") != g {
			continue
		}
		r, err1 := strconv.Atoi(sc.Yearly.Str(row, "replication"))
		y, err2 := strconv.Atoi(sc.Yearly.Str(row, "year"))
		if err1 != nil || err2 != nil || y < 0 || y > years {
			continue
		}
		k, ok := index[r]
		if !ok {
			k = len(reps)
			index[r] = k
			reps = append(reps, r)
			row := make([]float64, years+1)
			for i := range row {
				row[i] = math.NaN()
			}
			v = append(v, row)
		}
		v[k][y] = sc.Yearly.Num(row, col)
	}
	// In replication order, so that paired differences pair by number.
	order := make([]int, len(reps))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return reps[order[a]] < reps[order[b]] })
	sr, sv := make([]int, len(reps)), make([][]float64, len(reps))
	for i, k := range order {
		sr[i], sv[i] = reps[k], v[k]
	}
	return sr, sv
}

// series returns, for each year, the mean over replications of col for
// group g and its 95% interval; with ref, the mean paired difference from
// ref's replication of the same number.
func (sc *Scenario) series(g, col string, years int, ref *Scenario) []results.Point {
	reps, v := sc.values(g, col, years)
	var refv map[int][]float64
	if ref != nil {
		rr, rv := ref.values(g, col, years)
		refv = map[int][]float64{}
		for i, r := range rr {
			refv[r] = rv[i]
		}
	}
	var out []results.Point
	for y := 0; y <= years; y++ {
		var xs []float64
		for i, r := range reps {
			x := v[i][y]
			if ref != nil {
				b, ok := refv[r]
				if !ok {
					continue
				}
				x -= b[y]
			}
			if !math.IsNaN(x) {
				xs = append(xs, x)
			}
		}
		if len(xs) == 0 {
			continue
		}
		m, h := results.MeanCI(xs)
		if math.IsNaN(h) {
			h = 0
		}
		out = append(out, results.Point{Year: y, Mean: m, Lo: m - h, Hi: m + h})
	}
	return out
}

// at returns the mean over replications of col for group g in year y, its
// 95% half-width and the replications; ok false if the group has no value
// that year.
func (sc *Scenario) at(g, col string, y int) (mean, half float64, n int, ok bool) {
	_, v := sc.values(g, col, y)
	var xs []float64
	for _, row := range v {
		if !math.IsNaN(row[y]) {
			xs = append(xs, row[y])
		}
	}
	if len(xs) == 0 {
		return 0, 0, 0, false
	}
	m, h := results.MeanCI(xs)
	return m, h, len(xs), true
}

// summary returns the summary.csv row of an outcome by column.
func (sc *Scenario) summary(outcome string) (map[string]string, bool) {
	t := sc.Summary
	for _, row := range t.Rows {
		if t.Str(row, "outcome") == outcome {
			out := map[string]string{}
			for c := range t.cols {
				out[c] = t.Str(row, c)
			}
			return out, true
		}
	}
	return nil, false
}

// effect returns the compare.csv row of a scenario and outcome.
func (f *Folder) effect(scenario, outcome string) (*Effect, bool) {
	for i := range f.Effects {
		if e := &f.Effects[i]; e.Scenario == scenario && e.Outcome == outcome {
			return e, true
		}
	}
	return nil, false
}

// sesGroups returns the groups of yearly.csv that split students by
// socio-economic status (named ses…), sorted.
func (sc *Scenario) sesGroups() []string {
	var out []string
	for _, g := range sc.groups() {
		if strings.HasPrefix(strings.ToLower(g), "ses") {
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return out
}
