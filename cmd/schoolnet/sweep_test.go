package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"schoolnet/results"
	"schoolnet/results/sweep"
	"schoolnet/scenarios"
)

// smallSweep is smallScenario with a pairing and a grid of 2 × 3 points,
// 2 replications each: 12 runs.
const smallSweep = smallScenario + `[[policy]]
kind = "pairing"
name = "pairs"
end = 2
[sweep]
replications = 2
[[sweep.param]]
key = "policy.pairs.mentoring_intensity"
values = [0, 1]
[[sweep.param]]
key = "model.growth_per_year"
values = [0.3, 0.5, 0.7]
`

var sweepKeys = []string{"policy.pairs.mentoring_intensity", "model.growth_per_year"}

const sweepRuns = 12

// runSweep runs schoolnet sweep and fails the test unless it exits 0.
func runSweep(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := run(t, append([]string{"sweep", "--quiet"}, args...)...)
	if code != 0 {
		t.Fatalf("sweep %v: exit %d: %s", args, code, stderr)
	}
	return stdout
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sameResults fails unless dirs a and b hold byte-identical runs.csv and
// points.csv.
func sameResults(t *testing.T, a, b string) {
	t.Helper()
	for _, f := range []string{"runs.csv", "points.csv"} {
		if !bytes.Equal(readFile(t, filepath.Join(a, f)), readFile(t, filepath.Join(b, f))) {
			t.Errorf("%s differs between %s and %s", f, a, b)
		}
	}
}

var skipped = regexp.MustCompile(`(\d+) already in .* \(skipped\), (\d+) to run`)

// skips returns how many runs a sweep's output says it skipped and ran.
func skips(t *testing.T, stdout string) (skip, todo int) {
	t.Helper()
	m := skipped.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("output does not say what was skipped:\n%s", stdout)
	}
	skip, _ = strconv.Atoi(m[1])
	todo, _ = strconv.Atoi(m[2])
	return skip, todo
}

