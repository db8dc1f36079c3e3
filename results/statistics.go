package results

import (
	"cmp"
	"io"

	"schoolnet/results/statistics"
)

// statisticRow is one row of statistics.csv: one value of a statistic of
// one replication.
type statisticRow struct {
	id  *RunID
	rep int
	v   *statistics.Value
}

// statisticColumns are the columns of statistics.csv.
var statisticColumns = append(Columns[statisticRow]{
	{Field{"replication", Integer, "", "replication number, as in yearly.csv"}, func(r *statisticRow) Cell { return Int(r.rep) }},
	{Field{"statistic", String, "", "the statistic's name (below)"}, func(r *statisticRow) Cell { return Str(r.v.Statistic) }},
	{Field{"first_year", Integer, "year", "the first year the value covers: its year for a yearly statistic"}, func(r *statisticRow) Cell { return Int(r.v.FirstYear) }},
	{Field{"last_year", Integer, "year", "the last year it covers: for the principal statistics, the last of every year with a gain"}, func(r *statisticRow) Cell { return Int(r.v.LastYear) }},
	{Field{"grade", Integer, "", "the national grade number (7, 8, 9); 0 when the statistic is not by grade"}, func(r *statisticRow) Cell { return Int(r.v.Grade) }},
	{Field{"tier", String, "", "`all`, `strong`, `average` or `weak`; `none` when the statistic is not by tier"}, func(r *statisticRow) Cell { return Str(cmp.Or(r.v.Tier, "none")) }},
	{Field{"subject", String, "", "`maths`, `chinese`, `english`, `science` or `composite` (the mean of the four subjects' values); `none` when the statistic is not by subject"}, func(r *statisticRow) Cell { return Str(cmp.Or(r.v.Subject, "none")) }},
	{Field{"value", Number, "the statistic's", "the value; empty when there were too few students, teachers or spells"}, func(r *statisticRow) Cell { return Num(r.v.Value) }},
	{Field{"n", Integer, "count", "the students, teachers or principals' spells it was computed from"}, func(r *statisticRow) Cell { return Int(r.v.N) }},
}, RunColumns(func(r *statisticRow) *RunID { return r.id })...)

// StatisticsSchema describes statistics.csv.
var StatisticsSchema = statisticColumns.Schema("statistics", "One row per replication and value of a statistic a researcher would compute from the student and staff records (results/statistics).")

// WriteStatistics writes statistics.csv in format: each replication's
// values, in order.
func WriteStatistics(w io.Writer, format Format, id RunID, reps []statistics.Replication) error {
	return statisticColumns.Write(w, format, func(yield func(*statisticRow) bool) {
		for _, r := range reps {
			for i := range r.Values {
				if !yield(&statisticRow{&id, r.Replication, &r.Values[i]}) {
					return
				}
			}
		}
	})
}
