package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"schoolnet/results"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// snapshot returns every file under dir by its slash-separated path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// noTemporaries fails if anything under root (root included) is hidden:
// a temporary file or folder, or an old folder set aside.
func noTemporaries(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") && p != root {
			t.Errorf("%s left behind", p)
		}
		return err
	})
}

func readManifest(t *testing.T, dir string) results.Manifest {
	t.Helper()
	var m results.Manifest
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRunKilledBeforeCommitKeepsTheOldFolder reruns into a result folder
// and dies, as with kill -9, after writing some or all of the new files
// but before the commit: the old folder must be unchanged, nothing of
// the new one visible, and the next run must clean up and succeed.
func TestRunKilledBeforeCommitKeepsTheOldFolder(t *testing.T) {
	file := writeScenario(t, smallScenario)
	scn, err := scenarios.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	records, err := sim.Replicate(context.Background(), scn.Config(1), 2, 1, func() {})
	if err != nil {
		t.Fatal(err)
	}
	metrics := summarise(records)
	for _, tt := range []struct {
		name  string
		write func(f *results.Folder) error
	}{
		{"before the manifest", func(f *results.Folder) error {
			id := results.RunID{Scenario: scn.Name}
			return writeFiles(f, []namedWrite{
				{name: "yearly.csv", write: func(w io.Writer) error { return results.WriteYearly(w, results.CSV, id, metrics) }},
				{name: "schools.csv", write: func(w io.Writer) error { return results.WriteSchools(w, results.CSV, id, records) }},
			}, nil, "")
		}},
		{"before the commit", func(f *results.Folder) error {
			m, err := results.NewManifest(scn, scn.Run.Seed, 2)
			if err != nil {
				return err
			}
			return writeRun(f, scn, results.CSV, records, metrics, nil, &m, nil)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "small")
			if code, _, stderr := run(t, "run", file, "--out", dir, "--quiet"); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := snapshot(t, dir)
			f, err := results.NewFolder(dir, results.RunFileNames()...)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.write(f); err != nil {
				t.Fatal(err)
			}
			// Killed here: no Commit, no Abort.
			if got := snapshot(t, dir); !maps.Equal(got, want) {
				t.Error("the old folder changed")
			}
			if names := dirNames(t, root); len(names) != 2 || names[1] != "small" || !strings.HasPrefix(names[0], ".small.") {
				t.Errorf("beside the folder: %v, want small and one hidden temporary", names)
			}
			if code, _, stderr := run(t, "run", file, "--out", dir, "--quiet", "--reps", "2"); code != 0 {
				t.Fatalf("rerun: exit %d: %s", code, stderr)
			}
			noTemporaries(t, root)
			if m := readManifest(t, dir); m.Replications != 2 || m.Interrupted {
				t.Errorf("rerun's manifest: %d replications, interrupted %v; want 2, false", m.Replications, m.Interrupted)
			}
		})
	}
}

// dirNames returns the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestCompareReplacesItsFolderWhole(t *testing.T) {
	base := writeScenario(t, smallScenario)
	reform := writeScenario(t, strings.Replace(smallScenario, `"small"`, `"other"`, 1))
	dir := filepath.Join(t.TempDir(), "cmp")
	if code, _, stderr := run(t, "compare", base, reform, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "compare", base, base, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("second compare: exit %d: %s", code, stderr)
	}
	// The second comparison's folder, without the first one's other/.
	if names := dirNames(t, dir); !slices.Equal(names, []string{"compare.csv", "compare.png", "compare.svg", "datapackage.json", "manifest.json", "ranking.csv", "small", "small-2", "wins.csv"}) {
		t.Errorf("folder holds %v", names)
	}
	m := readManifest(t, dir)
	if !slices.Equal(m.Files, []string{"small/", "small-2/", "compare.csv", "wins.csv", "ranking.csv", "compare.png", "compare.svg", "datapackage.json", "manifest.json"}) || m.Command != "compare" || len(m.SHA256) != 20 {
		t.Errorf("manifest: command %q, files %v, %d checksums; want compare, each subfolder and file, 20", m.Command, m.Files, len(m.SHA256))
	}
	// A file schoolnet did not write stops it before it runs anything.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	want := snapshot(t, dir)
	code, stdout, stderr := run(t, "compare", base, reform, "--out", dir, "--quiet")
	if code != 2 || !strings.Contains(stderr, "holds notes.txt") || strings.Contains(stdout, "Comparing") {
		t.Errorf("exit %d, stderr %q; want 2 and the file named, before any run", code, stderr)
	}
	if !maps.Equal(snapshot(t, dir), want) {
		t.Error("the refused compare changed the folder")
	}
}