func TestSweepShardedAndMergedEqualsUnsharded(t *testing.T) {
	scn := writeScenario(t, smallSweep)
	whole := t.TempDir()
	runSweep(t, scn, "--out", whole, "--workers", "1")

	root := t.TempDir()
	var shards []string
	for k := 1; k <= 3; k++ {
		dir := filepath.Join(root, "run-"+strconv.Itoa(k))
		out := runSweep(t, scn, "--shard", strconv.Itoa(k)+"/3", "--out", dir, "--workers", "3")
		if skip, todo := skips(t, out); skip != 0 || todo != sweepRuns/3 {
			t.Errorf("shard %d/3: %d skipped, %d to run; want 0 and %d", k, skip, todo, sweepRuns/3)
		}
		if !strings.Contains(out, "8 of the 12 runs of the sweep are not yet in") {
			t.Errorf("shard %d/3 does not say 8 runs are missing:\n%s", k, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "runs.csv")); err == nil {
			t.Errorf("shard %d/3 wrote runs.csv with runs missing", k)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	code, stdout, stderr := run(t, append([]string{"merge", merged}, shards...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "12 of the 12 runs present, 12 copied") {
		t.Errorf("merge output:\n%s", stdout)
	}
	sameResults(t, whole, merged)
	for _, f := range []string{"sweep-policy.pairs.mentoring_intensity.png", "sweep-model.growth_per_year.svg", "manifest.json"} {
		if st, err := os.Stat(filepath.Join(merged, f)); err != nil || st.Size() == 0 {
			t.Errorf("merged %s missing or empty", f)
		}
	}
	// The shards' manifests say which shard they are; the merge's that it
	// is a merge of the same sweep.
	var m, s results.Manifest
	json.Unmarshal(readFile(t, filepath.Join(merged, "manifest.json")), &m)
	json.Unmarshal(readFile(t, filepath.Join(shards[1], "manifest.json")), &s)
	if m.Command != "merge" || s.Command != "sweep" || s.Shard != "2/3" || m.ScenarioHash != s.ScenarioHash || m.Replications != 2 {
		t.Errorf("manifests: merge %q %q reps %d, shard %q %q %q", m.Command, m.ScenarioHash, m.Replications, s.Command, s.Shard, s.ScenarioHash)
	}

	// Merging into one of the shard directories works too.
	if code, _, stderr := run(t, "merge", shards[0], shards[1], shards[2]); code != 0 {
		t.Fatalf("merge into the first shard: exit %d: %s", code, stderr)
	}
	sameResults(t, whole, shards[0])
}

func TestSweepResumesAndEqualsUninterrupted(t *testing.T) {
	scn := writeScenario(t, smallSweep)
	whole := t.TempDir()
	runSweep(t, scn, "--out", whole)

	// A sweep stopped part way: half its runs done, one of them lost, and
	// the temporary file a killed writer leaves behind.
	dir := t.TempDir()
	runSweep(t, scn, "--shard", "1/2", "--out", dir)
	if err := os.Remove(filepath.Join(dir, "runs", "p2-r0.csv")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "runs", ".p3-r0.csv.123.tmp"), []byte("run,po"), 0o644)
	out := runSweep(t, scn, "--out", dir, "--workers", "2")
	if skip, todo := skips(t, out); skip != 5 || todo != 7 {
		t.Errorf("resumed: %d skipped, %d run; want 5 and 7", skip, todo)
	}
	sameResults(t, whole, dir)

	// A finished sweep reruns nothing and rewrites the same files.
	out = runSweep(t, scn, "--out", dir)
	if skip, todo := skips(t, out); skip != sweepRuns || todo != 0 {
		t.Errorf("rerun: %d skipped, %d run; want %d and 0", skip, todo, sweepRuns)
	}
	sameResults(t, whole, dir)
}

// TestSweepInterruptedResumes cancels a sweep in the middle of its third
// run, as Ctrl-C would, and resumes it.
func TestSweepInterruptedResumes(t *testing.T) {
	scn := writeScenario(t, smallSweep)
	whole := t.TempDir()
	runSweep(t, scn, "--out", whole)

	s, err := scenarios.Load(scn)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	years := 0
	// One worker: runs one after another, two years each; cancel after
	// the first year of run 2.
	res, err := sweep.Run(ctx, s, sweep.Options{Out: dir, Workers: 1, Progress: func() {
		if years++; years == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || res.Ran != 2 || !strings.Contains(err.Error(), "run the same command again to resume") {
		t.Fatalf("interrupted sweep: %d runs, error %v; want 2 and context.Canceled", res.Ran, err)
	}
	if m := readManifest(t, dir); !m.Interrupted || m.Runs != 2 || len(m.SHA256) != 2 {
		t.Errorf("manifest after the interruption: interrupted %v, %d runs, %d checksums; want true, 2, 2", m.Interrupted, m.Runs, len(m.SHA256))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "runs", "*"))
	if len(files) != 2 {
		t.Errorf("files after the interruption: %v, want the 2 finished runs", files)
	}
	out := runSweep(t, scn, "--out", dir)
	if skip, todo := skips(t, out); skip != 2 || todo != sweepRuns-2 {
		t.Errorf("resumed: %d skipped, %d run; want 2 and %d", skip, todo, sweepRuns-2)
	}
	sameResults(t, whole, dir)
}

func TestSweepWritesDocumentedColumns(t *testing.T) {
	scn := writeScenario(t, smallSweep)
	dir := t.TempDir()
	runSweep(t, scn, "--out", dir)
	outcomes := []string{"weak_maths", "weak_chinese", "weak_composite", "strong_composite", "gap_strong_weak",
		"gap_migrant_local", "between_share", "leadership", "peer_relations", "style", "turnover",
		"cost_money", "cost_teacher_hours", "cost_travel_hours", "ses_segregation", "exit_share",
		"ses_q1_composite", "ses_q2_composite", "ses_q3_composite", "ses_q4_composite", "gap_ses_q4_q1"}
	runCols := append(append(append([]string{"run", "point", "replication", "seed"}, sweepKeys...), outcomes...), "scenario", "scenario_hash")
	pointCols := append(append([]string{"point"}, sweepKeys...), "replications")
	for _, o := range outcomes {
		pointCols = append(pointCols, o, o+"_ci_low", o+"_ci_high")
	}
	pointCols = append(pointCols, "scenario", "scenario_hash", "seed")
	files := map[string]struct {
		cols []string
		rows int
	}{
		"runs.csv":       {runCols, sweepRuns},
		"points.csv":     {pointCols, sweepRuns / 2},
		"runs/p0-r0.csv": {runCols, 1},
		"runs/p5-r1.csv": {runCols, 1},
	}
	for f, want := range files {
		rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, f)))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !slices.Equal(rows[0], want.cols) {
			t.Errorf("%s header %v, want %v", f, rows[0], want.cols)
		}
		if len(rows)-1 != want.rows {
			t.Errorf("%s has %d rows, want %d", f, len(rows)-1, want.rows)
		}
	}
	// Run order is point-major; the grid's last key varies fastest.
	rows, _ := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, "runs.csv")))).ReadAll()
	for i, r := range rows[1:] {
		want := []string{strconv.Itoa(i), strconv.Itoa(i / 2), strconv.Itoa(i % 2), "42",
			[]string{"0", "1"}[i/6], []string{"0.3", "0.5", "0.7"}[i/2%3]}
		if !slices.Equal(r[:6], want) {
			t.Errorf("runs.csv row %d starts %v, want %v", i+1, r[:6], want)
		}
	}
	// Replication r of every point shares its streams: with the same
	// parameters it would give the same result, and points differ.
	if rows[1][8] == rows[3][8] {
		t.Errorf("points 0 and 1 have the same weak_composite %s: the swept growth did not act", rows[1][8])
	}
}

