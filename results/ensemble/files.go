package ensemble

import (
	"io"

	"schoolnet/results"
)

// drawRow is one row of ensemble.csv.
type drawRow struct {
	d     int
	theta []float64
	id    *results.RunID
}

// Schema describes ensemble.csv: one row per parameter draw, one column
// per parameter drawn.
func (e *Ensemble) Schema() results.Schema {
	return e.columns().Schema("ensemble", "One row per parameter draw of the ensemble: replication r took draw r mod D.")
}

func (e *Ensemble) columns() results.Columns[drawRow] {
	cols := results.Columns[drawRow]{
		{Field: results.Field{Name: "draw", Type: results.Integer, Description: "the draw d, from 0; replication r takes draw r mod D"}, Get: func(r *drawRow) results.Cell { return results.Int(r.d) }},
	}
	for k, key := range e.Keys {
		cols = append(cols, results.Column[drawRow]{Field: results.Field{Name: key, Type: results.Number, Unit: "the parameter's", Description: "the draw's value of " + key + ", to 6 decimals (an integer key is rounded when run)"},
			Get: func(r *drawRow) results.Cell { return results.Num(r.theta[k]) }})
	}
	return append(cols, results.RunColumns(func(r *drawRow) *results.RunID { return r.id })...)
}

// WriteDraws writes ensemble.csv: the draws theta (Runs.Theta), of the
// run id (of a comparison, its first scenario's; the draws' streams derive
// from its seed).
func (e *Ensemble) WriteDraws(w io.Writer, id results.RunID, theta [][]float64) error {
	return e.columns().Write(w, results.CSV, func(yield func(*drawRow) bool) {
		for d, t := range theta {
			if !yield(&drawRow{d, t, &id}) {
				return
			}
		}
	})
}

// Info is the ensemble as the manifest records it.
func (e *Ensemble) Info() *results.EnsembleInfo {
	return &results.EnsembleInfo{Name: e.Name, SHA256: e.SHA256, Keys: e.Keys, Draws: e.Draws}
}
