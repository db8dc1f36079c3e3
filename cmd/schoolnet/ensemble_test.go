package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fundedScenario is smallScenario with money for every weak school in
// year 1.
var fundedScenario = strings.Replace(smallScenario, `"small"`, `"funded"`, 1) +
	"[[policy]]\nkind = \"funding\"\nper_school = 5000000\nend = 1\n[policy.select]\nrule = \"all\"\ntier = \"weak\"\n"

// csvRows returns a CSV file's rows as maps from column to cell.
func csvRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, path))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// csvFiles returns every CSV file under dir by its path.
func csvFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, data := range snapshot(t, dir) {
		if strings.HasSuffix(name, ".csv") {
			out[name] = data
		}
	}
	return out
}

// TestCompareEnsemble: compare --ensemble prior writes the same bytes for
// any --workers; every scenario's replication r takes the same draw;
// the files say they hold parametric and stochastic uncertainty; the
// probabilities that each scenario beats the other add to one.
func TestCompareEnsemble(t *testing.T) {
	base, reform := writeScenario(t, smallScenario), writeScenario(t, fundedScenario)
	dirs := map[string]string{}
	for _, w := range []string{"1", "3"} {
		dirs[w] = filepath.Join(t.TempDir(), "cmp")
		code, stdout, stderr := run(t, "compare", base, reform, "--ensemble", "prior", "--reps", "4", "--workers", w, "--out", dirs[w], "--quiet")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
		for _, want := range []string{"Ensemble: the prior", "parametric + stochastic", "parametric share", "probability that the row's scenario beats"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("the table lacks %q:\n%s", want, stdout)
			}
		}
	}
	a, b := csvFiles(t, dirs["1"]), csvFiles(t, dirs["3"])
	if len(a) < 10 || !maps.Equal(a, b) {
		t.Errorf("the CSV files differ between 1 and 3 workers (%d files)", len(a))
	}
	dir := dirs["1"]
	for _, r := range csvRows(t, filepath.Join(dir, "compare.csv")) {
		if r["diff"] == "" { // the first scenario's effect per million RMB
			continue
		}
		if r["uncertainty"] != "parametric+stochastic" || r["draws"] != "2" {
			t.Errorf("compare.csv %s/%s: uncertainty %q over %s draws, want parametric+stochastic over 2", r["scenario"], r["outcome"], r["uncertainty"], r["draws"])
		}
	}
	draws := map[string]string{}
	for _, r := range csvRows(t, filepath.Join(dir, "outcomes.csv")) {
		if d, ok := draws[r["replication"]]; ok && d != r["draw"] {
			t.Errorf("replication %s has draw %s in one scenario and %s in another", r["replication"], d, r["draw"])
		}
		draws[r["replication"]] = r["draw"]
	}
	if len(draws) != 4 || draws["0"] != "0" || draws["1"] != "1" || draws["2"] != "0" {
		t.Errorf("draws by replication %v, want r mod 2", draws)
	}
	p := map[string]float64{}
	for _, r := range csvRows(t, filepath.Join(dir, "wins.csv")) {
		p[r["outcome"]+"/"+r["scenario"]], _ = strconv.ParseFloat(r["p_better"], 64)
	}
	for _, o := range []string{"weak_composite", "turnover", "gap_strong_weak"} {
		if s := p[o+"/small"] + p[o+"/funded"]; s != 1 {
			t.Errorf("%s: P(small beats funded) + P(funded beats small) = %v, want 1", o, s)
		}
	}
	if rows := csvRows(t, filepath.Join(dir, "ensemble.csv")); len(rows) != 2 || rows[0]["model.peer_relation_effect"] == rows[1]["model.peer_relation_effect"] {
		t.Errorf("ensemble.csv holds %d draws, or two equal ones", len(rows))
	}
	if m := readManifest(t, dir); m.Ensemble == nil || m.Ensemble.Name != "prior" || m.Ensemble.Draws != 2 {
		t.Errorf("the manifest's ensemble is %+v", m.Ensemble)
	}
	// The report says the comparison ran over parameter draws.
	page := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := run(t, "report", dir, "--out", page); code != 0 {
		t.Fatal(stderr)
	}
	html := string(readFile(t, page))
	if !strings.Contains(html, "ran with an ensemble of parameter draws") {
		t.Error("the report does not say the comparison ran over parameter draws")
	}
	// Its effects table shows each scenario's plausible-world interval,
	// parametric share and P(better), each cell compare.csv's.
	shownCells := 0
	for _, r := range csvRows(t, filepath.Join(dir, "compare.csv")) {
		for _, col := range []string{"pi_low", "pi_high", "parametric_share", "p_better"} {
			if r[col] == "" {
				continue
			}
			want := fmt.Sprintf(`data-scenario="%s" data-outcome="%s" data-col="%s" data-value="%s"`, r["scenario"], r["outcome"], col, r[col])
			if !strings.Contains(html, want) {
				t.Errorf("the report's effects table lacks %s's %s of %s (%s)", r["scenario"], col, r["outcome"], r[col])
			}
			shownCells++
		}
	}
	if shownCells == 0 {
		t.Error("compare.csv has no ensemble columns to show")
	}
	// Without --ensemble the files say their intervals are stochastic.
	plain := filepath.Join(t.TempDir(), "cmp")
	if code, _, stderr := run(t, "compare", base, reform, "--reps", "4", "--out", plain, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	for _, r := range csvRows(t, filepath.Join(plain, "wins.csv")) {
		if r["uncertainty"] != "stochastic" || r["draws"] != "4" {
			t.Errorf("wins.csv without an ensemble: %q over %s draws, want stochastic over 4 replications", r["uncertainty"], r["draws"])
		}
	}
}

