package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"schoolnet/results"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// download returns a finished run's result file.
func (l *testLab) download(t *testing.T, id, file string) []byte {
	t.Helper()
	res, err := http.Get(l.ts.URL + "/api/runs/" + id + "/files/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s of %s: %d %s", file, id, res.StatusCode, b)
	}
	return b
}

// replicated returns the result files sim.Replicate gives for the tiny
// scenario with st applied, as `schoolnet run` writes them.
func replicated(t *testing.T, st Settings, id results.RunID) map[string][]byte {
	t.Helper()
	scn, err := scenarios.ParseUntrusted("tiny.toml", []byte(tinyScenario))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(scn); err != nil {
		t.Fatal(err)
	}
	recs, err := sim.Replicate(context.Background(), scn.Config(1), scn.Run.Replications, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	mets := make([][]sim.YearMetrics, len(recs))
	for r := range recs {
		for _, y := range recs[r] {
			mets[r] = append(mets[r], sim.Summarise(y))
		}
	}
	files := results.RunFiles{ID: id, Policies: scn.PolicyNames(), Format: results.CSV, Records: recs, Metrics: mets}
	out := map[string][]byte{}
	for _, f := range []string{"yearly.csv", "schools.csv", "treatments.csv", "summary.csv"} {
		var b bytes.Buffer
		if err := files.WriteTo(&b, f); err != nil {
			t.Fatal(err)
		}
		out[f] = b.Bytes()
	}
	return out
}

// TestSpinUpCacheGivesTheSameFiles runs the tiny system three times: as
// it is (its worlds spun up and kept), with two reforms added (every world
// forked from the cache), and with more replications than are kept (some
// forked, some spun up); each run's files must be byte for byte what
// sim.Replicate gives without any cache.
func TestSpinUpCacheGivesTheSameFiles(t *testing.T) {
	lab := newLab(t, Options{Grace: time.Minute, Workers: 2})
	for _, tt := range []struct {
		name         string
		st           Settings
		hits, misses int // the cache's counts after the run
		shared       int // replications the run found spun up
	}{
		{"cold", Settings{}, 0, 3, 0},
		{"reforms forked", Settings{FundingPerSchool: ptr(1e6), RotationShare: ptr(0.2)}, 3, 3, 3},
		{"more replications", Settings{Replications: ptr(5), PairingShare: ptr(0.5)}, 6, 5, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := lab.start(t, upload(tinyScenario, tt.st))
			lab.wait(t, id, state(stateDone))
			var m results.Manifest
			if err := json.Unmarshal(lab.download(t, id, "manifest.json"), &m); err != nil {
				t.Fatal(err)
			}
			want := replicated(t, tt.st, m.RunID("tiny"))
			for f, w := range want {
				if got := lab.download(t, id, f); !bytes.Equal(got, w) {
					t.Errorf("%s differs from sim.Replicate's (%d bytes, want %d)", f, len(got), len(w))
				}
			}
			if st := lab.worlds.stats(); st.Hits != tt.hits || st.Misses != tt.misses {
				t.Errorf("cache: %d hits, %d misses; want %d, %d", st.Hits, st.Misses, tt.hits, tt.misses)
			}
			lab.mu.Lock()
			rn := lab.runs[id]
			lab.mu.Unlock()
			if rn.steps.shared != tt.shared {
				t.Errorf("the run found %d replications spun up, want %d", rn.steps.shared, tt.shared)
			}
		})
	}
}

// TestSpinUpSharedWhileRunning starts two runs of one school system at
// once: the second waits for the worlds the first is spinning up rather
// than spinning up copies, and both get the same baseline.
func TestSpinUpSharedWhileRunning(t *testing.T) {
	lab := newLab(t, Options{Grace: time.Minute, MaxRunning: 2, Workers: 2})
	a := lab.start(t, upload(tinyScenario, Settings{}))
	b := lab.start(t, upload(tinyScenario, Settings{FundingPerSchool: ptr(5e5)}))
	lab.wait(t, a, state(stateDone))
	lab.wait(t, b, state(stateDone))
	if st := lab.worlds.stats(); st.Misses != 3 {
		t.Errorf("%d spin-ups for two runs of a 3-replication system, want 3", st.Misses)
	}
	var cmp comparison
	lab.get(t, "/api/compare?a="+a+"&b="+b, &cmp)
	if len(cmp.Rows) == 0 {
		t.Fatal("no comparison")
	}
	ya, yb := lab.download(t, a, "yearly.csv"), lab.download(t, b, "yearly.csv")
	// Year 0 rows come first in each replication's block: compare the
	// first line after the header, but for the scenario's hash and seed.
	row := func(b []byte) []byte {
		line := bytes.SplitN(b, []byte("\n"), 3)[1]
		f := bytes.Split(line, []byte(","))
		return bytes.Join(f[:len(f)-2], []byte(","))
	}
	if ra, rb := row(ya), row(yb); !bytes.Equal(ra, rb) {
		t.Errorf("the two runs' year-0 rows differ:\n%s\n%s", ra, rb)
	}
}

// tinyConfig is the tiny scenario's replication rep.
func tinyConfig(t *testing.T, seed int64, rep int) (sim.Config, worldKey) {
	t.Helper()
	scn, err := scenarios.ParseUntrusted("tiny.toml", []byte(tinyScenario))
	if err != nil {
		t.Fatal(err)
	}
	scn.Run.Seed = seed
	c := scn.Config(1)
	c.Replication = rep
	return c, worldKey{systemHash(scn), rep}
}

