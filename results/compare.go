package results

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"schoolnet/sim"
)

// Effect is one scenario's value of one outcome and its paired difference
// from the first scenario of a comparison.
type Effect struct {
	Scenario, Outcome, Unit string
	// Mean is the scenario's mean over replications.
	Mean float64
	// Diff is the mean paired difference from the first scenario,
	// replication by replication (common random numbers), and Lo, Hi its
	// 95% interval; NaN where undefined.
	Diff, Lo, Hi float64
	N            int
	// Uncertainty says which uncertainty PILo and PIHi hold: Stochastic,
	// or ParametricStochastic with an ensemble of parameter draws.
	Uncertainty string
	// Draws counts the parameter draws (1 without an ensemble).
	Draws int
	// PILo and PIHi bound the 95% prediction interval of the difference
	// in one more world (Decompose): with an ensemble, parametric and
	// stochastic uncertainty together.
	PILo, PIHi float64
	// Share is the parametric share of the difference's variance (0
	// without an ensemble; NaN when it cannot be told).
	Share float64
	// PBetter is the probability that the scenario beats the first one on
	// the outcome: the share of draws (of replications, without an
	// ensemble) in which its mean is better (NaN for the first).
	PBetter float64
}

// The uncertainties a comparison's intervals can hold.
const (
	Stochastic           = "stochastic"
	ParametricStochastic = "parametric+stochastic"
)

// comparisonOutcomes are the outcomes a comparison reports, by name in
// Headlines, plus the derived effect per million RMB.
var comparisonOutcomes = []string{"weak_maths", "weak_chinese", "weak_composite", "gap_strong_weak",
	"gap_migrant_local", "between_share", "turnover", "cost_money",
	"ses_q1_composite", "ses_q2_composite", "ses_q3_composite", "ses_q4_composite"}

// PerMillion is the name of the derived outcome: the weak schools'
// composite effect per million RMB of extra reform money.
const PerMillion = "weak_effect_per_million_rmb"

func headline(name string) Outcome {
	for _, o := range Headlines {
		if o.Name == name {
			return o
		}
	}
	panic("results: no headline outcome " + name)
}

// Compare computes, for every scenario and outcome, the mean and the
// paired difference from the first scenario. runs[k][r] are the yearly
// metrics of replication r of scenario k; every scenario must have the
// same replications, run with the same seeds. Outcomes are read at year
// (their "final year"; costs and turnover over years 1..year); year < 0
// means the last year run.
func Compare(names []string, runs [][][]sim.YearMetrics, year int) []Effect {
	draw := make([]int, len(runs[0]))
	for r := range draw {
		draw[r] = r
	}
	return CompareDraws(names, runs, year, draw, false)
}

// Score orients an outcome of a comparison so that more is better: the
// outcome itself where more is better (achievement, effect per million
// RMB), minus it where less is (between-school share, turnover, cost),
// and minus its size for a gap (strong–weak, migrant–local: a gap closer
// to zero is better, whichever its sign).
func Score(outcome string, x float64) float64 {
	switch outcome {
	case "gap_strong_weak", "gap_migrant_local":
		return -math.Abs(x)
	case "between_share", "turnover", "cost_money":
		return -x
	}
	return x
}

// scores returns Score of every value of xs.
func scores(outcome string, xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = Score(outcome, x)
	}
	return out
}

