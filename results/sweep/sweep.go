package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"schoolnet/results"
	"schoolnet/scenarios"
)

// Options say where and how a sweep runs.
type Options struct {
	// Out is the sweep's directory.
	Out string
	// Shard and Shards run shard Shard of Shards (1 ≤ Shard ≤ Shards);
	// 0 and 0 (or 1 and 1) run the whole sweep.
	Shard, Shards int
	// Workers bounds the goroutines: runs side by side, and the workers
	// left over for each run's schools; 0 means 1.
	Workers int
	// Progress, if not nil, is called after each simulated year of each
	// run (from several goroutines).
	Progress func()
	// Stdout receives what the command prints as it goes (the plan, the
	// runs skipped, the table of the sweep outcome), Stderr its notes
	// (run files that will be run again, binaries that differ), each
	// prefixed with Command ("schoolnet sweep" by default); nil discards
	// them.
	Stdout, Stderr io.Writer
	Command        string
}

func (o *Options) defaults(cmd string) {
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.Command == "" {
		o.Command = cmd
	}
	if o.Shards == 0 {
		o.Shard, o.Shards = 1, 1
	}
	o.Workers = max(1, o.Workers)
}

// Result says what Run or Merge did.
type Result struct {
	Plan *Plan
	// Mine are the runs of the shard (of the sweep without one), Done
	// those that were in the directory already and Ran those run now.
	Mine, Done, Ran int
	// Missing are the runs of the whole sweep not in the directory;
	// runs.csv, points.csv and the charts are written when there are
	// none.
	Missing []int
	// Files are the files written beside runs/ (runs.csv, ...).
	Files []string
	// Manifest is the directory's manifest as written.
	Manifest *results.Manifest
}

