package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"schoolnet/results"
	"schoolnet/results/ensemble"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// headlineReforms are compared when compare is given no scenario: the
// baseline first, then the SSP package and its parts.
var headlineReforms = []string{"baseline", "shanghai-ssp", "funding-only", "rotation-only", "loose-collaboration"}

const compareSynopsis = `Usage: schoolnet compare [flags] [SCENARIO...]

Runs every scenario with the same seeds (common random numbers: replication
r of each scenario draws the same schools, students and shocks), and prints,
per outcome, each scenario's mean and its paired difference from the FIRST
scenario with a 95% interval. Also writes compare.csv, the trajectory chart
compare.png and compare.svg (weak schools' achievement by year, with 95%
bands), and each scenario's own result files under --out/NAME.

Without scenarios it compares the shipped baseline with the headline
reforms: ` + "shanghai-ssp, funding-only, rotation-only, loose-collaboration" + `.
All scenarios run with the first one's years, weeks and spin-up.

With --ensemble prior (every model parameter uniform on its plausible
range), --ensemble posterior (the shipped calibration's posterior, whose
medians are the defaults) or --ensemble FILE (a posterior.csv from
schoolnet calibrate, or its directory), replication r of every scenario draws parameter set
r mod --draws: the intervals then hold parametric as well as stochastic
uncertainty, with the parametric share and the probability that each
scenario beats each other (docs/UNCERTAINTY.md). Also writes wins.csv and
ranking.csv, and with --ensemble ensemble.csv and outcomes.csv.`

func cmdCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("compare", compareSynopsis, stdout, stderr)
	var o runOptions
	fs.IntVar(&o.seed, "seed", -1, "run seed for every scenario (default: the first scenario's)")
	fs.IntVar(&o.reps, "reps", 0, "replications per scenario (default: the first scenario's)")
	fs.IntVar(&o.years, "years", 0, "simulated years (default: the first scenario's); fewer than a scenario's runs its first years, each policy keeping its own years and budget")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "goroutines for replications and schools")
	fs.StringVar(&o.out, "out", filepath.Join("out", "compare"), "directory for compare.csv, the charts and each scenario's files")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	o.formatFlag(fs)
	year := fs.Int("year", -1, "year whose outcomes are compared (default: the last year run)")
	fs.StringVar(&o.roster, "roster", "", "a roster file (CSV or GeoJSON) whose schools replace every scenario's (docs/DISTRICT.md)")
	report := fs.String("report", "", "also write a self-contained HTML report of the comparison to this file (as schoolnet report DIR does)")
	o.ensembleFlags(fs)
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if err := o.parsed(fs); err != nil {
		fmt.Fprintln(stderr, "schoolnet compare:", err)
		return exitUsage
	}
	format, err := results.ParseFormat(o.format)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet compare: --format:", err)
		return exitUsage
	}
	if len(names) == 0 {
		names = slices.Clone(headlineReforms)
	}
	if len(names) < 2 {
		fmt.Fprintln(stderr, "schoolnet compare: name at least two scenarios (the first is the reference)")
		return exitUsage
	}
	scns := make([]*scenarios.Scenario, len(names))
	for k, n := range names {
		s, err := scenarios.Load(n)
		if err == nil {
			s, err = withRoster(s, o.roster)
		}
		if err != nil {
			fmt.Fprintln(stderr, "schoolnet compare:", err)
			return exitUsage
		}
		scns[k] = s
	}
	// Scenarios are told apart by name in tables and directories.
	seen := map[string]int{}
	for k, s := range scns {
		seen[s.Name]++
		if n := seen[s.Name]; n > 1 {
			s.Name = fmt.Sprintf("%s-%d", s.Name, n)
		}
		names[k] = s.Name
	}
	if err := o.apply(scns[0]); err != nil {
		fmt.Fprintln(stderr, "schoolnet compare:", err)
		return exitUsage
	}
	first := scns[0].Run
	for _, s := range scns[1:] {
		if s.Run.Years != first.Years || s.Run.WeeksPerYear != first.WeeksPerYear || s.Run.SpinUpYears != first.SpinUpYears {
			fmt.Fprintf(stderr, "schoolnet compare: note: %s runs with %s's %d years of %d weeks after %d spin-up years\n",
				s.Name, scns[0].Name, first.Years, first.WeeksPerYear, first.SpinUpYears)
		}
		s.Run.Seed, s.Run.Replications = first.Seed, first.Replications
		s.Run.WeeksPerYear, s.Run.SpinUpYears = first.WeeksPerYear, first.SpinUpYears
		s.SetYears(first.Years)
	}
	for _, s := range scns {
		if err := scenarios.Check(s); err != nil {
			fmt.Fprintf(stderr, "schoolnet compare: %s: %v\n", s.Name, err)
			return exitUsage
		}
		noteCut(stderr, "compare", s)
	}
	if *year > first.Years {
		fmt.Fprintf(stderr, "schoolnet compare: --year %d is after the run's last year %d\n", *year, first.Years)
		return exitUsage
	}
	if *report != "" && inside(o.out, *report) {
		fmt.Fprintf(stderr, "schoolnet compare: --report %s is inside --out %s, which holds only the files its manifest lists: write the report beside it\n", *report, o.out)
		return exitUsage
	}
	if *report != "" {
		if err := checkReport(*report); err != nil {
			fmt.Fprintln(stderr, "schoolnet compare: --report:", err)
			return exitUsage
		}
	}
	// Two worlds a replication at a time: the spun-up world and the
	// scenario forked from it (sim.RunWorlds).
	if err := checkMemory(scns[0], o.workers, min(2, len(scns))); err != nil {
		fmt.Fprintln(stderr, "schoolnet compare:", err)
		return exitUsage
	}

	declared := []string{"compare.csv", "wins.csv", "ranking.csv", "ensemble.csv", "outcomes.csv", "compare.png", "compare.svg", "datapackage.json", "manifest.json"}
	for _, n := range names {
		declared = append(declared, n+"/")
	}
	folder, err := results.NewFolder(o.out, declared...)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet compare:", err)
		return exitUsage
	}
	defer folder.Abort()

	ctx, stop := interruptContext()
	defer stop()
	at := "the final year"
	if *year >= 0 {
		at = fmt.Sprintf("year %d", *year)
	}
	fmt.Fprintf(stdout, "Comparing %s with %s: %d replications each, seed %d, %d years, common random numbers;\noutcomes at %s.\n\n",
		strings.Join(names[1:], ", "), names[0], first.Replications, first.Seed, first.Years, at)
	printed := map[string]bool{}
	for _, s := range scns {
		if r := s.Population.Roster; r != nil && !printed[r.SHA256] {
			printed[r.SHA256] = true
			printFilled(stdout, s)
		}
	}
	ens, err := o.loadEnsemble(first.Seed, first.Replications, scns...)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet compare:", err)
		return exitUsage
	}
	if ens != nil {
		fmt.Fprintf(stdout, "Ensemble: %s; replication r takes draw r mod %d, the same in every scenario.\n\n", ens.Describe(), ens.Draws)
	}
	bar := newProgress(int64(len(scns)*first.Replications*first.Years), "simulating", stderr, o.quiet)
	start := time.Now()
	sims, err := ensemble.Simulate(ctx, scns, first.Replications, o.workers, ens, func() { bar.Add(1) })
	bar.Finish()
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			return runFailed(stderr, "schoolnet compare", err, "")
		}
		fmt.Fprintf(stderr, "schoolnet compare: interrupted; no result files were written (%s is as it was)\n", o.out)
		return exitFailure
	}
	runs := make([][][]sim.YearMetrics, len(scns))
	ids := make([]results.RunID, len(scns))
	var draw []int // each replication's parameter draw, with an ensemble
	if ens != nil {
		draw = sims.Draw
	}
	for k, s := range scns {
		manifest, err := results.NewManifest(s, s.Run.Seed, s.Run.Replications)
		if err != nil {
			fmt.Fprintln(stderr, "schoolnet compare:", err)
			return exitFailure
		}
		manifest.Command, manifest.Workers, manifest.Start, manifest.End = "compare", o.workers, start.UTC(), time.Now().UTC()
		if ens != nil {
			manifest.Ensemble = ens.Info()
		}
		records := sims.Records[k]
		runs[k] = summarise(records)
		ids[k] = manifest.RunID(s.Name)
		if err := writeRun(folder.Sub(s.Name), s, format, records, runs[k], draw, &manifest, statisticsOf(sims.Stats[k], records)); err != nil {
			fmt.Fprintln(stderr, "schoolnet compare:", err)
			return exitFailure
		}
	}

	effects := results.CompareDraws(names, runs, *year, sims.Draw, ens != nil)
	compared := *year
	if compared < 0 {
		compared = first.Years
	}
	results.PrintCompare(stdout, effects, compared, first.Years)
	wins, ranks := results.WinsAndRanks(names, runs, *year, sims.Draw, ens != nil)
	if ens != nil {
		results.PrintWins(stdout, []string{"weak_composite", results.PerMillion}, wins, ranks)
	}
	title := "Weak schools' achievement, mean and 95% band over replications"
	if ens != nil {
		title = fmt.Sprintf("Weak schools' achievement over %d runs of %d parameter draws: mean, 95%% band of the mean (parameters and chance vary)", first.Replications, ens.Draws)
	}
	chart := results.Chart{
		Title:  title,
		YLabel: "composite, SD of the baseline grade",
		Names:  names,
	}
	for _, r := range runs {
		chart.Series = append(chart.Series, results.Trajectory(r, func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupWeak].Composite }))
	}
	// The comparison's own manifest: every scenario, as each one's.
	manifest, err := results.NewManifest(scns, first.Seed, first.Replications)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet compare:", err)
		return exitFailure
	}
	manifest.Command, manifest.Workers, manifest.Start, manifest.End = "compare", o.workers, start.UTC(), time.Now().UTC()
	manifest.Year = &compared
	files := []namedWrite{
		{name: "compare.csv", schema: &results.CompareSchema, write: func(w io.Writer) error { return results.WriteCompare(w, ids, effects) }},
		{name: "wins.csv", schema: &results.WinsSchema, write: func(w io.Writer) error { return results.WriteWins(w, ids, wins) }},
		{name: "ranking.csv", schema: &results.RankingSchema, write: func(w io.Writer) error { return results.WriteRanking(w, ids, ranks) }},
		{name: "compare.png", write: func(w io.Writer) error { return chart.Write(w, "png") }},
		{name: "compare.svg", write: func(w io.Writer) error { return chart.Write(w, "svg") }},
	}
	if ens != nil {
		manifest.Ensemble = ens.Info()
		draws := ens.Schema()
		files = append(files,
			namedWrite{name: "ensemble.csv", schema: &draws, write: func(w io.Writer) error { return ens.WriteDraws(w, ids[0], sims.Theta) }},
			namedWrite{name: "outcomes.csv", schema: &results.OutcomesSchema, write: func(w io.Writer) error {
				return results.WriteOutcomes(w, ids, runs, *year, sims.Draw)
			}})
	}
	err = writeFiles(folder, files, &manifest, "schoolnet compare of "+strings.Join(names, ", "))
	if err == nil {
		err = folder.Commit()
	}
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet compare:", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "Ran in %s. Table: %s; chart: %s and .svg; each scenario's files in %s/NAME/\n",
		time.Since(start).Round(time.Millisecond), filepath.Join(o.out, "compare.csv"), filepath.Join(o.out, "compare.png"), o.out)
	if *report != "" {
		if err := writeReport(o.out, *report); err != nil {
			fmt.Fprintln(stderr, "schoolnet compare: the report:", err)
			return exitFailure
		}
		fmt.Fprintf(stdout, "Report: %s (open it in a browser, or print it to PDF)\n", *report)
	}
	return exitOK
}
