package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"schoolnet/results"
)

const mergeSynopsis = `Usage: schoolnet merge OUT DIR...

Joins the run files of sweep directories DIR... (the shards of one sweep,
written by schoolnet sweep --shard K/N --out DIR) into OUT/runs, and, when
every run of the sweep is there, writes OUT/runs.csv, OUT/points.csv and
the charts, byte-identical to those of the same sweep run in one go.

The DIRs are only read. OUT may be new or one of the DIRs. Every DIR, and
OUT if it has one, must have a manifest.json of the same sweep (the same
scenario hash); otherwise merge refuses and writes nothing. A run found in
several DIRs must be the same in each. If runs are missing, merge joins
what there is, lists what is missing and exits with status 1: rerun the
shards that hold them (into their own directories, where they resume) and
merge again.`

func cmdMerge(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("merge", mergeSynopsis, stdout, stderr)
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return flagStatus(flags, err, stdout)
	}
	fail := func(status int, args ...any) int {
		fmt.Fprintln(stderr, append([]any{"schoolnet merge:"}, args...)...)
		return status
	}
	if len(pos) < 2 {
		return fail(exitUsage, "name the output directory and at least one sweep directory: schoolnet merge OUT DIR...")
	}
	out, dirs := pos[0], pos[1:]
	start := time.Now().UTC()

	// Every directory must hold the same sweep.
	manifests := make([]sweepManifest, len(dirs))
	for k, d := range dirs {
		m, ok, err := readSweepManifest(d)
		if err != nil {
			return fail(exitUsage, err)
		}
		if !ok {
			return fail(exitUsage, fmt.Sprintf("%s is not a sweep directory: it has no manifest.json", d))
		}
		if k > 0 && m.ScenarioHash != manifests[0].ScenarioHash {
			return fail(exitUsage, fmt.Sprintf("%s and %s hold different sweeps (scenario hashes %.12s… and %.12s…); refusing to merge them",
				dirs[0], d, manifests[0].ScenarioHash, m.ScenarioHash))
		}
		manifests[k] = m
	}
	first := manifests[0]
	if m, ok, err := readSweepManifest(out); err != nil {
		return fail(exitUsage, err)
	} else if ok && m.ScenarioHash != first.ScenarioHash {
		return fail(exitUsage, fmt.Sprintf("%s holds another sweep than %s (scenario hashes %.12s… and %.12s…); choose another OUT",
			out, dirs[0], m.ScenarioHash, first.ScenarioHash))
	}
	plan, err := first.plan(filepath.Join(dirs[0], "manifest.json"))
	if err != nil {
		return fail(exitUsage, err)
	}
	for k, m := range manifests[1:] {
		if m.Commit != first.Commit {
			fmt.Fprintf(stderr, "schoolnet merge: note: %s and %s were written by binaries of commits %s and %s; their runs belong together only if the model did not change between them\n",
				dirs[0], dirs[k+1], first.Commit, m.Commit)
			break
		}
	}

	// Check every run file first, so that a bad directory writes nothing.
	type found struct {
		data []byte
		from string
	}
	have := map[int]found{}
	for _, d := range append([]string{out}, dirs...) {
		for i := range plan.runs() {
			path := plan.file(d, i)
			data, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return fail(exitFailure, err)
			}
			if _, _, err := plan.parseRun(path, i, data); err != nil {
				return fail(exitUsage, err)
			}
			if f, ok := have[i]; ok {
				if !bytes.Equal(f.data, data) {
					return fail(exitUsage, fmt.Sprintf("run %d differs between %s and %s: they were not made by the same model", i, f.from, path))
				}
				continue
			}
			have[i] = found{data, path}
		}
	}
	copied := 0
	for i := range plan.runs() {
		f, ok := have[i]
		if !ok || f.from == plan.file(out, i) {
			continue
		}
		if err := results.WriteFile(plan.file(out, i), func(w io.Writer) error { _, err := w.Write(f.data); return err }); err != nil {
			return fail(exitFailure, err)
		}
		copied++
	}
	fmt.Fprintf(stdout, "%s\nMerged %d directories into %s: %d of the %d runs present, %d copied.\n", plan.describe(), len(dirs), out, len(have), plan.runs(), copied)

	m, err := results.NewManifest(first.Scenario, first.Seed, plan.reps)
	if err != nil {
		return fail(exitFailure, err)
	}
	m.ScenarioHash, m.Command, m.Start = first.ScenarioHash, "merge", start
	status := finishSweep(out, plan, &m, stdout, stderr)
	if status == exitIncomplete {
		if shards := missingShards(manifests, plan, out); shards != "" {
			fmt.Fprintln(stderr, "schoolnet merge: runs missing; they belong to", shards)
		} else {
			fmt.Fprintln(stderr, "schoolnet merge: runs missing")
		}
		return exitFailure
	}
	return status
}

// missingShards names the shards whose runs are missing from dir, when
// the manifests say how the sweep was sharded.
func missingShards(manifests []sweepManifest, plan *sweepPlan, dir string) string {
	n := 0
	for _, m := range manifests {
		if _, b, ok := strings.Cut(m.Shard, "/"); ok {
			n, _ = strconv.Atoi(b)
		}
	}
	if n < 1 {
		return ""
	}
	var shards []string
	seen := map[int]bool{}
	for i := range plan.runs() {
		if _, ok, _ := plan.readRun(dir, i); !ok && !seen[i%n] {
			seen[i%n] = true
			shards = append(shards, fmt.Sprintf("%d/%d", i%n+1, n))
		}
	}
	return "shard " + strings.Join(shards, ", ")
}
