package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"

	"schoolnet/results"
	"schoolnet/results/sweep"
	"schoolnet/scenarios"
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
Methods morris and sobol (global sensitivity analysis) also write
DIR/indices.csv (every outcome's Morris μ*, μ, σ or Sobol first-order and
total indices, with bootstrap intervals) and the chart
DIR/indices-OUTCOME.png and .svg; method table runs the rows of a CSV
design (docs/SCENARIOS.md, docs/UNCERTAINTY.md).
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
	k, n, err := sweep.ParseShard(shard)
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
	if out == "" {
		out = filepath.Join("out", "sweep-"+scn.Name)
	}
	ctx, stop := interruptContext()
	defer stop()
	// The bar counts the years of every run of the shard; runs already
	// done are not run, so a resumed sweep's bar ends short of full.
	points := scn.Sweep.NumPoints() * scn.Sweep.Replications
	bar := newProgress(int64((points+n-k)/n*scn.Run.Years), "sweeping", stderr, quiet)
	_, err = sweep.Run(ctx, scn, sweep.Options{Out: out, Shard: k, Shards: n, Workers: workers,
		Progress: func() { bar.Add(1) }, Stdout: stdout, Stderr: stderr})
	bar.Finish()
	return sweepStatus(stderr, "schoolnet sweep", err, scn)
}

// sweepStatus reports an error of sweep.Run or sweep.Merge and returns
// the exit status: 2 for a refused input, 1 for an interruption or a
// failure, 3 for a recovered panic (a bug). scn is the scenario, or nil.
func sweepStatus(stderr io.Writer, cmd string, err error, scn *scenarios.Scenario) int {
	var refused *sweep.RefusedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &refused):
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailure
	}
	hash := ""
	if scn != nil {
		hash, _ = results.ScenarioHash(scn)
	}
	return runFailed(stderr, cmd, err, hash)
}