// shards runs the small sweep's two shards into root/s1 and root/s2.
func shards(t *testing.T, scn, root string) (s1, s2 string) {
	t.Helper()
	s1, s2 = filepath.Join(root, "s1"), filepath.Join(root, "s2")
	runSweep(t, scn, "--shard", "1/2", "--out", s1)
	runSweep(t, scn, "--shard", "2/2", "--out", s2)
	return s1, s2
}

// TestMergeRefusesChangedOrUnrecordedRunFiles alters a shard as a user, a
// faulty disk or a killed sweep would; merge must refuse it, naming the
// file and the repair, which must then work.
func TestMergeRefusesChangedOrUnrecordedRunFiles(t *testing.T) {
	scn := writeScenario(t, smallSweep)
	whole := t.TempDir()
	runSweep(t, scn, "--out", whole)
	for _, tt := range []struct {
		name  string
		alter func(t *testing.T, s2 string)
		msg   string
		rerun int // runs the repairing sweep runs again
	}{
		{"an outcome changed", func(t *testing.T, s2 string) {
			p := filepath.Join(s2, "runs", "p1-r1.csv")
			data := readFile(t, p)
			k := bytes.LastIndexByte(data, ',') + 2 // a digit of the last outcome
			data[k] = '0' + (data[k]-'0'+1)%10
			os.WriteFile(p, data, 0o644)
		}, "s2/runs/p1-r1.csv was changed after its sweep wrote it", 1},
		{"another run's file", func(t *testing.T, s2 string) {
			os.WriteFile(filepath.Join(s2, "runs", "p1-r1.csv"), readFile(t, filepath.Join(s2, "runs", "p0-r1.csv")), 0o644)
		}, "s2/runs/p1-r1.csv is not a run of this sweep", 1},
		{"written after the manifest", func(t *testing.T, s2 string) {
			// As a sweep killed after this run: its manifest lacks it.
			p := filepath.Join(s2, "manifest.json")
			var m map[string]any
			json.Unmarshal(readFile(t, p), &m)
			delete(m["sha256"].(map[string]any), "runs/p1-r1.csv")
			data, _ := json.Marshal(m)
			os.WriteFile(p, data, 0o644)
		}, "s2/runs/p1-r1.csv is not recorded in", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			s1, s2 := shards(t, scn, root)
			tt.alter(t, s2)
			merged := filepath.Join(root, "merged")
			code, _, stderr := run(t, "merge", merged, s1, s2)
			if code != 2 || !strings.Contains(stderr, tt.msg) || !strings.Contains(stderr, "--shard 2/2 --out "+s2) {
				t.Errorf("exit %d, %q; want 2, %q and how to repair it", code, stderr, tt.msg)
			}
			if _, err := os.Stat(merged); !os.IsNotExist(err) {
				t.Error("the refused merge wrote its output folder")
			}
			noTemporaries(t, root)
			out := runSweep(t, scn, "--shard", "2/2", "--out", s2)
			if skip, todo := skips(t, out); todo != tt.rerun || skip != sweepRuns/2-tt.rerun {
				t.Errorf("repairing sweep: %d skipped, %d run; want %d run", skip, todo, tt.rerun)
			}
			if code, _, stderr := run(t, "merge", merged, s1, s2); code != 0 {
				t.Fatalf("merge after the repair: exit %d: %s", code, stderr)
			}
			sameResults(t, whole, merged)
		})
	}
}

// TestSweepCleansUpAfterAKilledWriter leaves what sweeps killed at
// various moments leave: a temporary run file, a temporary folder beside
// the directory, and the directory set aside by a commit cut short.
func TestSweepCleansUpAfterAKilledWriter(t *testing.T) {
	scn := writeScenario(t, smallSweep)
	whole := t.TempDir()
	runSweep(t, scn, "--out", whole)
	root := t.TempDir()
	dir := filepath.Join(root, "sw")
	runSweep(t, scn, "--shard", "1/2", "--out", dir)
	os.WriteFile(filepath.Join(dir, "runs", ".p1-r1.csv.123.tmp"), []byte("run,po"), 0o644)
	os.MkdirAll(filepath.Join(root, ".sw.456.tmp", "runs"), 0o755)
	os.WriteFile(filepath.Join(root, ".sw.456.tmp", "runs.csv"), []byte("run,"), 0o644)
	if err := os.Rename(dir, filepath.Join(root, ".sw.old")); err != nil {
		t.Fatal(err)
	}
	out := runSweep(t, scn, "--out", dir)
	if skip, todo := skips(t, out); skip != sweepRuns/2 || todo != sweepRuns/2 {
		t.Errorf("%d skipped, %d run; want the first shard's %d skipped", skip, todo, sweepRuns/2)
	}
	noTemporaries(t, root)
	sameResults(t, whole, dir)
	m := readManifest(t, dir)
	// A checksum for each run file, runs.csv, points.csv, 4 charts and datapackage.json.
	if m.Interrupted || m.Runs != sweepRuns || m.RunsPlanned != sweepRuns || len(m.SHA256) != sweepRuns+7 || m.SHA256["runs/p5-r1.csv"] == "" {
		t.Errorf("manifest: interrupted %v, %d of %d runs, %d checksums; want false, %d of %d and %d", m.Interrupted, m.Runs, m.RunsPlanned, len(m.SHA256), sweepRuns, sweepRuns, sweepRuns+7)
	}
}

