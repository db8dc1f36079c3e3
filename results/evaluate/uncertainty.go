package evaluate

import (
	"math"

	"schoolnet/results"
)

// Quantities returns, for uncertainty.csv, the true effect on the treated
// schools at the follow-up (truth_<outcome>, in the scenario's world, or
// the lottery's when only the lottery designs ran) and each design's
// estimate (<design>_<outcome>), split over the replications' parameter
// draws (replication r had draw draw[r]; ensemble says whether the draws
// are an ensemble's).
func (r *Result) Quantities(draw []int, ensemble bool) []results.Quantity {
	var out []results.Quantity
	n := len(r.Reps)
	x := make([]float64, n)
	w := worldScenario
	if n > 0 && len(r.Reps[0].Truth[w]) == 0 {
		w = worldLottery
	}
	for k := range NumOutcomes {
		if n == 0 || len(r.Reps[0].Truth[w]) == 0 {
			break
		}
		for i := range r.Reps {
			tr := r.Reps[i].Truth[w]
			x[i] = tr[len(tr)-1][k]
		}
		out = append(out, results.NewQuantity("truth_"+OutcomeName(k), "SD",
			"the true effect on the treated schools' "+OutcomeName(k)+" at the follow-up", x, draw, ensemble))
	}
	for _, d := range Designs {
		if !r.Has(d) {
			continue
		}
		for k := range NumOutcomes {
			for i := range r.Reps {
				x[i] = math.NaN()
				if e := r.Reps[i].Estimates[d]; e != nil {
					x[i] = e[k].Value
				}
			}
			out = append(out, results.NewQuantity(d+"_"+OutcomeName(k), "SD",
				"the "+d+" design's estimate of the effect on "+OutcomeName(k), x, draw, ensemble))
		}
	}
	return out
}
