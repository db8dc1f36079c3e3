package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"schoolnet/results"
	"schoolnet/results/calibrate"
	"schoolnet/results/sweep"
	"schoolnet/scenarios"
	"schoolnet/targets"
)

const calibrateSynopsis = `Usage: schoolnet calibrate [flags] [TARGETS]

Estimates model parameters from calibration targets (TARGETS: a target
file, or the name of a shipped one; default: the shipped "default") by
approximate Bayesian computation with sequential Monte Carlo (docs/
CALIBRATION.md). Each parameter is drawn from its plausible range (the
ranges of docs/MODEL.md 7.1 and of the policy keys); each particle runs
the target scenarios in the same replications of their seeds (common
random numbers) and is scored by its distance from the published values
in units of their standard errors.

It writes to --out: posterior.csv (the final weighted particles),
parameters.csv (each parameter's posterior against its range and
default), fit.csv (each target: published, simulated with its interval,
z), conflicts.csv (pairs of targets no particle fits together),
generations.csv, the charts posterior.png/.svg and fit.png/.svg,
calibration.json, the state in generations/, and manifest.json
(docs/RESULTS.md). It prints which targets it fits and which it cannot
fit together.

The state is written as it goes: stopped (Ctrl-C, a killed job), the same
command resumes. With --shard K/N on a file system the N shards share
(--out the same directory), each simulates its part of every generation
and waits (--wait) for the others; shard 1 writes the results. The
results are the same bytes for any --workers, sharding or interruption.

--quick runs the targets on a small world (two districts of 25 schools,
two classes of 20 a grade) with 12 particles, 3 generations and one
replication: a check of the whole pipeline in well under a minute.`

func cmdCalibrate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("calibrate", calibrateSynopsis, stdout, stderr)
	var (
		params, out, shard                          string
		workers, particles, generations, reps, seed int
		quick, quiet                                bool
		wait                                        time.Duration
	)
	fs.StringVar(&params, "params", "", "comma-separated parameters to calibrate, model.KEY or policy.NAME.KEY (default: the target file's params)")
	fs.StringVar(&out, "out", "", "directory for the calibration (default: out/calibrate-NAME)")
	fs.IntVar(&workers, "workers", runtime.NumCPU(), "goroutines: particles simulated side by side")
	fs.StringVar(&shard, "shard", "", "simulate only shard `K/N` of every generation's particles (1 ≤ K ≤ N), sharing --out with the other shards")
	fs.DurationVar(&wait, "wait", 30*time.Minute, "with --shard: how long to wait for the other shards' particles of a generation")
	fs.IntVar(&particles, "particles", 0, "particles kept per generation (default: the target file's calibration.particles)")
	fs.IntVar(&generations, "generations", 0, "most generations (default: calibration.max_generations)")
	fs.IntVar(&reps, "replications", 0, "replications of each scenario per particle (default: calibration.replications)")
	fs.IntVar(&seed, "seed", -1, "seed of the calibration's draws (-1: calibration.seed)")
	fs.BoolVar(&quick, "quick", false, "the quick preset: a small world, 12 particles, 3 generations, 1 replication")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	fail := func(status int, args ...any) int {
		fmt.Fprintln(stderr, append([]any{"schoolnet calibrate:"}, args...)...)
		return status
	}
	if len(pos) > 1 {
		return fail(exitUsage, fmt.Sprintf("one target file at a time, got %d: %v", len(pos), pos))
	}
	k, n, err := sweep.ParseShard(shard)
	if err == nil {
		err = checkFlags(fs)
	}
	if err != nil {
		return fail(exitUsage, err)
	}
	name := targets.DefaultName
	if len(pos) == 1 {
		name = pos[0]
	}
	world := ""
	if quick {
		world = targets.QuickWorld
	}
	file, err := targets.Load(name, world)
	if err != nil {
		return fail(exitUsage, err)
	}
	if quick {
		file.Calibration = targets.Quick(file.Calibration)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	st := &file.Calibration
	if set["particles"] {
		st.Particles = particles
	}
	if set["generations"] {
		st.MaxGenerations = generations
	}
	if set["replications"] {
		st.Replications = reps
	}
	if set["seed"] {
		st.Seed = int64(seed)
	}
	var keys []string
	if set["params"] {
		keys = strings.Split(params, ",")
	}
	model, err := calibrate.NewModel(file, keys)
	if err != nil {
		if set["params"] {
			err = fmt.Errorf("--params: %w", err)
		}
		return fail(exitUsage, err)
	}
	if out == "" {
		base := strings.TrimSuffix(file.Name, ".toml")
		if quick {
			base += "-quick"
		}
		out = filepath.Join("out", "calibrate-"+base)
	}
	// Shard 1 (or the only process) writes the result folder; the other
	// shards write only their particles, and must not clean up after its
	// writing (NewFolder removes the temporaries of a folder being written).
	var folder *results.Folder
	if k == 1 {
		names := []string{"calibration.json", "generations/", "posterior.csv", "parameters.csv", "fit.csv", "generations.csv",
			"conflicts.csv", "posterior.png", "posterior.svg", "fit.png", "fit.svg", "manifest.json"}
		if folder, err = results.NewFolder(out, names...); err != nil {
			return fail(exitUsage, err)
		}
		defer folder.Abort()
	}

	ctx, stop := interruptContext()
	defer stop()
	s := model.Settings
	first := int(float64(s.Particles)/s.Alpha + 0.5)
	most := first + (s.MaxGenerations-1)*(first-s.Particles)
	which := ""
	if n > 1 {
		which = fmt.Sprintf(" (shard %d/%d)", k, n)
	}
	fmt.Fprintf(stdout, "Calibrating %d parameters on %d targets of %s%s: %d particles kept of %d a generation, at most %d generations (%d simulations), %d replications per scenario, seed %d, %d workers.\n",
		len(model.Params), len(file.Targets), file.Name, which, s.Particles, first, s.MaxGenerations, most, s.Replications, s.Seed, workers)
	manifest, err := results.NewManifest(calibrationInputs(model), s.Seed, s.Replications)
	if err != nil {
		return fail(exitFailure, err)
	}
	manifest.Command, manifest.Workers, manifest.Start = "calibrate", workers, time.Now().UTC()
	bar := newProgressOf(int64(most), "calibrating", "particles", stderr, quiet)
	res, err := calibrate.Run(ctx, model, calibrate.Options{Dir: out, Workers: workers, Shard: k, Shards: n, Wait: wait,
		Progress: func() { bar.Add(1) },
		Generation: func(g *calibrate.Generation) {
			if !quiet {
				bar.Clear()
				fmt.Fprintf(stderr, "generation %d closed: tolerance %.3f, acceptance %.2f\n", g.Number, g.Epsilon, g.Acceptance)
			}
		}})
	bar.Finish()
	switch {
	case errors.Is(err, calibrate.ErrOtherCalibration), errors.Is(err, calibrate.ErrUndefinedTarget):
		return fail(exitUsage, err)
	case errors.Is(err, context.Canceled):
		return fail(exitFailure, fmt.Sprintf("interrupted; what finished is kept in %s: run the same command again to resume", out))
	case errors.Is(err, calibrate.ErrWaiting):
		return fail(exitFailure, fmt.Sprintf("%v; what this shard simulated is kept in %s: run it again (or the other shards) to go on", err, out))
	case err != nil:
		return runFailed(stderr, "schoolnet calibrate", err, manifest.ScenarioHash)
	}
	if k != 1 {
		fmt.Fprintf(stdout, "Shard %d/%d: the calibration has ended; shard 1 writes the results into %s.\n", k, n, out)
		return exitOK
	}
	manifest.End = time.Now().UTC()
	if err := writeCalibration(folder, out, res, &manifest); err != nil {
		return fail(exitFailure, err)
	}
	fmt.Fprintln(stdout)
	res.Report(stdout)
	fmt.Fprintf(stdout, "\nRan in %s; wrote %s in %s\n", manifest.End.Sub(manifest.Start).Round(time.Millisecond), strings.Join(manifest.Files, ", "), out)
	return exitOK
}

