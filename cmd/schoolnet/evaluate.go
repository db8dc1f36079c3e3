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
	"schoolnet/results/evaluate"
	"schoolnet/scenarios"
)

const evaluateSynopsis = `Usage: schoolnet evaluate [flags] SCENARIO

The evaluation lab. Runs every replication of SCENARIO beside its untreated
twin (the same world with the policies switched off and the same random
streams), so the true effect of the policies on the treated schools is
known; draws the data a study would see (the tested grade at baseline and
follow-up, observed covariates only, never the latent reform motivation);
applies the evaluation designs; and prints per subject the true effect,
each design's estimate, standard error, 95% interval and bias, what a
lottery would have found, the mediation shares (in the model and as a
researcher would estimate them) and the balance of the matching.

Designs: naive (follow-up difference), did (difference in differences with
school fixed effects), psm-did (DID on propensity-score matched schools),
rct (the same scenario with its selection replaced by a lottery: follow-up
difference and DID). Standard errors are clustered by school.

Bias sources (docs/EVALUATION.md): besides the selection on the
principals' latent motivation, a study faces a dip (schools chosen after a
bad measured year: regression to the mean), measurement error of the test,
families moving towards the treated schools, and teaching to the exam. The
scenario's [study] table and [model] keys set their magnitudes (sourced
defaults); --sources switches them off. Unless --decompose=false, the lab
also runs the study with every source off and with each on alone, in
worlds forked from the same twin, and prints and writes (bias.csv) the
bias each adds to each design.

Writes evaluation.csv, estimates.csv, truth.csv, bias.csv, mediation.csv,
balance.csv, datapackage.json and manifest.json to --out
(docs/RESULTS.md). With --export-data it also writes the panel every study
saw, exactly as the designs see it (through the study's test), beside the
true effect on each school: study_students.csv (the tested grade at
baseline and follow-up) and study_schools.csv (each school's treatment,
covariates, mediators and true effect), or .parquet with --format parquet;
docs/EVALUATION.md shows how to re-estimate the DID from them in R and
Python. The same scenario and seed give byte-identical CSV files for any
--workers; with --sources none the tables are those of the lab before the
bias sources.

With --ensemble prior, --ensemble posterior (the shipped calibration's)
or --ensemble FILE (a posterior.csv of schoolnet calibrate), replication r and its twins run with parameter draw r mod
--draws, and evaluate also writes uncertainty.csv (the true effect and
each design's estimate with parametric and stochastic uncertainty) and
ensemble.csv; docs/UNCERTAINTY.md.`

