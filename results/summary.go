package results

import (
	"fmt"
	"io"

	"schoolnet/sim"
)

// Outcome is a headline outcome of one replication, read from its yearly
// metrics (years 0..Years in order).
type Outcome struct {
	Name, Unit, Description string
	Get                     func(years []sim.YearMetrics) float64
}

func final(ys []sim.YearMetrics) *sim.YearMetrics { return &ys[len(ys)-1] }

// sumYears adds f over the simulated years 1..Years.
func sumYears(ys []sim.YearMetrics, f func(*sim.YearMetrics) float64) float64 {
	var s float64
	for i := range ys {
		if ys[i].Year >= 1 {
			s += f(&ys[i])
		}
	}
	return s
}

// Headlines are the outcomes summary.csv and comparisons report.
var Headlines = []Outcome{
	{"weak_maths", "SD", "weak schools' mean maths in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupWeak].Z[0] }},
	{"weak_chinese", "SD", "weak schools' mean Chinese in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupWeak].Z[1] }},
	{"weak_composite", "SD", "weak schools' mean of the four subjects in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupWeak].Composite }},
	{"strong_composite", "SD", "strong schools' mean of the four subjects in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupStrong].Composite }},
	{"gap_strong_weak", "SD", "strong minus weak schools' composite in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).GapStrongWeak }},
	{"gap_migrant_local", "SD", "migrant minus local students' composite in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).GapMigrantLocal }},
	{"between_share", "share", "between-school share of composite variance in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).BetweenShare }},
	{"leadership", "index", "mean effective leadership in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupAll].Leadership }},
	{"peer_relations", "index", "mean peer-relationship quality in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupAll].PeerRelations }},
	{"style", "index", "mean teaching style (0 teacher-, 1 student-centred) in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupAll].Style }},
	{"turnover", "share/year", "mean yearly teacher turnover over the simulated years", func(ys []sim.YearMetrics) float64 {
		return sumYears(ys, func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupAll].Turnover }) / float64(max(1, len(ys)-1))
	}},
	{"cost_money", "RMB", "reform money spent over the run", func(ys []sim.YearMetrics) float64 {
		return sumYears(ys, func(y *sim.YearMetrics) float64 { return y.Cost.Money })
	}},
	{"cost_teacher_hours", "hours", "teacher hours taken from teaching over the run", func(ys []sim.YearMetrics) float64 {
		return sumYears(ys, func(y *sim.YearMetrics) float64 { return y.Cost.TeacherHours })
	}},
	{"cost_travel_hours", "hours", "travel hours over the run", func(ys []sim.YearMetrics) float64 {
		return sumYears(ys, func(y *sim.YearMetrics) float64 { return y.Cost.TravelHours })
	}},
	{"ses_segregation", "share", "between-school share of SES variance (variance ratio index) in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).SESSegregation }},
	{"exit_share", "share", "share of school-age children in a school-choice exit (private) sector in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).ExitShare }},
	sesQuartile(0), sesQuartile(1), sesQuartile(2), sesQuartile(3),
	{"gap_ses_q4_q1", "SD", "top minus bottom SES quartile's composite in the final year", func(ys []sim.YearMetrics) float64 { return final(ys).GapSES() }},
}

// sesQuartile is the headline outcome of SES quartile q (0 = bottom):
// the quartile's mean composite in the final year.
func sesQuartile(q int) Outcome {
	return Outcome{fmt.Sprintf("ses_q%d_composite", q+1), "SD",
		fmt.Sprintf("SES quartile %d's mean of the four subjects in the final year (1 = least advantaged)", q+1),
		func(ys []sim.YearMetrics) float64 { return final(ys).Groups[sim.GroupSESQ1+q].Composite }}
}

// summaryRow is one row of summary.csv: a headline outcome over the
// replications.
type summaryRow struct {
	id       *RunID
	o        *Outcome
	mean, lo float64
	hi       float64
	n        int
}

// summaryColumns are the columns of summary.csv.
var summaryColumns = append(Columns[summaryRow]{
	{Field{"outcome", String, "", "the outcome's name (below)"}, func(r *summaryRow) Cell { return Str(r.o.Name) }},
	{Field{"unit", String, "", "its unit"}, func(r *summaryRow) Cell { return Str(r.o.Unit) }},
	{Field{"mean", Number, "the outcome's", "mean over replications"}, func(r *summaryRow) Cell { return Num(r.mean) }},
	{Field{"ci_low", Number, "the outcome's", "lower end of the 95% interval of the mean: mean − t(0.975, n−1)·s/√n; empty with one replication; with `--ensemble`, mean − t(0.975, D−1)·√(σ²_p/D + σ²_s/n) over its D draws (docs/UNCERTAINTY.md), empty with one draw"}, func(r *summaryRow) Cell { return Num(r.lo) }},
	{Field{"ci_high", Number, "the outcome's", "upper end of the 95% interval of the mean (as for `ci_low`)"}, func(r *summaryRow) Cell { return Num(r.hi) }},
	{Field{"replications", Integer, "count", "n, the replications in which the outcome is defined (0 for the means of a group without students)"}, func(r *summaryRow) Cell { return Int(r.n) }},
	{Field{"description", String, "", "what the outcome is"}, func(r *summaryRow) Cell { return Str(r.o.Description) }},
}, RunColumns(func(r *summaryRow) *RunID { return r.id })...)

// SummarySchema describes summary.csv.
var SummarySchema = summaryColumns.Schema("summary", "One row per headline outcome, over replications.")

// SummaryColumns are the columns of summary.csv.
var SummaryColumns = SummarySchema.Names()

// WriteSummary writes each headline outcome's mean over replications and
// its 95% interval (empty with one replication). With an ensemble, draw[r]
// is replication r's parameter draw, and the interval counts the draws'
// spread (Split's CILo and CIHi); draw is nil without one.
func WriteSummary(w io.Writer, id RunID, years [][]sim.YearMetrics, draw []int) error {
	return summaryColumns.Write(w, CSV, func(yield func(*summaryRow) bool) {
		xs := make([]float64, len(years))
		for k := range Headlines {
			o := &Headlines[k]
			for r := range years {
				xs[r] = o.Get(years[r])
			}
			m, lo, hi, n := MeanInterval(xs, draw)
			if !yield(&summaryRow{&id, o, m, lo, hi, n}) {
				return
			}
		}
	})
}
