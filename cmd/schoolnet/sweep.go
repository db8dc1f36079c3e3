package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
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
	if old, ok, err := readSweepManifest(out); err != nil {
		return fail(exitUsage, err)
	} else if ok && old.ScenarioHash != manifest.ScenarioHash {
		return fail(exitUsage, fmt.Sprintf("%s holds the runs of another sweep (its manifest.json has scenario hash %.12s…, this sweep %.12s…); choose another --out or remove it",
			out, old.ScenarioHash, manifest.ScenarioHash))
	}

	// The runs of this shard, less those already in the directory.
	var todo []int
	mine, done := 0, 0
	for i := range plan.runs() {
		if i%n != k-1 {
			continue
		}
		mine++
		switch _, ok, err := plan.readRun(out, i); {
		case err != nil:
			fmt.Fprintf(stderr, "schoolnet sweep: %v; running it again\n", err)
			todo = append(todo, i)
		case ok:
			done++
		default:
			todo = append(todo, i)
		}
	}
	manifest.Command, manifest.Workers, manifest.Start = "sweep", workers, time.Now().UTC()
	if n > 1 {
		manifest.Shard = fmt.Sprintf("%d/%d", k, n)
	}
	manifest.Files = []string{"runs/", "manifest.json"}
	if err := results.WriteFile(filepath.Join(out, "manifest.json"), manifest.Write); err != nil {
		return fail(exitFailure, err)
	}

	fmt.Fprintf(stdout, "%s: %s\n%s\n", scn.Name, scn.Description, plan.describe())
	which := "the sweep"
	if n > 1 {
		which = fmt.Sprintf("shard %d/%d", k, n)
	}
	fmt.Fprintf(stdout, "%d runs in %s: %d already in %s (skipped), %d to run on %d workers\n\n", mine, which, done, out, len(todo), workers)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newProgress(int64(len(todo)*scn.Run.Years), "sweeping", stderr, quiet)
	ran, err := plan.run(ctx, points, todo, out, workers, func() { bar.Add(1) })
	bar.Finish()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fail(exitFailure, fmt.Sprintf("interrupted; the %d runs that finished are kept in %s/runs (%d of the %d runs in %s are done); run the same command again to resume",
				ran, out, done+ran, mine, which))
		}
		return runFailed(stderr, "schoolnet sweep", err, manifest.ScenarioHash)
	}
	fmt.Fprintf(stdout, "Ran %d runs in %s.\n", ran, time.Since(manifest.Start).Round(time.Millisecond))
	status := finishSweep(out, plan, &manifest, stdout, stderr)
	if status == exitIncomplete {
		status = exitOK // a shard's part is done; the rest is another shard's
	}
	return status
}

// exitIncomplete is finishSweep's status when runs are missing; it is not
// a process exit status.
const exitIncomplete = -1

// finishSweep assembles dir if every run is there and rewrites the
// manifest listing what was written; otherwise it says what is missing
// and returns exitIncomplete.
func finishSweep(dir string, plan *sweepPlan, m *results.Manifest, stdout, stderr io.Writer) int {
	runs, missing, files, err := plan.assemble(dir)
	if err != nil {
		fmt.Fprintf(stderr, "schoolnet %s: %v\n", m.Command, err)
		return exitFailure
	}
	m.End = time.Now().UTC()
	m.Files = append(append([]string{"runs/"}, files...), "manifest.json")
	if err := results.WriteFile(filepath.Join(dir, "manifest.json"), m.Write); err != nil {
		fmt.Fprintf(stderr, "schoolnet %s: %v\n", m.Command, err)
		return exitFailure
	}
	if len(missing) > 0 {
		var names []string
		for _, i := range missing[:min(len(missing), 5)] {
			names = append(names, plan.name(i))
		}
		if len(missing) > 5 {
			names = append(names, "…")
		}
		fmt.Fprintf(stdout, "%d of the %d runs of the sweep are not yet in %s (%s). Run the other shards and join their directories with `schoolnet merge OUT DIR...`, or run the sweep again without --shard into %s, to finish it.\n",
			len(missing), plan.runs(), dir, strings.Join(names, ", "), dir)
		return exitIncomplete
	}
	plan.print(stdout, runs)
	fmt.Fprintf(stdout, "\nWrote %s in %s.\n", strings.Join(files, ", "), dir)
	return exitOK
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
	// values holds each point's values as written in runs.csv; nil when
	// the plan was read from a manifest (merge), where only the run
	// numbers of the run files are checked.
	values [][]string
}

