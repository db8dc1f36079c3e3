package results

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"schoolnet/results/sensitivity"
	"schoolnet/sim"
)

// SensitivityMethod names the sensitivity analyses of a sweep.
const (
	MethodMorris = "morris"
	MethodSobol  = "sobol"
)

// Index is one swept parameter's sensitivity indices for one outcome: the
// Morris statistics or the Sobol indices, with bootstrap 95% intervals;
// the other method's fields are NaN.
type Index struct {
	Outcome, Param, Method string
	sensitivity.MorrisIndex
	sensitivity.SobolIndex
	Points, Reps, Bootstrap int
	// Effect says the outcome is the effect of the scenario's policies.
	Effect bool
}

// SweepDesign is what computing a sweep's indices needs beside its runs.
type SweepDesign struct {
	Method string
	Keys   []string
	// Unit is the design in the unit cube, point by point (the order of
	// the runs' points).
	Unit      [][]float64
	Reps      int
	Bootstrap int
	// Seed seeds the bootstrap (the sweep's seed).
	Seed int64
	// Effect says the runs' outcomes are their policies' effects.
	Effect bool
}

// SweepIndices computes every headline outcome's sensitivity indices to
// every swept key from the sweep's runs (in run order), each point's
// output being its mean over its replications. The bootstrap of outcome j
// draws from its own stream of the seed, so the indices do not depend on
// which outcomes are computed.
func SweepIndices(d *SweepDesign, runs []SweepRun) []Index {
	pts := sweepPoints(runs)
	k := len(d.Keys)
	var out []Index
	y := make([]float64, len(pts))
	for j, o := range Headlines {
		for i, pt := range pts {
			xs := make([]float64, len(pt))
			for r := range pt {
				xs[r] = pt[r].Outcomes[j]
			}
			y[i], _ = MeanCI(xs) // over the runs where it is defined
		}
		src := sim.Stream(uint64(d.Seed), j, sim.PurposeSweep, 2)
		nan := math.NaN()
		for i := range k {
			out = append(out, Index{Outcome: o.Name, Param: d.Keys[i], Method: d.Method,
				MorrisIndex: sensitivity.MorrisIndex{Mu: nan, MuStar: nan, MuStarLo: nan, MuStarHi: nan, Sigma: nan},
				SobolIndex:  sensitivity.SobolIndex{S1: nan, S1Lo: nan, S1Hi: nan, ST: nan, STLo: nan, STHi: nan},
				Points:      len(pts), Reps: d.Reps, Bootstrap: d.Bootstrap, Effect: d.Effect})
		}
		got := out[len(out)-k:]
		switch d.Method {
		case MethodMorris:
			for i, m := range sensitivity.MorrisIndices(k, d.Unit, y, d.Bootstrap, src) {
				got[i].MorrisIndex = m
			}
		case MethodSobol:
			for i, s := range sensitivity.SobolIndices(k, y, d.Bootstrap, src) {
				got[i].SobolIndex = s
			}
		}
	}
	return out
}

type indexRow struct {
	x  *Index
	id *RunID
}

