package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"schoolnet/results"
	"schoolnet/results/ensemble"
	"schoolnet/results/statistics"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

const runSynopsis = `Usage: schoolnet run [flags] [SCENARIO]

Runs SCENARIO (a TOML file or a shipped scenario's name; default: the
shipped baseline), prints the yearly table (means over replications with
95% intervals), and writes yearly.csv, schools.csv, treatments.csv,
summary.csv and statistics.csv (docs/RESULTS.md) to --out (with
--format parquet, yearly, schools, treatments and statistics as .parquet).
The same scenario and seed give byte-identical files for any --workers.

With --ensemble prior, --ensemble posterior (the shipped calibration's)
or --ensemble FILE (a posterior.csv of schoolnet calibrate), replication r runs with parameter draw r mod --draws, and run
also prints and writes uncertainty.csv (each outcome's 95% interval with
parametric and stochastic uncertainty, and the parametric share) and
ensemble.csv (the draws); docs/UNCERTAINTY.md.`

// runOptions are the flags of schoolnet run, compare and evaluate; set
// holds the names of those the command line gave (the others mean "as the
// scenario says").
type runOptions struct {
	seed, reps, years, workers int
	out                        string
	quiet                      bool
	format                     string
	set                        map[string]bool
	// roster, if not empty, replaces the scenarios' schools (--roster).
	roster string
	// ensemble ("prior" or a posterior file) and draws are --ensemble
	// and --draws.
	ensemble string
	draws    int
}

// ensembleFlags adds --ensemble and --draws.
func (o *runOptions) ensembleFlags(fs *flagSet) {
	fs.StringVar(&o.ensemble, "ensemble", "", "draw each replication's parameters: prior (every model parameter uniform on its plausible range), prior:KEY,KEY (those model parameters only), posterior (the shipped calibration's posterior, whose medians are the defaults), or a posterior.csv of schoolnet calibrate (or its directory); docs/UNCERTAINTY.md")
	fs.IntVar(&o.draws, "draws", 0, "parameter draws of --ensemble: replication r takes draw r mod DRAWS (default: half the replications, so that each draw runs twice and parametric and stochastic uncertainty can be told apart)")
}

// loadEnsemble returns the ensemble --ensemble names, with --draws draws
// (by default half of reps, at least 1), or nil without --ensemble.
//
// Every particle of a posterior is checked against each of scns.
func (o *runOptions) loadEnsemble(seed int64, reps int, scns ...*scenarios.Scenario) (*ensemble.Ensemble, error) {
	if o.ensemble == "" {
		if o.set["draws"] {
			return nil, errors.New("--draws needs --ensemble")
		}
		return nil, nil
	}
	draws := max(1, reps/2)
	if o.set["draws"] {
		draws = o.draws
	}
	if draws > reps {
		return nil, fmt.Errorf("--draws %d is more than the %d replications: each draw needs a replication (give --reps)", draws, reps)
	}
	e, err := ensemble.Load(o.ensemble, draws, seed)
	if err == nil {
		err = e.Check(scns...)
	}
	return e, err
}

// formatFlag adds --format, the format of the large tables.
func (o *runOptions) formatFlag(fs *flagSet) {
	fs.StringVar(&o.format, "format", "csv", "format of the yearly, school, treatment and statistics tables: csv, or parquet (typed, compressed columns for large panels; docs/RESULTS.md)")
}

