package results

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"schoolnet/results/statistics"
)

// TestWriteStatisticsCells checks statistics.csv's header and cells: a
// value without grade, tier or subject has grade 0 and tier and subject
// none, a NaN value an empty cell, and every row ends with the
// run's identity.
func TestWriteStatisticsCells(t *testing.T) {
	var b bytes.Buffer
	err := WriteStatistics(&b, CSV, RunID{Scenario: "s", Hash: "h", Seed: 9}, []statistics.Replication{{Replication: 3, Values: []statistics.Value{
		{Key: statistics.Key{Statistic: statistics.TeacherVA, Subject: "maths"}, FirstYear: 2, LastYear: 2, Value: 0.123456789, N: 40},
		{Key: statistics.Key{Statistic: statistics.Growth, Grade: 8, Tier: "weak", Subject: "composite"}, FirstYear: 1, LastYear: 1, Value: math.NaN()},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{StatisticsSchema.Names(),
		{"3", "teacher_va_sd", "2", "2", "0", "none", "maths", "0.123457", "40", "s", "h", "9"},
		{"3", "growth", "1", "1", "8", "weak", "composite", "", "0", "s", "h", "9"}}
	if got := readCSV(t, b.Bytes()); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %q, want %q", got, want)
	}
}
