package sim

import (
	"context"
	"reflect"
	"slices"
	"testing"
)

// weekZero acts only in the first week of each year: there it sets the
// collaboration load of school 0's first teacher to load (0: nothing),
// which lowers its classes' growth, and it says it is
// quiet in every other week, which is true of its acts. It records the
// clock of each act.
type weekZero struct {
	load  float32
	calls []Clock
}

func (p *weekZero) Name() string { return "week zero" }

func (p *weekZero) Act(w *World) error {
	p.calls = append(p.calls, w.Clock)
	if w.Clock.YearStart() && p.load != 0 {
		w.Pop.Schools[0].Teachers[0].Load = p.load
	}
	return nil
}

func (p *weekZero) QuietWeek(_ *World, c Clock) bool { return !c.YearStart() }

// loud hides a policy's QuietWeek, so that the engine runs its years week
// by week.
type loud struct{ Policy }

// TestQuietWeeksNeedClearReform checks the engine's quiet weeks (Quiet,
// quietFrom): after a first week that leaves the reform inputs clear, the
// rest of the year runs a school at a time; after one that sets them,
// the next week's clearing changes what the steps read, so the year runs
// week by week. Either way the records, every school and the policy's
// acts (every week, in order) are those of the weeks run one by one.
func TestQuietWeeksNeedClearReform(t *testing.T) {
	for _, load := range []float32{0, 0.5} {
		cfg := smallConfig(3)
		cfg.Workers = 2
		var pols [2]*weekZero
		var engines [2]*Engine
		var recs [2][]YearRecord
		for k := range engines {
			pols[k] = &weekZero{load: load}
			cfg.Policies = func() []Policy { return []Policy{pols[k]} }
			if k == 1 {
				cfg.Policies = func() []Policy { return []Policy{loud{pols[k]}} }
			}
			e, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			engines[k] = e
			for y := 1 - cfg.SpinUpYears; y <= cfg.Years; y++ {
				if y == 1 {
					// Where the quiet weeks end after the first week's
					// phase: it runs here once more, as RunYear runs it
					// again, on both engines alike.
					if err := e.policyPhase(y, 0); err != nil {
						t.Fatal(err)
					}
					wantEnd := 1
					if k == 0 && load == 0 {
						wantEnd = cfg.WeeksPerYear
					}
					if end := e.quietFrom(y, 1); end != wantEnd {
						t.Errorf("load %v, engine %d: quiet weeks end at %d, want %d", load, k, end, wantEnd)
					}
					pols[k].calls = pols[k].calls[:0] // the year's own phase 0 comes again
				}
				if err := e.RunYear(context.Background(), y, func(r YearRecord) { recs[k] = append(recs[k], r) }); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !reflect.DeepEqual(recs[0], recs[1]) {
			t.Errorf("load %v: records differ from week by week", load)
		}
		for i := range engines[0].world.Pop.Schools {
			if !reflect.DeepEqual(engines[0].world.Pop.Schools[i], engines[1].world.Pop.Schools[i]) {
				t.Fatalf("load %v: school %d differs from week by week", load, i)
			}
		}
		if !slices.Equal(pols[0].calls, pols[1].calls) || len(pols[0].calls) != cfg.Years*cfg.WeeksPerYear {
			t.Errorf("load %v: acts %v, week by week %v", load, pols[0].calls, pols[1].calls)
		}
		if !slices.IsSortedFunc(pols[0].calls, func(a, b Clock) int { return (a.Year-b.Year)*100 + a.Week - b.Week }) {
			t.Errorf("load %v: acts out of order: %v", load, pols[0].calls)
		}
	}
}
