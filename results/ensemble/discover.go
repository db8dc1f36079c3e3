package ensemble

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"schoolnet/results"
	"schoolnet/results/sensitivity"
	"schoolnet/scenarios"
)

// Question is a scenario-discovery question on a comparison run with an
// ensemble: in which parameter draws does scenario Better beat scenario
// Than on Outcome (by more than Margin, in the outcome's better
// direction)?
type Question struct {
	Better, Than, Outcome string
	Margin                float64
}

// Discovery is the answer: each draw's parameters and whether the
// condition held, and PRIM's boxes.
type Discovery struct {
	Question
	// Keys are the parameters that vary between draws; X[d] draw d's
	// values of them and Wins[d] whether Better beat Than in draw d (its
	// mean over the draw's replications of the paired difference).
	Keys []string
	X    [][]float64
	Wins []bool
	// Diff[d] is that mean difference, oriented so that more is better.
	Diff []float64
	PRIM sensitivity.PrimResult
	// Threshold and MinCoverage are PRIM's settings, as run.
	Threshold, MinCoverage float64
}

// Discover answers q from a comparison's directory dir (compare
// --ensemble wrote its ensemble.csv and outcomes.csv), by the patient
// rule induction method (Friedman & Fisher 1999) with options opt.
func Discover(dir string, q Question, opt sensitivity.PrimOptions) (*Discovery, error) {
	keys, theta, err := readDraws(filepath.Join(dir, "ensemble.csv"))
	if err != nil {
		return nil, err
	}
	diff, err := readDiffs(filepath.Join(dir, "outcomes.csv"), q, len(theta))
	if err != nil {
		return nil, err
	}
	d := &Discovery{Question: q}
	// The keys that vary; the draws where the outcome is defined.
	var cols []int
	for k := range keys {
		for i := range theta {
			if theta[i][k] != theta[0][k] {
				cols = append(cols, k)
				break
			}
		}
	}
	for _, k := range cols {
		d.Keys = append(d.Keys, strings.TrimPrefix(keys[k], "model."))
	}
	for i, t := range theta {
		if math.IsNaN(diff[i]) {
			continue
		}
		x := make([]float64, len(cols))
		for j, k := range cols {
			x[j] = t[k]
		}
		d.X, d.Diff, d.Wins = append(d.X, x), append(d.Diff, diff[i]), append(d.Wins, diff[i] > q.Margin)
	}
	switch {
	case len(d.X) == 0 && len(theta) > 0:
		return nil, fmt.Errorf("discover: %s is not defined in any draw of %s for both scenarios (the mean of a group their schools lack, such as weak schools or migrant children, or an effect per million RMB of a scenario that spends none); ask about another --outcome", q.Outcome, dir)
	case len(d.X) < 2:
		return nil, fmt.Errorf("discover: %s has %d draws where %s is defined for both scenarios; scenario discovery needs many (give compare more --reps and --draws)", dir, len(d.X), q.Outcome)
	case len(d.Keys) == 0:
		return nil, fmt.Errorf("discover: the draws of %s do not differ in any parameter", dir)
	}
	d.PRIM = sensitivity.PRIM(d.X, d.Wins, opt)
	d.Threshold, d.MinCoverage = cmp.Or(opt.Threshold, 0.8), cmp.Or(opt.MinCoverage, 0.5)
	return d, nil
}

// readDraws reads ensemble.csv: its parameter keys and each draw's values.
func readDraws(path string) ([]string, [][]float64, error) {
	head, rows, lines, err := readTable(path)
	if err != nil {
		return nil, nil, err
	}
	if len(head) < 5 || head[0] != "draw" || !slices.Equal(head[len(head)-3:], []string{"scenario", "scenario_hash", "seed"}) {
		return nil, nil, fmt.Errorf("%s:1: not an ensemble.csv of schoolnet: the header must be draw, the parameters, scenario, scenario_hash, seed", path)
	}
	keys := head[1 : len(head)-3]
	theta := make([][]float64, len(rows))
	for i, row := range rows {
		if d, err := strconv.Atoi(row[0]); err != nil || d != i {
			return nil, nil, fmt.Errorf("%s:%d: draw %q, want %d (the draws in order from 0)", path, lines[i], row[0], i)
		}
		theta[i] = make([]float64, len(keys))
		for k := range keys {
			x, err := strconv.ParseFloat(row[1+k], 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, fmt.Errorf("%s:%d: %s: %q is not a finite number", path, lines[i], keys[k], row[1+k])
			}
			theta[i][k] = x
		}
	}
	if len(theta) == 0 {
		return nil, nil, fmt.Errorf("%s:2: no draws", path)
	}
	return keys, theta, nil
}