// TestMainProcess runs Main in a process of its own, for the tests that
// send signals; it does nothing in an ordinary test run.
func TestMainProcess(t *testing.T) {
	args, ok := os.LookupEnv("SCHOOLNET_TEST_MAIN")
	if !ok {
		return
	}
	os.Exit(Main(strings.Split(args, "\n"), os.Stdout, os.Stderr))
}

// TestSignalMidRunIsRecorded stops run and sweep processes with Ctrl-C
// (SIGINT) and SIGTERM in the middle of their runs: each must exit 1,
// keep what finished, say interrupted in its manifest and leave no
// temporaries.
func TestSignalMidRunIsRecorded(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no signals to send on Windows")
	}
	long := strings.Replace(smallScenario, "replications = 3", "replications = 400", 1)
	longSweep := strings.Replace(smallSweep, "[sweep]\nreplications = 2", "[sweep]\nreplications = 40", 1)
	for _, tt := range []struct {
		name   string
		cmd    string
		src    string
		signal os.Signal
	}{
		{"run, Ctrl-C", "run", long, os.Interrupt},
		{"run, SIGTERM", "run", long, syscall.SIGTERM},
		{"sweep, SIGTERM", "sweep", longSweep, syscall.SIGTERM},
	} {
		t.Run(tt.name, func(t *testing.T) {
			scn := writeScenario(t, tt.src)
			root := t.TempDir()
			dir := filepath.Join(root, "out")
			// Signal a little after the runs start; later if none had
			// finished (a loaded machine can take seconds for one run; an
			// interrupted sweep resumes into the same folder).
			for _, wait := range []time.Duration{300 * time.Millisecond, time.Second, 3 * time.Second, 10 * time.Second} {
				cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
				cmd.Env = append(os.Environ(), "SCHOOLNET_TEST_MAIN="+strings.Join([]string{tt.cmd, scn, "--out", dir, "--workers", "1", "--quiet"}, "\n"))
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				lines := bufio.NewScanner(stdout)
				lines.Scan() // the first line comes as the runs start
				time.Sleep(wait)
				cmd.Process.Signal(tt.signal)
				for lines.Scan() {
				}
				err = cmd.Wait()
				if strings.Contains(stderr.String(), "before any replication finished") {
					continue
				}
				if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "interrupted") {
					t.Fatalf("exit %d (%v), stderr %q; want 1 and interrupted", code, err, stderr.String())
				}
				if tt.cmd == "sweep" && readManifest(t, dir).Runs == 0 {
					continue // stopped before any run finished
				}
				break
			}
			noTemporaries(t, root)
			m := readManifest(t, dir)
			if !m.Interrupted {
				t.Error("the manifest does not say interrupted")
			}
			switch tt.cmd {
			case "run":
				if m.Replications < 1 || m.Replications >= m.ReplicationsPlanned || m.ReplicationsPlanned != 400 {
					t.Errorf("manifest: %d of %d replications; want some of 400", m.Replications, m.ReplicationsPlanned)
				}
				rows := bytes.Count(readFile(t, filepath.Join(dir, "summary.csv")), []byte("\n"))
				if rows != len(results.Headlines)+1 {
					t.Errorf("summary.csv has %d lines", rows)
				}
			case "sweep":
				files, _ := filepath.Glob(filepath.Join(dir, "runs", "*.csv"))
				if m.Runs < 1 || m.Runs != len(files) || len(m.SHA256) != len(files) || m.RunsPlanned != 240 {
					t.Errorf("manifest: %d of %d runs, %d checksums, %d run files", m.Runs, m.RunsPlanned, len(m.SHA256), len(files))
				}
				// Its runs are recorded, so merge takes them: only the
				// unfinished runs are missing (exit 1, not a refusal).
				code, _, stderr := run(t, "merge", filepath.Join(root, "merged"), dir)
				if code != 1 || !strings.Contains(stderr, "runs missing") {
					t.Errorf("merge of the interrupted sweep: exit %d, %q; want 1 and runs missing", code, stderr)
				}
			}
		})
	}
}
