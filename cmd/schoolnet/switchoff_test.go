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
// they existed: testdata/switchoff holds main's files (commit 68c40ee), from
// scenarios that pin every population and model key to main's defaults.
// The files must be byte-identical but for the movers column they added,
// which must be all zero.
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
			for _, f := range []string{"yearly", "schools"} {
				got := readCSV(t, filepath.Join(out, f+".csv"))
				want := readCSV(t, filepath.Join("testdata", "switchoff", name+"."+f+".csv"))
				if last := len(got[0]) - 1; got[0][last] != "movers" {
					t.Fatalf("%s.csv: last column %q, want movers", f, got[0][last])
				}
				for i, row := range got {
					last := len(row) - 1
					if i > 0 && row[last] != "0" && row[last] != "0.000000" {
						t.Errorf("%s.csv row %d: movers %s with transfers off", f, i, row[last])
					}
					got[i] = row[:last]
				}
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("%s.csv differs from main's (testdata/switchoff/%s.%s.csv)", f, name, f)
				}
			}
		})
	}
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
