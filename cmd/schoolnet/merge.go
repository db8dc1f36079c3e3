package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
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

The DIRs are only read. OUT may be new or one of the DIRs; it is written
all or nothing. Every DIR, and OUT if it has one, must have a manifest.json
of the same sweep (the same scenario hash), and every run file must have
the SHA-256 that its directory's manifest records; otherwise merge refuses
(exit 2) and writes nothing. A run file that was changed, or that its
manifest does not record (its sweep was killed), is named with the repair:
rerun the sweep that wrote that directory into it, then merge again. A run
found in several DIRs must be the same in each. If runs are missing,
merge joins what there is, lists what is missing and exits with status 1:
rerun the shards that hold them (into their own directories, where they
resume) and merge again.`

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

	// Every directory must hold the same sweep, each run file recorded in
	// its manifest with its SHA-256.
	shards := make([]*shard, len(dirs))
	for k, d := range dirs {
		s, err := readShard(os.DirFS(d), d)
		if err != nil {
			return fail(mergeStatus(err), err)
		}
		if k > 0 && s.m.ScenarioHash != shards[0].m.ScenarioHash {
			return fail(exitUsage, fmt.Sprintf("%s and %s hold different sweeps (scenario hashes %.12s… and %.12s…); refusing to merge them",
				dirs[0], d, shards[0].m.ScenarioHash, s.m.ScenarioHash))
		}
		shards[k] = s
	}
	first, plan := shards[0].m, shards[0].plan
	if note := sameBinaries(shards); note != "" {
		fmt.Fprintln(stderr, "schoolnet merge: note:", note)
	}
	// NewFolder first: it cleans up after a command killed while writing
	// OUT. OUT's own runs count if it holds the same sweep.
	folder, err := results.NewFolder(out, plan.names()...)
	if err != nil {
		return fail(exitUsage, err)
	}
	defer folder.Abort()
	var outRuns map[int]runFile
	if m, ok, err := readSweepManifest(os.DirFS(out), out); err != nil {
		return fail(exitUsage, err)
	} else if ok && m.ScenarioHash != first.ScenarioHash {
		return fail(exitUsage, fmt.Sprintf("%s holds another sweep than %s (scenario hashes %.12s… and %.12s…); choose another OUT",
			out, dirs[0], m.ScenarioHash, first.ScenarioHash))
	} else if ok {
		s, err := readShard(os.DirFS(out), out)
		if err != nil {
			return fail(mergeStatus(err), err)
		}
		outRuns = s.runs
	}

	// A run found in several directories must be the same in each.
	have := map[int]runFile{}
	copied := 0
	for k, runs := range append([]map[int]runFile{outRuns}, shardRuns(shards)...) {
		for _, i := range slices.Sorted(maps.Keys(runs)) {
			r := runs[i]
			if f, ok := have[i]; ok {
				if !bytes.Equal(f.data, r.data) {
					return fail(exitUsage, fmt.Sprintf("run %d differs between %s and %s: they were not made by the same model", i, f.path, r.path))
				}
				continue
			}
			have[i] = r
			if k > 0 {
				copied++
			}
		}
	}
	fmt.Fprintf(stdout, "%s\nMerged %d directories into %s: %d of the %d runs present, %d copied.\n", plan.describe(), len(dirs), out, len(have), plan.runs(), copied)

	m, err := results.NewManifest(first.Scenario, first.Seed, plan.reps)
	if err != nil {
		return fail(exitFailure, err)
	}
	m.ScenarioHash, m.Command, m.Start = first.ScenarioHash, "merge", start
	status, missing := finishSweep(folder, out, plan, have, &m, stdout, stderr)
	if status != exitOK {
		return status
	}
	if len(missing) > 0 {
		if shards := missingShards(shards, missing); shards != "" {
			fmt.Fprintf(stderr, "schoolnet merge: %d runs missing (%s); they belong to %s\n", len(missing), plan.list(missing), shards)
		} else {
			fmt.Fprintf(stderr, "schoolnet merge: %d runs missing (%s)\n", len(missing), plan.list(missing))
		}
		return exitFailure
	}
	return exitOK
}

// shardRuns returns the run files of each shard.
func shardRuns(shards []*shard) []map[int]runFile {
	out := make([]map[int]runFile, len(shards))
	for k, s := range shards {
		out[k] = s.runs
	}
	return out
}

// mergeStatus is the exit status for an error reading a directory: 1 if
// it could not be read, 2 if what it holds is refused.
func mergeStatus(err error) int {
	if errors.As(err, new(*fs.PathError)) {
		return exitFailure
	}
	return exitUsage
}

// missingShards names the shards the runs missing belong to, when the
// manifests say how the sweep was sharded.
func missingShards(shards []*shard, missing []int) string {
	n := 0
	for _, s := range shards {
		if _, b, ok := strings.Cut(s.m.Shard, "/"); ok {
			n, _ = strconv.Atoi(b)
		}
	}
	if n < 1 {
		return ""
	}
	var names []string
	seen := map[int]bool{}
	for _, i := range missing {
		if !seen[i%n] {
			seen[i%n] = true
			names = append(names, fmt.Sprintf("%d/%d", i%n+1, n))
		}
	}
	return "shard " + strings.Join(names, ", ")
}

// sameBinaries returns a note if the shards were written by binaries of
// different commits or, where a commit is unknown (a binary built with
// -buildvcs=false or outside a Git checkout), by different executables
// (their SHA-256), whose runs belong together only if the model did not
// change between them; "" if they were not.
func sameBinaries(shards []*shard) string {
	first := shards[0]
	for _, s := range shards[1:] {
		switch {
		case first.m.Commit != "unknown" && s.m.Commit != "unknown":
			if s.m.Commit != first.m.Commit {
				return fmt.Sprintf("%s and %s were written by binaries of commits %s and %s; their runs belong together only if the model did not change between them",
					first.dir, s.dir, first.m.Commit, s.m.Commit)
			}
		case first.m.Binary == "" || s.m.Binary == "":
			return fmt.Sprintf("%s or %s records neither the commit nor the SHA-256 of the binary that wrote it; merge cannot check that the shards were made by the same model",
				first.dir, s.dir)
		case s.m.Binary != first.m.Binary:
			return fmt.Sprintf("%s and %s were written by different binaries (SHA-256 %.12s… and %.12s…) whose commits are unknown (built with -buildvcs=false?); their runs belong together only if the model did not change between them",
				first.dir, s.dir, first.m.Binary, s.m.Binary)
		}
	}
	return ""
}
