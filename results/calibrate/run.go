package calibrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"schoolnet/sim"
)

// Options say where and how a calibration runs.
type Options struct {
	// Dir is the calibration directory: its state is read from there and
	// written there as it goes.
	Dir string
	// Workers bounds the goroutines: particles are simulated side by
	// side, each on one goroutine.
	Workers int
	// Shard and Shards (1 ≤ Shard ≤ Shards) make this process simulate
	// only particles i of each generation with i mod Shards = Shard − 1;
	// the other shards, sharing Dir, simulate the rest. 0 means 1 of 1.
	Shard, Shards int
	// Wait is how long a shard waits for the other shards' particles of a
	// generation before it gives up (ErrWaiting); Poll how often it looks.
	Wait, Poll time.Duration
	// Progress, if not nil, is called after each particle this process
	// simulated (from several goroutines), and Generation after each
	// generation closed.
	Progress   func()
	Generation func(g *Generation)
}

// ErrWaiting is the error of a shard that waited in vain for the other
// shards' particles: what it simulated is kept, and running it again
// resumes.
var ErrWaiting = errors.New("calibrate: the other shards' particles of this generation are not there yet")

// ErrUndefinedTarget is Run's error when a target's statistic is not
// defined at the parameters' defaults, before any generation runs.
var ErrUndefinedTarget = errors.New("calibrate: a target cannot be met")

// Result is a calibration that has ended.
type Result struct {
	Model *Model
	// Generations are the closed generations, in order; the last one's
	// kept particles are the posterior.
	Generations []*Generation
	// All are every particle simulated in every generation, in order.
	All []Particle
	// Defaults is the particle at the parameters' defaults, simulated
	// with the same random numbers (nil for a shard other than the first).
	Defaults *Particle
}

// Posterior returns the posterior: the final generation's particles,
// each weighted by its importance weight times the Gaussian kernel of the
// targets' errors,
//
//	w_i · exp(−½ Σ_k z_ik²),
//
// normalised. With that kernel ABC gives the exact posterior of a model in
// which each published value is the simulated statistic plus a normal
// error of its standard error (Wilkinson 2013); the final tolerance
// (Model.Floor) holds 95% of that error's mass.
func (r *Result) Posterior() []Particle {
	kept := r.Generations[len(r.Generations)-1].Kept
	k := float64(len(r.Model.File.Targets))
	logw := make([]float64, len(kept))
	for i, p := range kept {
		logw[i] = logf(p.Weight) - float64(float64(0.5*k)*float64(p.Distance*p.Distance))
	}
	top := math.Inf(-1)
	for _, x := range logw {
		top = max(top, x)
	}
	out := make([]Particle, len(kept))
	var total float64
	for i, p := range kept {
		p.Weight = expf(logw[i] - top)
		total += p.Weight
		out[i] = p
	}
	for i := range out {
		out[i].Weight /= total
	}
	return out
}

// Run runs the calibration in opt.Dir, resuming what is there: closed
// generations are read, particles already simulated are not simulated
// again, and the first generation not closed goes on. It returns when the
// calibration has ended (Result), when ctx is cancelled (what finished is
// kept), or, for a shard, when it has waited opt.Wait for the others.
// Every shard first simulates the parameters' defaults (or reads them
// from dir) and refuses targets undefined there, before it writes
// anything; the shard of number 1, or the only process, keeps them.
// The same targets, parameters and settings give the same result
// whatever the workers, shards and interruptions.
func Run(ctx context.Context, m *Model, opt Options) (*Result, error) {
	if opt.Shards == 0 {
		opt.Shard, opt.Shards = 1, 1
	}
	if opt.Poll == 0 {
		opt.Poll = time.Second
	}
	// Nothing is written until the targets are known to be defined.
	if err := m.checkPlan(opt.Dir, false); err != nil {
		return nil, err
	}
	s := newSampler(m)
	res := &Result{Model: m}
	d, stored, err := s.defaults(ctx, &opt)
	if err != nil {
		return nil, err
	}
	if err := m.checkDefined(d); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	if err := m.checkPlan(opt.Dir, true); err != nil {
		return nil, err
	}
	if opt.Shard == 1 { // the first shard keeps the defaults' particle
		if !stored {
			if err := writeFile(opt.Dir, defaultsFile, func(w io.Writer) error {
				return m.writeParticles(w, []Particle{*d}, true)
			}); err != nil {
				return nil, err
			}
		}
		res.Defaults = d
	}
	var prev *Generation
	for t := 0; ; t++ {
		g, ok, err := m.readGeneration(opt.Dir, t)
		if err != nil {
			return nil, err
		}
		if !ok {
			if g, err = s.generation(ctx, t, prev, &opt); err != nil {
				return nil, err
			}
			if opt.Generation != nil {
				opt.Generation(g)
			}
		}
		res.Generations = append(res.Generations, g)
		prev = g
		if s.done(g) {
			break
		}
	}
	for t := range res.Generations {
		ps, err := s.simulated(opt.Dir, t)
		if err != nil {
			return nil, err
		}
		res.All = append(res.All, ps...)
	}
	return res, nil
}

