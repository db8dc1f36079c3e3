package evaluate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"schoolnet/scenarios"
	"schoolnet/sim"
)

// Options configure an evaluation.
type Options struct {
	// Grade is the tested grade's national number (9 for Grade 9); 0 means
	// the last grade.
	Grade int
	// Designs are the designs to apply, a subset of Designs; nil means all.
	Designs []string
	// Mediation adds the mediation twins and the product-of-coefficients
	// estimates.
	Mediation bool
	// Bootstrap is the number of bootstrap replicates of each study's
	// mediation estimate; 0 means 200.
	Bootstrap int
	// Workers bounds the goroutines: replications run side by side and
	// the workers left over step each replication's schools.
	Workers int
	// Progress, if not nil, is called after each simulated year of each
	// replication (from several goroutines).
	Progress func()
	// Decompose adds the bias decomposition: besides the study as the
	// scenario sets it, the same study with every bias source off and
	// with each on alone (Configs), in worlds forked from the same twin
	// (Result.BiasRows, bias.csv).
	Decompose bool
	// Export keeps each world's study data in Replication.Data, for
	// WriteStudy (export.go).
	Export bool
	// Vary, if not nil, returns the scenario replication rep runs in place
	// of the scenario (its parameter draw of an ensemble: the same
	// policies, calendar and population, other model parameters).
	Vary func(rep int) (*scenarios.Scenario, error)
}

// The worlds of a replication.
const (
	worldScenario = iota // the scenario as written
	worldLottery         // its lottery version
	numWorlds
)

// Replication is one replication's evaluation: what the truth was and
// what each design estimated.
type Replication struct {
	// Treated counts the treated schools of each world and Comparison the
	// eligible untreated ones.
	Treated, Comparison [numWorlds]int
	// Truth[w][y−Baseline−1] is the true effect on world w's treated
	// schools' tested grade at the end of year y, for each year from the
	// first policy year to the follow-up: the student-weighted mean over
	// those schools of the difference between their grade mean in world w
	// and in the untreated twin, per outcome.
	Truth [numWorlds][][NumOutcomes]float64
	// Schools are the per-school true effects at the follow-up, scenario
	// world first, then the lottery world.
	Schools []SchoolEffect
	// Students are the per-student true effects at the follow-up in the
	// scenario world: students matched by ID between the two worlds.
	Students []StudentEffect
	// Estimates holds each design's estimate per outcome.
	Estimates map[string]*[NumOutcomes]Estimate
	// PSM is the matching of the psm-did design (nil without it).
	PSM *PSM
	// Held[m][k] is the true effect on outcome k at the follow-up with
	// mediator Mediators[m] held at its untreated path; the true indirect
	// effect through m is Truth − Held.
	Held [3][NumOutcomes]float64
	// Mediation is the product-of-coefficients estimate per outcome.
	Mediation *[NumOutcomes]Mediation
	// Bias holds, with Options.Decompose, the study under each
	// configuration of Result.Configs, in that order. Everything above is
	// the study under ConfigAll, the scenario as set.
	Bias []ConfigStudy
	// Data is what the study observed in each world (nil for a world not
	// run), kept with Options.Export: ConfigAll's, through its test.
	Data [numWorlds]*Data
}

// ConfigStudy is one replication's study under one configuration of the
// bias decomposition: the true effect and the estimates at the follow-up.
type ConfigStudy struct {
	Config string
	// Truth[w] is the true effect on world w's treated schools at the
	// follow-up; Treated and Comparison count them and the eligible
	// untreated schools.
	Truth               [numWorlds][NumOutcomes]float64
	Treated, Comparison [numWorlds]int
	// Estimates holds each design's estimate per outcome.
	Estimates map[string]*[NumOutcomes]Estimate
}

// SchoolEffect is one treated school's true effect.
type SchoolEffect struct {
	World, Year int
	School      int32
	Students    int
	Effect      [NumOutcomes]float64
}

