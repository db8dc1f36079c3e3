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
}

// comparisonOutcomes are the outcomes a comparison reports, by name in
// Headlines, plus the derived effect per million RMB.
var comparisonOutcomes = []string{"weak_maths", "weak_chinese", "weak_composite", "gap_strong_weak",
	"gap_migrant_local", "between_share", "turnover", "cost_money"}

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
	var out []Effect
	reps := len(runs[0])
	x := make([]float64, reps)
	d := make([]float64, reps)
	for _, name := range comparisonOutcomes {
		o := headline(name)
		for k := range runs {
			for r := range reps {
				x[r] = o.Get(runs[k][r])
				d[r] = x[r] - o.Get(runs[0][r])
			}
			out = append(out, effect(names[k], o.Name, o.Unit, x, d))
		}
	}
	weak, cost := headline("weak_composite"), headline("cost_money")
	for k := range runs {
		for r := range reps {
			extra := cost.Get(runs[k][r]) - cost.Get(runs[0][r])
			gain := weak.Get(runs[k][r]) - weak.Get(runs[0][r])
			x[r], d[r] = math.NaN(), math.NaN()
			if extra > 0 {
				x[r] = gain / (extra / 1e6)
				d[r] = x[r]
			}
		}
		out = append(out, effect(names[k], PerMillion, "SD per 1M RMB", x, d))
	}
	return out
}

func effect(scenario, outcome, unit string, x, d []float64) Effect {
	e := Effect{Scenario: scenario, Outcome: outcome, Unit: unit, N: len(x)}
	e.Mean, _ = MeanCI(x)
	var h float64
	e.Diff, h = MeanCI(d)
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
	{Field{"outcome", String, "", "an outcome of summary.csv (`weak_maths`, `weak_chinese`, `weak_composite`, `gap_strong_weak`, `gap_migrant_local`, `between_share`, `turnover`, `cost_money`), or `weak_effect_per_million_rmb`: the gain in weak schools' composite over the first scenario per million RMB of extra reform money (empty where no extra money is spent)"}, func(r *compareRow) Cell { return Str(r.e.Outcome) }},
	{Field{"unit", String, "", "the outcome's unit"}, func(r *compareRow) Cell { return Str(r.e.Unit) }},
	{Field{"mean", Number, "the outcome's", "the scenario's mean over replications, at the compared year (`--year`, default the last)"}, func(r *compareRow) Cell { return Num(r.e.Mean) }},
	{Field{"diff", Number, "the outcome's", "the mean over replications of the paired difference from the first scenario, replication by replication"}, func(r *compareRow) Cell { return Num(r.e.Diff) }},
	{Field{"diff_ci_low", Number, "the outcome's", "lower end of its 95% interval: diff − t(0.975, n−1)·s/√n"}, func(r *compareRow) Cell { return Num(r.e.Lo) }},
	{Field{"diff_ci_high", Number, "the outcome's", "upper end of its 95% interval: diff + t(0.975, n−1)·s/√n"}, func(r *compareRow) Cell { return Num(r.e.Hi) }},
	{Field{"replications", Integer, "count", "n"}, func(r *compareRow) Cell { return Int(r.e.N) }},
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
// difference from the first scenario with the 95% interval.
func PrintCompare(w io.Writer, effects []Effect) error {
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
			fmt.Fprintf(w, "%s (%s): %s\n", e.Outcome, e.Unit, describe(e.Outcome))
			tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "scenario\tmean\tdifference from %s\t95%% interval\t\n", effects[i].Scenario)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", e.Scenario, format(e.Mean, e.Unit), signed(e.Diff, e.Unit), interval(e))
	}
	flush()
	return nil
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
	if math.IsNaN(x) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', decimals(unit), 64)
}

func signed(x float64, unit string) string {
	if math.IsNaN(x) {
		return "–"
	}
	s := strconv.FormatFloat(x, 'f', decimals(unit), 64)
	if x >= 0 {
		s = "+" + s
	}
	return s
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