// Run runs the sweep of scenario scn (which has a [sweep] table) into
// opt.Out: the runs of the shard not already there, each written the
// moment it ends, then, when every run of the sweep is there, runs.csv,
// points.csv, the charts and datapackage.json, and the manifest. A
// directory that holds another sweep, or files schoolnet did not write,
// is refused with a *RefusedError before anything runs; a run file whose
// SHA-256 is not the one the manifest records is run again. If ctx is
// cancelled, the runs that finished are kept and recorded, and Run
// returns an error that wraps context.Canceled and says how to resume;
// a run that fails (a panic inside the engine: a *sim.PanicError)
// returns its error.
func Run(ctx context.Context, scn *scenarios.Scenario, opt Options) (*Result, error) {
	opt.defaults("schoolnet sweep")
	if !scn.Sweep.Defined() {
		return nil, refuse("%s has no [sweep] table (docs/SCENARIOS.md, \"Sweeps\")", scn.Name)
	}
	points, err := scn.SweepPoints()
	if err != nil {
		return nil, &RefusedError{err}
	}
	plan, err := NewPlan(scn, points)
	if err != nil {
		return nil, err
	}
	k, n, out := opt.Shard, opt.Shards, opt.Out
	manifest, err := results.NewManifest(scn, scn.Run.Seed, plan.Reps)
	if err != nil {
		return nil, err
	}
	// NewFolder first: it cleans up after a sweep killed while writing out.
	start, err := results.NewFolder(out, plan.Names()...)
	if err != nil {
		return nil, &RefusedError{err}
	}
	defer start.Abort()
	old, ok, err := ReadManifest(os.DirFS(out), out)
	if err != nil {
		return nil, &RefusedError{err}
	} else if ok && old.ScenarioHash != manifest.ScenarioHash {
		return nil, refuse("%s holds the runs of another sweep (its manifest.json has scenario hash %.12s…, this sweep %.12s…); choose another --out or remove it",
			out, old.ScenarioHash, manifest.ScenarioHash)
	}

	// The runs already in the directory, checked against its manifest.
	found, bad, err := plan.ReadRuns(os.DirFS(out), out, old.SHA256)
	if err != nil {
		return nil, err
	}
	for _, err := range bad {
		fmt.Fprintf(opt.Stderr, "%s: %v; it will be run again\n", opt.Command, err)
	}
	res := &Result{Plan: plan, Manifest: &manifest}
	var todo []int
	for _, i := range plan.Shard(k, n) {
		res.Mine++
		if _, ok := found[i]; !ok {
			todo = append(todo, i)
		}
	}
	res.Done = res.Mine - len(todo)
	manifest.Command, manifest.Workers, manifest.Start = "sweep", opt.Workers, time.Now().UTC()
	if n > 1 {
		manifest.Shard = fmt.Sprintf("%d/%d", k, n)
	}
	// The directory as the sweep starts: the runs found and a manifest
	// that says the sweep has not ended, until finish replaces it.
	manifest.Interrupted = true
	if _, _, err := plan.Stage(start, found, true, false, &manifest); err != nil {
		return nil, err
	}
	if err := start.Commit(); err != nil {
		return nil, err
	}

	fmt.Fprintf(opt.Stdout, "%s: %s\n%s\n", scn.Name, scn.Description, plan.Describe())
	which := "the sweep"
	if n > 1 {
		which = fmt.Sprintf("shard %d/%d", k, n)
	}
	fmt.Fprintf(opt.Stdout, "%d runs in %s: %d already in %s (skipped), %d to run on %d workers\n\n", res.Mine, which, res.Done, out, len(todo), opt.Workers)

	res.Ran, err = plan.Simulate(ctx, points, todo, out, opt.Workers, opt.Progress)
	interrupted := errors.Is(err, context.Canceled) && res.Ran < len(todo)
	if err != nil && !interrupted {
		return res, err
	}
	if !interrupted {
		fmt.Fprintf(opt.Stdout, "Ran %d runs in %s.\n", res.Ran, time.Since(manifest.Start).Round(time.Millisecond))
	}
	manifest.Interrupted = interrupted
	end, err := results.NewFolder(out, plan.Names()...)
	if err != nil {
		return res, err
	}
	defer end.Abort()
	if err := finish(end, out, plan, nil, &manifest, res, opt.Stdout); err != nil {
		return res, err
	}
	if interrupted {
		return res, interruptedError(fmt.Sprintf("interrupted; the %d runs that finished are kept in %s/runs (%d of the %d runs in %s are done; its manifest.json says interrupted); run the same command again to resume",
			res.Ran, out, res.Done+res.Ran, res.Mine, which))
	}
	if len(res.Missing) > 0 { // a shard's part is done; the rest is another shard's
		fmt.Fprintf(opt.Stdout, "%d of the %d runs of the sweep are not yet in %s (%s). Run the other shards and join their directories with `schoolnet merge OUT DIR...`, or run the sweep again without --shard into %s, to finish it.\n",
			len(res.Missing), plan.Runs(), out, plan.List(res.Missing), out)
	}
	return res, nil
}

// finish writes the sweep directory dir anew through f: the run files
// found (nil: those in dir/runs, kept as hard links; otherwise copies of
// their bytes) and, if every run is there, runs.csv, points.csv, the
// charts and datapackage.json, then the manifest m, listing them, and
// commits f. It prints the sweep's table when it is complete, and sets
// res's Missing and Files.
func finish(f *results.Folder, dir string, plan *Plan, found map[int]RunFile, m *results.Manifest, res *Result, stdout io.Writer) error {
	link := found == nil
	if link {
		var bad []error
		var err error
		if found, bad, err = plan.ReadRuns(os.DirFS(dir), dir, nil); err != nil {
			return err
		} else if len(bad) > 0 {
			return bad[0]
		}
	}
	m.End = time.Now().UTC()
	files, missing, err := plan.Stage(f, found, link, true, m)
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		return err
	}
	res.Files, res.Missing = files, missing
	if len(missing) == 0 {
		runs := make([]results.SweepRun, plan.Runs())
		for i, r := range found {
			runs[i] = r.Run
		}
		plan.Print(stdout, runs)
		fmt.Fprintf(stdout, "\nWrote %s in %s.\n", strings.Join(files, ", "), dir)
	}
	return nil
}

