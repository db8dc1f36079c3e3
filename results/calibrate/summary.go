package calibrate

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"schoolnet/results"
	"schoolnet/targets"
)

// FitLimit is the largest |z| of a target that counts as fitted: the
// simulated statistic within two published standard errors.
const FitLimit = 2

// weightedQuantile returns the p-quantile of x weighted by w: the
// smallest x_i, in increasing order, at which the cumulative weight
// reaches p·Σw.
func weightedQuantile(x, w []float64, p float64) float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	var total float64
	for _, v := range w {
		total += v
	}
	target := float64(p * total)
	var cum float64
	for _, i := range idx {
		cum += w[i]
		if cum >= target {
			return x[i]
		}
	}
	return x[idx[len(idx)-1]]
}

// weightedMeanSD returns the weighted mean and SD of x.
func weightedMeanSD(x, w []float64) (mean, sd float64) {
	var total float64
	for i := range x {
		total += w[i]
		mean += float64(w[i] * x[i])
	}
	mean /= total
	for i := range x {
		d := x[i] - mean
		sd += float64(w[i] * float64(d*d))
	}
	return mean, math.Sqrt(sd / total)
}

// ParamSummary is one parameter's posterior.
type ParamSummary struct {
	Param targets.Param
	// Mean, SD and the 5%, 50% and 95% quantiles of the weighted
	// posterior particles.
	Mean, SD, Q05, Q50, Q95 float64
	// DefaultQuantile is the posterior weight below the default: where
	// the hand-set default sits in the posterior (near 0 or 1: at its
	// edge).
	DefaultQuantile float64
}

// column returns the parameter or statistic k of particles, and their
// weights.
func column(ps []Particle, k int, stat bool) (x, w []float64) {
	x, w = make([]float64, len(ps)), make([]float64, len(ps))
	for i, p := range ps {
		if stat {
			x[i] = p.Stats[k]
		} else {
			x[i] = p.Theta[k]
		}
		w[i] = p.Weight
	}
	return x, w
}

// Parameters summarises each parameter's posterior.
func (r *Result) Parameters() []ParamSummary {
	post := r.Posterior()
	out := make([]ParamSummary, len(r.Model.Params))
	for k, p := range r.Model.Params {
		x, w := column(post, k, false)
		s := ParamSummary{Param: p}
		s.Mean, s.SD = weightedMeanSD(x, w)
		s.Q05, s.Q50, s.Q95 = weightedQuantile(x, w, 0.05), weightedQuantile(x, w, 0.5), weightedQuantile(x, w, 0.95)
		var below, total float64
		for i := range x {
			total += w[i]
			if x[i] < p.Default {
				below += w[i]
			}
		}
		s.DefaultQuantile = below / total
		out[k] = s
	}
	return out
}

// Fit is one target's fit at the posterior.
type Fit struct {
	Target *targets.Target
	// Simulated is the posterior mean of the target's statistic and Lo,
	// Hi its 5% and 95% quantiles over the weighted posterior particles.
	Simulated, Lo, Hi float64
	// Z is (Simulated − published)/σ; Fitted is |Z| ≤ FitLimit.
	Z      float64
	Fitted bool
	// Default is the statistic at the parameters' defaults and DefaultZ
	// its z-score (NaN without the defaults' particle).
	Default, DefaultZ float64
	// Particles counts the particles, of every generation, whose own
	// statistic was within FitLimit standard errors.
	Particles int
}

// Fit returns every target's fit.
func (r *Result) Fit() []Fit {
	m := r.Model
	post := r.Posterior()
	out := make([]Fit, len(m.File.Targets))
	for k := range m.File.Targets {
		x, w := column(post, k, true)
		f := Fit{Target: &m.File.Targets[k], Default: math.NaN(), DefaultZ: math.NaN()}
		f.Simulated, _ = weightedMeanSD(x, w)
		f.Lo, f.Hi = weightedQuantile(x, w, 0.05), weightedQuantile(x, w, 0.95)
		f.Z = m.z(k, f.Simulated)
		f.Fitted = math.Abs(f.Z) <= FitLimit
		if r.Defaults != nil {
			f.Default = r.Defaults.Stats[k]
			f.DefaultZ = m.z(k, f.Default)
		}
		for _, p := range r.All {
			if r.fits(&p, k) {
				f.Particles++
			}
		}
		out[k] = f
	}
	return out
}

// fits reports whether particle p's statistic k is within FitLimit
// standard errors of the target.
func (r *Result) fits(p *Particle, k int) bool { return math.Abs(r.Model.z(k, p.Stats[k])) <= FitLimit }

