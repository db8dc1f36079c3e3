package evaluate

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"schoolnet/results"
	"schoolnet/sim/fmath"
)

// Row summarises one design's estimates of one outcome over the
// replications, against the true effect in the world the design sees.
type Row struct {
	// Assignment is how that world chose its schools: the scenario's
	// rule (such as "voluntary") or "lottery".
	Assignment, Design, Outcome string
	// Year is the year of the effect (the follow-up for designs).
	Year int
	// True is the mean true effect on the treated (the twin difference)
	// and TrueLo, TrueHi its 95% interval over replications.
	True, TrueLo, TrueHi float64
	// Estimate, SE, Lo and Hi are the means over replications of what one
	// study reports: its estimate, clustered SE and 95% interval.
	Estimate, SE, Lo, Hi float64
	// SD is the standard deviation of the estimates over replications
	// (the real sampling spread, against which SE can be judged).
	SD float64
	// Bias is the mean of estimate − true effect, with its 95% interval.
	Bias, BiasLo, BiasHi float64
	// Coverage is the share of replications whose interval holds their
	// own true effect.
	Coverage float64
	Reps     int
}

// ci is the mean of the defined xs over the replications and its 95%
// interval; with an ensemble (r.Draw) the ensemble mean's, whose
// independent units are the draws (results.MeanInterval).
func (r *Result) ci(xs []float64) (m, lo, hi float64) {
	m, lo, hi, _ = results.MeanInterval(xs, r.Draw)
	return m, lo, hi
}

func meanOf(xs []float64) float64 {
	m, _ := results.MeanCI(xs)
	return m
}

// worldOf returns the world a design reads.
func worldOf(design string) int {
	if design == RCT || design == RCTDID {
		return worldLottery
	}
	return worldScenario
}

// Rows returns the design table: per design applied and outcome, the
// truth and the estimates over replications.
func (r *Result) Rows() []Row {
	var out []Row
	n := len(r.Reps)
	nan := math.NaN()
	for _, d := range Designs {
		if !r.Has(d) {
			continue
		}
		w := worldOf(d)
		for k := range NumOutcomes {
			truth, est, se, lo, hi, bias := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			covered, valid, defined := 0, 0, 0
			for i := range r.Reps {
				rep := &r.Reps[i]
				tr := rep.Truth[w]
				e := rep.Estimates[d][k]
				// A replication counts in the row only if the design gave
				// an estimate and the truth is defined: the row's truth,
				// estimate and bias are then over the same replications,
				// and estimate = truth + bias holds for the means.
				truth[i], est[i], se[i], lo[i], hi[i] = nan, nan, nan, nan, nan
				if t := tr[len(tr)-1][k]; !math.IsNaN(e.Value) && !math.IsNaN(t) {
					defined++
					truth[i], est[i], se[i], lo[i], hi[i] = t, e.Value, e.SE, e.Lo, e.Hi
					if !math.IsNaN(e.Lo) {
						valid++
						if e.Lo <= t && t <= e.Hi {
							covered++
						}
					}
				}
				bias[i] = est[i] - truth[i]
			}
			row := Row{Assignment: r.assignmentOf(w), Design: d, Outcome: OutcomeName(k), Year: r.Study.FollowUp, Reps: defined,
				Estimate: meanOf(est), SE: meanOf(se), Lo: meanOf(lo), Hi: meanOf(hi), SD: sdOf(est), Coverage: math.NaN()}
			row.True, row.TrueLo, row.TrueHi = r.ci(truth)
			row.Bias, row.BiasLo, row.BiasHi = r.ci(bias)
			if valid > 0 {
				row.Coverage = float64(covered) / float64(valid)
			}
			out = append(out, row)
		}
	}
	return out
}

// TruthRows returns the true effect by year: per world run and outcome, the
// mean over replications with its 95% interval (design "truth").
func (r *Result) TruthRows() []Row {
	var out []Row
	for w := range numWorlds {
		if len(r.Reps) == 0 || len(r.Reps[0].Truth[w]) == 0 {
			continue
		}
		for yi := range r.Reps[0].Truth[w] {
			for k := range NumOutcomes {
				xs := make([]float64, len(r.Reps))
				defined := 0
				for i := range r.Reps {
					xs[i] = r.Reps[i].Truth[w][yi][k]
					if !math.IsNaN(xs[i]) {
						defined++
					}
				}
				row := Row{Assignment: r.assignmentOf(w), Design: "truth", Outcome: OutcomeName(k), Year: r.Study.Baseline + 1 + yi, Reps: defined}
				row.True, row.TrueLo, row.TrueHi = r.ci(xs)
				for _, p := range []*float64{&row.Estimate, &row.SE, &row.Lo, &row.Hi, &row.SD, &row.Bias, &row.BiasLo, &row.BiasHi, &row.Coverage} {
					*p = math.NaN()
				}
				out = append(out, row)
			}
		}
	}
	return out
}