// Stage puts the run files found into f's runs/: as hard links to them
// with link, else as copies of their bytes. If final and every run of
// the sweep is there, it also writes runs.csv, points.csv, the charts and
// datapackage.json, whose names it returns; otherwise it returns the
// runs missing. Then it writes f's manifest m.
func (p *Plan) Stage(f *results.Folder, found map[int]RunFile, link, final bool, m *results.Manifest) (files []string, missing []int, err error) {
	if err := f.Mkdir("runs"); err != nil {
		return nil, nil, err
	}
	var runs []results.SweepRun
	for i := range p.Runs() {
		r, ok := found[i]
		if !ok {
			missing = append(missing, i)
			continue
		}
		name := path.Join("runs", p.Name(i))
		if link {
			err = f.Keep(name, r.Path)
		} else {
			err = f.Write(name, func(w io.Writer) error { _, err := w.Write(r.Data); return err })
		}
		if err != nil {
			return nil, nil, err
		}
		runs = append(runs, r.Run)
	}
	m.Runs, m.RunsPlanned = len(found), p.Runs()
	if !final || len(missing) > 0 {
		return nil, missing, f.WriteManifest(m)
	}
	for i := range runs {
		if i%p.Reps > 0 && !slices.Equal(runs[i].Params, runs[i-1].Params) {
			return nil, nil, fmt.Errorf("%s and %s set different values for point %d", p.Name(i-1), p.Name(i), runs[i].Point)
		}
	}
	types := results.SweepValueTypes(p.Keys, runs)
	runSchema, pointSchema := results.SweepRunSchema(p.Keys, types), results.SweepPointSchema(p.Keys, types)
	err = f.WriteTable("runs.csv", &runSchema, results.CSV, func(w io.Writer) error { return results.WriteSweepRuns(w, p.Keys, runs) })
	if err == nil {
		err = f.WriteTable("points.csv", &pointSchema, results.CSV, func(w io.Writer) error { return results.WriteSweepPoints(w, p.Keys, runs) })
	}
	files = []string{"runs.csv", "points.csv"}
	for k, key := range p.Keys {
		chart := &results.SweepChart{Key: key, Param: k, Outcome: p.Outcome, Runs: runs, Effect: p.Effect}
		for _, format := range []string{"png", "svg"} {
			name := "sweep-" + FileSafe(key) + "." + format
			if err == nil {
				err = f.Write(name, func(w io.Writer) error { return chart.Write(w, format) })
			}
			files = append(files, name)
		}
	}
	if p.Design != nil {
		indices := results.SweepIndices(p.Design, runs)
		if err == nil {
			err = f.WriteTable("indices.csv", &results.IndicesSchema, results.CSV, func(w io.Writer) error { return results.WriteIndices(w, p.ID, indices) })
		}
		files = append(files, "indices.csv")
		chart := &results.IndexChart{Outcome: p.Outcome, Indices: indices}
		for _, format := range []string{"png", "svg"} {
			name := results.IndexChartName(p.Outcome, format)
			if err == nil {
				err = f.Write(name, func(w io.Writer) error { return chart.Write(w, format) })
			}
			files = append(files, name)
		}
	}
	if err == nil {
		err = f.WriteDataPackage("schoolnet-sweep-"+p.ID.Scenario, "schoolnet sweep of "+p.ID.Scenario,
			"The sweep's runs and points (runs/ holds one file per run, as runs.csv's rows); columns documented in docs/RESULTS.md.")
	}
	if err == nil {
		err = f.WriteManifest(m)
	}
	return append(files, "datapackage.json"), nil, err
}

