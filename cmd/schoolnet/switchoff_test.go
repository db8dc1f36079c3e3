package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// teacherSwitchOff sets every switch of the teacher mechanisms of issue 11
// to off: portable value added (both levels), voluntary transfers and the
// effectiveness term of attrition.
const teacherSwitchOff = `context_share_junior = 0
context_share_primary = 0
transfer_search = 0
attrition_effectiveness = 0
`

// TestTeacherMechanismsSwitchedOffReproduceMain: with the teacher
// mechanisms switched off, a small baseline and a small rotation (with
// principals and a group's staff exchanges) write what main wrote before
// they existed: testdata/switchoff holds main's files (commit 3f66d1f),
// from scenarios that pin every population and model key to main's
// defaults at 68c40ee. The files must be identical cell for cell but for
// the movers column, which must be all zero, and the scenario hash, which
// also covers the switch-off keys main does not have.
func TestTeacherMechanismsSwitchedOffReproduceMain(t *testing.T) {
	for _, name := range []string{"baseline", "rotation"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "switchoff", name+".toml"))
			if err != nil {
				t.Fatal(err)
			}
			// The [model] table is the file's last: the keys join it.
			scn := writeScenario(t, string(src)+teacherSwitchOff)
			out := t.TempDir()
			if code, _, stderr := run(t, "run", scn, "--out", out, "--quiet", "--workers", "2"); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, f := range []string{"yearly", "schools", "treatments"} {
				got := dropColumns(t, readCSV(t, filepath.Join(out, f+".csv")), f, "scenario_hash")
				want := dropColumns(t, readCSV(t, filepath.Join("testdata", "switchoff", name+"."+f+".csv")), f, "scenario_hash")
				if f != "treatments" {
					movers := slices.Index(got[0], "movers")
					if movers < 0 {
						t.Fatalf("%s.csv has no movers column", f)
					}
					for i, row := range got[1:] {
						if row[movers] != "0" && row[movers] != "0.000000" {
							t.Errorf("%s.csv row %d: movers %s with transfers off", f, i+1, row[movers])
						}
					}
					got = dropColumns(t, got, f, "movers")
				}
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("%s.csv differs from main's (testdata/switchoff/%s.%s.csv)", f, name, f)
				}
			}
		})
	}
}

// dropColumns returns rows without the named column of file f.
func dropColumns(t *testing.T, rows [][]string, f, name string) [][]string {
	t.Helper()
	k := slices.Index(rows[0], name)
	if k < 0 {
		t.Fatalf("%s.csv has no %s column", f, name)
	}
	for i, row := range rows {
		rows[i] = slices.Delete(slices.Clone(row), k, k+1)
	}
	return rows
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}
