package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"schoolnet/results"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// The states of a run. Done, failed and cancelled are final.
const (
	stateQueued    = "queued"
	stateRunning   = "running"
	stateDone      = "done"
	stateFailed    = "failed"
	stateCancelled = "cancelled"
)

// Series is one yearly chart of the page: its key, label, unit, and the
// value it reads from a replication's year.
type Series struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
	get   func(*sim.YearMetrics) float64
}

// ChartSeries are the page's charts, in order.
var ChartSeries = []Series{
	{"weak_composite", "Weak schools' achievement", "SD", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupWeak].Composite }},
	{"gap_strong_weak", "Gap: strong − weak schools", "SD", func(y *sim.YearMetrics) float64 { return y.GapStrongWeak }},
	{"gap_migrant_local", "Gap: migrant − local students", "SD", func(y *sim.YearMetrics) float64 { return y.GapMigrantLocal }},
	{"weak_peer_relations", "Weak schools' peer relationships", "index 0–1", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupWeak].PeerRelations }},
	{"weak_leadership", "Weak schools' principal leadership", "index 0–1", func(y *sim.YearMetrics) float64 { return y.Groups[sim.GroupWeak].Leadership }},
	{"cost_money_year", "Reform money spent in the year", "million RMB", func(y *sim.YearMetrics) float64 { return y.Cost.Money / 1e6 }},
}

// Interval is a mean over replications and its 95% interval; Lo and Hi
// are null with one replication, and all three when the value is
// undefined (the mean of a group without students, such as the weak
// schools of an uploaded system that has none).
type Interval struct {
	Mean *float64 `json:"mean"`
	Lo   *float64 `json:"lo"`
	Hi   *float64 `json:"hi"`
}

// meanCI is results.MeanCI as an Interval, leaving out the replications
// in which the value is undefined (NaN).
func meanCI(xs []float64) Interval {
	m, h := results.MeanCI(xs)
	var iv Interval
	if !math.IsNaN(m) && !math.IsInf(m, 0) {
		iv.Mean = &m
		if !math.IsNaN(h) {
			lo, hi := m-h, m+h
			iv.Lo, iv.Hi = &lo, &hi
		}
	}
	return iv
}

// event is one server-sent event of a run's log.
type event struct {
	id   int
	name string
	data []byte
}

// run is one simulation asked for by a page, known only by its ID.
type run struct {
	id       string
	scn      *scenarios.Scenario
	settings Settings
	notes    []string
	created  time.Time
	ctx      context.Context
	cancel   context.CancelFunc
	crash    func(scn *scenarios.Scenario, rep, year int) // Server.crash
	worlds   *worldCache                                  // spun-up worlds to fork
	label    string                                       // what changed: runLabel
	priority bool                                         // the teacher's: first in the queue
	member   bool                                         // a class member's (class.go)
	from     string                                       // another machine that asked for it, as uploader names it (an IPv6 /64), or ""
	onEnd    func()                                       // called once it has ended
	steps    steps

	mu        sync.Mutex
	state     string
	reason    string // why it failed or was cancelled
	position  int    // 1-based place in the queue while queued
	queued    int    // runs waiting when position was set
	log       []event
	changed   chan struct{} // closed and replaced when the log grows
	subs      int           // open event streams
	idleGen   int           // invalidates older idle timers
	records   [][]sim.YearRecord
	metrics   [][]sim.YearMetrics
	places    [][]place // each replication's schools
	keep      bool      // a class needs it: never dropped
	reference bool      // a class's starting point: only the teacher stops it
	manifest  results.Manifest
}

// newID returns 128 random bits in hex: a run's only credential.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("web: no random source: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

func newRun(parent context.Context, scn *scenarios.Scenario, st Settings, notes []string) *run {
	ctx, cancel := context.WithCancel(parent)
	return &run{id: newID(), scn: scn, settings: st, notes: notes, created: time.Now(),
		ctx: ctx, cancel: cancel, state: stateQueued, changed: make(chan struct{})}
}