// TestWorldCacheBudget keeps worlds within the byte budget, dropping the
// least recently used, and keeps none larger than the budget.
func TestWorldCacheBudget(t *testing.T) {
	ctx := context.Background()
	c0, k0 := tinyConfig(t, 1, 0)
	w0, _, err := newWorldCache(-1).world(ctx, k0, c0, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	size := w0.bytes
	if size < 100<<10 {
		t.Fatalf("a tiny world measures %d bytes; it holds hundreds of students", size)
	}
	c := newWorldCache(size * 5 / 2)
	var keys []worldKey
	for rep := range 3 {
		cfg, k := tinyConfig(t, 1, rep)
		keys = append(keys, k)
		if _, kept, err := c.world(ctx, k, cfg, func(int) {}); err != nil || kept {
			t.Fatalf("rep %d: kept %v, %v", rep, kept, err)
		}
		if rep == 1 { // use rep 0 again: rep 1 is now the oldest
			if _, kept, _ := c.world(ctx, keys[0], c0, func(int) {}); !kept {
				t.Error("rep 0 was not kept")
			}
		}
	}
	st := c.stats()
	if st.Worlds != 2 || st.Bytes > st.Budget {
		t.Errorf("%d worlds of %d bytes in a budget of %d, want 2 within it", st.Worlds, st.Bytes, st.Budget)
	}
	for k, want := range map[int]bool{0: true, 1: false, 2: true} {
		c.mu.Lock()
		_, ok := c.entries[keys[k]]
		c.mu.Unlock()
		if ok != want {
			t.Errorf("rep %d kept: %v, want %v", k, ok, want)
		}
	}
	small := newWorldCache(size / 2)
	if _, _, err := small.world(ctx, k0, c0, func(int) {}); err != nil {
		t.Fatal(err)
	}
	if st := small.stats(); st.Worlds != 0 || st.Bytes != 0 {
		t.Errorf("a world larger than the budget was kept: %+v", st)
	}
}

// TestWorldCacheConcurrentForks forks one kept world from many goroutines
// at once (run with -race): each fork goes on exactly as the others.
func TestWorldCacheConcurrentForks(t *testing.T) {
	ctx := context.Background()
	cfg, k := tinyConfig(t, 3, 0)
	c := newWorldCache(1 << 30)
	w, _, err := c.world(ctx, k, cfg, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]sim.YearRecord, 6)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			e, err := w.engine.Fork(cfg)
			if err != nil {
				t.Error(err)
				return
			}
			if err := e.RunYear(ctx, 1, func(r sim.YearRecord) { out[i] = r }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	a, _ := json.Marshal(out[0])
	for i := range out[1:] {
		if b, _ := json.Marshal(out[i+1]); !bytes.Equal(a, b) {
			t.Fatalf("fork %d's year 1 differs from fork 0's", i+1)
		}
	}
}

// TestDeepSizeMeasuresTheHeap checks the cache's measure of a world
// against what generating it adds to the heap.
func TestDeepSizeMeasuresTheHeap(t *testing.T) {
	scn := scenarios.Default()
	scn.Population.Districts, scn.Population.SchoolsPerDistrict = 2, 8
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	e, err := sim.New(scn.Config(1))
	if err != nil {
		t.Fatal(err)
	}
	grown := float64(heap() - before)
	size := float64(deepSize(e))
	runtime.KeepAlive(e)
	if r := size / grown; r < 0.7 || r > 1.3 {
		t.Errorf("deepSize says %.1f MB, the heap grew by %.1f MB (ratio %.2f, want 0.7–1.3)", size/1e6, grown/1e6, r)
	}
	t.Logf("a 16-school engine: deepSize %.1f MB, heap %.1f MB", size/1e6, grown/1e6)
}

// TestSameScenarioReused runs one scenario twice: the second run takes
// the first one's numbers (the same files, byte for byte) without
// simulating or even forking, and says so in its progress.
func TestSameScenarioReused(t *testing.T) {
	lab := newLab(t, Options{Grace: time.Minute})
	st := Settings{FundingPerSchool: ptr(2e5)}
	a := lab.start(t, upload(tinyScenario, st))
	lab.wait(t, a, state(stateDone))
	before := lab.worlds.stats()
	b := lab.start(t, upload(tinyScenario, st))
	lab.wait(t, b, state(stateDone))
	if after := lab.worlds.stats(); after != before {
		t.Errorf("the cache was used again (%+v, then %+v): the run was simulated", before, after)
	}
	for _, f := range []string{"yearly.csv", "schools.csv", "treatments.csv", "summary.csv"} {
		if !bytes.Equal(lab.download(t, a, f), lab.download(t, b, f)) {
			t.Errorf("%s of the reused run differs", f)
		}
	}
	res, err := http.Get(lab.ts.URL + "/api/runs/" + b + "/events")
	if err != nil {
		t.Fatal(err)
	}
	evs := readEvents(t, res.Body, nil)
	res.Body.Close()
	years := 0
	for _, ev := range evs {
		if ev.name == "year" {
			years++
		}
		if ev.name == "progress" && !bytes.Contains([]byte(ev.data), []byte(`"reused":true`)) {
			t.Errorf("progress of the reused run: %s", ev.data)
		}
	}
	if years != 4 {
		t.Errorf("the reused run sent %d year points, want 4", years)
	}
	// Another seed is another scenario: simulated.
	c := lab.start(t, upload(tinyScenario, Settings{FundingPerSchool: ptr(2e5), Seed: ptr(int64(9))}))
	lab.wait(t, c, state(stateDone))
	if lab.worlds.stats() == before {
		t.Error("a run with another seed was not simulated")
	}
}
