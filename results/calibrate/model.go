package calibrate

import (
	"context"
	"fmt"
	"math"

	"schoolnet/agents"
	"schoolnet/results/evaluate"
	"schoolnet/results/statistics"
	"schoolnet/scenarios"
	"schoolnet/sim"
	"schoolnet/targets"
)

// Model is what a calibration fits: the targets of a target file, the
// parameters it estimates and its settings.
type Model struct {
	File     *targets.File
	Params   []targets.Param
	Settings targets.Settings
}

// NewModel resolves the parameters keys (the file's params when keys is
// nil) against the target file.
func NewModel(f *targets.File, keys []string) (*Model, error) {
	if keys == nil {
		keys = f.Params
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("calibrate: %s names no parameters to calibrate: give params in the file or --params", f.Name)
	}
	m := &Model{File: f, Settings: f.Calibration}
	for k, key := range keys {
		for _, o := range keys[:k] {
			if o == key {
				return nil, fmt.Errorf("calibrate: parameter %q is listed twice", key)
			}
		}
		p, err := f.Param(key)
		if err != nil {
			return nil, fmt.Errorf("calibrate: %w", err)
		}
		m.Params = append(m.Params, p)
	}
	return m, nil
}

// Defaults returns the parameters' values in the target scenarios: the
// hand-set defaults the calibration is compared with.
func (m *Model) Defaults() []float64 {
	out := make([]float64, len(m.Params))
	for i, p := range m.Params {
		out[i] = p.Default
	}
	return out
}

// scenario returns group g's scenario with the parameters at theta and
// the calibration's replications.
func (m *Model) scenario(g *targets.Group, theta []float64) *scenarios.Scenario {
	scn := g.Scenario
	for i := range m.Params {
		scn = m.Params[i].Set(scn, theta[i])
	}
	c := *scn
	c.Run.Replications = m.Settings.Replications
	return &c
}

// Simulate runs every target scenario with the parameters at theta, each
// in the calibration's replications 0..R−1 of its own seed (common random
// numbers: every particle sees the same streams), on one goroutine, and
// returns each target's statistic: the mean over the replications of the
// statistic (results/statistics) or of the design's estimate
// (results/evaluate). A statistic that could not be computed is NaN.
func (m *Model) Simulate(ctx context.Context, theta []float64) ([]float64, error) {
	out := make([]float64, len(m.File.Targets))
	for _, g := range m.File.Groups {
		scn := m.scenario(g, theta)
		if err := scenarios.Check(scn); err != nil {
			return nil, fmt.Errorf("calibrate: %s with %s: %w", scn.Name, m.describe(theta), err)
		}
		var err error
		if g.Study {
			err = m.study(ctx, g, scn, out)
		} else {
			err = m.run(ctx, g, scn, out)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// run simulates a statistics group's replications and sets its targets'
// values in out.
func (m *Model) run(ctx context.Context, g *targets.Group, scn *scenarios.Scenario, out []float64) error {
	sums := make([]float64, len(out))
	for rep := range scn.Run.Replications {
		var c statistics.Collector
		cfg := scn.Config(1)
		cfg.Replication = rep
		cfg.Observe = func(_, y int, pop *agents.Population, _ *agents.Reference) { c.Add(statistics.Observe(y, pop)) }
		e, err := sim.New(cfg)
		if err != nil {
			return err
		}
		if err := e.Run(ctx, nil); err != nil {
			return err
		}
		for _, i := range g.Targets {
			t := &m.File.Targets[i]
			sums[i] += c.Get(t.Key, t.First, t.Last)
		}
	}
	for _, i := range g.Targets {
		out[i] = sums[i] / float64(scn.Run.Replications)
	}
	return nil
}

// study evaluates a study group's designs and sets its targets' values:
// the mean of the designs' estimates over the replications.
func (m *Model) study(ctx context.Context, g *targets.Group, scn *scenarios.Scenario, out []float64) error {
	res, err := evaluate.Run(ctx, scn, evaluate.Options{Grade: g.Grade, Designs: g.Designs, Workers: 1})
	if err != nil {
		return err
	}
	for _, i := range g.Targets {
		t := &m.File.Targets[i]
		k := outcome(t.Subject)
		var sum float64
		for r := range res.Reps {
			sum += res.Reps[r].Estimates[t.Design][k].Value
		}
		out[i] = sum / float64(len(res.Reps))
	}
	return nil
}

// outcome returns the index of an evaluation outcome by name.
func outcome(name string) int {
	for k := range evaluate.NumOutcomes {
		if evaluate.OutcomeName(k) == name {
			return k
		}
	}
	panic("calibrate: unknown outcome " + name)
}

// Distance is the distance of simulated statistics s from the targets,
// the root mean square of the targets' z-scores:
//
//	ρ = √( (1/K) Σ_k ((s_k − y_k)/σ_k)² )
//
// with y_k the published value and σ_k its standard error. A statistic
// that could not be computed makes the distance +Inf.
func (m *Model) Distance(s []float64) float64 {
	var sum float64
	for k := range m.File.Targets {
		z := m.z(k, s[k])
		if math.IsNaN(z) {
			return math.Inf(1)
		}
		sum += float64(z * z)
	}
	return math.Sqrt(sum / float64(len(s)))
}

// z is target k's z-score at the simulated value x.
func (m *Model) z(k int, x float64) float64 {
	t := &m.File.Targets[k]
	return (x - t.Published()) / t.Sigma
}

// describe prints parameter values for a message.
func (m *Model) describe(theta []float64) string {
	s := ""
	for i, p := range m.Params {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s = %g", p.Key, theta[i])
	}
	return s
}