// comparedValues returns, for every outcome of a comparison (the
// comparison outcomes, then PerMillion), its name, unit and every
// scenario's value replication by replication (runs cut at year).
func comparedValues(runs [][][]sim.YearMetrics, year int) (names, units []string, values [][][]float64) {
	if year >= 0 {
		cut := make([][][]sim.YearMetrics, len(runs))
		for k := range runs {
			cut[k] = make([][]sim.YearMetrics, len(runs[k]))
			for r, ys := range runs[k] {
				cut[k][r] = ys[:min(len(ys), year+1)]
			}
		}
		runs = cut
	}
	reps := len(runs[0])
	for _, name := range comparisonOutcomes {
		o := headline(name)
		v := make([][]float64, len(runs))
		for k := range runs {
			v[k] = make([]float64, reps)
			for r := range reps {
				v[k][r] = o.Get(runs[k][r])
			}
		}
		names, units, values = append(names, o.Name), append(units, o.Unit), append(values, v)
	}
	weak, cost := headline("weak_composite"), headline("cost_money")
	v := make([][]float64, len(runs))
	for k := range runs {
		v[k] = make([]float64, reps)
		for r := range reps {
			extra := cost.Get(runs[k][r]) - cost.Get(runs[0][r])
			gain := weak.Get(runs[k][r]) - weak.Get(runs[0][r])
			v[k][r] = math.NaN()
			if extra > 0 {
				v[k][r] = gain / (extra / 1e6)
			}
		}
	}
	names, units, values = append(names, PerMillion), append(units, "SD per 1M RMB"), append(values, v)
	return names, units, values
}

// CompareDraws is Compare for runs whose replication r has parameter draw
// draw[r]; ensemble says the draws are an ensemble's (Uncertainty
// ParametricStochastic), not each replication's own randomness alone.
func CompareDraws(names []string, runs [][][]sim.YearMetrics, year int, draw []int, ensemble bool) []Effect {
	outcomes, units, values := comparedValues(runs, year)
	var out []Effect
	reps := len(runs[0])
	d := make([]float64, reps)
	for j, name := range outcomes {
		v := values[j]
		for k := range runs {
			for r := range reps {
				d[r] = v[k][r] - v[0][r]
				if name == PerMillion {
					d[r] = v[k][r] // the effect per million is already a difference
				}
			}
			e := effect(names[k], name, units[j], v[k], d)
			split := Decompose(d, draw)
			e.Uncertainty, e.Draws, e.Share = Stochastic, 1, 0
			if ensemble {
				e.Uncertainty, e.Draws, e.Share = ParametricStochastic, split.Draws, split.Share()
				// The runs of a draw share its parameters: the mean's
				// interval counts the draws' spread.
				e.Lo, e.Hi = split.CILo, split.CIHi
			}
			if e.N == 0 {
				e.Share = math.NaN() // undefined in every replication: no share of anything
			}
			e.PILo, e.PIHi = split.Lo, split.Hi
			e.PBetter = math.NaN()
			if k > 0 {
				e.PBetter = PBetter(scores(name, v[k]), scores(name, v[0]), draw, 1)
			}
			out = append(out, e)
		}
	}
	return out
}

func effect(scenario, outcome, unit string, x, d []float64) Effect {
	e := Effect{Scenario: scenario, Outcome: outcome, Unit: unit}
	// The mean is the scenario's own, over its replications where the
	// value is defined; the difference, its interval and N are over those
	// where both scenarios' values are (the same, but for a group that
	// only some replications have).
	e.Mean, _ = MeanCI(x)
	var h float64
	e.Diff, h, e.N = MeanCIDefined(d)
	e.Lo, e.Hi = e.Diff-h, e.Diff+h
	return e
}

// compareRow is one row of compare.csv.
type compareRow struct {
	id *RunID
	e  *Effect
}

