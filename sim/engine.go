package sim

import (
	"context"
	"fmt"

	"math/rand/v2"

	"schoolnet/agents"
)

// Config is everything one replication needs.
type Config struct {
	Seed         uint64
	Replication  int
	Years        int // simulated years after spin-up
	WeeksPerYear int
	SpinUpYears  int
	// Workers is the number of goroutines of the per-school phase; 0 or 1
	// steps schools one after another.
	Workers    int
	Population agents.PopulationSpec
	Params     agents.Params
	// Policies returns fresh policies for one replication, or nil for none.
	Policies func() []Policy
}

// Validate checks the run settings and the model's inputs.
func (c *Config) Validate() error {
	switch {
	case c.Years < 1:
		return fmt.Errorf("sim: years must be at least 1, got %d", c.Years)
	case c.WeeksPerYear < 1 || c.WeeksPerYear > 52:
		return fmt.Errorf("sim: weeks_per_year must be in [1,52], got %d", c.WeeksPerYear)
	case c.SpinUpYears < 1:
		return fmt.Errorf("sim: spin_up_years must be at least 1 (year 0 is the baseline), got %d", c.SpinUpYears)
	}
	if err := c.Params.Validate(); err != nil {
		return err
	}
	return c.Population.Validate()
}

// YearRecord is the state of every school at the end of one year.
type YearRecord struct {
	Replication int
	Year        int // 0 is the end of spin-up, the baseline
	Schools     []agents.SchoolRecord
}

// Engine runs one replication.
type Engine struct {
	cfg      Config
	world    World
	env      agents.Env
	ref      agents.Reference
	policies []Policy
	snapshot [][]agents.Teacher
}

// New generates the replication's population from its streams.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg}
	par := &e.cfg.Params
	city := Stream(cfg.Seed, cfg.Replication, PurposeCity, 0)
	pop := agents.Generate(cfg.Population, par, city, func(i int) *rand.Rand {
		return Stream(cfg.Seed, cfg.Replication, PurposeSchool, i)
	})
	for i := range pop.Schools {
		agents.FillPipeline(&pop.Schools[i], cfg.WeeksPerYear)
	}
	e.ref = agents.MeasureReference(pop.Schools, cfg.Population.Grades)
	e.env = agents.Env{Par: par, Ref: &e.ref, WeeksPerYear: cfg.WeeksPerYear, Grades: cfg.Population.Grades}
	e.world = World{Pop: pop, Par: par, Ref: &e.ref, Years: cfg.Years,
		Rand: Stream(cfg.Seed, cfg.Replication, PurposePolicy, 0)}
	if cfg.Policies != nil {
		e.policies = cfg.Policies()
	}
	e.snapshot = make([][]agents.Teacher, len(pop.Schools))
	return e, nil
}

// Population returns the replication's schools.
func (e *Engine) Population() *agents.Population { return e.world.Pop }

// World returns what policies see: the population, parameters, reference,
// clock and policy stream.
func (e *Engine) World() *World { return &e.world }

// Reference returns the baseline reference (frozen from year 1 on).
func (e *Engine) Reference() *agents.Reference { return &e.ref }

// Run simulates the spin-up and then cfg.Years years, calling emit with the
// record of year 0 (the baseline) and of each simulated year. It stops
// between weeks when ctx is cancelled.
func (e *Engine) Run(ctx context.Context, emit func(YearRecord)) error {
	for y := 1 - e.cfg.SpinUpYears; y <= e.cfg.Years; y++ {
		if err := e.RunYear(ctx, y, emit); err != nil {
			return err
		}
	}
	return nil
}

// RunYear simulates school year y: its weeks, then the year end.
func (e *Engine) RunYear(ctx context.Context, y int, emit func(YearRecord)) error {
	for wk := range e.cfg.WeeksPerYear {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := e.policyPhase(y, wk); err != nil {
			return err
		}
		e.schoolPhase()
	}
	e.endYear(y, emit)
	return nil
}

// policyPhase sets the clock to week wk of year y and, from year 1 on,
// clears the weekly reform inputs and lets each policy act.
func (e *Engine) policyPhase(y, wk int) error {
	schools := e.world.Pop.Schools
	e.env.Year = y
	e.world.Clock = Clock{Year: y, Week: wk, WeeksPerYear: e.cfg.WeeksPerYear}
	if y >= 1 && len(e.policies) > 0 {
		for i := range schools {
			agents.ClearReform(&schools[i])
		}
		for _, p := range e.policies {
			if err := p.Act(&e.world); err != nil {
				return fmt.Errorf("sim: policy %s, year %d week %d: %w", p.Name(), y, wk, err)
			}
		}
	}
	return nil
}

// schoolPhase steps every school by one week, in parallel.
func (e *Engine) schoolPhase() {
	schools := e.world.Pop.Schools
	parallelFor(len(schools), e.cfg.Workers, func(i int) { agents.StepSchool(&schools[i], &e.env) })
}

// endYear measures the schools, closes the year and opens the next. During
// spin-up the reference is re-measured each year; at the end of year 0 it
// is frozen as the baseline.
func (e *Engine) endYear(y int, emit func(YearRecord)) {
	schools := e.world.Pop.Schools
	if y <= 0 {
		e.ref = agents.MeasureReference(schools, e.cfg.Population.Grades)
	}
	records := make([]agents.SchoolRecord, len(schools))
	parallelFor(len(schools), e.cfg.Workers, func(i int) {
		records[i] = agents.Measure(&schools[i], &e.env)
		e.snapshot[i] = append(e.snapshot[i][:0], schools[i].Teachers...)
	})
	partner := func(school int32, id int64) (*agents.Teacher, bool) {
		for k := range e.snapshot[school] {
			if t := &e.snapshot[school][k]; t.ID == id {
				return t, true
			}
		}
		return nil, false
	}
	parallelFor(len(schools), e.cfg.Workers, func(i int) {
		all := records[i].All()
		agents.CloseYear(&schools[i], all.Mean(all.Composite), partner, &e.env)
		records[i].Leavers = int(schools[i].Leavers)
		agents.SchoolYear(&schools[i], &e.env)
	})
	if y >= 0 && emit != nil {
		emit(YearRecord{Replication: e.cfg.Replication, Year: y, Schools: records})
	}
}