// final reports whether the run has ended; r.mu must be held.
func (r *run) final() bool {
	return r.state == stateDone || r.state == stateFailed || r.state == stateCancelled
}

// emit appends an event to the log and wakes the streams; r.mu must be
// held.
func (r *run) emit(name string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		panic("web: cannot encode event: " + err.Error())
	}
	r.log = append(r.log, event{id: len(r.log), name: name, data: data})
	close(r.changed)
	r.changed = make(chan struct{})
}

// statusEvent is the "status" event and the run's status resource.
type statusEvent struct {
	State    string `json:"state"`
	Reason   string `json:"reason,omitempty"`
	Position int    `json:"position,omitempty"`
	Queued   int    `json:"queued,omitempty"`
	Years    int    `json:"years_done"`
	// Summary is each headline outcome over replications, once done.
	Summary []summaryRow `json:"summary,omitempty"`
}

type summaryRow struct {
	Outcome     string `json:"outcome"`
	Unit        string `json:"unit"`
	Description string `json:"description"`
	Interval
}

// status returns the run's status; r.mu must be held.
func (r *run) status() statusEvent {
	st := statusEvent{State: r.state, Reason: r.reason, Years: len(r.yearsDone())}
	if r.state == stateQueued {
		st.Position, st.Queued = r.position, r.queued
	}
	if r.state == stateDone {
		xs := make([]float64, len(r.metrics))
		for _, o := range results.Headlines {
			for k := range r.metrics {
				xs[k] = o.Get(r.metrics[k])
			}
			st.Summary = append(st.Summary, summaryRow{o.Name, o.Unit, o.Description, meanCI(xs)})
		}
	}
	return st
}

// yearsDone returns the years every replication has finished; r.mu must
// be held.
func (r *run) yearsDone() []sim.YearMetrics {
	if len(r.metrics) == 0 {
		return nil
	}
	return r.metrics[0]
}

// setState changes the state and emits the status; r.mu must not be held.
// Once the run has ended, onEnd is called.
func (r *run) setState(state, reason string) {
	r.mu.Lock()
	if r.final() {
		r.mu.Unlock()
		return
	}
	r.state, r.reason = state, reason
	r.emit("status", r.status())
	end := r.final()
	r.mu.Unlock()
	if end && r.onEnd != nil {
		r.onEnd()
	}
}

// setPosition records the run's place in the queue, emitting a status when
// it changed.
func (r *run) setPosition(pos, queued int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state != stateQueued || (r.position == pos && r.queued == queued) {
		return
	}
	r.position, r.queued = pos, queued
	r.emit("status", r.status())
}

