package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// morrisSweep and sobolSweep are smallScenario screened over two model
// parameters (their plausible ranges) and a policy key.
const sensitivityBase = smallScenario + `[[policy]]
kind = "pairing"
name = "pairs"
end = 2
[[sweep.param]]
key = "model.peer_achievement_effect"
[[sweep.param]]
key = "model.peer_relation_effect"
[[sweep.param]]
key = "policy.pairs.mentoring_intensity"
min = 0.0
max = 1.0
`

var (
	morrisSweep = strings.Replace(sensitivityBase, "[[sweep.param]]", "[sweep]\nmethod = \"morris\"\ntrajectories = 3\nreplications = 1\nbootstrap = 50\n[[sweep.param]]", 1)
	sobolSweep  = strings.Replace(sensitivityBase, "[[sweep.param]]", "[sweep]\nmethod = \"sobol\"\npoints = 3\nreplications = 1\nbootstrap = 50\n[[sweep.param]]", 1)
)

// sameSweepFiles fails unless dirs a and b hold the same runs.csv,
// points.csv and indices.csv.
func sameSweepFiles(t *testing.T, a, b string) {
	t.Helper()
	for _, f := range []string{"runs.csv", "points.csv", "indices.csv"} {
		if !bytes.Equal(readFile(t, filepath.Join(a, f)), readFile(t, filepath.Join(b, f))) {
			t.Errorf("%s differs between %s and %s", f, a, b)
		}
	}
}

// TestSensitivitySweepsResumeShardAndMerge: a morris and a sobol sweep
// write indices.csv and its chart; stopped half way (one shard's runs,
// one run lost) and resumed, or run in shards and merged, or run on more
// workers, they write the same bytes.
func TestSensitivitySweepsResumeShardAndMerge(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		runs      int
		table     string
	}{
		{"morris", morrisSweep, 3 * 4, "Morris elementary effects"},
		{"sobol", sobolSweep, 3 * 5, "Sobol indices"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			scn := writeScenario(t, tt.src)
			whole := t.TempDir()
			out := runSweep(t, scn, "--out", whole, "--workers", "1")
			if !strings.Contains(out, tt.table) || !strings.Contains(out, "model.peer_achievement_effect") {
				t.Errorf("the sweep prints no indices:\n%s", out)
			}
			for _, f := range []string{"indices.csv", "indices-weak_composite.png", "indices-weak_composite.svg"} {
				if st, err := os.Stat(filepath.Join(whole, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s missing or empty", f)
				}
			}
			rows := csvRows(t, filepath.Join(whole, "indices.csv"))
			if len(rows) < 3*10 {
				t.Errorf("indices.csv has %d rows, want 3 keys × every outcome", len(rows))
			}
			for _, r := range rows {
				if r["method"] != tt.name {
					t.Errorf("indices.csv row of method %q", r["method"])
				}
				if tt.name == "morris" && r["outcome"] == "weak_composite" && r["mu_star"] == "" {
					t.Errorf("no μ* for %s", r["param"])
				}
			}

			dir := t.TempDir()
			runSweep(t, scn, "--shard", "1/2", "--out", dir)
			if err := os.Remove(filepath.Join(dir, "runs", "p0-r0.csv")); err != nil {
				t.Fatal(err)
			}
			out = runSweep(t, scn, "--out", dir, "--workers", "3")
			if skip, todo := skips(t, out); skip != (tt.runs+1)/2-1 || skip+todo != tt.runs {
				t.Errorf("resumed: %d skipped, %d run", skip, todo)
			}
			sameSweepFiles(t, whole, dir)

			s1, s2 := filepath.Join(t.TempDir(), "s1"), filepath.Join(t.TempDir(), "s2")
			runSweep(t, scn, "--shard", "1/2", "--out", s1)
			runSweep(t, scn, "--shard", "2/2", "--out", s2)
			merged := filepath.Join(t.TempDir(), "merged")
			if code, _, stderr := run(t, "merge", merged, s1, s2); code != 0 {
				t.Fatalf("merge: exit %d: %s", code, stderr)
			}
			sameSweepFiles(t, whole, merged)
		})
	}
}