// readDiffs reads outcomes.csv and returns, per draw, the mean over its
// replications of Score(Better) − Score(Than) on the outcome (NaN where
// undefined).
func readDiffs(path string, q Question, draws int) ([]float64, error) {
	head, rows, lines, err := readTable(path)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range []string{"scenario", "replication", "draw"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s:1: not an outcomes.csv of schoolnet compare: no column %s", path, c)
		}
	}
	oc, ok := col[q.Outcome]
	if !ok {
		outcomes := head[3 : len(head)-2]
		msg := fmt.Sprintf("--outcome %s: not an outcome of %s; one of %s", q.Outcome, path, strings.Join(outcomes, ", "))
		if h := scenarios.Suggest(q.Outcome, outcomes); h != "" {
			msg = fmt.Sprintf("--outcome %s: not an outcome of %s (did you mean %s?)", q.Outcome, path, h)
		}
		return nil, errors.New(msg)
	}
	better, than := map[int]float64{}, map[int]float64{}
	drawOf := map[int]int{}
	var names []string
	for i, row := range rows {
		name := row[col["scenario"]]
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		if name != q.Better && name != q.Than {
			continue
		}
		rep, err1 := strconv.Atoi(row[col["replication"]])
		d, err2 := strconv.Atoi(row[col["draw"]])
		if err1 != nil || err2 != nil || d < 0 || d >= draws {
			return nil, fmt.Errorf("%s:%d: replication %q or draw %q is not one of ensemble.csv's", path, lines[i], row[col["replication"]], row[col["draw"]])
		}
		x := math.NaN()
		if cell := row[oc]; cell != "" {
			if x, err = strconv.ParseFloat(cell, 64); err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %q is not a number", path, lines[i], q.Outcome, cell)
			}
		}
		drawOf[rep] = d
		if name == q.Better {
			better[rep] = results.Score(q.Outcome, x)
		} else {
			than[rep] = results.Score(q.Outcome, x)
		}
	}
	for _, s := range []string{q.Better, q.Than} {
		if !slices.Contains(names, s) {
			msg := fmt.Sprintf("no scenario %q in %s; its scenarios: %s", s, path, strings.Join(names, ", "))
			if h := scenarios.Suggest(s, names); h != "" {
				msg = fmt.Sprintf("no scenario %q in %s (did you mean %s?)", s, path, h)
			}
			return nil, errors.New(msg)
		}
	}
	if q.Better == q.Than {
		return nil, fmt.Errorf("--better and --than name the same scenario, %s", q.Better)
	}
	sum, n := make([]float64, draws), make([]int, draws)
	reps := make([]int, 0, len(better))
	for r := range better {
		reps = append(reps, r)
	}
	slices.Sort(reps) // sum in replication order
	for _, r := range reps {
		b, t := better[r], than[r]
		if _, ok := than[r]; !ok || math.IsNaN(b) || math.IsNaN(t) {
			continue
		}
		sum[drawOf[r]] += b - t
		n[drawOf[r]]++
	}
	out := make([]float64, draws)
	for d := range out {
		out[d] = math.NaN()
		if n[d] > 0 {
			out[d] = sum[d] / float64(n[d])
		}
	}
	return out, nil
}

// readTable reads a CSV file: its header, rows and each row's line.
func readTable(path string) ([]string, [][]string, []int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w (scenario discovery reads the ensemble.csv and outcomes.csv that schoolnet compare --ensemble writes)", unwrapPath(err))
	}
	return parseTable(path, data)
}

// parseTable reads a CSV file's text (file names it in errors, a
// *ParseError): its header, its rows, each as long as the header, and
// each row's line.
func parseTable(file string, data []byte) (head []string, rows [][]string, lines []int, err error) {
	t, err := results.ReadCSVTable(data, 0, false, math.MaxInt)
	if err != nil {
		var ce *results.CSVError
		if errors.As(err, &ce) {
			return nil, nil, nil, &ParseError{File: file, Line: ce.Line, Err: ce.Err}
		}
		return nil, nil, nil, err
	}
	return t.Header, t.Rows, t.Lines, nil
}

// Share returns the share of draws in which the condition holds.
func (d *Discovery) Share() float64 {
	c := 0
	for _, w := range d.Wins {
		if w {
			c++
		}
	}
	return float64(c) / float64(len(d.Wins))
}

// bound writes a box's bound with 3 significant digits.
func bound(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }

// Print says in words how often the condition holds and where: the chosen
// box, and the boxes of the peeling trajectory up to it.
func (d *Discovery) Print(w io.Writer) {
	q := d.Question
	wins := 0
	for _, x := range d.Wins {
		if x {
			wins++
		}
	}
	than := "beats"
	if q.Margin != 0 {
		than = fmt.Sprintf("beats by more than %g", q.Margin)
	}
	fmt.Fprintf(w, "%s %s %s on %s in %d of %d parameter draws (%.0f%%), by its mean over the draw's replications.\n",
		q.Better, than, q.Than, q.Outcome, wins, len(d.Wins), 100*d.Share())
	if wins == 0 || wins == len(d.Wins) {
		fmt.Fprintln(w, "The answer does not flip in these draws: there is no region to find.")
		return
	}
	c := d.PRIM.Steps[d.PRIM.Chosen]
	fmt.Fprintf(w, "\nScenario discovery (PRIM: Friedman & Fisher 1999) over the %d parameters that vary:\n", len(d.Keys))
	if d.PRIM.Chosen == 0 {
		fmt.Fprintln(w, "no box of the parameters that keeps enough of its wins concentrates them: the answer does not depend on a few parameters in these draws.")
		return
	}
	if c.Density < d.Threshold {
		fmt.Fprintf(w, "no box keeping %.0f%% of its wins reaches %.0f%%; the densest is\n", 100*d.MinCoverage, 100*d.Threshold)
	}
	fmt.Fprintf(w, "  when %s,\n  %s wins in %.0f%% of the draws (%d of %d); the box holds %.0f%% of all draws and %.0f%% of those where it wins.\n",
		c.Box.Describe(d.Keys, bound), q.Better, 100*c.Density, c.Cases, c.N, 100*c.Mass, 100*c.Coverage)
	fmt.Fprintln(w, "\nThe peeling trajectory (each box inside the one before; density: share of its draws where it wins; coverage: share of all wins inside it):")
	for i, s := range d.PRIM.Steps {
		if i > d.PRIM.Chosen+2 {
			break
		}
		mark := " "
		if i == d.PRIM.Chosen {
			mark = "*"
		}
		fmt.Fprintf(w, " %s %2d  density %3.0f%%  coverage %3.0f%%  draws %3d  %s\n", mark, i, 100*s.Density, 100*s.Coverage, s.N, s.Box.Describe(d.Keys, bound))
	}
}

// boxRow is one row of discover.csv.
type boxRow struct {
	d    *Discovery
	step int
}

var boxColumns = results.Columns[boxRow]{
	{Field: results.Field{Name: "better", Type: results.String, Description: "the scenario asked about (--better)"}, Get: func(r *boxRow) results.Cell { return results.Str(r.d.Better) }},
	{Field: results.Field{Name: "than", Type: results.String, Description: "the scenario it is compared with (--than)"}, Get: func(r *boxRow) results.Cell { return results.Str(r.d.Than) }},
	{Field: results.Field{Name: "outcome", Type: results.String, Description: "the outcome (--outcome)"}, Get: func(r *boxRow) results.Cell { return results.Str(r.d.Outcome) }},
	{Field: results.Field{Name: "step", Type: results.Integer, Description: "the box's step of PRIM's peeling trajectory, 0 the box of all draws"}, Get: func(r *boxRow) results.Cell { return results.Int(r.step) }},
	{Field: results.Field{Name: "chosen", Type: results.Boolean, Description: "true for the box reported: the first whose density reaches --threshold with at least --coverage of the wins, else the densest with that coverage"}, Get: func(r *boxRow) results.Cell { return results.Bool(r.step == r.d.PRIM.Chosen) }},
	{Field: results.Field{Name: "box", Type: results.String, Description: "the box as a condition on the parameters, such as `peer_relation_effect ≤ 0.3 and teacher_sd ≥ 0.15`"}, Get: func(r *boxRow) results.Cell {
		return results.Str(r.d.PRIM.Steps[r.step].Box.Describe(r.d.Keys, bound))
	}},
	{Field: results.Field{Name: "density", Type: results.Number, Unit: "share", Description: "the share of the box's draws in which the scenario wins"}, Get: func(r *boxRow) results.Cell { return results.Num(r.d.PRIM.Steps[r.step].Density) }},
	{Field: results.Field{Name: "coverage", Type: results.Number, Unit: "share", Description: "the share of all draws where it wins that lie in the box"}, Get: func(r *boxRow) results.Cell { return results.Num(r.d.PRIM.Steps[r.step].Coverage) }},
	{Field: results.Field{Name: "mass", Type: results.Number, Unit: "share", Description: "the share of all draws in the box"}, Get: func(r *boxRow) results.Cell { return results.Num(r.d.PRIM.Steps[r.step].Mass) }},
	{Field: results.Field{Name: "draws", Type: results.Integer, Unit: "count", Description: "the draws in the box"}, Get: func(r *boxRow) results.Cell { return results.Int(r.d.PRIM.Steps[r.step].N) }},
}

// DiscoverySchema describes the file discover --out writes.
var DiscoverySchema = boxColumns.Schema("discover", "One row per box of PRIM's peeling trajectory.")

// IsDiscovery reports whether a file's first bytes, head, are those of a
// file Write wrote (its header line): only such a file may be replaced
// by discover --out (results.CheckFile).
func IsDiscovery(head []byte) bool {
	var b strings.Builder
	if boxColumns.Write(&b, results.CSV, func(func(*boxRow) bool) {}) != nil {
		return false
	}
	return strings.HasPrefix(string(head), b.String())
}

// Write writes the peeling trajectory as CSV.
func (d *Discovery) Write(w io.Writer) error {
	return boxColumns.Write(w, results.CSV, func(yield func(*boxRow) bool) {
		for i := range d.PRIM.Steps {
			if !yield(&boxRow{d, i}) {
				return
			}
		}
	})
}
