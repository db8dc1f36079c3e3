package results

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"schoolnet/sim"
)

// Win is the probability that one scenario of a comparison beats another
// on an outcome.
type Win struct {
	Outcome, Scenario, Other string
	// P is the share of draws in which Scenario's mean beats Other's
	// (PBetter); Draws counts the draws compared.
	P           float64
	Draws       int
	Uncertainty string
}

// Rank is a scenario's place among a comparison's scenarios on an
// outcome, and how stable it is over the draws.
type Rank struct {
	Outcome, Scenario string
	// Rank is its place by the mean over every run (1 the best).
	Rank int
	// PRank is the share of draws in which it has that place, PFirst the
	// share in which it is the best, and PSame the share of draws whose
	// whole ranking is the ranking by means (the same for every scenario
	// of the outcome).
	PRank, PFirst, PSame float64
	Draws                int
	Uncertainty          string
}

// WinsAndRanks compares every pair of scenarios on every outcome of a
// comparison, draw by draw (replication r has draw draw[r]; ensemble as
// for CompareDraws). Scenarios whose outcome is undefined in every run
// (the effect per million RMB of a scenario that spends no extra money)
// are left out of that outcome.
func WinsAndRanks(names []string, runs [][][]sim.YearMetrics, year int, draw []int, ensemble bool) ([]Win, []Rank) {
	outcomes, _, values := comparedValues(runs, year)
	kind := Stochastic
	if ensemble {
		kind = ParametricStochastic
	}
	var wins []Win
	var ranks []Rank
	for j, name := range outcomes {
		var in []int
		for k := range runs {
			if slices.ContainsFunc(values[j][k], func(x float64) bool { return !math.IsNaN(x) }) {
				in = append(in, k)
			}
		}
		for _, k := range in {
			for _, o := range in {
				if o == k {
					continue
				}
				diff := make([]float64, len(draw))
				for r := range diff {
					diff[r] = values[j][k][r] - values[j][o][r] // NaN where either is
				}
				order, _ := drawMeans(diff, draw)
				wins = append(wins, Win{Outcome: name, Scenario: names[k], Other: names[o],
					P: PBetter(scores(name, values[j][k]), scores(name, values[j][o]), draw, 1), Draws: len(order), Uncertainty: kind})
			}
		}
		if len(in) < 2 {
			continue
		}
		xs := make([][]float64, len(in))
		for i, k := range in {
			xs[i] = scores(name, values[j][k])
		}
		// The ranking by the mean over every run: all runs one group.
		all := make([]int, len(draw))
		byMean := Ranks(xs, all, 1)
		perDraw := Ranks(xs, draw, 1)
		n := 0
		if len(perDraw) > 0 {
			n = len(perDraw[0])
		}
		same := 0
		for d := range n {
			ok := true
			for i := range in {
				ok = ok && perDraw[i][d] == byMean[i][0]
			}
			if ok {
				same++
			}
		}
		for i, k := range in {
			r := Rank{Outcome: name, Scenario: names[k], Rank: byMean[i][0], Draws: n, Uncertainty: kind}
			var atRank, first int
			for d := range n {
				if perDraw[i][d] == r.Rank {
					atRank++
				}
				if perDraw[i][d] == 1 {
					first++
				}
			}
			r.PRank, r.PFirst, r.PSame = frac(atRank, n), frac(first, n), frac(same, n)
			ranks = append(ranks, r)
		}
	}
	return wins, ranks
}

func frac(a, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(a) / float64(n)
}

// winRow and rankRow are rows of wins.csv and ranking.csv.
type winRow struct {
	w  *Win
	id RunID
}

type rankRow struct {
	r  *Rank
	id RunID
}

// idOf returns the RunID of the scenario named name among ids.
func idOf(ids []RunID, name string) RunID {
	for _, id := range ids {
		if id.Scenario == name {
			return id
		}
	}
	return RunID{Scenario: name}
}

