package results

import (
	"encoding/csv"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"schoolnet/sim"
)

// SweepRun is one run of a parameter sweep: replication Replication of
// point Point, the Run-th run in point-major order.
type SweepRun struct {
	Run, Point, Replication int
	Seed                    int64
	// Scenario and Hash are the sweep scenario's name and the SHA-256 of
	// the resolved sweep scenario (the manifest's scenario_hash).
	Scenario, Hash string
	// Params are the swept keys' values as written in runs.csv.
	Params []string
	// Outcomes holds one value per Headlines outcome, in order.
	Outcomes []float64
}

// NewSweepRun computes the headline outcomes of one run from its yearly
// metrics.
func NewSweepRun(run, point, rep int, id RunID, params []string, years []sim.YearMetrics) SweepRun {
	r := SweepRun{Run: run, Point: point, Replication: rep, Seed: id.Seed, Scenario: id.Scenario, Hash: id.Hash, Params: params,
		Outcomes: make([]float64, len(Headlines))}
	for k, o := range Headlines {
		r.Outcomes[k] = o.Get(years)
	}
	return r
}

// SweepRunColumns are the columns of runs.csv for a sweep of keys: run,
// point, replication, seed, one column per swept key (named by the key),
// then every Headlines outcome, then the sweep's scenario and
// scenario_hash.
func SweepRunColumns(keys []string) []string {
	s := SweepRunSchema(keys, make([]Type, len(keys)))
	return s.Names()
}

