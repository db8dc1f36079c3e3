package sim

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

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
	// Observe, if not nil, is called at the end of each year from year 0
	// (the baseline) on, after the year's weeks and before the year is
	// measured and closed: it sees every school as Measure does, with the
	// reference the year is measured against, and must only read them.
	// It is the hook for statistics that need every student and teacher
	// (results/statistics) without widening every SchoolRecord; it runs
	// on the replication's own goroutine.
	Observe func(replication, year int, pop *agents.Population, ref *agents.Reference)
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
	// src holds each school's generator, so that Fork can copy it; next
	// is the next year to run.
	src  []*rand.PCG
	next int
	// order is the schools largest first, for the weekly step's workers
	// (schoolPhase); made in each year's first week.
	order []int32
	// parallel is the wall time spent in the sections handed to the
	// workers (see each and ParallelTime).
	parallel time.Duration
}

// each calls fn(i) for every i in [0,n) on the engine's workers (see
// parallelFor) and adds the wall time it took to the engine's parallel
// time.
func (e *Engine) each(n int, fn func(i int)) {
	start := time.Now()
	parallelFor(n, e.cfg.Workers, fn)
	e.parallel += time.Since(start)
}

// ParallelTime returns the wall time the engine has spent, since New
// began, in the sections it hands to its workers: generating the schools
// and measuring the reference, the weekly step, and the year end's
// per-school work. The rest of a run's time is sequential (the city-level
// layout, the reference's sums, the policies, the teacher transfers);
// with one worker, its share of the whole is what Amdahl's law says limits
// the speed-up on many cores.
func (e *Engine) ParallelTime() time.Duration { return e.parallel }

// New generates the replication's population from its streams.
func New(cfg Config) (_ *Engine, err error) {
	defer Recover(&err)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, next: 1 - cfg.SpinUpYears}
	par := &e.cfg.Params
	city := Stream(cfg.Seed, cfg.Replication, PurposeCity, 0)
	e.src = make([]*rand.PCG, cfg.Population.NumSchools())
	// Each school is generated from its own stream, on the workers.
	pop := agents.GenerateEach(cfg.Population, par, city, func(i int) *rand.Rand {
		e.src[i] = source(cfg.Seed, cfg.Replication, PurposeSchool, i)
		return rand.New(e.src[i])
	}, e.each)
	e.each(len(pop.Schools), func(i int) {
		agents.FillPipeline(&pop.Schools[i], cfg.WeeksPerYear)
		pop.Schools[i].SetSource(e.src[i])
	})
	e.ref = agents.MeasureReferenceEach(pop.Schools, cfg.Population.Grades, &e.cfg.Params, e.each)
	e.env = agents.Env{Par: par, Ref: &e.ref, WeeksPerYear: cfg.WeeksPerYear, Grades: cfg.Population.Grades}
	e.world = World{Pop: pop, Par: par, Ref: &e.ref, Years: cfg.Years,
		Rand: Stream(cfg.Seed, cfg.Replication, PurposePolicy, 0), each: e.each}
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