var winColumns = Columns[winRow]{
	{Field{"outcome", String, "", "the outcome, as in compare.csv"}, func(r *winRow) Cell { return Str(r.w.Outcome) }},
	{Field{"scenario", String, "", "the scenario"}, func(r *winRow) Cell { return Str(r.w.Scenario) }},
	{Field{"other", String, "", "the scenario it is compared with"}, func(r *winRow) Cell { return Str(r.w.Other) }},
	{Field{"p_better", Number, "probability", "the share of parameter draws (of replications, without `--ensemble`) in which the scenario's mean over the draw's replications beats the other's (higher is better; lower for between_share, turnover and cost_money; closer to zero for the gaps; a tie counts half)"}, func(r *winRow) Cell { return Num(r.w.P) }},
	{Field{"draws", Integer, "count", "the draws compared (those where both are defined)"}, func(r *winRow) Cell { return Int(r.w.Draws) }},
	{Field{"uncertainty", String, "", "`parametric+stochastic` with `--ensemble`, else `stochastic`"}, func(r *winRow) Cell { return Str(r.w.Uncertainty) }},
	{runFields[1], func(r *winRow) Cell { return Str(r.id.Hash) }},
	{runFields[2], func(r *winRow) Cell { return Int64(r.id.Seed) }},
}

var rankColumns = Columns[rankRow]{
	{Field{"outcome", String, "", "the outcome, as in compare.csv"}, func(r *rankRow) Cell { return Str(r.r.Outcome) }},
	{Field{"scenario", String, "", "the scenario"}, func(r *rankRow) Cell { return Str(r.r.Scenario) }},
	{Field{"rank", Integer, "place", "its place by the mean over every run, 1 the best"}, func(r *rankRow) Cell { return Int(r.r.Rank) }},
	{Field{"p_rank", Number, "probability", "the share of draws in which it has that place (by its mean over the draw's replications)"}, func(r *rankRow) Cell { return Num(r.r.PRank) }},
	{Field{"p_first", Number, "probability", "the share of draws in which it is the best"}, func(r *rankRow) Cell { return Num(r.r.PFirst) }},
	{Field{"p_same_ranking", Number, "probability", "the share of draws whose whole ranking of the outcome's scenarios is the ranking by means: how stable the ranking is"}, func(r *rankRow) Cell { return Num(r.r.PSame) }},
	{Field{"draws", Integer, "count", "the draws ranked"}, func(r *rankRow) Cell { return Int(r.r.Draws) }},
	{Field{"uncertainty", String, "", "`parametric+stochastic` with `--ensemble`, else `stochastic`"}, func(r *rankRow) Cell { return Str(r.r.Uncertainty) }},
	{runFields[1], func(r *rankRow) Cell { return Str(r.id.Hash) }},
	{runFields[2], func(r *rankRow) Cell { return Int64(r.id.Seed) }},
}

// WinsSchema and RankingSchema describe wins.csv and ranking.csv.
var (
	WinsSchema    = winColumns.Schema("wins", "One row per outcome and ordered pair of scenarios.")
	RankingSchema = rankColumns.Schema("ranking", "One row per outcome and scenario, in the order of compare.csv; the effect per million RMB ranks only the scenarios that spend extra money.")
)

// WriteWins writes wins.csv; ids are the scenarios' run identities (as
// for WriteCompare).
func WriteWins(w io.Writer, ids []RunID, wins []Win) error {
	return winColumns.Write(w, CSV, func(yield func(*winRow) bool) {
		for i := range wins {
			if !yield(&winRow{&wins[i], idOf(ids, wins[i].Scenario)}) {
				return
			}
		}
	})
}

// WriteRanking writes ranking.csv; ids as for WriteWins.
func WriteRanking(w io.Writer, ids []RunID, ranks []Rank) error {
	return rankColumns.Write(w, CSV, func(yield func(*rankRow) bool) {
		for i := range ranks {
			if !yield(&rankRow{&ranks[i], idOf(ids, ranks[i].Scenario)}) {
				return
			}
		}
	})
}