var indexColumns = append(Columns[indexRow]{
	{Field{"outcome", String, "", "the outcome (as in runs.csv); its value at a point is the mean over the point's replications"}, func(r *indexRow) Cell { return Str(r.x.Outcome) }},
	{Field{"param", String, "", "the swept key"}, func(r *indexRow) Cell { return Str(r.x.Param) }},
	{Field{"method", String, "", "`morris` (elementary effects) or `sobol` (variance-based indices)"}, func(r *indexRow) Cell { return Str(r.x.Method) }},
	{Field{"mu", Number, "the outcome's, per the key's range", "morris: μ, the mean elementary effect: the change in the outcome when the key moves across its whole [min, max], extrapolated from a step of Δ = p/(2(p−1)) of it (its sign says the direction)"}, func(r *indexRow) Cell { return Num(r.x.Mu) }},
	{Field{"mu_star", Number, "the outcome's, per the key's range", "morris: μ*, the mean absolute elementary effect (Campolongo, Cariboni & Saltelli 2007): how much the key matters"}, func(r *indexRow) Cell { return Num(r.x.MuStar) }},
	{Field{"mu_star_low", Number, "the outcome's, per the key's range", "morris: lower end of μ*'s bootstrap 95% interval (trajectories resampled)"}, func(r *indexRow) Cell { return Num(r.x.MuStarLo) }},
	{Field{"mu_star_high", Number, "the outcome's, per the key's range", "morris: upper end"}, func(r *indexRow) Cell { return Num(r.x.MuStarHi) }},
	{Field{"sigma", Number, "the outcome's, per the key's range", "morris: σ, the elementary effects' standard deviation: large where the key interacts with others or acts non-linearly"}, func(r *indexRow) Cell { return Num(r.x.Sigma) }},
	{Field{"s1", Number, "share", "sobol: first-order index S_i (Saltelli et al. 2010), the share of the outcome's variance the key explains alone"}, func(r *indexRow) Cell { return Num(r.x.S1) }},
	{Field{"s1_low", Number, "share", "sobol: lower end of S_i's bootstrap 95% interval (base rows resampled)"}, func(r *indexRow) Cell { return Num(r.x.S1Lo) }},
	{Field{"s1_high", Number, "share", "sobol: upper end"}, func(r *indexRow) Cell { return Num(r.x.S1Hi) }},
	{Field{"st", Number, "share", "sobol: total index S_Ti (Jansen 1999), the share of the variance that involves the key, interactions included; S_Ti − S_i is its interactions' part"}, func(r *indexRow) Cell { return Num(r.x.ST) }},
	{Field{"st_low", Number, "share", "sobol: lower end of S_Ti's bootstrap 95% interval"}, func(r *indexRow) Cell { return Num(r.x.STLo) }},
	{Field{"st_high", Number, "share", "sobol: upper end"}, func(r *indexRow) Cell { return Num(r.x.STHi) }},
	{Field{"points", Integer, "count", "the design's points"}, func(r *indexRow) Cell { return Int(r.x.Points) }},
	{Field{"replications", Integer, "count", "replications of each point (their mean is the point's output: the model's own randomness adds noise to the indices, most to those of keys that matter little)"}, func(r *indexRow) Cell { return Int(r.x.Reps) }},
	{Field{"bootstrap", Integer, "count", "bootstrap resamples of the intervals (0: none)"}, func(r *indexRow) Cell { return Int(r.x.Bootstrap) }},
	{Field{"effect", Boolean, "", "true when the outcome is the effect of the scenario's policies (`sweep.effect`: each run minus its untreated twin), false when it is the outcome itself"}, func(r *indexRow) Cell { return Bool(r.x.Effect) }},
}, RunColumns(func(r *indexRow) *RunID { return r.id })...)

// IndicesSchema describes indices.csv.
var IndicesSchema = indexColumns.Schema("indices", "One row per outcome and swept key: its sensitivity indices.")

// WriteIndices writes indices.csv.
func WriteIndices(w io.Writer, id RunID, xs []Index) error {
	return indexColumns.Write(w, CSV, func(yield func(*indexRow) bool) {
		for i := range xs {
			if !yield(&indexRow{&xs[i], &id}) {
				return
			}
		}
	})
}

// PrintIndices prints the indices of one outcome, the most influential
// key first.
func PrintIndices(w io.Writer, outcome string, xs []Index) {
	var rows []Index
	for _, x := range xs {
		if x.Outcome == outcome {
			rows = append(rows, x)
		}
	}
	if len(rows) == 0 {
		return
	}
	sortByInfluence(rows)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	span := func(lo, hi float64) string {
		if math.IsNaN(lo) {
			return "–"
		}
		return fmt.Sprintf("[%.3f, %.3f]", lo, hi)
	}
	if rows[0].Effect {
		outcome = "effect of the policies on " + outcome
	}
	if rows[0].Method == MethodMorris {
		fmt.Fprintf(w, "\n%s: Morris elementary effects over %d points × %d replications, most influential first (per the key's whole range)\n", outcome, rows[0].Points, rows[0].Reps)
		fmt.Fprintf(tw, "param\tμ*\t95%% interval\tμ\tσ\t\n")
		for _, x := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", x.Param, Undefined("%.4f", x.MuStar), span(x.MuStarLo, x.MuStarHi), Undefined("%+.4f", x.Mu), Undefined("%.4f", x.Sigma))
		}
	} else {
		fmt.Fprintf(w, "\n%s: Sobol indices over %d points × %d replications, most influential first\n", outcome, rows[0].Points, rows[0].Reps)
		fmt.Fprintf(tw, "param\tfirst-order S\t95%% interval\ttotal ST\t95%% interval\t\n")
		for _, x := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", x.Param, Undefined("%.3f", x.S1), span(x.S1Lo, x.S1Hi), Undefined("%.3f", x.ST), span(x.STLo, x.STHi))
		}
	}
	tw.Flush()
}

// influence is what orders keys: μ* or the total index.
func (x *Index) influence() float64 {
	v := x.ST
	if x.Method == MethodMorris {
		v = x.MuStar
	}
	if math.IsNaN(v) {
		return math.Inf(-1)
	}
	return v
}

func sortByInfluence(rows []Index) {
	slices.SortStableFunc(rows, func(a, b Index) int {
		switch ia, ib := a.influence(), b.influence(); {
		case ia > ib:
			return -1
		case ia < ib:
			return 1
		}
		return 0
	})
}