// StudentEffect is one student's true effect: their outcome in the
// treated world minus their outcome in the untreated twin.
type StudentEffect struct {
	School int32
	ID     int64
	Effect [NumOutcomes]float64
}

// Result is a whole evaluation.
type Result struct {
	Scenario *scenarios.Scenario
	Study    Study
	Options  Options
	// Assignment names how the scenario world chose its schools (the
	// first policy's selection rule, such as "voluntary").
	Assignment string
	// Configs are the configurations of bias sources studied: ConfigAll
	// alone, or with Options.Decompose the whole decomposition.
	Configs []Config
	Reps    []Replication
	// Draw, with an ensemble, is each replication's parameter draw: the
	// intervals over replications then count the draws' spread (as
	// compare's and summary's do, docs/UNCERTAINTY.md); nil without.
	Draw []int
}

// Has reports whether the evaluation applied design.
func (r *Result) Has(design string) bool {
	return r.Options.Designs == nil || slices.Contains(r.Options.Designs, design)
}

// Run evaluates scenario scn over its replications: each replication runs
// the scenario in lockstep with its untreated twin (and the mediation,
// lottery and bias-decomposition worlds the options ask for), draws the
// study's data through the study's test and applies the designs. It
// returns the results indexed by replication, whatever order they
// finished in, so the same scenario and seed give the same result for any
// number of workers.
func Run(ctx context.Context, scn *scenarios.Scenario, opt Options) (*Result, error) {
	for _, d := range opt.Designs {
		if !slices.Contains(Designs, d) {
			return nil, fmt.Errorf("evaluate: unknown design %q; one of %s", d, strings.Join(Designs, ", "))
		}
	}
	st, err := NewStudy(scn, opt.Grade)
	if err != nil {
		return nil, err
	}
	if opt.Bootstrap <= 0 {
		opt.Bootstrap = 200
	}
	res := &Result{Scenario: scn, Study: st, Options: opt, Assignment: st.assignment(scn), Configs: Configs(scn, opt.Decompose)}
	base := *scn
	base.Run.Years = st.FollowUp
	reps := scn.Run.Replications
	workers := max(1, opt.Workers)
	side := min(reps, workers)
	per := max(1, workers/side)
	plan := res.plan(&base, per)
	res.Reps = make([]Replication, reps)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(side)
	for rep := range reps {
		g.Go(func() (err error) {
			defer sim.Recover(&err) // an estimator's panic fails the run alone
			p := plan
			if opt.Vary != nil { // the replication's draw of an ensemble
				v, err := opt.Vary(rep)
				if err != nil {
					return err
				}
				b := *v
				b.Run.Years = st.FollowUp
				p = res.plan(&b, per)
			}
			out, err := p.run(ctx, rep)
			if err != nil {
				return err
			}
			res.Reps[rep] = *out
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(res.Reps, func(r Replication) bool { return r.Treated[worldScenario] > 0 }) {
		return nil, ErrNoneTreated
	}
	return res, nil
}

// ErrNoneTreated is Run's error when no replication treated a school: the
// scenario's policies select none (a share of 0, a tier or district the
// population lacks), so there is no effect to estimate, and an effect of
// 0 ± 0 would read as a finding.
var ErrNoneTreated = errors.New("no school was treated in any replication, so there is no effect to estimate: the scenario's policies select no school (a select.share of 0, or a tier or district the population lacks); select some schools")

// Engines returns the number of worlds each replication of an evaluation
// of scn with options opt runs side by side: the twin, the treated worlds
// the designs and the bias decomposition read, and the mediation worlds.
func Engines(scn *scenarios.Scenario, opt Options) int {
	r := &Result{Scenario: scn, Options: opt, Configs: Configs(scn, opt.Decompose)}
	return r.plan(scn, 1).engines()
}

// assignment names the scenario's selection rule.
func (st *Study) assignment(scn *scenarios.Scenario) string {
	for _, p := range scn.Policies {
		if r := p.Base().Select.Rule; r != "as" {
			return r
		}
	}
	return "as"
}