// compareColumns are the columns of compare.csv.
var compareColumns = Columns[compareRow]{
	{Field{"scenario", String, "", "the scenario's name (a repeated name gets `-2`, `-3`, …)"}, func(r *compareRow) Cell { return Str(r.e.Scenario) }},
	{Field{"outcome", String, "", "an outcome of summary.csv (`weak_maths`, `weak_chinese`, `weak_composite`, `gap_strong_weak`, `gap_migrant_local`, `between_share`, `turnover`, `cost_money`, `ses_q1_composite` … `ses_q4_composite`: a reform's effect by SES quartile is each quartile's `diff`), or `weak_effect_per_million_rmb`: the gain in weak schools' composite over the first scenario per million RMB of extra reform money (empty where no extra money is spent)"}, func(r *compareRow) Cell { return Str(r.e.Outcome) }},
	{Field{"unit", String, "", "the outcome's unit"}, func(r *compareRow) Cell { return Str(r.e.Unit) }},
	{Field{"mean", Number, "the outcome's", "the scenario's mean over replications, at the compared year (`--year`, default the last)"}, func(r *compareRow) Cell { return Num(r.e.Mean) }},
	{Field{"diff", Number, "the outcome's", "the mean over replications of the paired difference from the first scenario, replication by replication"}, func(r *compareRow) Cell { return Num(r.e.Diff) }},
	{Field{"diff_ci_low", Number, "the outcome's", "lower end of its 95% interval: diff − t(0.975, n−1)·s/√n; with `--ensemble`, whose runs of one draw share its parameters, diff − t(0.975, D−1)·√(σ²_p/D + σ²_s/n), σ²_p and σ²_s as for `pi_low` (docs/UNCERTAINTY.md)"}, func(r *compareRow) Cell { return Num(r.e.Lo) }},
	{Field{"diff_ci_high", Number, "the outcome's", "upper end of its 95% interval (with `--ensemble`, as for `diff_ci_low`)"}, func(r *compareRow) Cell { return Num(r.e.Hi) }},
	{Field{"replications", Integer, "count", "n, the replications in which the outcome is defined in both scenarios: those of diff and its interval (mean is over the scenario's own)"}, func(r *compareRow) Cell { return Int(r.e.N) }},
	{Field{"uncertainty", String, "", "which uncertainty `pi_low` and `pi_high` hold: `stochastic` (the model's own randomness), or `parametric+stochastic` with `--ensemble` (also what we do not know about the mechanisms)"}, func(r *compareRow) Cell { return Str(r.e.Uncertainty) }},
	{Field{"draws", Integer, "count", "the parameter draws of the ensemble (1 without `--ensemble`: the scenarios' own parameters)"}, func(r *compareRow) Cell { return Int(r.e.Draws) }},
	{Field{"pi_low", Number, "the outcome's", "lower end of the 95% prediction interval of the difference in one more world drawn with its own random numbers (and, with `--ensemble`, its own parameters): diff − t(0.975, D−1)·√(σ²_p + σ²_s + σ²_p/D + σ²_s/n), σ²_p and σ²_s the parametric and stochastic variance (docs/UNCERTAINTY.md)"}, func(r *compareRow) Cell { return Num(r.e.PILo) }},
	{Field{"pi_high", Number, "the outcome's", "upper end of that interval"}, func(r *compareRow) Cell { return Num(r.e.PIHi) }},
	{Field{"parametric_share", Number, "share", "σ²_p/(σ²_p + σ²_s): the share of the difference's variance that comes from the parameters (0 without `--ensemble`; empty when it cannot be told, with one replication a draw or no variance)"}, func(r *compareRow) Cell { return Num(r.e.Share) }},
	{Field{"p_better", Number, "probability", "the share of parameter draws (of replications, without `--ensemble`) in which the scenario's mean beats the first scenario's (higher is better; lower for between_share, turnover and cost_money; closer to zero for the gaps; a tie counts half); empty for the first scenario"}, func(r *compareRow) Cell { return Num(r.e.PBetter) }},
	{runFields[1], func(r *compareRow) Cell { return Str(r.id.Hash) }},
	{runFields[2], func(r *compareRow) Cell { return Int64(r.id.Seed) }},
}

// CompareSchema describes compare.csv.
var CompareSchema = compareColumns.Schema("compare", "One row per scenario and outcome.")

// CompareColumns are the columns of compare.csv.
var CompareColumns = CompareSchema.Names()

// WriteCompare writes the effects as CSV; undefined values are empty. ids
// identify the scenarios' runs, by name.
func WriteCompare(w io.Writer, ids []RunID, effects []Effect) error {
	return compareColumns.Write(w, CSV, func(yield func(*compareRow) bool) {
		for k := range effects {
			e := &effects[k]
			id := &RunID{Scenario: e.Scenario}
			for j := range ids {
				if ids[j].Scenario == e.Scenario {
					id = &ids[j]
				}
			}
			if !yield(&compareRow{id, e}) {
				return
			}
		}
	})
}

