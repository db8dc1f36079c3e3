package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"schoolnet/results"
	"schoolnet/results/statistics"
	"schoolnet/sim"
)

const smallScenario = `name = "small"
description = "a quick world for tests"
[run]
seed = 42
years = 2
weeks_per_year = 10
spin_up_years = 1
replications = 3
[population]
districts = 2
schools_per_district = 3
staff_history_years = 3
`

// run calls Main and returns its status, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeScenario(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "scenario.toml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunSameBytesForAnyWorkers(t *testing.T) {
	scn := writeScenario(t, smallScenario)
	dirs := map[string]string{}
	for _, w := range []string{"1", "4"} {
		dirs[w] = t.TempDir()
		code, _, stderr := run(t, "run", scn, "--workers", w, "--out", dirs[w], "--quiet")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
	}
	for _, f := range []string{"yearly.csv", "schools.csv"} {
		a, err := os.ReadFile(filepath.Join(dirs["1"], f))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dirs["4"], f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 4 workers", f)
		}
	}
	// Another seed gives other results.
	other := t.TempDir()
	if code, _, stderr := run(t, "run", "--seed", "43", scn, "--out", other, "--quiet"); code != 0 {
		t.Fatalf("seed 43: %s", stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dirs["1"], "yearly.csv"))
	b, _ := os.ReadFile(filepath.Join(other, "yearly.csv"))
	if bytes.Equal(a, b) {
		t.Error("seeds 42 and 43 wrote identical yearly.csv")
	}
}

