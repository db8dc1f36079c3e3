package main

import (
	"bytes"
	"encoding/csv"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// reformScenario is smallScenario with the SSP package: voluntary pairing
// with the nearest strong school, rotation from the nearest sources and
// money, so that positions, tiers and selection all matter.
const reformScenario = smallScenario + `[[policy]]
kind = "pairing"
name = "pairs"
end = 0
partner_rule = "nearest"
[policy.select]
rule = "voluntary"
tier = "weak"
share = 1.0
[[policy]]
kind = "rotation"
name = "swap"
end = 0
source_rule = "nearest"
[policy.select]
rule = "as"
as = "pairs"
[[policy]]
kind = "funding"
name = "money"
end = 0
per_school = 500000
[policy.select]
rule = "as"
as = "pairs"
`

// withoutColumns returns a CSV file's bytes without the named columns
// (those a roster changes by construction: the scenario's name and hash).
func withoutColumns(t *testing.T, path string, drop ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var keep []int
	for i, c := range recs[0] {
		if !slices.Contains(drop, c) {
			keep = append(keep, i)
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, rec := range recs {
		var row []string
		for _, i := range keep {
			row = append(row, rec[i])
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// TestRosterRoundTrip exports a scenario's school system as a roster and
// runs the scenario on it: with one replication every result file is the
// same, byte for byte (but for the columns naming the scenario's inputs,
// which differ because the roster is one of them). With two, replication
// 0 is the same and replication 1 differs: a synthetic system draws a new
// layout in each replication, a roster keeps the first's.
func TestRosterRoundTrip(t *testing.T) {
	scn := writeScenario(t, reformScenario)
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	if code, stdout, stderr := run(t, "roster", "export", scn, "--out", roster); code != 0 || !strings.Contains(stdout, "6 schools in 2 districts") {
		t.Fatalf("export: exit %d: %s%s", code, stdout, stderr)
	}
	for _, reps := range []string{"1", "2"} {
		a, b := filepath.Join(dir, "a"+reps), filepath.Join(dir, "b"+reps)
		if code, _, stderr := run(t, "run", scn, "--reps", reps, "--out", a, "--quiet"); code != 0 {
			t.Fatal(stderr)
		}
		code, stdout, stderr := run(t, "run", scn, "--roster", roster, "--reps", reps, "--out", b, "--quiet")
		if code != 0 {
			t.Fatal(stderr)
		}
		if !strings.Contains(stdout, "principal_tenure: 6 of 6 schools drawn") {
			t.Errorf("run --roster does not report what it filled:\n%s", stdout)
		}
		for _, f := range []string{"yearly.csv", "schools.csv", "summary.csv"} {
			x := withoutColumns(t, filepath.Join(a, f), "scenario", "scenario_hash")
			y := withoutColumns(t, filepath.Join(b, f), "scenario", "scenario_hash")
			same := bytes.Equal(x, y)
			if reps == "1" && !same {
				t.Errorf("%s differs between the scenario and its exported roster", f)
			}
			if reps == "2" && f == "yearly.csv" {
				first := func(b []byte) string {
					var rows []string
					for _, l := range strings.Split(string(b), "\n") {
						if strings.HasPrefix(l, "0,") {
							rows = append(rows, l)
						}
					}
					return strings.Join(rows, "\n")
				}
				if first(x) != first(y) {
					t.Error("replication 0 differs between the scenario and its exported roster")
				}
				if same {
					t.Error("replication 1 is the same: the synthetic system should draw a new layout")
				}
			}
		}
	}
	// Exporting again does not overwrite the roster without --force.
	if code, _, stderr := run(t, "roster", "export", scn, "--out", roster); code != 2 || !strings.Contains(stderr, "exists") {
		t.Errorf("export over an existing file: exit %d, %s", code, stderr)
	}
	if code, _, _ := run(t, "roster", "export", scn, "--out", roster, "--force"); code != 0 {
		t.Error("export --force failed")
	}
}

// TestBadRosterRefused checks that a bad roster is refused with file,
// line and column, exit status 2, and nothing written.
func TestBadRosterRefused(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "schools.csv")
	os.WriteFile(bad, []byte("# my district\nid,district,x_km,y_km,enrolment,tier\na,N,0,0,500,weak\nb,N,1,1,-3,strong\n"), 0o644)
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"run", writeScenario(t, smallScenario), "--roster", bad, "--out", out},
		{"compare", "baseline", "shanghai-ssp", "--roster", bad, "--out", out},
		{"roster", "check", bad},
	} {
		code, _, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, `schools.csv:4: enrolment: must be a positive integer, got "-3"`) {
			t.Errorf("%v: exit %d, stderr %q", args[0], code, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v wrote %s", args[0], out)
		}
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("id,district,lat,lon,enrolment,tier,migrant_share\na,N,31.1,121.4,500,weak,0.6\nb,S,31.2,121.5,900,strong,\n"), 0o644)
	code, stdout, stderr := run(t, "roster", "check", good)
	if code != 0 || !strings.Contains(stdout, "2 schools (1 strong, 0 average, 1 weak) in 2 districts (N, S)") || !strings.Contains(stdout, "migrant_share: 1 of 2 schools") {
		t.Errorf("roster check: exit %d\n%s%s", code, stdout, stderr)
	}
}

var quotedNum = regexp.MustCompile(`data-src="compare\.csv" data-scenario="([^"]*)" data-outcome="([^"]*)" data-col="([^"]*)" data-value="([^"]*)"`)

// TestCompareReport runs compare --report on a roster and checks that
// every number the report quotes is compare.csv's, that every cell of
// compare.csv is in it, and that schoolnet report on the folder writes
// the same page.
func TestCompareReport(t *testing.T) {
	dir := t.TempDir()
	base, reform := writeScenario(t, smallScenario), writeScenario(t, strings.Replace(reformScenario, `name = "small"`, `name = "reform"`, 1))
	roster := filepath.Join(dir, "roster.csv")
	if code, _, stderr := run(t, "roster", "export", base, "--out", roster); code != 0 {
		t.Fatal(stderr)
	}
	out, page := filepath.Join(dir, "cmp"), filepath.Join(dir, "report.html")
	code, stdout, stderr := run(t, "compare", base, reform, "--roster", roster, "--out", out, "--report", page, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Report: "+page) {
		t.Errorf("compare does not say where the report is:\n%s", stdout)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	recs, _ := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(out, "compare.csv")))).ReadAll()
	for _, rec := range recs[1:] {
		for i, col := range recs[0] {
			if rec[i] != "" && (col == "mean" || strings.HasPrefix(col, "diff")) {
				cells[rec[0]+"/"+rec[1]+"/"+col] = rec[i]
			}
		}
	}
	seen := map[string]bool{}
	for _, m := range quotedNum.FindAllStringSubmatch(string(b), -1) {
		k := html.UnescapeString(m[1]) + "/" + m[2] + "/" + m[3]
		if cells[k] != m[4] {
			t.Errorf("the report quotes %s = %s, compare.csv holds %q", k, m[4], cells[k])
		}
		seen[k] = true
	}
	for k := range cells {
		if !seen[k] {
			t.Errorf("compare.csv's %s is not in the report", k)
		}
	}
	// The same page from the folder.
	again := filepath.Join(dir, "again.html")
	if code, _, stderr := run(t, "report", out, "--out", again); code != 0 {
		t.Fatal(stderr)
	}
	if !bytes.Equal(b, readFile(t, again)) {
		t.Error("schoolnet report DIR writes another page than compare --report")
	}
	// Refused: a report inside the result folder, a folder that is none.
	if code, _, stderr := run(t, "report", out, "--out", filepath.Join(out, "r.html")); code != 2 || !strings.Contains(stderr, "inside the result folder") {
		t.Errorf("report inside the folder: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, "report", dir); code != 2 || !strings.Contains(stderr, "not a result folder") {
		t.Errorf("report of a plain folder: exit %d, %s", code, stderr)
	}
}

// TestRosterRoundTripOfARoster: a scenario that runs on a roster (the
// shipped district) exported and run again makes the same schools: its
// export keeps each school's enrolment as the roster gave it, from which
// the classes were planned (an audit found 877 students written as the
// classes' 882, which plans 7 classes of 42 where 877 planned 6 of 49).
func TestRosterRoundTripOfARoster(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(dir, "district.csv")
	if code, _, stderr := run(t, "roster", "export", "district", "--out", roster); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if code, _, stderr := run(t, "run", "district", "--reps", "1", "--years", "1", "--out", a, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := run(t, "run", "district", "--roster", roster, "--reps", "1", "--years", "1", "--out", b, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	for _, f := range []string{"yearly.csv", "schools.csv"} {
		if !bytes.Equal(withoutColumns(t, filepath.Join(a, f), "scenario", "scenario_hash"), withoutColumns(t, filepath.Join(b, f), "scenario", "scenario_hash")) {
			t.Errorf("%s differs between district and its exported roster", f)
		}
	}
}
