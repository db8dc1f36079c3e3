package web

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"

	"schoolnet/scenarios"
	"schoolnet/sim"
)

// worldKey names one spun-up world: a replication of a school system at
// the end of year 0. Everything that decides that state is in the hash:
// the population, the model's parameters, the seed and the calendar. The
// policies are not, since none acts before year 1, nor the simulated
// years: every reform of the same school system and seed starts from the
// same world.
type worldKey struct {
	hash string
	rep  int
}

// systemHash is the hash part of the world keys of scn's replications.
// sim.Engine.Fork checks the same equality field by field, so a
// collision (or a field JSON leaves out) cannot give a wrong world: the
// fork would fail and the run would spin its world up itself.
func systemHash(scn *scenarios.Scenario) string {
	b, err := json.Marshal(struct {
		Seed                      int64
		WeeksPerYear, SpinUpYears int
		Population                any
		Model                     any
	}{scn.Run.Seed, scn.Run.WeeksPerYear, scn.Run.SpinUpYears, scn.Population, scn.Model})
	if err != nil {
		panic("web: cannot hash a scenario's school system: " + err.Error())
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// spunUp is a world at the end of year 0, never run further: runs fork
// it. year0 is its baseline record, which every fork shares (records are
// not changed once made).
type spunUp struct {
	engine *sim.Engine
	year0  sim.YearRecord
	bytes  int64
}

// worldCache keeps spun-up worlds, least recently used first out, within
// a byte budget, so that every reform of a school system after the first
// skips generation and spin-up (about half of a default run). A world
// being spun up is shared too: a second run that needs it waits for it
// (and sees its progress) rather than spinning up a copy.
type worldCache struct {
	budget int64 // ≤ 0: keep nothing

	mu      sync.Mutex
	entries map[worldKey]*list.Element // of *cached
	lru     *list.List                 // front: most recently used
	used    int64
	flights map[worldKey]*flight
	hits    int
	misses  int
}

type cached struct {
	key worldKey
	w   *spunUp
}

// flight is a world being spun up: waiters block on done and hear each
// step.
type flight struct {
	done  chan struct{}
	w     *spunUp
	err   error
	mu    sync.Mutex
	steps int
	hear  []func(step int)
}

func newWorldCache(budget int64) *worldCache {
	return &worldCache{budget: budget, entries: map[worldKey]*list.Element{}, lru: list.New(), flights: map[worldKey]*flight{}}
}

// cacheStats is what /api/config reports of the cache.
type cacheStats struct {
	Worlds int   `json:"worlds"`
	Bytes  int64 `json:"bytes"`
	Budget int64 `json:"budget"`
	Hits   int   `json:"hits"`
	Misses int   `json:"misses"`
}

func (c *worldCache) stats() cacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cacheStats{Worlds: c.lru.Len(), Bytes: c.used, Budget: max(0, c.budget), Hits: c.hits, Misses: c.misses}
}

// world returns the spun-up world of key, spinning it up with cfg (its
// seed, replication, calendar, population and parameters; no policies)
// when no one has. step is called after each of the spin-up's steps
// (generation, then each spin-up year: 1 + cfg.SpinUpYears steps),
// whoever does them; it is not called for a world already kept, for
// which kept is true. The
// spin-up runs under ctx; when it is cancelled while another run waits,
// that run spins the world up itself.
func (c *worldCache) world(ctx context.Context, key worldKey, cfg sim.Config, step func(int)) (w *spunUp, kept bool, err error) {
	for {
		c.mu.Lock()
		if el, ok := c.entries[key]; ok {
			c.lru.MoveToFront(el)
			c.hits++
			c.mu.Unlock()
			return el.Value.(*cached).w, true, nil
		}
		if f, ok := c.flights[key]; ok {
			c.mu.Unlock()
			f.listen(step)
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, false, ctx.Err()
			}
			if f.err == nil {
				return f.w, false, nil
			}
			if errors.Is(f.err, context.Canceled) && ctx.Err() == nil {
				continue // its run was stopped; this one still wants it
			}
			return nil, false, f.err
		}
		f := &flight{done: make(chan struct{})}
		f.hear = append(f.hear, step)
		c.flights[key] = f
		c.misses++
		c.mu.Unlock()

		// A panic must still close the flight, or its waiters would wait
		// for ever.
		f.err = protect(func() (err error) {
			f.w, err = spinUp(ctx, cfg, f.step)
			return err
		})
		c.mu.Lock()
		delete(c.flights, key)
		if f.err == nil {
			c.keep(key, f.w)
		}
		c.mu.Unlock()
		close(f.done)
		return f.w, false, f.err
	}
}

// listen adds a waiter's step callback, first telling it the steps done.
func (f *flight) listen(step func(int)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := 1; k <= f.steps; k++ {
		step(k)
	}
	f.hear = append(f.hear, step)
}

func (f *flight) step(k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps = k
	for _, h := range f.hear {
		h(k)
	}
}

// keep stores a world, dropping the least recently used beyond the
// budget; a world larger than the whole budget is not kept. c.mu must be
// held.
func (c *worldCache) keep(key worldKey, w *spunUp) {
	if w.bytes > c.budget {
		return
	}
	for c.used+w.bytes > c.budget {
		old := c.lru.Back()
		e := old.Value.(*cached)
		c.lru.Remove(old)
		delete(c.entries, e.key)
		c.used -= e.w.bytes
	}
	c.entries[key] = c.lru.PushFront(&cached{key, w})
	c.used += w.bytes
}

// spinUp generates a replication's world and runs its spin-up years
// through year 0, calling step after generation and after each year.
func spinUp(ctx context.Context, cfg sim.Config, step func(int)) (*spunUp, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg.Policies = nil
	e, err := sim.New(cfg)
	if err != nil {
		return nil, err
	}
	step(1)
	w := &spunUp{engine: e}
	for y := 1 - cfg.SpinUpYears; y <= 0; y++ {
		if err := e.RunYear(ctx, y, func(rec sim.YearRecord) { w.year0 = rec }); err != nil {
			return nil, err
		}
		step(y + cfg.SpinUpYears + 1)
	}
	w.bytes = deepSize(e) + deepSize(&w.year0)
	return w, nil
}