// progress is the "progress" event: what the run is doing now, and how
// far it has come: Done of Total steps, where a replication's generation,
// each of its spin-up years and each of its simulated years is a step.
type progress struct {
	// Phase is "preparing" (generating the schools and running the
	// spin-up years) or "simulating"; Year of Of is the simulated year
	// all replications have finished.
	Phase string `json:"phase"`
	Year  int    `json:"year"`
	Of    int    `json:"of"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	// Shared counts the replications whose spun-up world an earlier run
	// had made (the spin-up cache), so that they started at year 0.
	Shared int `json:"shared,omitempty"`
	// Reused says that a run of the same scenario had finished: its
	// numbers are this run's (Server.sameAs).
	Reused bool `json:"reused,omitempty"`
}

// steps counts a run's finished steps for its progress events.
type steps struct {
	mu        sync.Mutex
	prepared  []int // spin-up steps of each replication
	simulated int
	shared    int
	total     int
}

// progress emits the run's progress; p.Done and p.Total are filled in.
func (r *run) progress(p progress) {
	r.steps.mu.Lock()
	p.Done, p.Total, p.Shared = r.steps.simulated, r.steps.total, r.steps.shared
	for _, n := range r.steps.prepared {
		p.Done += n
	}
	r.steps.mu.Unlock()
	r.mu.Lock()
	r.emit("progress", p)
	r.mu.Unlock()
}

// prepared records that replication rep has finished step k of its
// spin-up (1 is generation); a step heard twice counts once.
func (r *run) prepared(rep, k int) {
	r.steps.mu.Lock()
	more := k > r.steps.prepared[rep]
	r.steps.prepared[rep] = max(r.steps.prepared[rep], k)
	r.steps.mu.Unlock()
	if more {
		r.progress(progress{Phase: "preparing", Of: r.scn.Run.Years})
	}
}

// yearPoint is the "year" event: the year's mean and 95% interval over
// replications of each chart series, in the order of ChartSeries.
type yearPoint struct {
	Year   int        `json:"year"`
	Values []Interval `json:"values"`
}

// addYear stores a year that every replication has finished and emits
// its point.
func (r *run) addYear(recs []sim.YearRecord, mets []sim.YearMetrics) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.records == nil {
		r.records = make([][]sim.YearRecord, len(recs))
		r.metrics = make([][]sim.YearMetrics, len(recs))
	}
	for k := range recs {
		r.records[k] = append(r.records[k], recs[k])
		r.metrics[k] = append(r.metrics[k], mets[k])
	}
	pt := yearPoint{Year: mets[0].Year}
	xs := make([]float64, len(mets))
	for _, s := range ChartSeries {
		for k := range mets {
			xs[k] = s.get(&mets[k])
		}
		pt.Values = append(pt.Values, meanCI(xs))
	}
	r.emit("year", pt)
}

// simulate runs the replications in lock step, year by year, on workers
// goroutines: each year, every replication simulates that year (at most
// workers at a time), and the year is published once all have finished
// it, so that the page's charts fill in as the run goes. Each
// replication's world at the end of year 0 comes from the spin-up cache
// (worlds), or is spun up and kept there, and the run goes on from a fork
// of it with its own policies: the same state, with the same random
// streams, that sim.Replicate reaches at year 0, since no policy acts
// before year 1. So the numbers are the same as `schoolnet run` gives
// for the same scenario and seed, and every reform of a school system
// after the first starts at year 0.
func (r *run) simulate(workers int) error {
	scn := r.scn
	reps, spin, years := scn.Run.Replications, scn.Run.SpinUpYears, scn.Run.Years
	side := min(reps, max(1, workers))
	cfg := scn.Config(max(1, workers/side))
	hash := systemHash(scn)
	r.steps.mu.Lock()
	r.steps.prepared = make([]int, reps)
	r.steps.total = reps * (1 + spin + years)
	r.steps.mu.Unlock()
	r.progress(progress{Phase: "preparing", Of: years})

	engines := make([]*sim.Engine, reps)
	year0 := make([]sim.YearRecord, reps)
	g, ctx := errgroup.WithContext(r.ctx)
	g.SetLimit(side)
	for rep := range reps {
		g.Go(func() error {
			return protect(func() error {
				c := cfg
				c.Replication = rep
				w, kept, err := r.worlds.world(ctx, worldKey{hash, rep}, c, func(k int) { r.prepared(rep, k) })
				if err != nil {
					return err
				}
				if kept {
					r.steps.mu.Lock()
					r.steps.shared++
					r.steps.mu.Unlock()
				}
				r.prepared(rep, 1+spin)
				e, err := w.engine.Fork(c)
				if err != nil {
					// Not the world asked for (sim.Fork compares every
					// field; the cache's key is a hash): spin up here.
					if w, err = spinUp(ctx, c, func(int) {}); err != nil {
						return err
					}
					e, err = w.engine.Fork(c)
				}
				engines[rep], year0[rep] = e, w.year0
				return err
			})
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	r.setPlaces(engines)
	mets := make([]sim.YearMetrics, reps)
	for k := range year0 {
		mets[k] = sim.Summarise(year0[k])
	}
	r.addYear(year0, mets)
	r.progress(progress{Phase: "simulating", Year: 0, Of: years})
	for y := 1; y <= years; y++ {
		recs := make([]sim.YearRecord, reps)
		g, ctx := errgroup.WithContext(r.ctx)
		g.SetLimit(side)
		for rep := range reps {
			g.Go(func() error {
				return protect(func() error {
					if r.crash != nil {
						r.crash(scn, rep, y)
					}
					if err := engines[rep].RunYear(ctx, y, func(rec sim.YearRecord) { recs[rep] = rec }); err != nil {
						return err
					}
					r.steps.mu.Lock()
					r.steps.simulated++
					r.steps.mu.Unlock()
					return nil
				})
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		mets := make([]sim.YearMetrics, reps)
		for k := range recs {
			mets[k] = sim.Summarise(recs[k])
		}
		r.addYear(recs, mets)
		r.progress(progress{Phase: "simulating", Year: y, Of: years})
	}
	return nil
}

// reuse makes the run a copy of src, a finished run of the same
// scenario: the same years, points and records, published at once (they
// are not changed once a run is done).
func (r *run) reuse(src *run) error {
	src.mu.Lock()
	records, metrics, places := src.records, src.metrics, src.places
	src.mu.Unlock()
	reps, years := r.scn.Run.Replications, r.scn.Run.Years
	r.steps.mu.Lock()
	r.steps.total = reps * (1 + r.scn.Run.SpinUpYears + years)
	r.steps.simulated, r.steps.shared = r.steps.total, reps
	r.steps.mu.Unlock()
	r.mu.Lock()
	r.places = places
	r.mu.Unlock()
	for y := range metrics[0] {
		recs := make([]sim.YearRecord, reps)
		mets := make([]sim.YearMetrics, reps)
		for k := range reps {
			recs[k], mets[k] = records[k][y], metrics[k][y]
		}
		r.addYear(recs, mets)
		r.progress(progress{Phase: "simulating", Year: mets[0].Year, Of: years, Reused: true})
	}
	return nil
}

// stop cancels the run for reason, unless it has ended.
func (r *run) stop(reason string) {
	r.mu.Lock()
	if !r.final() && r.reason == "" {
		r.reason = reason
	}
	r.mu.Unlock()
	r.cancel()
}

// finish records how the simulation ended. A panic recovered from the
// run fails it with "internal error, please report it", the panic's value
// and the scenario's hash, and its stack goes to logger.
func (r *run) finish(err error, logger interface{ Printf(string, ...any) }) {
	r.mu.Lock()
	reason := r.reason
	r.manifest.End = time.Now().UTC()
	hash := r.manifest.ScenarioHash
	r.mu.Unlock()
	value, stack, panicked := panicOf(err)
	switch {
	case err == nil:
		r.setState(stateDone, "")
	case panicked:
		if hash == "" { // the panic came before the manifest
			m, _ := results.NewManifest(r.scn, r.scn.Run.Seed, r.scn.Run.Replications)
			hash = m.ScenarioHash
		}
		msg := fmt.Sprintf("internal error, please report it: %v (scenario hash %.12s)", value, hash)
		logger.Printf("web: run %s: %s\n%s", r.id, msg, stack)
		r.setState(stateFailed, msg)
	case errors.Is(err, context.Canceled):
		if reason == "" {
			reason = "cancelled"
		}
		r.setState(stateCancelled, reason)
	default:
		r.setState(stateFailed, err.Error())
	}
	r.cancel()
}

// place is a school's fixed attributes for the network view.
type place struct {
	X        float32 `json:"x"`
	Y        float32 `json:"y"`
	District int32   `json:"district"`
	Tier     string  `json:"tier"`
}

// setPlaces records where each replication's schools are (each
// replication generates its own city).
func (r *run) setPlaces(engines []*sim.Engine) {
	all := make([][]place, len(engines))
	for k, e := range engines {
		pop := e.Population()
		all[k] = make([]place, len(pop.Schools))
		for i := range pop.Schools {
			s := &pop.Schools[i]
			all[k][i] = place{s.X, s.Y, s.District, s.Tier.String()}
		}
	}
	r.mu.Lock()
	r.places = all
	r.mu.Unlock()
}
