package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"schoolnet/results/calibrate"
)

// calibrationFiles writes a tiny target scenario and a target file of two
// targets and two parameters into a fresh folder and returns the target
// file's path.
func calibrationFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	scn := tiny + "class_size = 15\n"
	if err := os.WriteFile(filepath.Join(dir, "tiny.toml"), []byte(strings.Replace(scn, "weeks_per_year = 2", "weeks_per_year = 8", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	text := `description = "a test calibration"
params = ["model.growth_per_year", "model.attrition_base"]
[calibration]
particles = 4
alpha = 0.5
max_generations = 2
replications = 1
seed = 3
[[target]]
name = "growth"
statistic = "growth"
scenario = "tiny.toml"
years = [1, 2]
grade = 8
tier = "all"
subject = "composite"
value = 0.2
se = 0.05
evidence = "assumption"
source = "test"
[[target]]
name = "leavers"
statistic = "teacher_leavers"
scenario = "tiny.toml"
years = [1, 2]
tier = "all"
value = 0.08
interval = [0.04, 0.12]
evidence = "assumption"
source = "test"
`
	p := filepath.Join(dir, "targets.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCalibrateWritesItsFilesAndResumes runs a tiny calibration, checks
// its files and their documented columns and its report, and runs it
// again into the same folder: it resumes from its state, simulates
// nothing, and writes the same bytes.
func TestCalibrateWritesItsFilesAndResumes(t *testing.T) {
	file := calibrationFiles(t)
	out := filepath.Join(t.TempDir(), "cal")
	code, stdout, stderr := run(t, "calibrate", file, "--out", out, "--quiet", "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Posterior:", "model.growth_per_year", "leavers", "Most targets fitted at once"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	doc, err := os.ReadFile("../../docs/RESULTS.md")
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for name, cols := range map[string][]string{"posterior.csv": calibrate.PosteriorColumns, "parameters.csv": calibrate.ParameterColumns,
		"fit.csv": calibrate.FitColumns, "generations.csv": calibrate.GenerationColumns, "conflicts.csv": calibrate.ConflictColumns} {
		rows, err := csv.NewReader(bytes.NewReader(read(name))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(rows[0][:len(cols)], cols) {
			t.Errorf("%s header %v, want %v first", name, rows[0], cols)
		}
		for _, c := range cols {
			if !bytes.Contains(doc, []byte("`"+c+"`")) {
				t.Errorf("docs/RESULTS.md does not document column %s of %s", c, name)
			}
		}
	}
	if m := readManifest(t, out); m.Command != "calibrate" || !slices.Contains(m.Files, "generations/") || m.SHA256["generations/g0/proposals.csv"] == "" {
		t.Errorf("manifest: command %q, files %v; want calibrate, its state recorded", m.Command, m.Files)
	}
	before := map[string][]byte{}
	for _, name := range []string{"posterior.csv", "fit.csv", "parameters.csv", "conflicts.csv", "generations/g0/population.csv"} {
		before[name] = read(name)
	}
	code, stdout, stderr = run(t, "calibrate", file, "--out", out, "--quiet", "--workers", "1")
	if code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, stderr)
	}
	for name, b := range before {
		if !bytes.Equal(read(name), b) {
			t.Errorf("rerun changed %s", name)
		}
	}
	noTemporaries(t, filepath.Dir(out))

	// The posterior drives a run's ensemble: each draw is a particle.
	ens := filepath.Join(t.TempDir(), "ens")
	if code, _, stderr := run(t, "run", filepath.Join(filepath.Dir(file), "tiny.toml"), "--ensemble", out, "--reps", "4", "--draws", "2", "--out", ens, "--quiet"); code != 0 {
		t.Fatalf("run --ensemble %s: exit %d: %s", out, code, stderr)
	}
	num := func(r map[string]string, key string) float64 {
		x, err := strconv.ParseFloat(r[key], 64)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return x
	}
	posterior := csvRows(t, filepath.Join(out, "posterior.csv"))
	for _, r := range csvRows(t, filepath.Join(ens, "ensemble.csv")) {
		found := false
		for _, p := range posterior { // ensemble.csv has 6 decimals, posterior.csv every digit
			found = found || (math.Abs(num(r, "model.growth_per_year")-num(p, "model.growth_per_year")) < 1e-6 &&
				math.Abs(num(r, "model.attrition_base")-num(p, "model.attrition_base")) < 1e-6)
		}
		if !found {
			t.Errorf("draw %s is no particle of the posterior: %v", r["draw"], r)
		}
	}
	if m := readManifest(t, ens); m.Ensemble == nil || m.Ensemble.SHA256 == "" || len(m.Ensemble.Keys) != 2 {
		t.Errorf("the run's manifest records the ensemble as %+v", m.Ensemble)
	}
}

// TestCalibrateBadInput: bad targets, parameters, flags or a folder of
// another calibration exit with status 2 and say what is wrong, and write
// no results.
func TestCalibrateBadInput(t *testing.T) {
	file := calibrationFiles(t)
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"missing targets", []string{"no/such.toml"}, "no/such.toml: cannot read target file"},
		{"unknown parameter", []string{file, "--params", "model.growth"}, "--params: calibrate: \"model.growth\": no such model parameter"},
		{"parameter without evidence", []string{file, "--params", "model.growth_per_year,policy.x.share"}, "no target scenario has a policy of that name"},
		{"too few particles", []string{file, "--particles", "1"}, "--particles: must be in [2,100000]"},
		{"bad shard", []string{file, "--shard", "3/2"}, "--shard must be K/N"},
		{"two target files", []string{file, file}, "one target file at a time"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := run(t, append(append([]string{"calibrate"}, tt.args...), "--out", out, "--quiet")...)
			if code != 2 || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.msg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("the output folder was created")
			}
		})
	}
	out := filepath.Join(t.TempDir(), "cal")
	if code, _, stderr := run(t, "calibrate", file, "--out", out, "--quiet", "--generations", "1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr := run(t, "calibrate", file, "--out", out, "--quiet", "--generations", "1", "--seed", "9")
	if code != 2 || !strings.Contains(stderr, "another calibration") {
		t.Errorf("another calibration into the folder: exit %d, %q; want 2 and a refusal", code, stderr)
	}
}

// TestCalibrateShardsShareAFolder runs the tiny calibration as two shards
// at once into one folder: shard 2 ends without writing results, shard 1
// writes them, byte-identical to one process's.
func TestCalibrateShardsShareAFolder(t *testing.T) {
	file := calibrationFiles(t)
	alone := filepath.Join(t.TempDir(), "alone")
	if code, _, stderr := run(t, "calibrate", file, "--out", alone, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	shared := filepath.Join(t.TempDir(), "shared")
	type result struct {
		code           int
		stdout, stderr string
	}
	results := make(chan result, 2)
	for _, k := range []string{"1/2", "2/2"} {
		go func() {
			var out, errb bytes.Buffer
			code := Main([]string{"calibrate", file, "--out", shared, "--quiet", "--shard", k, "--wait", "1m"}, &out, &errb)
			results <- result{code, out.String(), errb.String()}
		}()
	}
	ended := 0
	for range 2 {
		r := <-results
		if r.code != 0 {
			t.Fatalf("a shard: exit %d: %s", r.code, r.stderr)
		}
		if strings.Contains(r.stdout, "Shard 2/2: the calibration has ended") {
			ended++
		}
	}
	if ended != 1 {
		t.Error("shard 2 did not say the calibration ended without it writing the results")
	}
	for _, name := range []string{"posterior.csv", "fit.csv", "parameters.csv", "generations/g0/population.csv"} {
		a, err := os.ReadFile(filepath.Join(alone, name))
		if err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(shared, name)); err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s of the shards differs from one process's (%v)", name, err)
		}
	}
}