// Fork returns an engine that goes on from e's present state exactly as e
// would, but with cfg's policies, workers and years: the way to run
// several worlds that share their spin-up (a scenario and its untreated
// twin are the same world until a policy first acts). e must have run no
// simulated year yet (its next year is at most 1), and cfg must have e's
// seed, replication, calendar, population and parameters, except those
// that act only on schools a policy treats (agents.Params.BeforeTreatment).
// The fork shares no state with e.
func (e *Engine) Fork(cfg Config) (_ *Engine, err error) {
	defer Recover(&err)
	c := &e.cfg
	switch {
	case e.next > 1:
		return nil, fmt.Errorf("sim: Fork after year %d has run; fork before policies act", e.next-1)
	case !sameWorld(&cfg, c):
		return nil, fmt.Errorf("sim: Fork needs the same seed, replication, calendar, population and parameters (those that act only on treated schools may differ)")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	f := &Engine{cfg: cfg, next: e.next, ref: e.ref, src: make([]*rand.PCG, len(e.src))}
	pop := e.world.Pop.Clone(func(i int) *rand.Rand {
		g := *e.src[i]
		f.src[i] = &g
		return rand.New(f.src[i])
	})
	for i := range pop.Schools {
		pop.Schools[i].SetSource(f.src[i])
	}
	par := &f.cfg.Params
	f.env = agents.Env{Par: par, Ref: &f.ref, WeeksPerYear: cfg.WeeksPerYear, Grades: cfg.Population.Grades, Year: e.env.Year}
	f.world = World{Pop: pop, Par: par, Ref: &f.ref, Years: cfg.Years, Clock: e.world.Clock,
		Rand: Stream(cfg.Seed, cfg.Replication, PurposePolicy, 0), each: f.each}
	if cfg.Policies != nil {
		f.policies = cfg.Policies()
	}
	f.snapshot = make([][]agents.Teacher, len(pop.Schools))
	return f, nil
}

// Run simulates the years from the next one (the first spin-up year for a
// new engine) through cfg.Years, calling emit with the record of year 0
// (the baseline) and of each simulated year. When ctx is cancelled it
// stops within the year, between weeks or between schools, and returns
// ctx's error; the engine must not run again after that.
func (e *Engine) Run(ctx context.Context, emit func(YearRecord)) error {
	for y := e.next; y <= e.cfg.Years; y++ {
		if err := e.RunYear(ctx, y, emit); err != nil {
			return err
		}
	}
	return nil
}

// RunYear simulates school year y: its weeks, then the year end.
func (e *Engine) RunYear(ctx context.Context, y int, emit func(YearRecord)) (err error) {
	defer Recover(&err)
	weeks := e.policyWeeks
	if y < 1 || len(e.policies) == 0 {
		weeks = e.schoolYear
	}
	if err := weeks(ctx, y); err != nil {
		return err
	}
	e.endYear(y, emit)
	return nil
}

// policyWeeks runs the weeks of year y, a year with policies: each week
// the policy phase, then every school's step; but where the weeks after a
// policy phase are quiet (see Quiet and quietFrom), each school runs
// through them at a time and their policy phases come after.
func (e *Engine) policyWeeks(ctx context.Context, y int) error { return e.weeks(ctx, y, true) }

// weekByWeek runs the weeks of year y for the whole system, each week
// the policy phase and then every school's step, quiet weeks or not: the
// order that policyWeeks and schoolYear must give the same bytes as
// (tests, BenchmarkYearWeekByWeek).
func (e *Engine) weekByWeek(ctx context.Context, y int) error { return e.weeks(ctx, y, false) }

// weeks is policyWeeks, or with quiet false weekByWeek.
func (e *Engine) weeks(ctx context.Context, y int, quiet bool) error {
	for wk := 0; wk < e.cfg.WeeksPerYear; {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := e.policyPhase(y, wk); err != nil {
			return err
		}
		end := wk + 1
		if quiet {
			end = e.quietFrom(y, wk+1)
		}
		if err := e.schoolWeeks(ctx, end-wk); err != nil {
			return err
		}
		for q := wk + 1; q < end; q++ {
			if err := e.policyPhase(y, q); err != nil {
				return err
			}
		}
		wk = end
	}
	return nil
}

// quietFrom returns the end of the run of quiet weeks of year y that
// begins at week wk, right after week wk−1's policy phase: wk itself if
// week wk is not quiet. A week is quiet when every policy says so
// (Quiet) and every school's reform inputs are clear, so that its
// policy phase, clearing them included, touches nothing the steps read
// or write. The reform inputs are checked once: no quiet act and no
// step sets them.
func (e *Engine) quietFrom(y, wk int) int {
	end := wk
	for end < e.cfg.WeeksPerYear && e.policiesQuiet(Clock{Year: y, Week: end, WeeksPerYear: e.cfg.WeeksPerYear}) {
		end++
	}
	if end == wk {
		return wk
	}
	for i := range e.world.Pop.Schools {
		if !agents.ReformClear(&e.world.Pop.Schools[i]) {
			return wk
		}
	}
	return end
}

// policiesQuiet reports whether every policy is quiet in week c.
func (e *Engine) policiesQuiet(c Clock) bool {
	for _, p := range e.policies {
		if q, ok := p.(Quiet); !ok || !q.QuietWeek(&e.world, c) {
			return false
		}
	}
	return true
}

// schoolYear runs all the weeks of year y, in a year in which no policy
// acts (spin-up years, and every year of a world without policies): then
// nothing crosses schools between the year's weeks, so each worker runs
// one school through all its weeks (schoolWeeks). The clock ends the year
// at its last week, as the lockstep leaves it.
func (e *Engine) schoolYear(ctx context.Context, y int) error {
	if err := e.policyPhase(y, e.cfg.WeeksPerYear-1); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	e.order = nil // enrolment changed at the year end: order them again
	return e.schoolWeeks(ctx, e.cfg.WeeksPerYear)
}

// schoolWeeks steps every school through n weeks, a school at a time: in
// weeks in which nothing crosses schools, each worker runs one school
// through all of them before it takes the next, while the school's
// students are still in the core's cache, instead of the whole system
// week by week. Each school's weeks are the same steps, on the same state
// and stream, as in the weekly lockstep (the same bytes).
func (e *Engine) schoolWeeks(ctx context.Context, n int) error {
	schools := e.world.Pop.Schools
	e.eachSchool(func(i int) {
		if ctx.Err() != nil {
			return
		}
		for range n {
			agents.StepSchool(&schools[i], &e.env)
		}
	})
	return ctx.Err()
}

// policyPhase sets the clock to week wk of year y and, from year 1 on,
// clears the weekly reform inputs and lets each policy act; in the first
// week of a year, families then respond to the schools the policies
// treat (agents.IntakeResponse).
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
		if wk == 0 {
			agents.IntakeResponse(schools, e.world.Rand, &e.cfg.Params)
		}
	}
	return nil
}

