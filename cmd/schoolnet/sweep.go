package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"golang.org/x/sync/errgroup"

	"schoolnet/results"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

const sweepSynopsis = `Usage: schoolnet sweep [flags] SCENARIO

Runs the parameter sweep of SCENARIO's [sweep] table (docs/SCENARIOS.md,
"Sweeps"): every point of the grid or Latin hypercube, each in
sweep.replications replications. Replication r of every point draws the
random streams of replication r of the scenario's seed (common random
numbers), so points differ only by their parameters.

Run i is replication i mod R of point i div R (R replications a point).
Each finished run is written at once to DIR/runs/p<point>-r<rep>.csv, so a
sweep that was stopped (Ctrl-C, a killed job) resumes when run again into
the same --out: runs already there are skipped. With --shard K/N only the
runs with i mod N = K-1 run; run the N shards anywhere (a cluster job
array: docs/CLUSTER.md) and join their directories with schoolnet merge.

When every run of the sweep is in DIR, sweep writes DIR/runs.csv (one row
per run), DIR/points.csv (per point, each outcome's mean and 95% interval)
and, per swept key, the chart DIR/sweep-KEY.png and .svg of sweep.outcome.
The files are byte-identical for any --workers, --shard or interruption.`

func cmdSweep(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("sweep", sweepSynopsis, stdout, stderr)
	var (
		workers int
		out     string
		shard   string
		quiet   bool
	)
	flags.IntVar(&workers, "workers", runtime.NumCPU(), "goroutines: runs side by side, and schools within a run with any left over")
	flags.StringVar(&out, "out", "", "directory for the run files and results (default: out/sweep-NAME)")
	flags.StringVar(&shard, "shard", "", "run only shard `K/N` of the runs (1 ≤ K ≤ N): runs i with i mod N = K-1")
	flags.BoolVar(&quiet, "quiet", false, "no progress bar")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return flagStatus(flags, err, stdout)
	}
	fail := func(status int, args ...any) int {
		fmt.Fprintln(stderr, append([]any{"schoolnet sweep:"}, args...)...)
		return status
	}
	if len(pos) != 1 {
		return fail(exitUsage, fmt.Sprintf("name one scenario with a [sweep] table, got %d arguments", len(pos)))
	}
	k, n, err := parseShard(shard)
	if err == nil {
		err = checkFlags(flags)
	}
	if err != nil {
		return fail(exitUsage, err)
	}
	scn, err := scenarios.Load(pos[0])
	if err != nil {
		return fail(exitUsage, err)
	}
	if !scn.Sweep.Defined() {
		return fail(exitUsage, fmt.Sprintf("%s has no [sweep] table (docs/SCENARIOS.md, \"Sweeps\")", pos[0]))
	}
	points, err := scn.SweepPoints()
	if err != nil {
		return fail(exitUsage, err)
	}
	if out == "" {
		out = filepath.Join("out", "sweep-"+scn.Name)
	}
	plan := newSweepPlan(scn, points)
	manifest, err := results.NewManifest(scn, scn.Run.Seed, plan.reps)
	if err != nil {
		return fail(exitFailure, err)
	}
	ctx, stop := interruptContext()
	defer stop()
	// NewFolder first: it cleans up after a sweep killed while writing out.
	start, err := results.NewFolder(out, plan.names()...)
	if err != nil {
		return fail(exitUsage, err)
	}
	defer start.Abort()
	old, ok, err := readSweepManifest(os.DirFS(out), out)
	if err != nil {
		return fail(exitUsage, err)
	} else if ok && old.ScenarioHash != manifest.ScenarioHash {
		return fail(exitUsage, fmt.Sprintf("%s holds the runs of another sweep (its manifest.json has scenario hash %.12s…, this sweep %.12s…); choose another --out or remove it",
			out, old.ScenarioHash, manifest.ScenarioHash))
	}

	// The runs already in the directory, checked against its manifest.
	found, bad, err := plan.readRuns(os.DirFS(out), out, old.SHA256)
	if err != nil {
		return fail(exitFailure, err)
	}
	for _, err := range bad {
		fmt.Fprintf(stderr, "schoolnet sweep: %v; it will be run again\n", err)
	}
	var todo []int
	mine := 0
	for i := range plan.runs() {
		if i%n != k-1 {
			continue
		}
		mine++
		if _, ok := found[i]; !ok {
			todo = append(todo, i)
		}
	}
	done := mine - len(todo)
	manifest.Command, manifest.Workers, manifest.Start = "sweep", workers, time.Now().UTC()
	if n > 1 {
		manifest.Shard = fmt.Sprintf("%d/%d", k, n)
	}
	// The directory as the sweep starts: the runs found and a manifest
	// that says the sweep has not ended, until finishSweep replaces it.
	manifest.Interrupted = true
	if _, _, err := plan.stage(start, found, true, false, &manifest); err != nil {
		return fail(exitFailure, err)
	}
	if err := start.Commit(); err != nil {
		return fail(exitFailure, err)
	}

	fmt.Fprintf(stdout, "%s: %s\n%s\n", scn.Name, scn.Description, plan.describe())
	which := "the sweep"
	if n > 1 {
		which = fmt.Sprintf("shard %d/%d", k, n)
	}
	fmt.Fprintf(stdout, "%d runs in %s: %d already in %s (skipped), %d to run on %d workers\n\n", mine, which, done, out, len(todo), workers)

	bar := newProgress(int64(len(todo)*scn.Run.Years), "sweeping", stderr, quiet)
	ran, err := plan.run(ctx, points, todo, out, workers, func() { bar.Add(1) })
	bar.Finish()
	interrupted := errors.Is(err, context.Canceled) && ran < len(todo)
	if err != nil && !interrupted {
		return runFailed(stderr, "schoolnet sweep", err, manifest.ScenarioHash)
	}
	if !interrupted {
		fmt.Fprintf(stdout, "Ran %d runs in %s.\n", ran, time.Since(manifest.Start).Round(time.Millisecond))
	}
	manifest.Interrupted = interrupted
	end, err := results.NewFolder(out, plan.names()...)
	if err != nil {
		return fail(exitFailure, err)
	}
	defer end.Abort()
	status, missing := finishSweep(end, out, plan, nil, &manifest, stdout, stderr)
	if interrupted {
		return fail(exitFailure, fmt.Sprintf("interrupted; the %d runs that finished are kept in %s/runs (%d of the %d runs in %s are done; its manifest.json says interrupted); run the same command again to resume",
			ran, out, done+ran, mine, which))
	}
	if status != exitOK {
		return status
	}
	if len(missing) > 0 { // a shard's part is done; the rest is another shard's
		fmt.Fprintf(stdout, "%d of the %d runs of the sweep are not yet in %s (%s). Run the other shards and join their directories with `schoolnet merge OUT DIR...`, or run the sweep again without --shard into %s, to finish it.\n",
			len(missing), plan.runs(), out, plan.list(missing), out)
	}
	return exitOK
}