func (r *Result) assignmentOf(w int) string {
	if w == worldLottery {
		return "lottery"
	}
	return r.Assignment
}

func sdOf(xs []float64) float64 {
	var ok []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) < 2 {
		return math.NaN()
	}
	return fmath.StdDev(ok)
}

// MediationRow compares, for one mediator and outcome, the share of the
// true effect the mediator carries in the model (measured with the held
// twin) with what a researcher estimates from the data.
type MediationRow struct {
	Mediator, Outcome string
	// ModelIndirect is the mean over replications of the true indirect
	// effect (true effect − effect with the mediator held), and
	// ModelShare the mean of its share of the true effect, each with its
	// 95% interval over replications.
	ModelIndirect, ModelIndirectLo, ModelIndirectHi float64
	ModelShare, ModelShareLo, ModelShareHi          float64
	// EstIndirect and EstShare are the means over replications of the
	// product-of-coefficients estimates; their Lo and Hi are the means of
	// the studies' bootstrap intervals.
	EstIndirect, EstIndirectLo, EstIndirectHi float64
	EstShare, EstShareLo, EstShareHi          float64
	// A and B are the mean path coefficients.
	A, B float64
	// Reps counts the replications of the model's columns (those with a
	// true effect), EstReps those of the study's (those in which it gave
	// an estimate).
	Reps, EstReps int
}

// MediationRows returns the mediation table, or nil without mediation.
func (r *Result) MediationRows() []MediationRow {
	if !r.Options.Mediation || len(r.Reps) == 0 {
		return nil
	}
	var out []MediationRow
	n := len(r.Reps)
	for m, med := range Mediators {
		for k := range NumOutcomes {
			ind, share := make([]float64, n), make([]float64, n)
			est, estLo, estHi := make([]float64, n), make([]float64, n), make([]float64, n)
			es, esLo, esHi := make([]float64, n), make([]float64, n), make([]float64, n)
			a, b := make([]float64, n), make([]float64, n)
			model, estimated := 0, 0
			for i := range r.Reps {
				rep := &r.Reps[i]
				tr := rep.Truth[worldScenario]
				total := tr[len(tr)-1][k]
				ind[i] = total - rep.Held[m][k]
				share[i] = ind[i] / total
				if !math.IsNaN(ind[i]) {
					model++
				}
				// The study's columns are over the replications in which
				// it gave an estimate, every one of them.
				md := &rep.Mediation[k]
				est[i], estLo[i], estHi[i] = md.Indirect[m], md.IndirectCI[m].Lo, md.IndirectCI[m].Hi
				es[i], esLo[i], esHi[i] = md.Share[m], md.ShareCI[m].Lo, md.ShareCI[m].Hi
				a[i], b[i] = md.A[m], md.B[m]
				if math.IsNaN(est[i]) {
					for _, x := range []*float64{&estLo[i], &estHi[i], &es[i], &esLo[i], &esHi[i], &a[i], &b[i]} {
						*x = math.NaN()
					}
				} else {
					estimated++
				}
			}
			row := MediationRow{Mediator: med.String(), Outcome: OutcomeName(k), Reps: model, EstReps: estimated,
				EstIndirect: meanOf(est), EstIndirectLo: meanOf(estLo), EstIndirectHi: meanOf(estHi),
				EstShare: meanOf(es), EstShareLo: meanOf(esLo), EstShareHi: meanOf(esHi),
				A: meanOf(a), B: meanOf(b)}
			row.ModelIndirect, row.ModelIndirectLo, row.ModelIndirectHi = r.ci(ind)
			row.ModelShare, row.ModelShareLo, row.ModelShareHi = r.ci(share)
			out = append(out, row)
		}
	}
	return out
}

// BalanceRow is one covariate's standardised mean difference between
// treated and comparison schools, before and after matching, as the mean
// over replications.
type BalanceRow struct {
	Covariate     string
	Before, After float64
	Reps          int
}