func cmdEvaluate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("evaluate", evaluateSynopsis, stdout, stderr)
	var o runOptions
	fs.IntVar(&o.seed, "seed", -1, "run seed (default: the scenario's run.seed)")
	fs.IntVar(&o.reps, "reps", 0, "replications (default: the scenario's run.replications)")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "goroutines for replications and schools")
	fs.StringVar(&o.out, "out", "", "directory for the result files (default: out/evaluate-NAME)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	design := fs.String("design", "all", "naive, did, psm-did, rct, or all (several joined by commas)")
	grade := fs.Int("grade", 0, "tested grade, national number (default: the last grade, 9 in junior secondary)")
	mediation := fs.Bool("mediation", true, "run the mediation twins and estimate the mediation")
	bootstrap := fs.Int("bootstrap", 200, "bootstrap replicates of each study's mediation estimate")
	outcomes := fs.String("outcomes", "maths,chinese", "outcomes to print: maths, chinese, english, science, composite, or all")
	export := fs.Bool("export-data", false, "also write each study's panel (study_students, study_schools) beside the true effect per school")
	o.formatFlag(fs)
	o.ensembleFlags(fs)
	strength := fs.Float64("strength", -1, "selection strength of every voluntary policy (default: as the scenario says; 0 makes volunteering a lottery)")
	sources := fs.String("sources", "all", "bias sources left on, as the scenario sets them: all, none, or some of dip, measurement, intake, inflation joined by commas (the others are switched off)")
	test := fs.String("test", "", "the test the study reads: exam (high-stakes, inflated by teaching to the test) or audit (low-stakes) (default: the scenario's [study] test)")
	decompose := fs.Bool("decompose", true, "run the bias decomposition: the study with every source off and with each on alone (bias.csv)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if err := o.parsed(fs); err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "schoolnet evaluate: name one scenario, got %d\n", len(pos))
		return exitUsage
	}
	format, err := results.ParseFormat(o.format)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet evaluate: --format:", err)
		return exitUsage
	}
	designs, err := parseDesigns(*design)
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	printed, err := parseOutcomes(*outcomes)
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	scn, err := scenarios.Load(pos[0])
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	if err := applySources(scn, *sources, *test); err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	opt := evaluate.Options{Grade: *grade, Designs: designs, Mediation: *mediation, Bootstrap: *bootstrap, Decompose: *decompose}
	if err := o.applyFitting(scn, evaluate.Engines(scn, opt)); err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	noteCut(stderr, "evaluate", scn)
	if o.set["strength"] {
		for _, p := range scn.Policies {
			if sel := &p.Base().Select; sel.Rule == "voluntary" {
				sel.Strength = *strength
			}
		}
	}
	if o.out == "" {
		o.out = filepath.Join("out", "evaluate-"+scn.Name)
	}
	opt.Workers, opt.Export = o.workers, *export
	ens, err := o.loadEnsemble(scn.Run.Seed, scn.Run.Replications, scn)
	var theta [][]float64
	draw := make([]int, scn.Run.Replications)
	for r := range draw {
		draw[r] = r
	}
	if err == nil && ens != nil {
		// Every draw's scenario, checked before anything runs.
		worlds := make([]*scenarios.Scenario, ens.Draws)
		for d := range worlds {
			theta = append(theta, ens.Draw(d))
			if worlds[d], err = ens.Apply(scn, theta[d]); err != nil {
				break
			}
		}
		for r := range draw {
			draw[r] = ens.DrawOf(r)
		}
		opt.Vary = func(rep int) (*scenarios.Scenario, error) { return worlds[ens.DrawOf(rep)], nil }
	}
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	study, err := evaluate.NewStudy(scn, *grade)
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}

	declared := []string{"evaluation.csv", "estimates.csv", "truth.csv", "bias.csv", "mediation.csv", "balance.csv", "uncertainty.csv", "ensemble.csv", "datapackage.json", "manifest.json"}
	for _, f := range results.Formats {
		declared = append(declared, f.File(evaluate.StudentPanelSchema.Name), f.File(evaluate.SchoolPanelSchema.Name))
	}
	folder, err := results.NewFolder(o.out, declared...)
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitUsage
	}
	defer folder.Abort()

	ctx, stop := interruptContext()
	defer stop()
	fmt.Fprintf(stdout, "%s: %s\n%d schools, %d replications, seed %d, %d workers; each replication runs beside its untreated twin\n\n",
		scn.Name, scn.Description, scn.Population.NumSchools(), scn.Run.Replications, scn.Run.Seed, o.workers)
	manifest, err := results.NewManifest(scn, scn.Run.Seed, scn.Run.Replications)
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitFailure
	}
	manifest.Command, manifest.Workers, manifest.Start = "evaluate", o.workers, time.Now().UTC()
	if ens != nil {
		manifest.Ensemble = ens.Info()
		fmt.Fprintf(stdout, "Ensemble: %s; replication r and its twins take draw r mod %d.\n\n", ens.Describe(), ens.Draws)
	}
	bar := newProgress(int64(scn.Run.Replications*study.FollowUp), "simulating", stderr, o.quiet)
	opt.Progress = func() { bar.Add(1) }
	res, err := evaluate.Run(ctx, scn, opt)
	bar.Finish()
	if err != nil {
		if errors.Is(err, evaluate.ErrNoneTreated) {
			fmt.Fprintf(stderr, "schoolnet evaluate: %s: %v; nothing was written\n", scn.Name, err)
			return exitUsage
		}
		if !errors.Is(err, context.Canceled) {
			return runFailed(stderr, "schoolnet evaluate", err, manifest.ScenarioHash)
		}
		fmt.Fprintln(stderr, "schoolnet evaluate: interrupted; no result files were written")
		return exitFailure
	}
	if ens != nil {
		res.Draw = draw
	}
	res.Print(stdout, printed)
	manifest.End = time.Now().UTC()
	id := manifest.RunID(scn.Name)
	var qs []results.Quantity
	if ens != nil {
		qs = res.Quantities(draw, true)
		fmt.Fprintln(stdout)
		results.PrintUncertainty(stdout, fmt.Sprintf("True effects and estimates over %d replications of %d parameter draws: 95%% prediction interval (parametric + stochastic) and the parametric share of the variance", len(res.Reps), ens.Draws), qs)
	}
	table := func(s *results.Schema, write func(io.Writer) error) namedWrite {
		return namedWrite{name: s.Name + ".csv", schema: s, write: results.WithRunColumns(id, write)}
	}
	files := []namedWrite{
		table(&evaluate.EvaluationSchema, res.WriteEvaluation),
		table(&evaluate.EstimateSchema, res.WriteEstimates),
		table(&evaluate.TruthSchema, res.WriteTruth),
	}
	if opt.Decompose {
		files = append(files, table(&evaluate.BiasSchema, res.WriteBias))
	}
	if opt.Mediation {
		files = append(files, table(&evaluate.MediationSchema, res.WriteMediation))
	}
	if res.BalanceRows() != nil {
		files = append(files, table(&evaluate.BalanceSchema, res.WriteBalance))
	}
	if ens != nil {
		draws := ens.Schema()
		files = append(files,
			namedWrite{name: "uncertainty.csv", schema: &results.UncertaintySchema, write: func(w io.Writer) error { return results.WriteUncertainty(w, id, qs) }},
			namedWrite{name: "ensemble.csv", schema: &draws, write: func(w io.Writer) error { return ens.WriteDraws(w, id, theta) }})
	}
	if res.Exported() {
		files = append(files,
			namedWrite{name: format.File(evaluate.StudentPanelSchema.Name), schema: &evaluate.StudentPanelSchema, format: format,
				write: func(w io.Writer) error { return res.WriteStudyStudents(w, format, id) }},
			namedWrite{name: format.File(evaluate.SchoolPanelSchema.Name), schema: &evaluate.SchoolPanelSchema, format: format,
				write: func(w io.Writer) error { return res.WriteStudySchools(w, format, id) }})
	}
	err = writeFiles(folder, files, &manifest, "schoolnet evaluate "+scn.Name)
	if err == nil {
		err = folder.Commit()
	}
	if err != nil {
		complain(stderr, "evaluate", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "\nRan in %s; wrote %s in %s\n", manifest.End.Sub(manifest.Start).Round(time.Millisecond), strings.Join(manifest.Files, ", "), o.out)
	return exitOK
}

