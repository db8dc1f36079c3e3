package results

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"schoolnet/sim"
)

// tableColumn is one column of the yearly table: its heading and how to
// read it from a year's metrics.
type tableColumn struct {
	head string
	get  func(y *sim.YearMetrics) float64
}

var yearlyTable = []tableColumn{
	{"strong", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupStrong].Composite }},
	{"average", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupAverage].Composite }},
	{"weak", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupWeak].Composite }},
	{"gap S-W", func(y *sim.YearMetrics) float64 { return y.GapStrongWeak }},
	{"gap mig-loc", func(y *sim.YearMetrics) float64 { return y.GapMigrantLocal }},
	{"between", func(y *sim.YearMetrics) float64 { return y.BetweenShare }},
	{"leadership", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupAll].Leadership }},
	{"peer rel.", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupAll].PeerRelations }},
	{"turnover", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupAll].Turnover }},
}

// PrintYearly prints, per year, the mean over replications of the headline
// metrics: mean achievement by tier (composite of the four subjects, in SD
// of the baseline grade), the strong-weak and migrant-local gaps, the
// between-school share of variance, leadership, peer relationships and
// teacher turnover. With two or more replications each value is followed
// by ± the half-width of its 95% interval. A value undefined in a year
// (the mean of a group without students, a gap to one) is shown as –.
func PrintYearly(w io.Writer, years [][]sim.YearMetrics) error {
	if len(years) == 0 || len(years[0]) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"year"}
	for _, c := range yearlyTable {
		head = append(head, c.head)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	xs := make([]float64, len(years))
	for k := range years[0] {
		row := []string{fmt.Sprint(years[0][k].Year)}
		for _, c := range yearlyTable {
			for r := range years {
				xs[r] = c.get(&years[r][k])
			}
			m, h := MeanCI(xs)
			cell := Undefined("%+.3f", m)
			if !math.IsNaN(m) && !math.IsNaN(h) {
				cell += fmt.Sprintf(" ±%.3f", h)
			}
			row = append(row, cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}

// Undefined formats x as format does, or as – where x is undefined (NaN:
// the mean of a group without students, an index of an outcome that is
// undefined; or infinite), for the printed tables.
func Undefined(format string, x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf(format, x)
}