// BalanceRows returns the balance table of the psm-did design, or nil.
func (r *Result) BalanceRows() []BalanceRow {
	var out []BalanceRow
	for j, c := range Covariates {
		var before, after []float64
		for i := range r.Reps {
			// Before and after over the same replications: those with a
			// matching.
			if p := r.Reps[i].PSM; p != nil && p.Matched > 0 {
				before = append(before, p.Before[j])
				after = append(after, p.After[j])
			}
		}
		if len(before) == 0 {
			return nil
		}
		out = append(out, BalanceRow{Covariate: c, Before: meanOf(before), After: meanOf(after), Reps: len(before)})
	}
	return out
}

// cell formats x with 6 decimals, or empty when undefined.
func cell(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', 6, 64)
}

// EvaluationColumns are the columns of evaluation.csv.
var EvaluationColumns = []string{"assignment", "design", "outcome", "year",
	"true_effect", "true_ci_low", "true_ci_high",
	"estimate", "se", "ci_low", "ci_high", "sd_estimate",
	"bias", "bias_ci_low", "bias_ci_high", "coverage", "replications"}

// WriteEvaluation writes the design table and the truth by year as CSV.
func (r *Result) WriteEvaluation(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(EvaluationColumns)
	for _, row := range append(r.Rows(), r.TruthRows()...) {
		cw.Write([]string{row.Assignment, row.Design, row.Outcome, strconv.Itoa(row.Year),
			cell(row.True), cell(row.TrueLo), cell(row.TrueHi),
			cell(row.Estimate), cell(row.SE), cell(row.Lo), cell(row.Hi), cell(row.SD),
			cell(row.Bias), cell(row.BiasLo), cell(row.BiasHi), cell(row.Coverage), strconv.Itoa(row.Reps)})
	}
	cw.Flush()
	return cw.Error()
}

// EstimateColumns are the columns of estimates.csv.
var EstimateColumns = []string{"replication", "assignment", "design", "outcome", "true_effect", "estimate", "se", "ci_low", "ci_high", "clusters", "treated", "comparison"}