// IndexChart draws one outcome's indices, a row per key, the most
// influential at the top: μ* (with its interval) and σ for Morris, the
// first-order and total index (with their intervals) for Sobol.
type IndexChart struct {
	Outcome string
	Indices []Index
}

// indexPoints are dots at (value, row) with horizontal error bars.
type indexPoints struct {
	xys      plotter.XYs
	lo, high []float64
}

func (p indexPoints) Len() int                        { return len(p.xys) }
func (p indexPoints) XY(i int) (float64, float64)     { return p.xys[i].X, p.xys[i].Y }
func (p indexPoints) XError(i int) (float64, float64) { return p.lo[i], p.high[i] }

// Plot builds the chart.
func (c *IndexChart) Plot() (*plot.Plot, error) {
	var rows []Index
	for _, x := range c.Indices {
		if x.Outcome == c.Outcome {
			rows = append(rows, x)
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("results: no indices of %q", c.Outcome)
	}
	sortByInfluence(rows)
	slices.Reverse(rows) // the most influential at the top
	names := make([]string, len(rows))
	for i, x := range rows {
		names[i] = x.Param
	}
	morris := rows[0].Method == MethodMorris
	type series struct {
		label       string
		get         func(*Index) (v, lo, hi float64)
		shift       float64
		glyph       draw.GlyphDrawer
		colour      int
		withErrBars bool
	}
	var ss []series
	if morris {
		ss = []series{
			{"μ*, mean absolute effect (95% interval)", func(x *Index) (float64, float64, float64) { return x.MuStar, x.MuStarLo, x.MuStarHi }, 0.15, draw.CircleGlyph{}, 0, true},
			{"σ, spread of the effects", func(x *Index) (float64, float64, float64) { return x.Sigma, x.Sigma, x.Sigma }, -0.15, draw.TriangleGlyph{}, 1, false},
		}
	} else {
		ss = []series{
			{"first-order index S (95% interval)", func(x *Index) (float64, float64, float64) { return x.S1, x.S1Lo, x.S1Hi }, 0.15, draw.CircleGlyph{}, 0, true},
			{"total index ST (95% interval)", func(x *Index) (float64, float64, float64) { return x.ST, x.STLo, x.STHi }, -0.15, draw.SquareGlyph{}, 1, true},
		}
	}
	p := plot.New()
	o := headline(c.Outcome)
	what := c.Outcome
	if rows[0].Effect {
		what = "the policies' effect on " + c.Outcome
	}
	if morris {
		p.Title.Text = fmt.Sprintf("Morris screening of %s (%d points × %d replications)", what, rows[0].Points, rows[0].Reps)
		p.X.Label.Text = fmt.Sprintf("change in %s (%s) across the key's range", what, o.Unit)
	} else {
		p.Title.Text = fmt.Sprintf("Sobol indices of %s (%d points × %d replications)", what, rows[0].Points, rows[0].Reps)
		p.X.Label.Text = "share of the variance"
	}
	p.Add(plotter.NewGrid())
	for _, s := range ss {
		pts := indexPoints{}
		for i := range rows {
			v, lo, hi := s.get(&rows[i])
			if math.IsNaN(v) {
				continue
			}
			if math.IsNaN(lo) {
				lo, hi = v, v
			}
			pts.xys = append(pts.xys, plotter.XY{X: v, Y: float64(i) + s.shift})
			pts.lo, pts.high = append(pts.lo, v-lo), append(pts.high, hi-v)
		}
		if len(pts.xys) == 0 {
			continue
		}
		dots, err := plotter.NewScatter(pts.xys)
		if err != nil {
			return nil, err
		}
		dots.Shape, dots.Color, dots.Radius = s.glyph, plotutil.Color(s.colour), vg.Points(3)
		p.Add(dots)
		p.Legend.Add(s.label, dots)
		if s.withErrBars {
			bars, err := plotter.NewXErrorBars(pts)
			if err != nil {
				return nil, err
			}
			bars.Color = plotutil.Color(s.colour)
			p.Add(bars)
		}
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(len(rows))+0.4 // room at the top for the legend
	if p.X.Min > 0 {
		p.X.Min = 0
	}
	p.X.Max += float64(0.08 * (p.X.Max - p.X.Min)) // room for the last dot
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.Padding = vg.Points(2)
	p.X.Tick.Color = color.Gray{Y: 100}
	return p, nil
}

// Write writes the chart in format "png" or "svg", 8 by 5 inches.
func (c *IndexChart) Write(w io.Writer, format string) error { return writePlot(w, format, c.Plot) }

// IndexChartName is the name of the chart of an outcome's indices.
func IndexChartName(outcome, format string) string {
	return "indices-" + strings.ReplaceAll(outcome, "/", "_") + "." + format
}