func TestRunPrintsTableAndWritesDocumentedColumns(t *testing.T) {
	scn := writeScenario(t, smallScenario)
	dir := t.TempDir()
	code, stdout, stderr := run(t, "run", scn, "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"strong", "weak", "gap S-W", "leadership", "peer rel.", "yearly.csv"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// years 0..2 each on a line of the table
	for _, y := range []string{"\n     0 ", "\n     1 ", "\n     2 "} {
		if !strings.Contains(stdout, y) {
			t.Errorf("table lacks the row of year %q", strings.TrimSpace(y))
		}
	}
	for f, cols := range map[string][]string{"yearly.csv": results.YearlyColumns, "schools.csv": results.SchoolColumns, "summary.csv": results.SummaryColumns, "statistics.csv": results.StatisticsSchema.Names()} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !slices.Equal(rows[0], cols) {
			t.Errorf("%s header %v, want %v", f, rows[0], cols)
		}
		perYear := map[string]int{"yearly.csv": len(sim.Groups), "schools.csv": 6}[f]
		want := 1 + 3*3*perYear // 3 reps × years 0..2
		switch f {
		case "summary.csv":
			want = 1 + len(results.Headlines)
		case "statistics.csv": // every statistic of every replication
			want = len(rows)
			for _, s := range statistics.Statistics {
				if !slices.ContainsFunc(rows, func(r []string) bool { return r[0] == "2" && r[1] == s.Name }) {
					t.Errorf("statistics.csv has no value of %s in replication 2", s.Name)
				}
			}
		}
		if len(rows) != want {
			t.Errorf("%s has %d rows, want %d", f, len(rows), want)
		}
	}
	var m struct {
		ScenarioHash string `json:"scenario_hash"`
		Seed         int64  `json:"seed"`
		Replications int    `json:"replications"`
		Files        []string
		Scenario     struct{ Name string }
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Seed != 42 || m.Replications != 3 || len(m.ScenarioHash) != 64 || m.Scenario.Name != "small" || len(m.Files) != 7 {
		t.Errorf("manifest %+v: want seed 42, 3 replications, a SHA-256, the scenario and 7 files", m)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestBadInputExitsTwoAndWritesNothing(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"bad key", []string{"run", writeScenario(t, "[run]\nyaers = 2\n")}, "scenario.toml:2: run.yaers: unknown key (did you mean run.years?)"},
		{"bad value", []string{"run", writeScenario(t, "[model]\ntie_accept = 3\n")}, "scenario.toml:2: model.tie_accept: must be in [0,1]"},
		{"missing file", []string{"run", "no/such/file.toml"}, "no/such/file.toml"},
		{"bad flag", []string{"run", "--wrokers", "2"}, "wrokers"},
		{"zero workers", []string{"run", "--workers", "0"}, "--workers"},
		{"two scenarios", []string{"run", "a.toml", "b.toml"}, "one scenario at a time"},
		{"unknown command", []string{"fly"}, `unknown command "fly"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := run(t, append(tt.args, "--out", out)...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr %q lacks %q", stderr, tt.msg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output directory was created")
			}
		})
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"run", "--help"}, {"scenarios", "--help"}, {"validate", "--help"}, {"bench", "--help"}, {"sweep", "--help"}, {"merge", "--help"}, {"compare", "--help"}, {"roster", "--help"}, {"roster", "export", "--help"}, {"report", "--help"}, {"calibrate", "--help"}, {"discover", "--help"}, {"version", "--help"}, {"evaluate", "--help"}, {"serve", "--help"}} {
		code, stdout, _ := run(t, args...)
		if code != 0 || !strings.Contains(stdout, "Usage") {
			t.Errorf("%v: exit %d, output %q; want 0 and a usage text", args, code, stdout)
		}
	}
}

func TestScenariosListsBaseline(t *testing.T) {
	code, stdout, _ := run(t, "scenarios")
	if code != 0 || !strings.Contains(stdout, "baseline") {
		t.Errorf("exit %d, output %q; want baseline listed", code, stdout)
	}
}

func TestBenchReportsEveryWorkerCount(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a district-size year several times")
	}
	code, stdout, stderr := run(t, "bench", "--size", "district", "--workers", "1,2", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"bytes per student", "peak resident", "Per-school phase", "Whole run", "Replications side by side", "student-steps/s", "efficiency"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	// Two rows in each table: the lines that start with the worker count.
	if n := len(regexp.MustCompile(`(?m)^ +[12] +[0-9.]+m?s `).FindAllString(stdout, -1)); n != 6 {
		t.Errorf("%d rows for workers 1 and 2, want 6:\n%s", n, stdout)
	}
	// The sequential share is a share, and Amdahl's bound lies between one
	// worker's speed and n workers'.
	m := regexp.MustCompile(`sequential share \(1 worker\): ([0-9.]+)% .* 16 workers ([0-9.]+)x`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("report lacks the sequential share and Amdahl's bound:\n%s", stdout)
	}
	if share, _ := strconv.ParseFloat(m[1], 64); share <= 0 || share >= 100 {
		t.Errorf("sequential share %s%%, want in (0, 100)", m[1])
	}
	if bound, _ := strconv.ParseFloat(m[2], 64); bound < 1 || bound > 16 {
		t.Errorf("Amdahl's bound at 16 workers %sx, want in [1, 16]", m[2])
	}
	if code, _, _ := run(t, "bench", "--size", "planet"); code != 2 {
		t.Errorf("unknown size: exit %d, want 2", code)
	}
}

func TestValidateReportsEachFile(t *testing.T) {
	good := writeScenario(t, smallScenario)
	bad := writeScenario(t, "[run]\nyears = 0\n")
	code, stdout, stderr := run(t, "validate", good, "baseline", bad)
	if code != 2 {
		t.Errorf("exit %d, want 2 for one invalid file", code)
	}
	if strings.Count(stdout, ": ok") != 2 || !strings.Contains(stderr, "run.years: must be in [1,100]") {
		t.Errorf("stdout %q stderr %q; want two ok lines and the bad file's error", stdout, stderr)
	}
}

func TestCompareWithItselfIsExactlyZero(t *testing.T) {
	scn := writeScenario(t, smallScenario)
	dir := t.TempDir()
	code, stdout, stderr := run(t, "compare", scn, scn, "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "compare.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], results.CompareColumns) {
		t.Errorf("header %v, want %v", rows[0], results.CompareColumns)
	}
	for _, r := range rows[1:] {
		diff := r[4]
		if diff != "" && diff != "0.000000" {
			t.Errorf("%s %s: difference %s from itself, want exactly 0", r[0], r[1], diff)
		}
	}
	for _, f := range []string{"compare.png", "compare.svg", "small/yearly.csv", "small/manifest.json", "small-2/summary.csv"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty", f)
		}
	}
	if !strings.Contains(stdout, "weak_maths") || !strings.Contains(stdout, "exact") {
		t.Errorf("table lacks the outcomes or intervals:\n%s", stdout)
	}
}

func TestCompareDetectsAReform(t *testing.T) {
	base := writeScenario(t, smallScenario)
	reform := writeScenario(t, strings.Replace(smallScenario, `"small"`, `"funded"`, 1)+"[[policy]]\nkind = \"funding\"\nper_school = 50000000\nend = 1\n[policy.select]\nrule = \"all\"\ntier = \"weak\"\n")
	dir := t.TempDir()
	if code, _, stderr := run(t, "compare", base, reform, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "compare.csv"))
	rows, _ := csv.NewReader(bytes.NewReader(data)).ReadAll()
	found := false
	for _, r := range rows[1:] {
		if r[1] == "cost_money" && r[0] == "funded" {
			found = true
			if r[4] == "0.000000" || r[4] == "" {
				t.Errorf("the funded scenario's extra cost is %q, want positive", r[4])
			}
		}
	}
	if !found {
		t.Error("no cost row for the reform")
	}
}

// TestRunParquetSameBytesForAnyWorkers: --format parquet writes the large
// tables as Parquet, byte-identical for any --workers, and lists them in
// datapackage.json and the manifest.
func TestRunParquetSameBytesForAnyWorkers(t *testing.T) {
	scn := writeScenario(t, smallScenario)
	dirs := map[string]string{}
	for _, w := range []string{"1", "4"} {
		dirs[w] = t.TempDir()
		if code, _, stderr := run(t, "run", scn, "--workers", w, "--out", dirs[w], "--quiet", "--format", "parquet"); code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
	}
	for _, f := range []string{"yearly.parquet", "schools.parquet", "treatments.parquet", "summary.csv", "datapackage.json"} {
		a := readFile(t, filepath.Join(dirs["1"], f))
		if b := readFile(t, filepath.Join(dirs["4"], f)); !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 4 workers", f)
		}
		if f != "datapackage.json" && !bytes.Contains(readFile(t, filepath.Join(dirs["1"], "datapackage.json")), []byte(`"path": "`+f+`"`)) {
			t.Errorf("datapackage.json does not list %s", f)
		}
	}
	if code, _, stderr := run(t, "run", scn, "--format", "xlsx", "--out", t.TempDir()); code != exitUsage || !strings.Contains(stderr, "csv, parquet") {
		t.Errorf("--format xlsx: exit %d, %q; want 2 and the formats", code, stderr)
	}
}

// TestShorterRunIsTheFirstYears: --years shorter than the scenario's runs
// its first years, each policy keeping its own years and budget (a note
// says which it cuts short), so that the shorter run's yearly.csv is the
// longer run's first rows; compare takes the same shortening. Before,
// compare refused such a run (a policy ending after it), the teaching lab
// squeezed the policies into it, and run ignored the refusal (and its
// memory check) by accident.
func TestShorterRunIsTheFirstYears(t *testing.T) {
	dir := t.TempDir()
	// A funding policy to the end of the run (end = 0) over four years:
	// a shorter run spends its yearly budget too, not the whole of it in
	// fewer years (a review found it squeezed).
	toEnd := filepath.Join(dir, "to-end.toml")
	if err := os.WriteFile(toEnd, []byte("extends = \"funding-only\"\nname = \"to-end\"\n[run]\nyears = 4\n[[policy]]\nname = \"ssp-funding\"\nkind = \"funding\"\nend = 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		scenario, full, short, note string
		notes                       int
	}{
		{"shanghai-ssp", "3", "2", "runs to year 3; this run stops at year 2", 3},
		{toEnd, "4", "2", "runs to year 4; this run stops at year 2", 1},
	} {
		yearly := func(years string) [][]string {
			out := filepath.Join(dir, filepath.Base(c.scenario)+years)
			code, _, stderr := run(t, "run", c.scenario, "--years", years, "--reps", "1", "--quiet", "--out", out)
			if code != exitOK {
				t.Fatalf("run %s --years %s: exit %d: %s", c.scenario, years, code, stderr)
			}
			if years == c.short && strings.Count(stderr, c.note) != c.notes {
				t.Errorf("run %s --years %s: stderr %q, want %d notes %q", c.scenario, years, stderr, c.notes, c.note)
			}
			return readCSV(t, filepath.Join(out, "yearly.csv"))
		}
		full, short := yearly(c.full), yearly(c.short)
		year, hash := slices.Index(full[0], "year"), slices.Index(full[0], "scenario_hash")
		var first [][]string
		last, _ := strconv.Atoi(c.short)
		for _, r := range full[1:] {
			if y, _ := strconv.Atoi(r[year]); y <= last {
				first = append(first, r)
			}
		}
		if len(first) != len(short)-1 {
			t.Fatalf("%s: %d rows of years 0-%s in the full run, %d in the shorter one", c.scenario, len(first), c.short, len(short)-1)
		}
		for i, r := range first {
			for j := range r {
				if j != hash && r[j] != short[i+1][j] {
					t.Errorf("%s row %d, %s: %s in the full run, %s in the shorter", c.scenario, i+1, full[0][j], r[j], short[i+1][j])
				}
			}
		}
	}
	code, _, stderr := run(t, "compare", "baseline", "shanghai-ssp", "--years", "2", "--reps", "1", "--quiet", "--out", filepath.Join(dir, "c"))
	if code != exitOK || !strings.Contains(stderr, "this run stops at year 2") {
		t.Errorf("compare --years 2: exit %d, stderr %q", code, stderr)
	}
}

// TestRunRefusesWhatMemoryCannotHold: a run that needs far more memory
// than any machine has is refused before it starts (the check had been
// skipped by run and evaluate).
func TestRunRefusesWhatMemoryCannotHold(t *testing.T) {
	if availableMemory() == 0 {
		// No check without /proc/meminfo: the run would start.
		t.Skip("this system does not say how much memory it has")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte("name = \"big\"\n[population]\ndistricts = 2000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run", "evaluate"} {
		code, _, stderr := run(t, cmd, big, "--reps", "1000", "--workers", "1000", "--quiet", "--out", filepath.Join(dir, cmd))
		if code != exitUsage || !strings.Contains(stderr, "of memory") {
			t.Errorf("%s of 41 million students, 1000 side by side: exit %d, stderr %q; want 2 and the memory it needs", cmd, code, stderr)
		}
	}
}