// PrintWins prints, for each of the outcomes named, the matrix of the
// probabilities that the row's scenario beats the column's, and the
// ranking by means with how often each draw agrees.
func PrintWins(w io.Writer, outcomes []string, wins []Win, ranks []Rank) {
	for _, o := range outcomes {
		var rows []string
		p := map[[2]string]float64{}
		draws := 0
		for _, x := range wins {
			if x.Outcome != o {
				continue
			}
			if !slices.Contains(rows, x.Scenario) {
				rows = append(rows, x.Scenario)
			}
			p[[2]string{x.Scenario, x.Other}] = x.P
			draws = max(draws, x.Draws)
		}
		if len(rows) < 2 {
			continue
		}
		fmt.Fprintf(w, "%s: probability that the row's scenario beats the column's (share of %d draws)\n", o, draws)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "\t%s\t\n", strings.Join(rows, "\t"))
		for _, a := range rows {
			cells := []string{a}
			for _, b := range rows {
				if a == b {
					cells = append(cells, "–")
				} else {
					cells = append(cells, fmt.Sprintf("%.2f", p[[2]string{a, b}]))
				}
			}
			fmt.Fprintf(tw, "%s\t\n", strings.Join(cells, "\t"))
		}
		tw.Flush()
		var order []Rank
		for _, r := range ranks {
			if r.Outcome == o {
				order = append(order, r)
			}
		}
		slices.SortStableFunc(order, func(a, b Rank) int { return a.Rank - b.Rank })
		var names []string
		for _, r := range order {
			names = append(names, r.Scenario)
		}
		if len(order) > 0 {
			fmt.Fprintf(w, "Ranking by mean: %s; every draw ranks them so in %.0f%% of draws; %s is the best in %.0f%%.\n\n",
				strings.Join(names, " > "), 100*order[0].PSame, order[0].Scenario, 100*order[0].PFirst)
		}
	}
}

// outcomeRow is one row of outcomes.csv.
type outcomeRow struct {
	id        RunID
	rep, draw int
	values    []float64
}

// OutcomesSchema describes outcomes.csv: each scenario's compared
// outcomes replication by replication, the data of PBetter and of
// scenario discovery.
var OutcomesSchema = outcomeColumns().Schema("outcomes", "One row per scenario and replication: the outcomes compare.csv summarises, run by run.")

func outcomeColumns() Columns[outcomeRow] {
	cols := Columns[outcomeRow]{
		{Field{"scenario", String, "", "the scenario"}, func(r *outcomeRow) Cell { return Str(r.id.Scenario) }},
		{Field{"replication", Integer, "", "the replication r"}, func(r *outcomeRow) Cell { return Int(r.rep) }},
		{Field{"draw", Integer, "", "its parameter draw, r mod D (ensemble.csv); r without `--ensemble`"}, func(r *outcomeRow) Cell { return Int(r.draw) }},
	}
	for j, name := range append(slices.Clone(comparisonOutcomes), PerMillion) {
		unit, desc := "SD per 1M RMB", "the gain in weak schools' composite over the first scenario per million RMB of extra reform money, in this replication (empty where no extra money is spent)"
		if name != PerMillion {
			o := headline(name)
			unit, desc = o.Unit, o.Description+", in this replication"
		}
		cols = append(cols, Column[outcomeRow]{Field{name, Number, unit, desc}, func(r *outcomeRow) Cell { return Num(r.values[j]) }})
	}
	return append(cols, Column[outcomeRow]{runFields[1], func(r *outcomeRow) Cell { return Str(r.id.Hash) }},
		Column[outcomeRow]{runFields[2], func(r *outcomeRow) Cell { return Int64(r.id.Seed) }})
}

// WriteOutcomes writes outcomes.csv for a comparison's runs (as
// CompareDraws takes them); ids[k] is scenario k's run identity.
func WriteOutcomes(w io.Writer, ids []RunID, runs [][][]sim.YearMetrics, year int, draw []int) error {
	_, _, values := comparedValues(runs, year)
	return outcomeColumns().Write(w, CSV, func(yield func(*outcomeRow) bool) {
		for k := range ids {
			for r := range draw {
				row := &outcomeRow{id: ids[k], rep: r, draw: draw[r]}
				for j := range values {
					row.values = append(row.values, values[j][k][r])
				}
				if !yield(row) {
					return
				}
			}
		}
	})
}