// Merge joins the run files of the sweep directories dirs (the shards of
// one sweep, each written by Run with a shard) into out and, when every
// run of the sweep is there, writes runs.csv, points.csv, the charts and
// datapackage.json, byte-identical to those of the sweep run in one go.
// The dirs are only read; out may be new or one of them, and is written
// all or nothing. Every dir, and out if it has a manifest, must hold the
// same sweep, every run file recorded in its directory's manifest with
// its SHA-256, and a run found in several dirs the same in each;
// otherwise Merge writes nothing and returns a *RefusedError. If runs are
// missing it writes what there is and returns an error that names the
// shards they belong to (Result.Missing lists them).
func Merge(out string, dirs []string, opt Options) (*Result, error) {
	opt.defaults("schoolnet merge")
	if len(dirs) == 0 {
		return nil, refuse("no sweep directory to merge")
	}
	start := time.Now().UTC()

	// Every directory must hold the same sweep, each run file recorded in
	// its manifest with its SHA-256.
	shards := make([]*Shard, len(dirs))
	for k, d := range dirs {
		s, err := ReadShard(os.DirFS(d), d)
		if err != nil {
			return nil, err
		}
		if k > 0 && s.Manifest.ScenarioHash != shards[0].Manifest.ScenarioHash {
			return nil, refuse("%s and %s hold different sweeps (scenario hashes %.12s… and %.12s…); refusing to merge them",
				dirs[0], d, shards[0].Manifest.ScenarioHash, s.Manifest.ScenarioHash)
		}
		shards[k] = s
	}
	first, plan := shards[0].Manifest, shards[0].Plan
	if note := SameBinaries(shards); note != "" {
		fmt.Fprintf(opt.Stderr, "%s: note: %s\n", opt.Command, note)
	}
	// NewFolder first: it cleans up after a command killed while writing
	// out. Its own runs count if it holds the same sweep.
	folder, err := results.NewFolder(out, plan.Names()...)
	if err != nil {
		return nil, &RefusedError{err}
	}
	defer folder.Abort()
	var outRuns map[int]RunFile
	if m, ok, err := ReadManifest(os.DirFS(out), out); err != nil {
		return nil, err
	} else if ok && m.ScenarioHash != first.ScenarioHash {
		return nil, refuse("%s holds another sweep than %s (scenario hashes %.12s… and %.12s…); choose another OUT",
			out, dirs[0], m.ScenarioHash, first.ScenarioHash)
	} else if ok {
		s, err := ReadShard(os.DirFS(out), out)
		if err != nil {
			return nil, err
		}
		outRuns = s.Runs
	}

	// A run found in several directories must be the same in each.
	have := map[int]RunFile{}
	copied := 0
	all := []map[int]RunFile{outRuns}
	for _, s := range shards {
		all = append(all, s.Runs)
	}
	for k, runs := range all {
		for _, i := range slices.Sorted(maps.Keys(runs)) {
			r := runs[i]
			if f, ok := have[i]; ok {
				if !bytes.Equal(f.Data, r.Data) {
					return nil, refuse("run %d differs between %s and %s: they were not made by the same model", i, f.Path, r.Path)
				}
				continue
			}
			have[i] = r
			if k > 0 {
				copied++
			}
		}
	}
	fmt.Fprintf(opt.Stdout, "%s\nMerged %d directories into %s: %d of the %d runs present, %d copied.\n", plan.Describe(), len(dirs), out, len(have), plan.Runs(), copied)

	m, err := results.NewManifest(first.Scenario, first.Seed, plan.Reps)
	if err != nil {
		return nil, err
	}
	m.ScenarioHash, m.Command, m.Start = first.ScenarioHash, "merge", start
	res := &Result{Plan: plan, Mine: plan.Runs(), Done: len(have), Manifest: &m}
	if err := finish(folder, out, plan, have, &m, res, opt.Stdout); err != nil {
		return res, err
	}
	if len(res.Missing) > 0 {
		if names := MissingShards(shards, res.Missing); names != "" {
			return res, fmt.Errorf("%d runs missing (%s); they belong to %s", len(res.Missing), plan.List(res.Missing), names)
		}
		return res, fmt.Errorf("%d runs missing (%s)", len(res.Missing), plan.List(res.Missing))
	}
	return res, nil
}

// interruptedError is Run's error when its context was cancelled: it
// says how to resume, and is context.Canceled.
type interruptedError string

func (e interruptedError) Error() string        { return string(e) }
func (e interruptedError) Is(target error) bool { return target == context.Canceled }