// parsed records which flags fs's command line set, and checks every
// numeric flag against its range.
func (o *runOptions) parsed(fs *flagSet) error {
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	return checkFlags(fs)
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", runSynopsis, stdout, stderr)
	var o runOptions
	fs.IntVar(&o.seed, "seed", -1, "run seed (default: the scenario's run.seed)")
	fs.IntVar(&o.reps, "reps", 0, "replications (default: the scenario's run.replications)")
	fs.IntVar(&o.years, "years", 0, "simulated years (default: the scenario's run.years); fewer runs the scenario's first years, each policy keeping its own years and budget")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "goroutines for replications and schools")
	fs.StringVar(&o.out, "out", "", "directory for the result files (default: out/NAME)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	o.formatFlag(fs)
	fs.StringVar(&o.roster, "roster", "", "a roster file (CSV or GeoJSON) whose schools replace the scenario's (docs/DISTRICT.md)")
	o.ensembleFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if err := o.parsed(fs); err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitUsage
	}
	format, err := results.ParseFormat(o.format)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet run: --format:", err)
		return exitUsage
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "schoolnet run: one scenario at a time, got %d: %v\n", len(pos), pos)
		return exitUsage
	}
	var name string
	if len(pos) == 1 {
		name = pos[0]
	}
	scn, err := scenarios.Load(name)
	if err == nil {
		scn, err = withRoster(scn, o.roster)
	}
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitUsage
	}
	if err := o.applyFitting(scn, 1); err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitUsage
	}
	noteCut(stderr, "run", scn)
	if scn.Sweep.Defined() {
		fmt.Fprintf(stderr, "schoolnet run: note: %s has a [sweep] table, which run ignores; run the sweep with: schoolnet sweep %s\n", scn.Name, name)
	}
	if o.out == "" {
		o.out = filepath.Join("out", scn.Name)
	}
	ens, err := o.loadEnsemble(scn.Run.Seed, scn.Run.Replications, scn)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitUsage
	}
	folder, err := results.NewFolder(o.out, append(results.RunFileNames(), "ensemble.csv", "uncertainty.csv")...)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitUsage
	}
	defer folder.Abort()

	ctx, stop := interruptContext()
	defer stop()
	fmt.Fprintf(stdout, "%s: %s\n%d schools, %d years after %d spin-up, %d weeks a year, %d replications, seed %d, %d workers\n\n",
		scn.Name, scn.Description, scn.Population.NumSchools(), scn.Run.Years, scn.Run.SpinUpYears,
		scn.Run.WeeksPerYear, scn.Run.Replications, scn.Run.Seed, o.workers)
	printFilled(stdout, scn)
	manifest, err := results.NewManifest(scn, scn.Run.Seed, scn.Run.Replications)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitFailure
	}
	manifest.Command, manifest.Workers, manifest.Start = "run", o.workers, time.Now().UTC()
	bar := newProgress(int64(scn.Run.Replications*scn.Run.Years), "simulating", stderr, o.quiet)
	var (
		records [][]sim.YearRecord
		stats   []statistics.Collector
		sims    *ensemble.Runs
	)
	if ens != nil {
		fmt.Fprintf(stdout, "Ensemble: %s; replication r takes draw r mod %d.\n\n", ens.Describe(), ens.Draws)
		manifest.Ensemble = ens.Info()
		sims, err = ensemble.Simulate(ctx, []*scenarios.Scenario{scn}, scn.Run.Replications, o.workers, ens, func() { bar.Add(1) })
		bar.Finish()
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "schoolnet run: interrupted; no result files were written (%s is as it was)\n", o.out)
			return exitFailure
		} else if err != nil {
			return runFailed(stderr, "schoolnet run", err, manifest.ScenarioHash)
		}
		records, stats = sims.Records[0], sims.Stats[0]
	} else {
		cfg := scn.Config(o.workers)
		stats = collectStatistics(&cfg, scn.Run.Replications)
		records, err = sim.Replicate(ctx, cfg, scn.Run.Replications, o.workers, func() { bar.Add(1) })
		bar.Finish()
	}
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			return runFailed(stderr, "schoolnet run", err, manifest.ScenarioHash)
		}
		records = complete(records, scn.Run.Years)
		if len(records) == 0 {
			fmt.Fprintln(stderr, "schoolnet run: interrupted before any replication finished; no result files were written")
			return exitFailure
		}
		fmt.Fprintf(stderr, "schoolnet run: interrupted; keeping the %d of %d replications that finished (the manifest says so)\n", len(records), scn.Run.Replications)
		manifest.Interrupted = true
	}
	metrics := summarise(records)
	if err := results.PrintYearly(stdout, metrics); err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitFailure
	}
	manifest.Replications, manifest.End = len(records), time.Now().UTC()
	var extra []namedWrite
	if ens != nil {
		id := manifest.RunID(scn.Name)
		qs := results.HeadlineQuantities(metrics, sims.Draw, true)
		fmt.Fprintln(stdout)
		results.PrintUncertainty(stdout, fmt.Sprintf("Final-year outcomes over %d replications of %d parameter draws: 95%% prediction interval (parametric + stochastic) and the parametric share of the variance", len(records), ens.Draws), qs)
		draws := ens.Schema()
		extra = []namedWrite{
			{name: "uncertainty.csv", schema: &results.UncertaintySchema, write: func(w io.Writer) error { return results.WriteUncertainty(w, id, qs) }},
			{name: "ensemble.csv", schema: &draws, write: func(w io.Writer) error { return ens.WriteDraws(w, id, sims.Theta) }},
		}
	}
	var draw []int
	if ens != nil {
		draw = sims.Draw
	}
	if err := writeRun(folder, scn, format, records, metrics, draw, &manifest, statisticsOf(stats, records), extra...); err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitFailure
	}
	if err := folder.Commit(); err != nil {
		fmt.Fprintln(stderr, "schoolnet run:", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "\nAchievement: composite of maths, Chinese, English, science in SD of the\nbaseline population of the same grade. Ran in %s; wrote %s in %s\n",
		manifest.End.Sub(manifest.Start).Round(time.Millisecond), strings.Join(manifest.Files, ", "), o.out)
	if err != nil { // interrupted: what finished was kept, but the run is not whole
		return exitFailure
	}
	return exitOK
}