// WriteSweepRuns writes runs as runs.csv rows under a header.
func WriteSweepRuns(w io.Writer, keys []string, runs []SweepRun) error {
	cw := csv.NewWriter(w)
	cw.Write(SweepRunColumns(keys))
	for _, r := range runs {
		if len(r.Params) != len(keys) || len(r.Outcomes) != len(Headlines) {
			panic("results: sweep run has the wrong number of values")
		}
		row := []string{strconv.Itoa(r.Run), strconv.Itoa(r.Point), strconv.Itoa(r.Replication), strconv.FormatInt(r.Seed, 10)}
		row = append(row, r.Params...)
		for _, x := range r.Outcomes {
			row = append(row, num(x))
		}
		row = append(row, r.Scenario, r.Hash)
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// ReadSweepRuns reads what WriteSweepRuns wrote for keys; a header other
// than SweepRunColumns(keys) or a malformed row is an error.
func ReadSweepRuns(r io.Reader, keys []string) ([]SweepRun, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	cols := SweepRunColumns(keys)
	if len(rows) == 0 || !slices.Equal(rows[0], cols) {
		return nil, fmt.Errorf("results: not a sweep's runs: the header is not %v", cols)
	}
	var out []SweepRun
	for n, row := range rows[1:] {
		bad := func(col string, err error) error {
			return fmt.Errorf("results: row %d, %s: %w", n+2, col, err)
		}
		var s SweepRun
		ints := []*int{&s.Run, &s.Point, &s.Replication}
		for k, p := range ints {
			if *p, err = strconv.Atoi(row[k]); err != nil {
				return nil, bad(cols[k], err)
			}
		}
		if s.Seed, err = strconv.ParseInt(row[3], 10, 64); err != nil {
			return nil, bad("seed", err)
		}
		s.Params = row[4 : 4+len(keys)]
		s.Scenario, s.Hash = row[len(row)-2], row[len(row)-1]
		for k, cell := range row[4+len(keys) : len(row)-2] {
			x := math.NaN() // an empty cell: undefined (a group without students)
			if cell != "" {
				if x, err = strconv.ParseFloat(cell, 64); err != nil {
					return nil, bad(Headlines[k].Name, err)
				}
			}
			s.Outcomes = append(s.Outcomes, x)
		}
		out = append(out, s)
	}
	return out, nil
}

// SweepPointColumns are the columns of points.csv for a sweep of keys:
// point, one column per swept key, replications, then for every
// Headlines outcome its mean and 95% interval (NAME, NAME_ci_low,
// NAME_ci_high).
func SweepPointColumns(keys []string) []string {
	s := SweepPointSchema(keys, make([]Type, len(keys)))
	return s.Names()
}

// sweepPoints groups runs (in run order) by point.
func sweepPoints(runs []SweepRun) [][]SweepRun {
	var out [][]SweepRun
	for i, r := range runs {
		if i == 0 || r.Point != runs[i-1].Point {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], r)
	}
	return out
}

// WriteSweepPoints writes points.csv: per point, its parameter values and
// each headline outcome's mean over the point's replications with its 95%
// interval, x̄ ± t(0.975, n−1)·s/√n (empty with one replication). runs
// must be in run order, every point's replications together.
func WriteSweepPoints(w io.Writer, keys []string, runs []SweepRun) error {
	cw := csv.NewWriter(w)
	cw.Write(SweepPointColumns(keys))
	for _, pt := range sweepPoints(runs) {
		row := append(append([]string{strconv.Itoa(pt[0].Point)}, pt[0].Params...), strconv.Itoa(len(pt)))
		xs := make([]float64, len(pt))
		for k := range Headlines {
			for r := range pt {
				xs[r] = pt[r].Outcomes[k]
			}
			m, h := MeanCI(xs)
			lo, hi := "", ""
			if !math.IsNaN(h) {
				lo, hi = num(m-h), num(m+h)
			}
			row = append(row, num(m), lo, hi)
		}
		row = append(row, pt[0].Scenario, pt[0].Hash, strconv.FormatInt(pt[0].Seed, 10))
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// SweepChart plots one outcome of a sweep against one swept key: every
// run as a grey dot and, as a line, the key's main effect: at each value
// of the key, the mean of the per-point means of the points with that
// value (for a Latin hypercube, where every point has its own value, the
// per-point means themselves). Values that are not all numbers are
// placed at 0, 1, ... in order of first appearance and labelled.
type SweepChart struct {
	// Key is the swept key and Param its index in each run's Params.
	Key   string
	Param int
	// Outcome is the name of a Headlines outcome.
	Outcome string
	// Runs are the sweep's runs in run order.
	Runs []SweepRun
	// Effect says the outcomes are the policies' effects (sweep.effect).
	Effect bool
}

// Plot builds the chart.
func (c *SweepChart) Plot() (*plot.Plot, error) {
	k := slices.IndexFunc(Headlines, func(o Outcome) bool { return o.Name == c.Outcome })
	if k < 0 {
		return nil, fmt.Errorf("results: no headline outcome %q", c.Outcome)
	}
	o := Headlines[k]
	// x positions: the values as numbers, or their rank of appearance.
	var labels []string
	numeric := true
	for _, r := range c.Runs {
		v := r.Params[c.Param]
		if !slices.Contains(labels, v) {
			labels = append(labels, v)
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			numeric = false
		}
	}
	x := func(v string) float64 {
		if numeric {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
		return float64(slices.Index(labels, v))
	}

	// An outcome undefined in a run (the mean of a group without
	// students) is left out of the dots and the means.
	runs := make(plotter.XYs, 0, len(c.Runs))
	for _, r := range c.Runs {
		if y := r.Outcomes[k]; !math.IsNaN(y) {
			runs = append(runs, plotter.XY{X: x(r.Params[c.Param]), Y: y})
		}
	}
	// Per-point means, then their mean at each value of the key.
	sum := map[string]float64{}
	count := map[string]int{}
	var ys []float64
	for _, pt := range sweepPoints(c.Runs) {
		ys = ys[:0]
		for _, r := range pt {
			ys = append(ys, r.Outcomes[k])
		}
		if m, _ := MeanCI(ys); !math.IsNaN(m) {
			v := pt[0].Params[c.Param]
			sum[v] += m
			count[v]++
		}
	}
	effect := make(plotter.XYs, 0, len(labels))
	for _, v := range labels {
		if count[v] > 0 {
			effect = append(effect, plotter.XY{X: x(v), Y: sum[v] / float64(count[v])})
		}
	}
	slices.SortStableFunc(effect, func(a, b plotter.XY) int {
		switch {
		case a.X < b.X:
			return -1
		case a.X > b.X:
			return 1
		}
		return 0
	})

	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s against %s", o.Name, c.Key)
	p.X.Label.Text = c.Key
	p.Y.Label.Text = fmt.Sprintf("%s (%s)", o.Name, o.Unit)
	if c.Effect {
		p.Title.Text = fmt.Sprintf("The policies' effect on %s against %s", o.Name, c.Key)
		p.Y.Label.Text = fmt.Sprintf("effect on %s (%s): run minus untreated twin", o.Name, o.Unit)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	if !numeric {
		p.X.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
			ticks := make([]plot.Tick, len(labels))
			for i, l := range labels {
				ticks[i] = plot.Tick{Value: float64(i), Label: l}
			}
			return ticks
		})
		p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	}
	dots, err := plotter.NewScatter(runs)
	if err != nil {
		return nil, err
	}
	dots.Color, dots.Shape, dots.Radius = color.Gray{Y: 150}, draw.CircleGlyph{}, vg.Points(2)
	line, err := plotter.NewLine(effect)
	if err != nil {
		return nil, err
	}
	line.Color, line.Width = plotutil.Color(0), vg.Points(2)
	means, err := plotter.NewScatter(effect)
	if err != nil {
		return nil, err
	}
	means.Color, means.Shape, means.Radius = plotutil.Color(0), draw.CircleGlyph{}, vg.Points(3)
	p.Add(dots, line, means)
	// Room at the sides for the end values and at the top for the legend.
	if numeric {
		pad := 0.05 * (p.X.Max - p.X.Min)
		p.X.Min, p.X.Max = p.X.Min-pad, p.X.Max+pad
	}
	p.Y.Max += 0.2 * (p.Y.Max - p.Y.Min)
	p.Legend.Add("one run", dots)
	p.Legend.Add("mean over points at this value", line, means)
	return p, nil
}

// Write writes the chart in format "png" or "svg", 8 by 5 inches.
func (c *SweepChart) Write(w io.Writer, format string) error { return writePlot(w, format, c.Plot) }

// SweepValueTypes returns the type of each swept key's values as runs
// write them: integer if every value is an integer, number if every value
// is a number, else string.
func SweepValueTypes(keys []string, runs []SweepRun) []Type {
	types := make([]Type, len(keys))
	for k := range keys {
		types[k] = Integer
		for _, r := range runs {
			v := r.Params[k]
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				continue
			}
			if _, err := strconv.ParseFloat(v, 64); err == nil && types[k] != String {
				types[k] = Number
				continue
			}
			types[k] = String
		}
	}
	return types
}

// sweepKeyFields returns a field per swept key, of the types given.
func sweepKeyFields(keys []string, types []Type) []Field {
	out := make([]Field, len(keys))
	for k, key := range keys {
		out[k] = Field{key, types[k], "the key's", "the point's value of the swept key " + key}
	}
	return out
}

// SweepRunSchema describes runs.csv of a sweep of keys whose values have
// the types given (SweepValueTypes).
func SweepRunSchema(keys []string, types []Type) Schema {
	fields := []Field{
		{"run", Integer, "", "the run's number i, from 0"},
		{"point", Integer, "", "its point, i div R"},
		{"replication", Integer, "", "its replication, i mod R; it draws the streams of replication r of seed"},
		runFields[2],
	}
	fields = append(fields, sweepKeyFields(keys, types)...)
	for _, o := range Headlines {
		fields = append(fields, Field{o.Name, Number, o.Unit, o.Description + ", in this run"})
	}
	fields = append(fields, runFields[0], runFields[1])
	return Schema{Name: "runs", Description: "One row per run of the sweep, in run order.", Fields: fields}
}

// SweepPointSchema describes points.csv of a sweep of keys whose values
// have the types given.
func SweepPointSchema(keys []string, types []Type) Schema {
	fields := []Field{{"point", Integer, "", "the point's number"}}
	fields = append(fields, sweepKeyFields(keys, types)...)
	fields = append(fields, Field{"replications", Integer, "count", "n, the point's runs"})
	for _, o := range Headlines {
		fields = append(fields,
			Field{o.Name, Number, o.Unit, o.Description + ": the mean over the point's replications"},
			Field{o.Name + "_ci_low", Number, o.Unit, "lower end of its 95% interval, mean − t(0.975, n−1)·s/√n; empty with one replication"},
			Field{o.Name + "_ci_high", Number, o.Unit, "upper end of its 95% interval"})
	}
	fields = append(fields, runFields...)
	return Schema{Name: "points", Description: "One row per point of the sweep, in point order.", Fields: fields}
}