// TestTableSweepRunsItsDesign: a table sweep runs the design's rows; a bad
// design is refused with exit status 2, the file and line, and nothing
// written.
func TestTableSweepRunsItsDesign(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "design.csv"), []byte("model.peer_relation_effect,policy.pairs.mentoring_intensity\n0.1,0\n0.5,1\n"), 0o644)
	scn := filepath.Join(dir, "table.toml")
	os.WriteFile(scn, []byte(smallScenario+"[[policy]]\nkind = \"pairing\"\nname = \"pairs\"\nend = 2\n[sweep]\nmethod = \"table\"\ndesign = \"design.csv\"\nreplications = 1\n"), 0o644)
	out := filepath.Join(dir, "out")
	runSweep(t, scn, "--out", out)
	rows := csvRows(t, filepath.Join(out, "points.csv"))
	if len(rows) != 2 || rows[1]["model.peer_relation_effect"] != "0.5" || rows[1]["policy.pairs.mentoring_intensity"] != "1" {
		t.Errorf("points.csv %v", rows)
	}

	os.WriteFile(filepath.Join(dir, "design.csv"), []byte("model.peer_relation_effect,policy.pairs.mentoring_intensity\n0.1,0\n0.5,lots\n"), 0o644)
	bad := filepath.Join(dir, "bad")
	code, _, stderr := run(t, "sweep", scn, "--out", bad, "--quiet")
	if code != 2 || !strings.Contains(stderr, "design.csv:3: policy.pairs.mentoring_intensity: point 1: \"lots\"") {
		t.Errorf("exit %d, stderr %q; want 2 and design.csv:3 named", code, stderr)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Error("a refused sweep created its directory")
	}
}

// TestSweepEffectIsTheComparison: with sweep.effect every outcome of a
// run is its policies' effect, the same as compare's paired difference
// between the scenario and the same scenario without policies.
func TestSweepEffectIsTheComparison(t *testing.T) {
	funded := writeScenario(t, fundedScenario+"[sweep]\neffect = true\nreplications = 2\n[[sweep.param]]\nkey = \"model.peer_relation_effect\"\nvalues = [0.3]\n")
	dir := t.TempDir()
	runSweep(t, funded, "--out", dir)
	base := writeScenario(t, smallScenario+"[model]\npeer_relation_effect = 0.3\n")
	reform := writeScenario(t, fundedScenario+"[model]\npeer_relation_effect = 0.3\n")
	runs := csvRows(t, filepath.Join(dir, "runs.csv"))
	plain := filepath.Join(t.TempDir(), "plain")
	if code, _, stderr := run(t, "compare", base, reform, "--reps", "2", "--out", plain, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	for _, r := range csvRows(t, filepath.Join(plain, "compare.csv")) {
		if r["scenario"] != "funded" || (r["outcome"] != "weak_composite" && r["outcome"] != "cost_money") {
			continue
		}
		var sum float64
		for _, run := range runs {
			x, _ := strconv.ParseFloat(run[r["outcome"]], 64)
			sum += x
		}
		want, _ := strconv.ParseFloat(r["diff"], 64)
		if got := sum / float64(len(runs)); math.Abs(got-want) > 1e-5 || want == 0 {
			t.Errorf("%s: the sweep's mean effect %v, compare's difference %v", r["outcome"], got, want)
		}
	}
}

// TestSensitivityOfAnInertKeyIsZero: money alone does not mentor, so with
// common random numbers mentoring_rate changes no number of a funding
// sweep's runs: its Morris μ* and its Sobol total index of the funding's
// effect are exactly 0, while resource_effect, which money acts through,
// has positive ones.
func TestSensitivityOfAnInertKeyIsZero(t *testing.T) {
	params := "[[sweep.param]]\nkey = \"model.mentoring_rate\"\n[[sweep.param]]\nkey = \"model.resource_effect\"\nmin = 0.0\nmax = 0.5\n"
	for _, method := range []string{"method = \"morris\"\ntrajectories = 2", "method = \"sobol\"\npoints = 4"} {
		scn := writeScenario(t, fundedScenario+"[sweep]\n"+method+"\neffect = true\nreplications = 1\nbootstrap = -1\n"+params)
		dir := t.TempDir()
		runSweep(t, scn, "--out", dir)
		for _, r := range csvRows(t, filepath.Join(dir, "indices.csv")) {
			if r["outcome"] != "weak_composite" {
				continue
			}
			col := "mu_star"
			if r["method"] == "sobol" {
				col = "st"
			}
			x, err := strconv.ParseFloat(r[col], 64)
			switch {
			case err != nil:
				t.Errorf("%s %s of %s: %q", r["method"], col, r["param"], r[col])
			case r["param"] == "model.mentoring_rate" && x != 0:
				t.Errorf("%s: %s of the inert mentoring_rate is %v, want 0", r["method"], col, x)
			case r["param"] == "model.resource_effect" && !(x > 0):
				t.Errorf("%s: %s of resource_effect is %v, want above 0", r["method"], col, x)
			}
		}
	}
}
