package results

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testSweepRuns returns three points, two of three replications and one
// of one: weak_maths (the first outcome) is 1, 2, 3 at point 0, 4, 4, 4
// at point 1 and 7 at point 2; every other outcome is 0.
func testSweepRuns() []SweepRun {
	var runs []SweepRun
	add := func(point int, params []string, xs ...float64) {
		for r, x := range xs {
			o := make([]float64, len(Headlines))
			o[0] = x
			runs = append(runs, SweepRun{Run: len(runs), Point: point, Replication: r, Seed: 9, Params: params, Outcomes: o})
		}
	}
	add(0, []string{"0.5", "general"}, 1, 2, 3)
	add(1, []string{"1", "general"}, 4, 4, 4)
	add(2, []string{"1", "attainment"}, 7)
	return runs
}

func TestSweepRunsRoundTrip(t *testing.T) {
	keys := []string{"model.x", "policy.p.focus"}
	runs := testSweepRuns()
	var buf bytes.Buffer
	if err := WriteSweepRuns(&buf, keys, runs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSweepRuns(bytes.NewReader(buf.Bytes()), keys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		a, b := runs[i], got[i]
		if a.Run != b.Run || a.Point != b.Point || a.Replication != b.Replication || a.Seed != b.Seed ||
			!slices.Equal(a.Params, b.Params) || !slices.Equal(a.Outcomes, b.Outcomes) {
			t.Errorf("run %d: read %+v, wrote %+v", i, b, a)
		}
	}
	if _, err := ReadSweepRuns(bytes.NewReader(buf.Bytes()), keys[:1]); err == nil {
		t.Error("runs of other keys were read without an error")
	}
}

func TestWriteSweepPoints(t *testing.T) {
	keys := []string{"model.x", "policy.p.focus"}
	var buf bytes.Buffer
	if err := WriteSweepPoints(&buf, keys, testSweepRuns()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], SweepPointColumns(keys)) || len(rows) != 4 {
		t.Fatalf("header %v and %d rows, want %v and 3 points", rows[0], len(rows)-1, SweepPointColumns(keys))
	}
	// Point 0: 1, 2, 3: mean 2, s = 1, half-width t(0.975, 2)·1/√3 with
	// t(0.975, 2) = 4.3026527.
	half := 4.3026527 / math.Sqrt(3)
	for _, tt := range []struct {
		row             int
		params          []string
		n, mean, lo, hi string
	}{
		{1, []string{"0.5", "general"}, "3", "2.000000", strconv.FormatFloat(2-half, 'f', 6, 64), strconv.FormatFloat(2+half, 'f', 6, 64)},
		{2, []string{"1", "general"}, "3", "4.000000", "4.000000", "4.000000"},
		{3, []string{"1", "attainment"}, "1", "7.000000", "", ""},
	} {
		r := rows[tt.row]
		if got := []string{r[0], r[1], r[2], r[3], r[4], r[5], r[6]}; !slices.Equal(got, append(append([]string{strconv.Itoa(tt.row - 1)}, tt.params...), tt.n, tt.mean, tt.lo, tt.hi)) {
			t.Errorf("point %d: %v, want %v %s mean %s [%s, %s]", tt.row-1, got, tt.params, tt.n, tt.mean, tt.lo, tt.hi)
		}
	}
}

func TestSweepChartWrites(t *testing.T) {
	for k, key := range []string{"model.x", "policy.p.focus"} {
		c := SweepChart{Key: key, Param: k, Outcome: "weak_maths", Runs: testSweepRuns()}
		for _, format := range []string{"png", "svg"} {
			var buf bytes.Buffer
			if err := c.Write(&buf, format); err != nil || buf.Len() == 0 {
				t.Errorf("%s %s: %d bytes, %v", key, format, buf.Len(), err)
			}
			if format == "svg" && !strings.Contains(buf.String(), "weak_maths against "+key) {
				t.Errorf("%s: svg lacks its title", key)
			}
		}
	}
	if err := (&SweepChart{Key: "x", Outcome: "nothing", Runs: testSweepRuns()}).Write(&bytes.Buffer{}, "png"); err == nil {
		t.Error("a chart of an unknown outcome was written")
	}
}