// WriteEstimates writes every replication's study: one row per design and
// outcome.
func (r *Result) WriteEstimates(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(EstimateColumns)
	for i := range r.Reps {
		rep := &r.Reps[i]
		for _, d := range Designs {
			if !r.Has(d) {
				continue
			}
			wd := worldOf(d)
			tr := rep.Truth[wd]
			for k := range NumOutcomes {
				e := rep.Estimates[d][k]
				cw.Write([]string{strconv.Itoa(i), r.assignmentOf(wd), d, OutcomeName(k), cell(tr[len(tr)-1][k]),
					cell(e.Value), cell(e.SE), cell(e.Lo), cell(e.Hi), strconv.Itoa(e.Clusters),
					strconv.Itoa(rep.Treated[wd]), strconv.Itoa(rep.Comparison[wd])})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// TruthColumns are the columns of truth.csv.
var TruthColumns = []string{"replication", "assignment", "year", "school", "students", "maths", "chinese", "english", "science", "composite"}

// WriteTruth writes the true effect on each treated school's tested grade
// at the follow-up, per replication and world.
func (r *Result) WriteTruth(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(TruthColumns)
	for i := range r.Reps {
		for _, e := range r.Reps[i].Schools {
			row := []string{strconv.Itoa(i), r.assignmentOf(e.World), strconv.Itoa(e.Year), strconv.Itoa(int(e.School)), strconv.Itoa(e.Students)}
			for k := range NumOutcomes {
				row = append(row, cell(e.Effect[k]))
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}

// MediationColumns are the columns of mediation.csv.
var MediationColumns = []string{"mediator", "outcome",
	"model_indirect", "model_indirect_ci_low", "model_indirect_ci_high",
	"model_share", "model_share_ci_low", "model_share_ci_high",
	"estimated_indirect", "estimated_indirect_ci_low", "estimated_indirect_ci_high",
	"estimated_share", "estimated_share_ci_low", "estimated_share_ci_high",
	"path_a", "path_b", "replications", "estimated_replications"}

// WriteMediation writes the mediation table.
func (r *Result) WriteMediation(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(MediationColumns)
	for _, m := range r.MediationRows() {
		cw.Write([]string{m.Mediator, m.Outcome,
			cell(m.ModelIndirect), cell(m.ModelIndirectLo), cell(m.ModelIndirectHi),
			cell(m.ModelShare), cell(m.ModelShareLo), cell(m.ModelShareHi),
			cell(m.EstIndirect), cell(m.EstIndirectLo), cell(m.EstIndirectHi),
			cell(m.EstShare), cell(m.EstShareLo), cell(m.EstShareHi),
			cell(m.A), cell(m.B), strconv.Itoa(m.Reps), strconv.Itoa(m.EstReps)})
	}
	cw.Flush()
	return cw.Error()
}

// BalanceColumns are the columns of balance.csv.
var BalanceColumns = []string{"covariate", "smd_before", "smd_after", "replications"}

// WriteBalance writes the balance table.
func (r *Result) WriteBalance(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(BalanceColumns)
	for _, b := range r.BalanceRows() {
		cw.Write([]string{b.Covariate, cell(b.Before), cell(b.After), strconv.Itoa(b.Reps)})
	}
	cw.Flush()
	return cw.Error()
}

func signed(x float64) string { return results.Undefined("%+.3f", x) }

func plain(x float64) string { return results.Undefined("%.3f", x) }

func span(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return "–"
	}
	return "[" + signed(lo) + ", " + signed(hi) + "]"
}

// Print writes the report a researcher reads: for each printed outcome,
// the true effect and every design's estimate, SE, interval and bias; the
// split of the estimate into true effect and selection; the mediation
// table; and the balance of the matching.
func (r *Result) Print(w io.Writer, outcomes []int) error {
	st := &r.Study
	pop := &r.Scenario.Population
	var nt, nc [numWorlds]float64
	for i := range r.Reps {
		for wd := range numWorlds {
			nt[wd] += float64(r.Reps[i].Treated[wd]) / float64(len(r.Reps))
			nc[wd] += float64(r.Reps[i].Comparison[wd]) / float64(len(r.Reps))
		}
	}
	world := worldScenario
	if r.Reps[0].Truth[worldScenario] == nil {
		world = worldLottery
	}
	fmt.Fprintf(w, "Study: Grade %d, baseline at the end of year %d, follow-up at the end of year %d; %.0f treated (%s) and %.0f comparison schools (eligible, untreated); %d replications.\n",
		pop.FirstGrade+st.Grade, st.Baseline, st.FollowUp, nt[world], r.assignmentOf(world), nc[world], len(r.Reps))
	if nc[world] == 0 {
		fmt.Fprintf(w, "Every eligible school was treated: without comparison schools no design can estimate the effect (the true effect is still reported).\n")
	}
	fmt.Fprintf(w, "Effects in SD of the baseline population of the grade. Estimate, SE and interval: the mean of what one study reports; bias: estimate − true effect, mean over replications with 95%% interval; coverage: share of studies whose interval holds their true effect.\n\n")
	rows := r.Rows()
	for _, k := range outcomes {
		name := OutcomeName(k)
		fmt.Fprintf(w, "%s\n", strings.ToUpper(name[:1])+name[1:])
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "design\tassignment\ttrue effect\t\testimate\tSE\t95% interval\tbias\t\tcoverage\t")
		for _, row := range rows {
			if row.Outcome != name {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", row.Design, row.Assignment,
				signed(row.True), span(row.TrueLo, row.TrueHi), signed(row.Estimate), plain(row.SE), span(row.Lo, row.Hi),
				signed(row.Bias), span(row.BiasLo, row.BiasHi), plain(row.Coverage))
		}
		tw.Flush()
		r.printSelection(w, k, rows)
		fmt.Fprintln(w)
	}
	r.printBias(w, outcomes)
	if med := r.MediationRows(); med != nil {
		fmt.Fprintf(w, "Mediation at the follow-up: the share of the effect each channel carries. Model: the true effect minus the effect with the channel held at its untreated path (mean over replications, 95%% interval). Estimated: product of coefficients a·b in the DID regressions (mean over replications of the estimate and of its school-bootstrap interval, %d replicates).\n", r.Options.Bootstrap)
		for _, k := range outcomes {
			fmt.Fprintf(w, "%s\n", OutcomeName(k))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "channel\tmodel indirect\t\tmodel share\t\testimated indirect\t\testimated share\t\t")
			for _, m := range med {
				if m.Outcome != OutcomeName(k) {
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m.Mediator,
					signed(m.ModelIndirect), span(m.ModelIndirectLo, m.ModelIndirectHi),
					signed(m.ModelShare), span(m.ModelShareLo, m.ModelShareHi),
					signed(m.EstIndirect), span(m.EstIndirectLo, m.EstIndirectHi),
					signed(m.EstShare), span(m.EstShareLo, m.EstShareHi))
			}
			tw.Flush()
		}
		fmt.Fprintln(w)
	}
	if bal := r.BalanceRows(); bal != nil {
		// The counts are over every replication that fitted the
		// propensity model, a matching or not; the table over those with
		// a matching (BalanceRows).
		var matched, off, cal, treated, n float64
		for i := range r.Reps {
			if p := r.Reps[i].PSM; p != nil {
				matched += float64(p.Matched)
				off += float64(p.OffSupport)
				cal += float64(p.OutsideCaliper)
				treated += float64(p.Treated)
				n++
			}
		}
		fmt.Fprintf(w, "Balance of psm-did (standardised mean differences, mean over the %d replications with a matching; |SMD| < 0.1 is good): of %.1f treated schools %.1f matched, %.1f off the common support, %.1f beyond the caliper (mean over the %.0f replications that fitted the propensity model).\n",
			bal[0].Reps, treated/n, matched/n, off/n, cal/n, n)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "covariate\tbefore\tafter\t")
		for _, b := range bal {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\n", b.Covariate, signed(b.Before), signed(b.After))
		}
		tw.Flush()
		fmt.Fprintln(w, "The latent reform motivation is not a covariate: no study observes it.")
	}
	return nil
}

// biasName names what the bias of a design on the scenario world is made
// of: selection alone, or selection and the other sources the scenario
// has on.
func (r *Result) biasName() string {
	if ScenarioSources(r.Scenario) == (Sources{}) {
		return "selection bias"
	}
	return "bias (selection and " + sourcesLabel(ScenarioSources(r.Scenario)) + ")"
}

// printSelection splits the did and psm-did estimates into the effect a
// lottery would have found, the extra effect on the schools that were
// chosen, and their bias.
func (r *Result) printSelection(w io.Writer, k int, rows []Row) {
	find := func(design string) *Row {
		for i := range rows {
			if rows[i].Design == design && rows[i].Outcome == OutcomeName(k) {
				return &rows[i]
			}
		}
		return nil
	}
	lot := find(RCTDID)
	if lot == nil {
		lot = find(RCT)
	}
	for _, d := range []string{DID, PSMDID} {
		row := find(d)
		if row == nil || r.Assignment == "lottery" {
			continue
		}
		fmt.Fprintf(w, "  %s = %s: true effect on the %s schools %s + %s %s", d, signed(row.Estimate), r.Assignment, signed(row.True), r.biasName(), signed(row.Bias))
		if lot != nil {
			fmt.Fprintf(w, "; a lottery would have found %s (%s; true effect on lottery schools %s)", signed(lot.Estimate), lot.Design, signed(lot.True))
		}
		fmt.Fprintln(w)
	}
}

// BiasRow is one design's bias on one outcome under one configuration of
// the bias decomposition, over the replications.
type BiasRow struct {
	// Config is ConfigNone, a source of SourceNames alone, or ConfigAll;
	// Sources names the sources it switches on, joined by "+" ("none" if
	// none: a source the scenario switches off leaves its row as none).
	Config, Sources string
	// Assignment is how the design's world chose its schools; Design and
	// Outcome as in Row; Year is the follow-up.
	Assignment, Design, Outcome string
	Year                        int
	// True and Estimate are the means over replications of the true
	// effect on the world's treated schools and of the design's estimate.
	True, Estimate float64
	// Bias is the mean of estimate − true effect, with its 95% interval.
	Bias, BiasLo, BiasHi float64
	// Added is the mean over replications of the bias minus the bias of
	// the same replication's study with every source off (ConfigNone),
	// with its 95% interval: the bias the configuration adds, measured on
	// common random numbers and so more precisely than Bias.
	Added, AddedLo, AddedHi float64
	Reps                    int
}

// sourcesLabel names the sources switched on in s.
func sourcesLabel(s Sources) string {
	var on []string
	for _, n := range SourceNames {
		if s.On(n) {
			on = append(on, n)
		}
	}
	if on == nil {
		return ConfigNone
	}
	return strings.Join(on, "+")
}

// BiasRows returns the bias decomposition: per configuration, design
// applied and outcome, the bias over replications and the bias it adds to
// the study with every source off; nil without Options.Decompose.
func (r *Result) BiasRows() []BiasRow {
	if !r.Options.Decompose || len(r.Reps) == 0 {
		return nil
	}
	var out []BiasRow
	n := len(r.Reps)
	for ci, c := range r.Configs {
		for _, d := range Designs {
			if !r.Has(d) {
				continue
			}
			w := worldOf(d)
			for k := range NumOutcomes {
				truth, est, bias, added := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
				defined := 0
				for i := range r.Reps {
					cs, none := &r.Reps[i].Bias[ci], &r.Reps[i].Bias[0]
					// Only replications in which the design's bias is
					// defined under this configuration and with every
					// source off count: every column of the row is over
					// the same replications.
					b := cs.Estimates[d][k].Value - cs.Truth[w][k]
					a := b - (none.Estimates[d][k].Value - none.Truth[w][k])
					truth[i], est[i], bias[i], added[i] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
					if !math.IsNaN(a) {
						defined++
						truth[i], est[i], bias[i], added[i] = cs.Truth[w][k], cs.Estimates[d][k].Value, b, a
					}
				}
				row := BiasRow{Config: c.Name, Sources: sourcesLabel(c.Sources), Assignment: r.assignmentOf(w),
					Design: d, Outcome: OutcomeName(k), Year: r.Study.FollowUp, Reps: defined,
					True: meanOf(truth), Estimate: meanOf(est)}
				row.Bias, row.BiasLo, row.BiasHi = r.ci(bias)
				row.Added, row.AddedLo, row.AddedHi = r.ci(added)
				out = append(out, row)
			}
		}
	}
	return out
}

// BiasColumns are the columns of bias.csv before the run columns
// (BiasSchema).
var BiasColumns = []string{"config", "sources", "assignment", "design", "outcome", "year",
	"true_effect", "estimate", "bias", "bias_ci_low", "bias_ci_high",
	"added_bias", "added_bias_ci_low", "added_bias_ci_high", "replications"}

// WriteBias writes the bias decomposition.
func (r *Result) WriteBias(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(BiasColumns)
	for _, b := range r.BiasRows() {
		cw.Write([]string{b.Config, b.Sources, b.Assignment, b.Design, b.Outcome, strconv.Itoa(b.Year),
			cell(b.True), cell(b.Estimate), cell(b.Bias), cell(b.BiasLo), cell(b.BiasHi),
			cell(b.Added), cell(b.AddedLo), cell(b.AddedHi), strconv.Itoa(b.Reps)})
	}
	cw.Flush()
	return cw.Error()
}

// printBias writes the bias decomposition of the printed outcomes: per
// design, its bias with every source off and what each source, alone and
// all together, adds to it.
func (r *Result) printBias(w io.Writer, outcomes []int) {
	rows := r.BiasRows()
	if rows == nil {
		return
	}
	sp := &r.Study.Spec
	par := &r.Scenario.Model
	fmt.Fprintf(w, "Bias by source: the bias of each design with every source off (none: the motivation alone), and the bias each source adds to it, alone and all together (mean over replications, paired; 95%% intervals in bias.csv). Sources: dip %g (logit per SD of the measured result before the policy), measurement (reliability %g, school shock SD %g), intake response %g, test inflation %g SD a year; the study reads the %s.\n",
		sp.Dip, sp.Reliability, sp.SchoolNoise, par.IntakeResponse, par.TestInflation, sp.Test)
	for _, k := range outcomes {
		name := OutcomeName(k)
		fmt.Fprintf(w, "%s\n", strings.ToUpper(name[:1])+name[1:])
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		head := "design\ttrue effect (all)\tbias (none)"
		for _, c := range r.Configs[1:] {
			head += "\t+" + c.Name
		}
		fmt.Fprintln(tw, head+"\tbias (all)\t")
		for _, d := range Designs {
			var line []string
			var none, all *BiasRow
			for i := range rows {
				b := &rows[i]
				if b.Design != d || b.Outcome != name {
					continue
				}
				switch b.Config {
				case ConfigNone:
					none = b
				case ConfigAll:
					all = b
				}
				if b.Config != ConfigNone {
					line = append(line, signed(b.Added))
				}
			}
			if none == nil || all == nil {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", d, signed(all.True), signed(none.Bias), strings.Join(line, "\t"), signed(all.Bias))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
}