// TestRunAndEvaluateEnsemble: run and evaluate with --ensemble write
// uncertainty.csv and ensemble.csv, the same bytes for any --workers.
func TestRunAndEvaluateEnsemble(t *testing.T) {
	for _, tt := range []struct {
		cmd, scenario string
		want          []string
	}{
		{"run", smallScenario, []string{"weak_composite", "peer_relations"}},
		{"evaluate", studyScenario, []string{"truth_maths", "did_composite"}},
	} {
		scn := writeScenario(t, tt.scenario)
		dirs := map[string]string{}
		for _, w := range []string{"1", "3"} {
			dirs[w] = filepath.Join(t.TempDir(), "out")
			args := []string{tt.cmd, scn, "--ensemble", "prior", "--reps", "4", "--draws", "2", "--workers", w, "--out", dirs[w], "--quiet"}
			if tt.cmd == "evaluate" {
				args = append(args, "--bootstrap", "10", "--mediation=false")
			}
			code, stdout, stderr := run(t, args...)
			if code != 0 {
				t.Fatalf("%s, workers %s: exit %d: %s", tt.cmd, w, code, stderr)
			}
			if !strings.Contains(stdout, "parametric share") {
				t.Errorf("%s prints no parametric share:\n%s", tt.cmd, stdout)
			}
		}
		if a, b := csvFiles(t, dirs["1"]), csvFiles(t, dirs["3"]); !maps.Equal(a, b) {
			t.Errorf("%s: the CSV files differ between 1 and 3 workers", tt.cmd)
		}
		seen := map[string]bool{}
		for _, r := range csvRows(t, filepath.Join(dirs["1"], "uncertainty.csv")) {
			seen[r["quantity"]] = true
			if r["uncertainty"] != "parametric+stochastic" || (!strings.HasPrefix(r["quantity"], "psm-did") && (r["draws"] != "2" || r["runs"] != "4")) {
				t.Errorf("%s uncertainty.csv %s: %q, %s draws, %s runs", tt.cmd, r["quantity"], r["uncertainty"], r["draws"], r["runs"])
			}
		}
		for _, q := range tt.want {
			if !seen[q] {
				t.Errorf("%s: uncertainty.csv has no %s", tt.cmd, q)
			}
		}
		if len(csvRows(t, filepath.Join(dirs["1"], "ensemble.csv"))) != 2 {
			t.Errorf("%s: ensemble.csv does not hold 2 draws", tt.cmd)
		}
	}
}