// generation runs generation t to its close: proposals, the particles of
// this shard, the wait for the others, and the close.
func (s *sampler) generation(ctx context.Context, t int, prev *Generation, opt *Options) (*Generation, error) {
	m := s.model
	name := filepath.ToSlash(filepath.Join(genDir(t), "proposals.csv"))
	props, ok, err := m.readFile(opt.Dir, name, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		if props, err = s.proposals(t, prev); err != nil {
			return nil, err
		}
		if err := writeFile(opt.Dir, name, func(w io.Writer) error { return m.writeParticles(w, props, false) }); err != nil {
			return nil, err
		}
	}
	done, err := s.present(opt.Dir, t, props)
	if err != nil {
		return nil, err
	}
	var todo []int
	for i := range props {
		if done[i] == nil && i%opt.Shards == opt.Shard-1 {
			todo = append(todo, i)
		}
	}
	if err := s.simulate(ctx, t, props, todo, opt); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(opt.Wait)
	for {
		if done, err = s.present(opt.Dir, t, props); err != nil {
			return nil, err
		}
		if !slices.Contains(done, nil) {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w (generation %d)", ErrWaiting, t)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(opt.Poll):
		}
	}
	fresh := make([]Particle, len(props))
	for i, p := range done {
		fresh[i] = *p
	}
	g := s.close(t, prev, fresh)
	if err := m.writeGeneration(opt.Dir, g); err != nil {
		return nil, err
	}
	// Read back what was written, so that a calibration resumed from the
	// files and one that never stopped go on from the same numbers.
	g, _, err = m.readGeneration(opt.Dir, t)
	return g, err
}

// present returns, for each proposal of generation t, its simulated
// particle if its file is in dir and matches the proposal, else nil.
func (s *sampler) present(dir string, t int, props []Particle) ([]*Particle, error) {
	out := make([]*Particle, len(props))
	for i := range props {
		ps, ok, err := s.model.readFile(dir, particleFile(t, i), true)
		if err != nil || !ok || len(ps) != 1 {
			continue // damaged or missing: simulated again
		}
		p := &ps[0]
		if p.Generation == t && p.Index == i && p.Weight == props[i].Weight && slices.Equal(p.Theta, props[i].Theta) {
			out[i] = p
		}
	}
	return out, nil
}

// simulated returns generation t's simulated particles, in order.
func (s *sampler) simulated(dir string, t int) ([]Particle, error) {
	var out []Particle
	for i := 0; ; i++ {
		ps, ok, err := s.model.readFile(dir, particleFile(t, i), true)
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, ps...)
	}
}

// simulate simulates the proposals todo of generation t side by side and
// writes each particle's file the moment it is done.
func (s *sampler) simulate(ctx context.Context, t int, props []Particle, todo []int, opt *Options) error {
	m := s.model
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, opt.Workers))
	for _, i := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() (err error) {
			defer sim.Recover(&err)
			p := props[i]
			if p.Stats, err = m.Simulate(gctx, p.Theta); err != nil {
				return err
			}
			p.Distance = m.Distance(p.Stats)
			if err := writeFile(opt.Dir, particleFile(t, i), func(w io.Writer) error {
				return m.writeParticles(w, []Particle{p}, true)
			}); err != nil {
				return err
			}
			if opt.Progress != nil {
				opt.Progress()
			}
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// defaults returns the particle at the parameters' defaults, simulated
// once and kept in dir.
func (s *sampler) defaults(ctx context.Context, opt *Options) (p *Particle, stored bool, err error) {
	m := s.model
	ps, ok, err := m.readFile(opt.Dir, defaultsFile, true)
	if err != nil {
		return nil, false, err
	}
	if ok && len(ps) == 1 && slices.Equal(ps[0].Theta, m.Defaults()) {
		return &ps[0], true, nil
	}
	p = &Particle{Generation: -1, Theta: m.Defaults(), Weight: 1}
	if p.Stats, err = m.Simulate(ctx, p.Theta); err != nil {
		return nil, false, err
	}
	p.Distance = m.Distance(p.Stats)
	return p, false, nil
}

// checkDefined refuses a calibration one of whose targets' statistics is
// undefined at the parameters' defaults (d): every particle near them
// would have an infinite distance, and the calibration be in vain.
func (m *Model) checkDefined(d *Particle) error {
	for k, x := range d.Stats {
		if math.IsNaN(x) {
			t := &m.File.Targets[k]
			return fmt.Errorf("%w: target %s: its statistic %s is not defined in scenario %s at the parameters' defaults (for instance the mean of a group its schools lack, such as weak schools or migrant children, or a statistic with too few cases in so small a system); calibrate it on a scenario where it is",
				ErrUndefinedTarget, t.Name, t.Statistic, t.Scenario)
		}
	}
	return nil
}