// schoolPhase steps every school by one week, in parallel (Lockstep's
// weekly phase, which is not cancelled within a week).
func (e *Engine) schoolPhase() { _ = e.schoolWeeks(context.Background(), 1) }

// eachSchool runs fn(i) for every school i on the workers. They take the
// schools largest first (longest-processing-time order), so that no large
// school starts last and keeps the others waiting at the end; each school
// touches only its own state and stream, so the order changes no result.
// Enrolment changes only between years and in the policies' first week,
// so the order is made then (or when e.order is reset), not every week.
func (e *Engine) eachSchool(fn func(i int)) {
	schools := e.world.Pop.Schools
	if e.cfg.Workers <= 1 {
		e.each(len(schools), fn)
		return
	}
	if e.world.Clock.Week == 0 || len(e.order) != len(schools) {
		e.order = largestFirst(schools)
	}
	order := e.order
	e.each(len(order), func(k int) { fn(int(order[k])) })
}

// largestFirst returns the schools' indices by enrolment, largest first
// (ties by index).
func largestFirst(schools []agents.School) []int32 {
	order := make([]int32, len(schools))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(len(schools[b].Students), len(schools[a].Students)) })
	return order
}

// endYear measures the schools, closes the year and opens the next. During
// spin-up the reference is re-measured each year; at the end of year 0 it
// is frozen as the baseline.
func (e *Engine) endYear(y int, emit func(YearRecord)) {
	schools := e.world.Pop.Schools
	if y <= 0 {
		e.ref = agents.MeasureReferenceEach(schools, e.cfg.Population.Grades, &e.cfg.Params, e.each)
	}
	if y >= 0 && e.cfg.Observe != nil {
		e.cfg.Observe(e.cfg.Replication, y, e.world.Pop, &e.ref)
	}
	records := make([]agents.SchoolRecord, len(schools))
	e.each(len(schools), func(i int) {
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
	e.each(len(schools), func(i int) {
		all := records[i].All()
		agents.CloseYear(&schools[i], all.Mean(all.Composite), partner, &e.env)
		records[i].Leavers = int(schools[i].Leavers)
	})
	// Voluntary transfers fill this year's vacancies across schools, in
	// one sequential round with the year's own stream.
	if e.cfg.Params.TransferSearch > 0 {
		agents.TeacherTransfer(schools, &e.env, Stream(e.cfg.Seed, e.cfg.Replication, PurposeMobility, y))
	}
	e.each(len(schools), func(i int) {
		records[i].Movers = int(schools[i].Movers)
		schools[i].Movers = 0
		agents.SchoolYear(&schools[i], &e.env)
	})
	e.next = y + 1
	if y >= 0 && emit != nil {
		emit(YearRecord{Replication: e.cfg.Replication, Year: y, Schools: records})
	}
}
