package evaluate

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"schoolnet/results"
)

// TestDIDMatchesStatsmodels re-estimates the did design on a stored
// exported panel (testdata/did: exported by schoolnet evaluate
// --export-data from scenario.toml there) and compares the estimate and
// its CR1 standard error with statsmodels' on the same panel, computed
// once by testdata/did/did_statsmodels.py (Debian's python3-statsmodels)
// and stored in did_golden.csv.
func TestDIDMatchesStatsmodels(t *testing.T) {
	dir := filepath.Join("testdata", "did")
	students, err := os.Open(filepath.Join(dir, "study_students.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer students.Close()
	schools, err := os.Open(filepath.Join(dir, "study_schools.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer schools.Close()
	studies, err := ReadStudy(students, schools)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "did_golden.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+2*2*NumOutcomes {
		t.Fatalf("did_golden.csv has %d rows, want 2 replications × 2 worlds × %d outcomes", len(rows)-1, NumOutcomes)
	}
	for _, row := range rows[1:] {
		rep, _ := strconv.Atoi(row[0])
		d := studies[StudyKey{rep, row[1]}]
		if d == nil {
			t.Fatalf("no study %s/%s in the panel", row[0], row[1])
		}
		k := slices.IndexFunc([]int{0, 1, 2, 3, Composite}, func(k int) bool { return OutcomeName(k) == row[2] })
		want := [2]float64{}
		for j := range want {
			want[j], _ = strconv.ParseFloat(row[3+j], 64)
		}
		clusters, _ := strconv.Atoi(row[5])
		got := d.DID(k)
		for j, g := range []float64{got.Value, got.SE} {
			if math.Abs(g-want[j]) > 1e-12*max(1, math.Abs(want[j])) {
				t.Errorf("replication %d %s %s: %s %.15g, statsmodels %.15g", rep, row[1], row[2], []string{"estimate", "SE"}[j], g, want[j])
			}
		}
		if got.Clusters != clusters {
			t.Errorf("replication %d %s %s: %d clusters, statsmodels %d", rep, row[1], row[2], got.Clusters, clusters)
		}
	}
}

// TestExportIsWhatTheDesignsSaw exports the panel of a small evaluation
// and reads it back: the DID re-estimated from the files equals the did
// and rct-did designs' estimates (to the files' six decimals), every
// treated school carries its true effect, and untreated schools none.
func TestExportIsWhatTheDesignsSaw(t *testing.T) {
	scn := smallWorld(t, 8, 2, "", 2e7, `rule = "voluntary"`)
	res, err := Run(context.Background(), scn, Options{Designs: []string{DID, RCTDID}, Workers: 2, Export: true})
	if err != nil {
		t.Fatal(err)
	}
	id := results.RunID{Scenario: scn.Name, Hash: "h", Seed: scn.Run.Seed}
	var students, schools bytes.Buffer
	if err := res.WriteStudyStudents(&students, results.CSV, id); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteStudySchools(&schools, results.CSV, id); err != nil {
		t.Fatal(err)
	}
	studies, err := ReadStudy(bytes.NewReader(students.Bytes()), bytes.NewReader(schools.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(studies) != 2*2 {
		t.Fatalf("%d studies in the panel, want 2 replications × 2 worlds", len(studies))
	}
	for i := range res.Reps {
		for _, design := range []string{DID, RCTDID} {
			world := worldOf(design)
			d := studies[StudyKey{i, res.assignmentOf(world)}]
			orig := res.Reps[i].Data[world]
			if len(d.Pre) != len(orig.Pre) || len(d.Post) != len(orig.Post) || len(d.Schools) != len(orig.Schools) {
				t.Fatalf("replication %d %s: %d/%d students and %d schools read back, %d/%d and %d observed",
					i, design, len(d.Pre), len(d.Post), len(d.Schools), len(orig.Pre), len(orig.Post), len(orig.Schools))
			}
			for k := range NumOutcomes {
				got, want := d.DID(k), res.Reps[i].Estimates[design][k]
				if math.Abs(got.Value-want.Value) > 1e-5 || math.Abs(got.SE-want.SE) > 1e-5 || got.Clusters != want.Clusters {
					t.Errorf("replication %d %s %s: from the files %.6f (SE %.6f, %d schools), the design %.6f (SE %.6f, %d)",
						i, design, OutcomeName(k), got.Value, got.SE, got.Clusters, want.Value, want.SE, want.Clusters)
				}
			}
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(schools.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	treated, truth := slices.Index(rows[0], "treated"), slices.Index(rows[0], "true_maths")
	withTruth := 0
	for _, row := range rows[1:] {
		if (row[treated] == "1") != (row[truth] != "") {
			t.Errorf("school row %v: treated %s but true effect %q", row[:3], row[treated], row[truth])
		}
		if row[truth] != "" {
			withTruth++
		}
	}
	if withTruth == 0 {
		t.Error("no school carries a true effect")
	}
}