// finishSweep writes the sweep directory dir anew through f: the run
// files found (nil: those in dir/runs, kept as hard links; otherwise
// copies of their bytes) and, if every run is there, runs.csv, points.csv
// and the charts, then the manifest m, listing them, and commits f. It
// prints the sweep's table when it is complete and returns the runs
// missing.
func finishSweep(f *results.Folder, dir string, plan *sweepPlan, found map[int]runFile, m *results.Manifest, stdout, stderr io.Writer) (status int, missing []int) {
	failed := func(err error) (int, []int) {
		fmt.Fprintf(stderr, "schoolnet %s: %v\n", m.Command, err)
		return exitFailure, nil
	}
	link := found == nil
	if link {
		var bad []error
		var err error
		if found, bad, err = plan.readRuns(os.DirFS(dir), dir, nil); err != nil {
			return failed(err)
		} else if len(bad) > 0 {
			return failed(bad[0])
		}
	}
	m.End = time.Now().UTC()
	files, missing, err := plan.stage(f, found, link, true, m)
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		return failed(err)
	}
	if len(missing) == 0 {
		runs := make([]results.SweepRun, plan.runs())
		for i, r := range found {
			runs[i] = r.run
		}
		plan.print(stdout, runs)
		fmt.Fprintf(stdout, "\nWrote %s in %s.\n", strings.Join(files, ", "), dir)
	}
	return exitOK, missing
}

// list names up to five of the runs missing.
func (p *sweepPlan) list(missing []int) string {
	var names []string
	for _, i := range missing[:min(len(missing), 5)] {
		names = append(names, p.name(i))
	}
	if len(missing) > 5 {
		names = append(names, "…")
	}
	return strings.Join(names, ", ")
}

// parseShard reads --shard K/N; "" is 1/1.
func parseShard(s string) (k, n int, err error) {
	if s == "" {
		return 1, 1, nil
	}
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("--shard must be K/N with 1 ≤ K ≤ N, such as 2/8; got %q", s)
	}
	return k, n, nil
}

// sweepPlan is what running and assembling a sweep needs to know.
type sweepPlan struct {
	keys         []string
	method       string
	points, reps int
	outcome      string
	// id identifies the sweep in its files: its name, hash and seed.
	id results.RunID
	// values holds each point's values as written in runs.csv; nil when
	// the plan was read from a manifest (merge), where only the run
	// numbers of the run files are checked.
	values [][]string
}

func newSweepPlan(scn *scenarios.Scenario, points []scenarios.SweepPoint) *sweepPlan {
	hash, _ := results.ScenarioHash(scn) // the manifest's: a scenario always marshals
	p := &sweepPlan{keys: scn.Sweep.Keys(), method: scn.Sweep.Method, points: len(points),
		reps: scn.Sweep.Replications, outcome: scn.Sweep.Outcome,
		id: results.RunID{Scenario: scn.Name, Hash: hash, Seed: scn.Run.Seed}}
	for _, pt := range points {
		vs := make([]string, len(pt.Values))
		for k, v := range pt.Values {
			vs[k] = scenarios.FormatSweepValue(v)
		}
		p.values = append(p.values, vs)
	}
	return p
}

