package results

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"schoolnet/sim"
)

// Quantity is one quantity of uncertainty.csv: an outcome of a run, or a
// true effect or estimate of an evaluation, with its variance split over
// an ensemble's draws (Decompose).
type Quantity struct {
	Name, Unit, Description string
	Split                   Split
	// Uncertainty is Stochastic or ParametricStochastic.
	Uncertainty string
}

// NewQuantity splits the values x of runs whose parameter draws are draw;
// ensemble says whether the draws are an ensemble's.
func NewQuantity(name, unit, description string, x []float64, draw []int, ensemble bool) Quantity {
	q := Quantity{Name: name, Unit: unit, Description: description, Split: Decompose(x, draw), Uncertainty: Stochastic}
	if ensemble {
		q.Uncertainty = ParametricStochastic
	}
	return q
}

// HeadlineQuantities returns every headline outcome of runs (runs[r] the
// years of replication r, of parameter draw draw[r]) as a Quantity.
func HeadlineQuantities(runs [][]sim.YearMetrics, draw []int, ensemble bool) []Quantity {
	var out []Quantity
	x := make([]float64, len(runs))
	for _, o := range Headlines {
		for r := range runs {
			x[r] = o.Get(runs[r])
		}
		out = append(out, NewQuantity(o.Name, o.Unit, o.Description, x, draw, ensemble))
	}
	return out
}

type quantityRow struct {
	q  *Quantity
	id *RunID
}

var uncertaintyColumns = append(Columns[quantityRow]{
	{Field{"quantity", String, "", "the outcome (as in summary.csv), or for evaluate `truth_<outcome>` (the true effect on the treated schools at the follow-up) and `<design>_<outcome>` (a design's estimate)"}, func(r *quantityRow) Cell { return Str(r.q.Name) }},
	{Field{"unit", String, "", "its unit"}, func(r *quantityRow) Cell { return Str(r.q.Unit) }},
	{Field{"mean", Number, "the quantity's", "mean over the replications"}, func(r *quantityRow) Cell { return Num(r.q.Split.Mean) }},
	{Field{"pi_low", Number, "the quantity's", "lower end of the 95% prediction interval of the quantity in one more world, drawn from the ensemble with its own random numbers: mean − t(0.975, D−1)·√(σ²_p + σ²_s + σ²_p/D + σ²_s/N) (docs/UNCERTAINTY.md); empty with fewer than two draws"}, func(r *quantityRow) Cell { return Num(r.q.Split.Lo) }},
	{Field{"pi_high", Number, "the quantity's", "upper end of that interval"}, func(r *quantityRow) Cell { return Num(r.q.Split.Hi) }},
	{Field{"parametric_variance", Number, "the quantity's, squared", "σ²_p, the variance between the draws' true means (random-effects analysis of variance); with one replication a draw, the whole variance"}, func(r *quantityRow) Cell { return Num(r.q.Split.Parametric) }},
	{Field{"stochastic_variance", Number, "the quantity's, squared", "σ²_s, the variance between replications of one draw (the model's own randomness); empty with one replication a draw"}, func(r *quantityRow) Cell { return Num(r.q.Split.Stochastic) }},
	{Field{"parametric_share", Number, "share", "σ²_p/(σ²_p + σ²_s); empty when it cannot be told"}, func(r *quantityRow) Cell { return Num(r.q.Split.Share()) }},
	{Field{"draws", Integer, "count", "D, the parameter draws (without `--ensemble` every replication is its own draw, and σ²_p is the replications' variance)"}, func(r *quantityRow) Cell { return Int(r.q.Split.Draws) }},
	{Field{"runs", Integer, "count", "N, the replications with a value"}, func(r *quantityRow) Cell { return Int(r.q.Split.Runs) }},
	{Field{"uncertainty", String, "", "`parametric+stochastic` with `--ensemble`, else `stochastic`"}, func(r *quantityRow) Cell { return Str(r.q.Uncertainty) }},
}, RunColumns(func(r *quantityRow) *RunID { return r.id })...)

// UncertaintySchema describes uncertainty.csv.
var UncertaintySchema = uncertaintyColumns.Schema("uncertainty", "One row per quantity: its mean over the replications, its 95% prediction interval and the parametric and stochastic parts of its variance.")

// WriteUncertainty writes uncertainty.csv.
func WriteUncertainty(w io.Writer, id RunID, qs []Quantity) error {
	return uncertaintyColumns.Write(w, CSV, func(yield func(*quantityRow) bool) {
		for i := range qs {
			if !yield(&quantityRow{&qs[i], &id}) {
				return
			}
		}
	})
}

// PrintUncertainty prints the quantities' means, prediction intervals and
// parametric shares.
func PrintUncertainty(w io.Writer, title string, qs []Quantity) {
	fmt.Fprintln(w, title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "quantity\tunit\tmean\t95%% interval (parametric + stochastic)\tparametric share\t\n")
	for _, q := range qs {
		pi := "–"
		if !math.IsNaN(q.Split.Lo) {
			pi = fmt.Sprintf("[%.3f, %.3f]", q.Split.Lo, q.Split.Hi)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", q.Name, q.Unit, Undefined("%.3f", q.Split.Mean), pi, percent(q.Split.Share()))
	}
	tw.Flush()
}