func TestSweepBadInputExitsTwoAndWritesNothing(t *testing.T) {
	const param = "[[sweep.param]]\n"
	bad := func(sweep string) string { return writeScenario(t, smallScenario+"[sweep]\n"+sweep) }
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown param key", []string{bad(param + "key = \"model.groth_per_year\"\nvalues = [0.1]\n")}, "scenario.toml:15: sweep.param[1].key: unknown key \"model.groth_per_year\""},
		{"values and range", []string{bad(param + "key = \"model.growth_per_year\"\nvalues = [0.1]\nmin = 0.0\nmax = 1.0\n")}, "scenario.toml:14: sweep.param[1]: give either values (grid) or min and max (lhs), not both"},
		{"neither values nor range", []string{bad(param + "key = \"model.growth_per_year\"\n")}, "scenario.toml:14: sweep.param[1]: give values"},
		{"unknown method", []string{bad("method = \"random\"\n" + param + "key = \"model.growth_per_year\"\nvalues = [0.1]\n")}, "scenario.toml:14: sweep.method: unknown method \"random\""},
		{"value out of range", []string{bad(param + "key = \"model.tie_accept\"\nvalues = [0.5, 2]\n")}, "scenario.toml:16: sweep.param[1].values: point 1 sets model.tie_accept = 2: must be in [0,1]"},
		{"no sweep table", []string{writeScenario(t, smallScenario)}, "has no [sweep] table"},
		{"bad shard", []string{writeScenario(t, smallSweep), "--shard", "4/3"}, "--shard must be K/N"},
		{"zero workers", []string{writeScenario(t, smallSweep), "--workers", "0"}, "--workers"},
		{"two scenarios", []string{"a.toml", "b.toml"}, "name one scenario"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := run(t, append(append([]string{"sweep"}, tt.args...), "--out", out)...)
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

func TestSweepAndMergeRefuseAnotherSweep(t *testing.T) {
	a := writeScenario(t, smallSweep)
	b := writeScenario(t, strings.Replace(smallSweep, "[0.3, 0.5, 0.7]", "[0.3, 0.5, 0.9]", 1))
	root := t.TempDir()
	dirA, dirB := filepath.Join(root, "a"), filepath.Join(root, "b")
	runSweep(t, a, "--shard", "1/2", "--out", dirA)
	runSweep(t, b, "--shard", "2/2", "--out", dirB)

	merged := filepath.Join(root, "merged")
	code, _, stderr := run(t, "merge", merged, dirA, dirB)
	if code != 2 || !strings.Contains(stderr, "hold different sweeps") {
		t.Errorf("merge of two sweeps: exit %d, %q; want 2 and a refusal", code, stderr)
	}
	if _, err := os.Stat(merged); !os.IsNotExist(err) {
		t.Error("refused merge created its output directory")
	}
	// Nor does a sweep resume into another sweep's directory.
	code, _, stderr = run(t, "sweep", "--quiet", b, "--out", dirA)
	if code != 2 || !strings.Contains(stderr, "holds the runs of another sweep") {
		t.Errorf("sweep into another sweep's directory: exit %d, %q; want 2", code, stderr)
	}
	// Merging one half says what is missing and fails.
	code, _, stderr = run(t, "merge", merged, dirA)
	if code != 1 || !strings.Contains(stderr, "shard 2/2") {
		t.Errorf("merge of half a sweep: exit %d, %q; want 1 and the missing shard", code, stderr)
	}
	for _, args := range [][]string{{"merge"}, {"merge", merged}, {"merge", merged, t.TempDir()}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