// complete returns the replications that ran every year, renumbered in
// order.
func complete(records [][]sim.YearRecord, years int) [][]sim.YearRecord {
	var out [][]sim.YearRecord
	for _, r := range records {
		if len(r) == years+1 {
			out = append(out, r)
		}
	}
	return out
}

// apply overrides the scenario's run settings with the flags given
// (parsed has checked their ranges), and checks the scenario again. A
// shorter --years runs the scenario's first years (SetYears).
func (o *runOptions) apply(scn *scenarios.Scenario) error {
	if o.set["seed"] {
		scn.Run.Seed = int64(o.seed)
	}
	if o.set["reps"] {
		scn.Run.Replications = o.reps
	}
	if o.set["years"] {
		scn.SetYears(o.years)
	}
	return scenarios.Check(scn)
}

// applyFitting applies the flags (apply), then refuses a run that would
// not fit in the machine's memory with engines engines a replication.
// (run and evaluate once dropped both errors through a shadowed err.)
func (o *runOptions) applyFitting(scn *scenarios.Scenario, engines int) error {
	if err := o.apply(scn); err != nil {
		return err
	}
	return checkMemory(scn, o.workers, engines)
}

// noteCut tells on stderr which of scn's policies the run's years cut
// short (scenarios.Scenario.Cut).
func noteCut(stderr io.Writer, command string, scn *scenarios.Scenario) {
	for _, n := range scn.Cut() {
		fmt.Fprintf(stderr, "schoolnet %s: note: %s: %s\n", command, scn.Name, n)
	}
}

func summarise(records [][]sim.YearRecord) [][]sim.YearMetrics {
	out := make([][]sim.YearMetrics, len(records))
	for r, rep := range records {
		for _, y := range rep {
			out[r] = append(out[r], sim.Summarise(y))
		}
	}
	return out
}

// writeRun writes the run's result files of scenario scn into f (its
// statistics, results/statistics, among them; draw is each replication's
// parameter draw with an ensemble, else nil), their datapackage.json,
// and the manifest last, listing them; the caller commits f.
func writeRun(f *results.Folder, scn *scenarios.Scenario, format results.Format, records [][]sim.YearRecord, metrics [][]sim.YearMetrics, draw []int, m *results.Manifest, stats []statistics.Replication, extra ...namedWrite) error {
	files := results.RunFiles{ID: m.RunID(scn.Name), Policies: scn.PolicyNames(), Format: format, Records: records, Metrics: metrics, Draw: draw, Statistics: stats}
	if err := writeFiles(f, extra, nil, ""); err != nil {
		return err
	}
	if err := files.Write(f); err != nil {
		return err
	}
	return f.WriteManifest(m)
}

// newProgress returns a progress bar on stderr, shown only when stderr is a
// terminal and quiet is false.
func newProgress(total int64, what string, stderr io.Writer, quiet bool) *progressbar.ProgressBar {
	return newProgressOf(total, what, "years", stderr, quiet)
}

// newProgressOf is newProgress counting units (years, particles).
func newProgressOf(total int64, what, units string, stderr io.Writer, quiet bool) *progressbar.ProgressBar {
	visible := false
	if f, ok := stderr.(*os.File); ok && !quiet {
		visible = term.IsTerminal(int(f.Fd()))
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(units),
		progressbar.OptionClearOnFinish(),
	)
}