func newSweepPlan(scn *scenarios.Scenario, points []scenarios.SweepPoint) *sweepPlan {
	p := &sweepPlan{keys: scn.Sweep.Keys(), method: scn.Sweep.Method, points: len(points),
		reps: scn.Sweep.Replications, outcome: scn.Sweep.Outcome}
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

// readRun reads run i's file in dir. ok is false when there is none; an
// error says the file is there but is not run i of this sweep.
func (p *sweepPlan) readRun(dir string, i int) (run results.SweepRun, ok bool, err error) {
	data, err := os.ReadFile(p.file(dir, i))
	if errors.Is(err, fs.ErrNotExist) {
		return run, false, nil
	} else if err != nil {
		return run, false, err
	}
	return p.parseRun(p.file(dir, i), i, data)
}

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
			row := results.NewSweepRun(i, pt, rep, scn.Run.Seed, p.values[pt], years)
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

// assemble reads every run file of the sweep in dir. If all are there it
// writes runs.csv, points.csv and the charts and returns the runs and the
// files written; otherwise it returns the runs missing.
func (p *sweepPlan) assemble(dir string) (runs []results.SweepRun, missing []int, files []string, err error) {
	for i := range p.runs() {
		r, ok, err := p.readRun(dir, i)
		if err != nil {
			return nil, nil, nil, err
		}
		if !ok {
			missing = append(missing, i)
			continue
		}
		runs = append(runs, r)
	}
	if len(missing) > 0 {
		return runs, missing, nil, nil
	}
	for i := range runs {
		if i%p.reps > 0 && !slices.Equal(runs[i].Params, runs[i-1].Params) {
			return nil, nil, nil, fmt.Errorf("%s and %s set different values for point %d", p.name(i-1), p.name(i), runs[i].Point)
		}
	}
	out := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"runs.csv", func(w io.Writer) error { return results.WriteSweepRuns(w, p.keys, runs) }},
		{"points.csv", func(w io.Writer) error { return results.WriteSweepPoints(w, p.keys, runs) }},
	}
	for k, key := range p.keys {
		chart := &results.SweepChart{Key: key, Param: k, Outcome: p.outcome, Runs: runs}
		for _, format := range []string{"png", "svg"} {
			out = append(out, struct {
				name  string
				write func(io.Writer) error
			}{"sweep-" + fileSafe(key) + "." + format, func(w io.Writer) error { return chart.Write(w, format) }})
		}
	}
	for _, f := range out {
		if err := results.WriteFile(filepath.Join(dir, f.name), f.write); err != nil {
			return nil, nil, nil, err
		}
		files = append(files, f.name)
	}
	return runs, nil, files, nil
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

// sweepManifest is the part of a result directory's manifest.json that
// resuming and merging read.
type sweepManifest struct {
	Scenario     json.RawMessage `json:"scenario"`
	ScenarioHash string          `json:"scenario_hash"`
	Seed         int64           `json:"seed"`
	Command      string          `json:"command"`
	Commit       string          `json:"commit"`
	Modified     bool            `json:"commit_modified"`
	Shard        string          `json:"shard"`
}

// readSweepManifest reads dir/manifest.json; ok is false if there is none.
func readSweepManifest(dir string) (m sweepManifest, ok bool, err error) {
	path := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, false, nil
	} else if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, false, fmt.Errorf("%s: %w", path, err)
	}
	if m.ScenarioHash == "" {
		return m, false, fmt.Errorf("%s has no scenario_hash", path)
	}
	return m, true, nil
}

// plan reads the sweep's plan from the manifest's resolved scenario.
func (m *sweepManifest) plan(path string) (*sweepPlan, error) {
	var scn struct {
		Sweep scenarios.SweepSpec
	}
	if err := json.Unmarshal(m.Scenario, &scn); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sw := &scn.Sweep
	if !sw.Defined() || len(sw.Params) == 0 || sw.Replications < 1 || sw.NumPoints() < 1 {
		return nil, fmt.Errorf("%s is not the manifest of a sweep: its scenario has no [sweep] table", path)
	}
	return &sweepPlan{keys: sw.Keys(), method: sw.Method, points: sw.NumPoints(), reps: sw.Replications, outcome: sw.Outcome}, nil
}
