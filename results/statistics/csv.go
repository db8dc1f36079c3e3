package statistics

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
)

// Columns are the columns of statistics.csv.
var Columns = []string{"replication", "statistic", "first_year", "last_year", "grade", "tier", "subject", "value", "n"}

// Replication is one replication's values, as Collector.Values returns
// them.
type Replication struct {
	Replication int
	Values      []Value
}

// Write writes statistics.csv: one row per replication and value, in the
// order given. A grade of 0 and an empty tier or subject are written as
// empty cells (the statistic is not by grade, tier or subject), and so is
// a NaN value; numbers have six decimals.
func Write(w io.Writer, reps []Replication) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range reps {
		for _, v := range r.Values {
			grade, value := "", ""
			if v.Grade != 0 {
				grade = strconv.Itoa(v.Grade)
			}
			if !math.IsNaN(v.Value) {
				value = strconv.FormatFloat(v.Value, 'f', 6, 64)
			}
			if err := cw.Write([]string{strconv.Itoa(r.Replication), v.Statistic,
				strconv.Itoa(v.FirstYear), strconv.Itoa(v.LastYear), grade, v.Tier, v.Subject,
				value, strconv.Itoa(v.N)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