// PrintCompare prints one table per outcome: each scenario's mean and its
// difference from the first scenario with the 95% interval. year is the
// year compared and last the run's last (the outcomes' descriptions say
// "in the final year" only when they are the same).
func PrintCompare(w io.Writer, effects []Effect, year, last int) error {
	var outcome string
	var tw *tabwriter.Writer
	flush := func() {
		if tw != nil {
			tw.Flush()
			fmt.Fprintln(w)
		}
	}
	for i, e := range effects {
		if e.Outcome != outcome {
			flush()
			outcome = e.Outcome
			fmt.Fprintf(w, "%s (%s): %s\n", e.Outcome, e.Unit, AtYear(describe(e.Outcome), year, last))
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			if e.Uncertainty == ParametricStochastic {
				// Two intervals, named apart: how sure the mean difference
				// over the ensemble is, and where it falls in one more
				// plausible world (an audit took the second, printed alone
				// as "95% interval", for the first).
				fmt.Fprintf(tw, "scenario\tmean\tdifference from %s\t95%% interval of the mean\t95%% prediction interval, one more world (parametric + stochastic)\tparametric share\tP(better than %s)\t\n", effects[i].Scenario, effects[i].Scenario)
			} else {
				fmt.Fprintf(tw, "scenario\tmean\tdifference from %s\t95%% interval\t\n", effects[i].Scenario)
			}
		}
		if e.Uncertainty == ParametricStochastic {
			pi := e
			pi.Lo, pi.Hi = e.PILo, e.PIHi
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", e.Scenario, format(e.Mean, e.Unit), signed(e.Diff, e.Unit), interval(e), interval(pi), percent(e.Share), percent(e.PBetter))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", e.Scenario, format(e.Mean, e.Unit), signed(e.Diff, e.Unit), interval(e))
	}
	flush()
	return nil
}

// percent writes a share as a whole percentage, "–" when undefined.
func percent(x float64) string { return Undefined("%.0f%%", 100*x) }

// AtYear rewrites an outcome's description for outcomes read at year of a
// run whose last year is last: "in the final year" becomes "in year N",
// and costs and turnover "over the run" or "over the simulated years"
// become "over years 1–N".
func AtYear(desc string, year, last int) string {
	if year < 0 || year == last {
		return desc
	}
	if year == 0 {
		return strings.NewReplacer("in the final year", "in year 0, the baseline before any reform",
			"over the simulated years", "before any simulated year (none: year 0)",
			"over the run", "before any simulated year (none: year 0)").Replace(desc)
	}
	return strings.NewReplacer("in the final year", fmt.Sprintf("in year %d", year),
		"over the simulated years", fmt.Sprintf("over years 1–%d", year),
		"over the run", fmt.Sprintf("over years 1–%d", year)).Replace(desc)
}

func describe(outcome string) string {
	if outcome == PerMillion {
		return "gain in weak schools' composite per million RMB of extra reform money"
	}
	return headline(outcome).Description
}

// decimals returns how many decimals a unit is printed with.
func decimals(unit string) int {
	switch unit {
	case "RMB", "hours":
		return 0
	case "SD per 1M RMB":
		return 4
	}
	return 3
}

func format(x float64, unit string) string {
	return Undefined("%."+strconv.Itoa(decimals(unit))+"f", x)
}

func signed(x float64, unit string) string {
	return Undefined("%+."+strconv.Itoa(decimals(unit))+"f", x)
}

func interval(e Effect) string {
	if math.IsNaN(e.Lo) {
		return "–"
	}
	if e.Lo == e.Hi {
		return "exact"
	}
	return "[" + strings.TrimSpace(signed(e.Lo, e.Unit)) + ", " + strings.TrimSpace(signed(e.Hi, e.Unit)) + "]"
}

// Decimals returns how many decimals a number of the unit is printed
// with, in the terminal's tables and the HTML report (SD and shares 3,
// RMB and hours 0, effects per million RMB 4).
func Decimals(unit string) int { return decimals(unit) }
