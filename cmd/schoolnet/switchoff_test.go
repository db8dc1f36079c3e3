package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"schoolnet/agents"
)

// switchOff is a [model] table's lines that switch every switchable
// mechanism off (agents.Switches).
func switchOff() string {
	var b strings.Builder
	for _, s := range agents.Switches {
		fmt.Fprintf(&b, "%s = %g\n", s.Key, s.Off)
	}
	return b.String()
}

// TestTeacherMechanismsSwitchedOffReproduceMain: with the teacher
// mechanisms switched off, a small baseline and a small rotation (with
// principals and a group's staff exchanges) write what main wrote before
// they existed: testdata/switchoff holds main's files (commit 3f66d1f),
// from scenarios that pin every population and model key to main's
// defaults at 68c40ee. The files must be identical cell for cell but for
// the movers column, which must be all zero (empty for a group without
// students), the scenario hash, which
// also covers the switch-off keys main does not have, and the rows of
// the SES-quartile groups, which main does not write, and of groups
// without students, whose means main wrote as 0 (now empty).
func TestTeacherMechanismsSwitchedOffReproduceMain(t *testing.T) {
	for _, name := range []string{"baseline", "rotation"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "switchoff", name+".toml"))
			if err != nil {
				t.Fatal(err)
			}
			// The [model] table is the file's last: the keys join it.
			scn := writeScenario(t, string(src)+switchOff())
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
					students := slices.Index(got[0], "students")
					for i, row := range got[1:] {
						if row[movers] != "0" && row[movers] != "0.000000" && (row[movers] != "" || f != "yearly" || row[students] != "0") {
							t.Errorf("%s.csv row %d: movers %s with transfers off", f, i+1, row[movers])
						}
					}
					got = dropColumns(t, got, f, "movers")
				}
				got = project(got, want[0]) // columns added since are not compared
				if f == "yearly" {          // nor the SES-quartile groups' rows
					got = slices.DeleteFunc(got, func(row []string) bool { return strings.HasPrefix(row[2], "ses_q") })
					// nor the rows of a group without students, whose means
					// main wrote as 0 and are now empty (undefined)
					students := slices.Index(want[0], "students")
					empty := func(row []string) bool { return row[students] == "0" }
					got, want = slices.DeleteFunc(got, empty), slices.DeleteFunc(want, empty)
				}
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("%s.csv differs from main's (testdata/switchoff/%s.%s.csv)", f, name, f)
				}
			}
		})
	}
}

// project returns rows with only the columns of header, in its order;
// a column header names that rows lack is left empty.
func project(rows [][]string, header []string) [][]string {
	idx := make([]int, len(header))
	for k, name := range header {
		idx[k] = slices.Index(rows[0], name)
	}
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = make([]string, len(idx))
		for k, j := range idx {
			if j >= 0 {
				out[i][k] = row[j]
			}
		}
	}
	return out
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