// parseDesigns turns --design into the designs to run; nil means all.
// rct stands for both lottery designs.
func parseDesigns(s string) ([]string, error) {
	var out []string
	for _, d := range strings.Split(s, ",") {
		switch d = strings.TrimSpace(d); d {
		case "all":
			return nil, nil
		case evaluate.RCT:
			out = append(out, evaluate.RCT, evaluate.RCTDID)
		case evaluate.Naive, evaluate.DID, evaluate.PSMDID, evaluate.RCTDID:
			out = append(out, d)
		default:
			return nil, fmt.Errorf("unknown design %q; one of naive, did, psm-did, rct, all", d)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// parseOutcomes turns --outcomes into outcome indices.
func parseOutcomes(s string) ([]int, error) {
	var out []int
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "all" {
			return []int{0, 1, 2, 3, evaluate.Composite}, nil
		}
		found := false
		for k := range evaluate.NumOutcomes {
			if evaluate.OutcomeName(k) == name {
				out = append(out, k)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown outcome %q; one of maths, chinese, english, science, composite, all", name)
		}
	}
	return out, nil
}

// applySources applies --sources and --test to the scenario: the sources
// not listed are switched off (evaluate.SwitchOff), and the study reads
// the test named, if any.
func applySources(scn *scenarios.Scenario, sources, test string) error {
	keep := map[string]bool{}
	switch sources = strings.TrimSpace(sources); sources {
	case "all":
		for _, n := range evaluate.SourceNames {
			keep[n] = true
		}
	case "none":
	default:
		for _, n := range strings.Split(sources, ",") {
			n = strings.TrimSpace(n)
			if !slices.Contains(evaluate.SourceNames, n) {
				return fmt.Errorf("unknown bias source %q in --sources; all, none, or some of %s", n, strings.Join(evaluate.SourceNames, ", "))
			}
			keep[n] = true
		}
	}
	var off []string
	for _, n := range evaluate.SourceNames {
		if !keep[n] {
			off = append(off, n)
		}
	}
	if len(off) > 0 {
		if err := evaluate.SwitchOff(scn, off...); err != nil {
			return err
		}
	}
	switch test {
	case "":
	case scenarios.TestExam, scenarios.TestAudit:
		scn.Study = scn.StudyOrDefault()
		scn.Study.Test = test
	default:
		return fmt.Errorf("unknown test %q in --test; exam or audit", test)
	}
	return nil
}