// TestBadEnsembleRefused: a bad posterior file, a missing one, --draws
// without --ensemble or above the replications: exit 2, the file and line
// named, nothing written.
func TestBadEnsembleRefused(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "posterior.csv")
	os.WriteFile(bad, []byte("generation,particle,weight,distance,model.peer_relation_effect\n0,0,0.5,1,0.2\n0,1,0.5,1,abc\n"), 0o644)
	unknown := filepath.Join(dir, "unknown.csv")
	os.WriteFile(unknown, []byte("generation,particle,weight,distance,model.peer_relaton_effect\n0,0,1,1,0.2\n"), 0o644)
	outside := filepath.Join(dir, "outside.csv")
	os.WriteFile(outside, []byte("generation,particle,weight,distance,model.peer_relation_effect\n0,0,1,1,7\n"), 0o644)
	scn := writeScenario(t, smallScenario)
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"bad cell", []string{"compare", scn, scn, "--ensemble", bad}, "posterior.csv:3:5: model.peer_relation_effect: \"abc\" is not a finite number"},
		{"unknown key", []string{"run", scn, "--ensemble", unknown}, "unknown.csv:1:5: \"model.peer_relaton_effect\": no such model parameter (did you mean model.peer_relation_effect?)"},
		{"out of range", []string{"evaluate", writeScenario(t, studyScenario), "--ensemble", outside}, "peer_relation_effect"},
		{"missing file", []string{"run", scn, "--ensemble", filepath.Join(dir, "none.csv")}, "none.csv: no such file"},
		{"draws alone", []string{"run", scn, "--draws", "2"}, "--draws needs --ensemble"},
		{"too many draws", []string{"compare", scn, scn, "--ensemble", "prior", "--draws", "9"}, "--draws 9 is more than the 3 replications"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := run(t, append(tt.args, "--out", out, "--quiet")...)
			if code != 2 || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.msg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("the output directory was created")
			}
		})
	}
}

// TestDiscover: discover reads a compare --ensemble directory and answers
// in words; without the ensemble's files, or with an unknown scenario, it
// exits 2 saying what to run.
func TestDiscover(t *testing.T) {
	base, reform := writeScenario(t, smallScenario), writeScenario(t, fundedScenario)
	dir := filepath.Join(t.TempDir(), "cmp")
	if code, _, stderr := run(t, "compare", base, reform, "--ensemble", "prior:peer_relation_effect,peer_achievement_effect", "--reps", "8", "--draws", "8", "--out", dir, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	out := filepath.Join(t.TempDir(), "boxes.csv")
	code, stdout, stderr := run(t, "discover", dir, "--better", "funded", "--than", "small", "--outcome", "turnover", "--out", out)
	if code != 0 || !strings.Contains(stdout, "funded beats small on turnover in") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if rows := csvRows(t, out); len(rows) == 0 || rows[0]["box"] != "everywhere" || rows[0]["draws"] != "8" {
		t.Errorf("the peeling trajectory %v", rows)
	}
	plain := filepath.Join(t.TempDir(), "plain")
	if code, _, stderr := run(t, "compare", base, reform, "--out", plain, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"discover", plain, "--better", "funded", "--than", "small"}, "ensemble.csv: no such file or directory (scenario discovery reads the ensemble.csv and outcomes.csv that schoolnet compare --ensemble writes)"},
		{[]string{"discover", dir, "--better", "fundd", "--than", "small"}, "did you mean funded?"},
		{[]string{"discover", dir, "--than", "small"}, "give the question"},
		{[]string{"discover", dir, "--better", "funded", "--than", "small", "--threshold", "2"}, "--threshold"},
	} {
		if code, _, stderr := run(t, tt.args...); code != 2 || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.msg)
		}
	}
}