// calibrationInputs is what a calibration's manifest records as its
// inputs: the targets, their hash, the parameters and the settings, and
// every target scenario as it runs.
func calibrationInputs(m *calibrate.Model) any {
	var params []string
	for _, p := range m.Params {
		params = append(params, p.Key)
	}
	var scns []*scenarios.Scenario
	for _, g := range m.File.Groups {
		scns = append(scns, g.Scenario)
	}
	return struct {
		Targets   string                `json:"targets"`
		Hash      string                `json:"targets_sha256"`
		Params    []string              `json:"params"`
		Settings  targets.Settings      `json:"settings"`
		Scenarios []*scenarios.Scenario `json:"scenarios"`
	}{m.File.Name, m.File.Hash(), params, m.Settings, scns}
}

// writeCalibration writes the calibration's result folder: its state
// files kept as they are, the result files, the charts and the manifest;
// then commits it.
func writeCalibration(f *results.Folder, dir string, res *calibrate.Result, m *results.Manifest) error {
	state, err := res.StateFiles(dir)
	if err != nil {
		return err
	}
	for _, name := range state {
		if err := f.Keep(name, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return err
		}
	}
	files := []namedWrite{
		{name: "posterior.csv", write: res.WritePosterior},
		{name: "parameters.csv", write: res.WriteParameters},
		{name: "fit.csv", write: res.WriteFit},
		{name: "generations.csv", write: res.WriteGenerations},
		{name: "conflicts.csv", write: res.WriteConflicts},
	}
	for _, kind := range []string{"posterior", "fit"} {
		chart := &calibrate.Chart{Result: res, Kind: kind}
		for _, format := range []string{"png", "svg"} {
			files = append(files, namedWrite{name: kind + "." + format, write: func(w io.Writer) error { return chart.Write(w, format) }})
		}
	}
	if err := writeFiles(f, files, m, ""); err != nil {
		return err
	}
	return f.Commit()
}
