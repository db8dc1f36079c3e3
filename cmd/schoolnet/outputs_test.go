package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOutputsRefusedBeforeAnyWork: an output path that cannot be written,
// or that holds a file schoolnet did not write, is refused with exit 2
// before anything is simulated, and the file there is left as it was:
// the report of compare, given the scenario's own name by mistake, must
// not overwrite the scenario.
func TestOutputsRefusedBeforeAnyWork(t *testing.T) {
	dir := t.TempDir()
	scn := filepath.Join(dir, "mine.toml")
	notes := filepath.Join(dir, "notes.txt")
	folder := filepath.Join(dir, "folder")
	files := map[string]string{scn: tiny, notes: "my notes\n"}
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"compare's report over the scenario", []string{"compare", scn, scn, "--report", scn, "--out", out, "--quiet"}, "--report: " + scn + " exists and is not a report that schoolnet wrote"},
		{"compare's report a folder", []string{"compare", scn, scn, "--report", folder, "--out", out, "--quiet"}, folder + " is a folder: give the name of the report file"},
		{"compare's report through a file", []string{"compare", scn, scn, "--report", filepath.Join(notes, "r.html"), "--out", out, "--quiet"}, notes + " is a file, not a folder"},
		{"report over notes", []string{"report", "--out", notes, out}, notes + " exists and is not a report that schoolnet wrote"},
		{"discover over notes", []string{"discover", out, "--better", "a", "--than", "b", "--out", notes}, notes + " exists and is not a discover.csv that schoolnet wrote"},
		{"run's folder through a file", []string{"run", scn, "--out", filepath.Join(notes, "out"), "--quiet"}, notes + " is a file, not a folder"},
		{"compare's folder through a file", []string{"compare", scn, scn, "--out", filepath.Join(notes, "out"), "--quiet"}, notes + " is a file, not a folder"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, tt.msg)
			}
			if strings.Contains(stdout, "Comparing") || strings.Contains(stdout, "year") {
				t.Errorf("it ran before refusing: %q", stdout)
			}
			for p, s := range files {
				if b, err := os.ReadFile(p); err != nil || string(b) != s {
					t.Errorf("%s changed: %q, %v", p, b, err)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was written", out)
			}
			if es, _ := os.ReadDir(folder); len(es) > 0 {
				t.Errorf("%s holds %v", folder, es)
			}
		})
	}
}

// TestEmptyGroupsThroughEveryCommand: a system without weak schools and
// without migrant children, whose weak and migrant means and gaps are
// undefined (empty cells), runs through run, compare with its report and
// charts, report and a sweep, and every file says "undefined", not 0.
func TestEmptyGroupsThroughEveryCommand(t *testing.T) {
	const system = "[run]\nyears = 2\nweeks_per_year = 2\nspin_up_years = 1\nreplications = 2\n[population]\ndistricts = 1\nschools_per_district = 4\nstaff_history_years = 1\n" +
		"[population.strong]\nshare = 0.5\nmigrant_share = 0\n[population.average]\nshare = 0.5\nmigrant_share = 0\n[population.weak]\nshare = 0\nmigrant_share = 0\n"
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	none := write("none.toml", "name = \"none\"\n"+system)
	funded := write("funded.toml", "name = \"funded\"\n"+system+"[[policy]]\nkind = \"funding\"\nend = 2\nselect.tier = \"average\"\n")
	swept := write("swept.toml", "name = \"swept\"\n"+system+"[sweep]\nmethod = \"grid\"\noutcome = \"gap_migrant_local\"\n[[sweep.param]]\nkey = \"model.tie_accept\"\nvalues = [0.2, 0.5]\n")
	for _, args := range [][]string{
		{"run", none, "--out", filepath.Join(dir, "run"), "--quiet"},
		{"report", filepath.Join(dir, "run"), "--out", filepath.Join(dir, "run.html")},
		{"compare", none, funded, "--out", filepath.Join(dir, "compare"), "--report", filepath.Join(dir, "compare.html"), "--quiet"},
		{"sweep", swept, "--out", filepath.Join(dir, "sweep"), "--quiet"},
	} {
		if code, _, stderr := run(t, args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args[0], code, stderr)
		}
	}
	summary, err := os.ReadFile(filepath.Join(dir, "run", "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, outcome := range []string{"weak_composite", "gap_strong_weak", "gap_migrant_local"} {
		if !strings.Contains(string(summary), "\n"+outcome+",SD,,,,0,") { // over 0 replications
			t.Errorf("summary.csv does not leave %s undefined:\n%s", outcome, summary)
		}
	}
	points, err := os.ReadFile(filepath.Join(dir, "sweep", "points.csv"))
	if err != nil || strings.Count(string(points), "\n") != 3 {
		t.Errorf("points.csv: %v\n%s", err, points)
	}
	page, err := os.ReadFile(filepath.Join(dir, "run.html"))
	if err != nil || strings.Contains(string(page), "NaN") || strings.Contains(string(page), `data-value=""`) {
		t.Errorf("the report shows NaN or a number for an empty cell (%v)", err)
	}
	// Beside a system that has weak schools, in either order, the report
	// says which one lacks them.
	shares := strings.NewReplacer("share = 0.5", "share = 0.4", "[population.weak]\nshare = 0\n", "[population.weak]\nshare = 0.2\n")
	weak := write("weak.toml", "name = \"weak\"\n"+shares.Replace(system))
	for i, pair := range [][2]string{{none, weak}, {weak, none}} {
		html := filepath.Join(dir, fmt.Sprintf("pair%d.html", i))
		if code, _, stderr := run(t, "compare", pair[0], pair[1], "--out", filepath.Join(dir, fmt.Sprintf("pair%d", i)), "--report", html, "--quiet"); code != exitOK {
			t.Fatalf("compare: exit %d: %s", code, stderr)
		}
		page, err := os.ReadFile(html)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), "none has no weak schools to compare") || strings.Contains(string(page), "The systems compared have no weak schools") {
			t.Errorf("%s then %s: the report does not say that none alone lacks weak schools", filepath.Base(pair[0]), filepath.Base(pair[1]))
		}
		// A difference defined in no replication has no parametric
		// share either (an audit found 0 there).
		rows := readCSV(t, filepath.Join(dir, fmt.Sprintf("pair%d", i), "compare.csv"))
		col := func(name string) int { return slices.Index(rows[0], name) }
		for _, r := range rows[1:] {
			if r[col("replications")] == "0" && r[col("parametric_share")] != "" {
				t.Errorf("compare.csv %s %s: parametric_share %q over 0 replications", r[col("scenario")], r[col("outcome")], r[col("parametric_share")])
			}
		}
	}
}