func (p *sweepPlan) runs() int { return p.points * p.reps }

func (p *sweepPlan) describe() string {
	return fmt.Sprintf("%d points (%s over %s) × %d replications = %d runs, outcome %s",
		p.points, p.method, strings.Join(p.keys, ", "), p.reps, p.runs(), p.outcome)
}

// name is the name of run i's file in runs/.
func (p *sweepPlan) name(i int) string { return fmt.Sprintf("p%d-r%d.csv", i/p.reps, i%p.reps) }

func (p *sweepPlan) file(dir string, i int) string { return filepath.Join(dir, "runs", p.name(i)) }

func (p *sweepPlan) parseRun(path string, i int, data []byte) (results.SweepRun, bool, error) {
	rows, err := results.ReadSweepRuns(bytes.NewReader(data), p.keys)
	if err == nil && len(rows) != 1 {
		err = fmt.Errorf("%d rows, want 1", len(rows))
	}
	if err != nil {
		return results.SweepRun{}, false, fmt.Errorf("%s is not a run of this sweep: %w", path, err)
	}
	r := rows[0]
	if r.Run != i || r.Point != i/p.reps || r.Replication != i%p.reps {
		return r, false, fmt.Errorf("%s is not a run of this sweep: it holds run %d (point %d, replication %d)", path, r.Run, r.Point, r.Replication)
	}
	if p.values != nil && !slices.Equal(r.Params, p.values[r.Point]) {
		return r, false, fmt.Errorf("%s is not a run of this sweep: its values %v are not point %d's %v", path, r.Params, r.Point, p.values[r.Point])
	}
	return r, true, nil
}

// run simulates the runs todo of the sweep's points on at most workers
// goroutines, writing each run's file into dir/runs as soon as it ends.
// It returns how many runs it wrote, also when ctx is cancelled.
func (p *sweepPlan) run(ctx context.Context, points []scenarios.SweepPoint, todo []int, dir string, workers int, progress func()) (int, error) {
	side := max(1, min(len(todo), workers))
	perRun := max(1, workers/side)
	var ran atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(side)
	for _, i := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() (err error) {
			defer sim.Recover(&err)
			pt, rep := i/p.reps, i%p.reps
			scn := points[pt].Scenario
			cfg := scn.Config(perRun)
			cfg.Replication = rep
			e, err := sim.New(cfg)
			if err != nil {
				return err
			}
			var years []sim.YearMetrics
			if err := e.Run(gctx, func(y sim.YearRecord) {
				years = append(years, sim.Summarise(y))
				if y.Year > 0 {
					progress()
				}
			}); err != nil {
				return err
			}
			row := results.NewSweepRun(i, pt, rep, p.id, p.values[pt], years)
			err = results.WriteFile(p.file(dir, i), func(w io.Writer) error {
				return results.WriteSweepRuns(w, p.keys, []results.SweepRun{row})
			})
			if err == nil {
				ran.Add(1)
			}
			return err
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err() // cancelled before every run had started
	}
	return int(ran.Load()), err
}

// print prints each point's values and the sweep outcome's mean with its
// 95% interval.
func (p *sweepPlan) print(w io.Writer, runs []results.SweepRun) {
	k := 0
	for j, o := range results.Headlines {
		if o.Name == p.outcome {
			k = j
		}
	}
	o := results.Headlines[k]
	fmt.Fprintf(w, "\n%s (%s): %s; mean over %d replications and 95%% interval\n", o.Name, o.Unit, o.Description, p.reps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "point\t%s\tmean\t95%% interval\t\n", strings.Join(p.keys, "\t"))
	xs := make([]float64, p.reps)
	for pt := range p.points {
		for r := range p.reps {
			xs[r] = runs[pt*p.reps+r].Outcomes[k]
		}
		m, h := results.MeanCI(xs)
		ci := "–"
		if !math.IsNaN(h) {
			ci = fmt.Sprintf("[%.3f, %.3f]", m-h, m+h)
		}
		vals := slices.Clone(runs[pt*p.reps].Params)
		for j, v := range vals { // six significant digits on screen; runs.csv has every digit
			if x, err := strconv.ParseFloat(v, 64); err == nil && len(v) > 8 {
				vals[j] = strconv.FormatFloat(x, 'g', 6, 64)
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%.3f\t%s\t\n", pt, strings.Join(vals, "\t"), m, ci)
	}
	tw.Flush()
}

// fileSafe replaces the characters of a key other than letters, digits,
// '.', '-' and '_' with '_', for a file name.
func fileSafe(key string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, key)
}
