package calibrate

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim/ranges"
	"schoolnet/targets"
)

// TestShippedPosteriorCentresOnTheDefaults: the shipped calibration's
// posterior (targets.PosteriorFile, what --ensemble posterior draws)
// centres on the defaults it set: the weighted median of every parameter,
// as calibrate computes it, lies within 5% of its range of its default
// (the default is the median rounded to two digits). This ties
// posterior.csv to the parameters.csv that agents' tests check the
// defaults against.
func TestShippedPosteriorCentresOnTheDefaults(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(targets.ShippedPosterior())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	if len(head) <= 4 || head[2] != "weight" {
		t.Fatalf("%s: header %v", targets.PosteriorFile, head)
	}
	num := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s: %v", targets.PosteriorFile, err)
		}
		return x
	}
	w := make([]float64, len(rows)-1)
	for i, row := range rows[1:] {
		w[i] = num(row[2])
	}
	p := agents.DefaultParams()
	for c, key := range head[4:] {
		model, ok := strings.CutPrefix(key, "model.")
		if !ok {
			t.Fatalf("%s: the shipped posterior calibrates model keys only", key)
		}
		x := make([]float64, len(rows)-1)
		for i, row := range rows[1:] {
			x[i] = num(row[4+c])
		}
		median := weightedQuantile(x, w, 0.5)
		r, _ := agents.ParamRanges.Lookup(model)
		if def, _ := ranges.Get(&p, model); math.Abs(def-median) > 0.05*(r.High-r.Low) {
			t.Errorf("%s: default %g, but the shipped posterior's weighted median is %g", key, def, median)
		}
	}
}