// Conflict is a pair of targets and how many particles of every
// generation fitted each and both.
type Conflict struct {
	A, B             int
	FitA, FitB, Both int
}

// Conflicting reports whether the pair cannot be fitted together by any
// particle explored, though each can be alone.
func (c *Conflict) Conflicting() bool { return c.FitA > 0 && c.FitB > 0 && c.Both == 0 }

// Conflicts returns every pair of targets with the particles that fitted
// each and both: a pair that particles fit alone but none together is a
// pair the model cannot fit together within the parameters' plausible
// ranges, as far as the calibration explored them.
func (r *Result) Conflicts() []Conflict {
	n := len(r.Model.File.Targets)
	var out []Conflict
	for a := range n {
		for b := a + 1; b < n; b++ {
			c := Conflict{A: a, B: b}
			for _, p := range r.All {
				fa, fb := r.fits(&p, a), r.fits(&p, b)
				if fa {
					c.FitA++
				}
				if fb {
					c.FitB++
				}
				if fa && fb {
					c.Both++
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// Best returns the particle, of every generation, that fitted the most
// targets at once (the smallest distance among equals), with those
// targets.
func (r *Result) Best() (*Particle, []int) {
	var best *Particle
	var fitted []int
	for i := range r.All {
		p := &r.All[i]
		var f []int
		for k := range r.Model.File.Targets {
			if r.fits(p, k) {
				f = append(f, k)
			}
		}
		if best == nil || len(f) > len(fitted) || (len(f) == len(fitted) && p.Distance < best.Distance) {
			best, fitted = p, f
		}
	}
	return best, fitted
}

// f6 writes a number of a summary file with six decimals, NaN as empty.
func f6(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', 6, 64)
}

// writeCSV writes a header and rows.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	cw.WriteAll(rows)
	return cw.Error()
}

// PosteriorColumns, ParameterColumns, FitColumns, GenerationColumns and
// ConflictColumns are the fixed columns of the calibration's result
// files (posterior.csv adds one column per parameter).
var (
	PosteriorColumns  = []string{"generation", "particle", "weight", "distance"}
	ParameterColumns  = []string{"param", "unit", "evidence", "low", "high", "default", "mean", "sd", "q05", "median", "q95", "default_quantile"}
	FitColumns        = []string{"target", "statistic", "scenario", "grade", "tier", "subject", "design", "first_year", "last_year", "published", "se", "evidence", "simulated", "simulated_q05", "simulated_q95", "z", "fitted", "default", "default_z", "particles_fitting"}
	GenerationColumns = closedColumns
	ConflictColumns   = []string{"target_a", "target_b", "particles_fitting_a", "particles_fitting_b", "particles_fitting_both", "conflict"}
)

// WritePosterior writes posterior.csv: the final generation's particles,
// with their normalised weights, distances and parameters, every digit.
func (r *Result) WritePosterior(w io.Writer) error {
	header := slices.Clone(PosteriorColumns)
	for _, p := range r.Model.Params {
		header = append(header, p.Key)
	}
	post := r.Posterior()
	var total float64
	for _, p := range post {
		total += p.Weight
	}
	var rows [][]string
	for _, p := range post {
		row := []string{strconv.Itoa(p.Generation), strconv.Itoa(p.Index), num(p.Weight / total), num(p.Distance)}
		for _, x := range p.Theta {
			row = append(row, num(x))
		}
		rows = append(rows, row)
	}
	return writeCSV(w, header, rows)
}

// WriteParameters writes parameters.csv, one row per parameter.
func (r *Result) WriteParameters(w io.Writer) error {
	var rows [][]string
	for _, s := range r.Parameters() {
		p := &s.Param
		rows = append(rows, []string{p.Key, p.Range.Unit, string(p.Range.Evidence), f6(p.Range.Low), f6(p.Range.High), f6(p.Default),
			f6(s.Mean), f6(s.SD), f6(s.Q05), f6(s.Q50), f6(s.Q95), f6(s.DefaultQuantile)})
	}
	return writeCSV(w, ParameterColumns, rows)
}

// WriteFit writes fit.csv, one row per target.
func (r *Result) WriteFit(w io.Writer) error {
	var rows [][]string
	for _, f := range r.Fit() {
		t := f.Target
		grade, first, last := "", "", ""
		if t.Grade != 0 {
			grade = strconv.Itoa(t.Grade)
		}
		if t.Statistic != targets.Estimate {
			first, last = strconv.Itoa(t.First), strconv.Itoa(t.Last)
		}
		rows = append(rows, []string{t.Name, t.Statistic, t.Scenario, grade, t.Tier, t.Subject, t.Design, first, last,
			f6(t.Published()), f6(t.Sigma), t.Evidence, f6(f.Simulated), f6(f.Lo), f6(f.Hi), f6(f.Z), results.Bool(f.Fitted).Text(),
			f6(f.Default), f6(f.DefaultZ), strconv.Itoa(f.Particles)})
	}
	return writeCSV(w, FitColumns, rows)
}

// WriteGenerations writes generations.csv, one row per generation.
func (r *Result) WriteGenerations(w io.Writer) error {
	var rows [][]string
	for _, g := range r.Generations {
		row := closedRow(g)
		for i := 1; i < len(row); i++ {
			if x, err := strconv.ParseFloat(row[i], 64); err == nil && (i == 1 || i == 2 || i == 5) {
				row[i] = f6(x)
			}
		}
		rows = append(rows, row)
	}
	return writeCSV(w, GenerationColumns, rows)
}

// WriteConflicts writes conflicts.csv, one row per pair of targets.
func (r *Result) WriteConflicts(w io.Writer) error {
	ts := r.Model.File.Targets
	var rows [][]string
	for _, c := range r.Conflicts() {
		rows = append(rows, []string{ts[c.A].Name, ts[c.B].Name, strconv.Itoa(c.FitA), strconv.Itoa(c.FitB), strconv.Itoa(c.Both),
			results.Bool(c.Conflicting()).Text()})
	}
	return writeCSV(w, ConflictColumns, rows)
}

// Report prints the calibration's findings plainly: the posterior of each
// parameter against its prior range and its default, each target's fit,
// the targets it cannot fit, and the pairs it cannot fit together.
func (r *Result) Report(w io.Writer) {
	last := r.Generations[len(r.Generations)-1]
	post := &Generation{Kept: r.Posterior()}
	fmt.Fprintf(w, "Posterior: generation %d of %d, tolerance %.3f (root mean square z; the targets' errors alone reach %.3f), %d particles, effective sample size %.1f.\n\n",
		last.Number, len(r.Generations), last.Epsilon, r.Model.Floor(), len(last.Kept), post.ESS())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "parameter\tplausible range\tdefault\tposterior median [90%]\tdefault's quantile\t")
	for _, s := range r.Parameters() {
		p := &s.Param
		fmt.Fprintf(tw, "%s\t%.4g–%.4g\t%.4g\t%.4g [%.4g, %.4g]\t%.2f\t\n", p.Key, p.Range.Low, p.Range.High, p.Default, s.Q50, s.Q05, s.Q95, s.DefaultQuantile)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tpublished ± se\tsimulated [90%]\tz\tat the defaults (z)\t")
	var unfit, never []string
	for _, f := range r.Fit() {
		t := f.Target
		mark := ""
		if !f.Fitted {
			mark = " *"
			unfit = append(unfit, t.Name)
		}
		if f.Particles == 0 {
			never = append(never, t.Name)
		}
		fmt.Fprintf(tw, "%s\t%.3f ± %.3f\t%.3f [%.3f, %.3f]\t%+.2f%s\t%.3f (%+.2f)\t\n", t.Name, t.Published(), t.Sigma, f.Simulated, f.Lo, f.Hi, f.Z, mark, f.Default, f.DefaultZ)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n* not fitted: the posterior mean is more than %d standard errors from the published value.\n", FitLimit)
	ts := r.Model.File.Targets
	if len(unfit) == 0 {
		fmt.Fprintln(w, "Every target is fitted at the posterior.")
	} else {
		fmt.Fprintf(w, "Not fitted at the posterior: %s.\n", strings.Join(unfit, ", "))
	}
	if len(never) > 0 {
		fmt.Fprintf(w, "No particle of any generation fitted: %s (out of reach within the plausible ranges explored).\n", strings.Join(never, ", "))
	}
	var pairs []string
	for _, c := range r.Conflicts() {
		if c.Conflicting() {
			pairs = append(pairs, ts[c.A].Name+" with "+ts[c.B].Name)
		}
	}
	if len(pairs) > 0 {
		fmt.Fprintf(w, "Cannot be fitted together (particles fit each, none both): %s.\n", strings.Join(pairs, "; "))
	}
	if best, fitted := r.Best(); best != nil {
		names := make([]string, len(fitted))
		for i, k := range fitted {
			names[i] = ts[k].Name
		}
		fmt.Fprintf(w, "Most targets fitted at once: %d of %d, by particle %d of generation %d (%s).\n", len(fitted), len(ts), best.Index, best.Generation, strings.Join(names, ", "))
	}
}
