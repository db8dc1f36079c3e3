package sim

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// countingPolicy records when it was called and invests in school 0.
type countingPolicy struct {
	calls  []Clock
	invest float64
	fail   bool
}

var _ Policy = (*countingPolicy)(nil)

func (p *countingPolicy) Name() string { return "counting" }

func (p *countingPolicy) Act(w *World) error {
	p.calls = append(p.calls, w.Clock)
	if p.fail && w.Clock.Year == 2 {
		return errors.New("broken on purpose")
	}
	if w.Clock.Year == 1 && w.Clock.Week == 0 {
		w.Pop.Schools[0].Invest(p.invest, 0)
	}
	return nil
}

// perSchoolMoney makes money buy facilities per school after the routine
// lag, as before issue 11, so that 5M RMB is a unit of facilities within
// the run (the per-pupil stocks and the construction lag have their own
// tests in agents).
func perSchoolMoney(cfg Config) Config {
	cfg.Params.ResourcePupils, cfg.Params.FacilityLagWeeks = 0, 0
	return cfg
}

func TestPolicyActsEveryWeekAfterSpinUp(t *testing.T) {
	cfg := perSchoolMoney(smallConfig(4))
	pol := &countingPolicy{invest: 5e6}
	cfg.Policies = func() []Policy { return []Policy{pol} }
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var recs []YearRecord
	if err := e.Run(context.Background(), func(y YearRecord) { recs = append(recs, y) }); err != nil {
		t.Fatal(err)
	}
	if got, want := len(pol.calls), cfg.Years*cfg.WeeksPerYear; got != want {
		t.Fatalf("Act called %d times, want %d (every week of years 1..%d)", got, want, cfg.Years)
	}
	for _, c := range pol.calls {
		if c.SpinUp() {
			t.Fatalf("Act called during spin-up year %d", c.Year)
		}
	}

	// The investment reaches school 0 only; the twin without the policy
	// is identical elsewhere.
	twin := perSchoolMoney(smallConfig(4))
	e2, _ := New(twin)
	var base []YearRecord
	e2.Run(context.Background(), func(y YearRecord) { base = append(base, y) })
	last := len(recs) - 1
	if got, was := recs[last].Schools[0].Resources, base[last].Schools[0].Resources; got <= was+0.4 {
		t.Errorf("school 0 resources %.3f with 5M RMB, %.3f without: want at least +0.4 (half a facilities unit, less depreciation)", got, was)
	}
	for i := 1; i < len(recs[last].Schools); i++ {
		if recs[last].Schools[i].Resources != base[last].Schools[i].Resources {
			t.Errorf("school %d resources changed by a policy aimed at school 0", i)
		}
	}
}

func TestPolicyErrorStopsRun(t *testing.T) {
	cfg := smallConfig(4)
	cfg.Policies = func() []Policy { return []Policy{&countingPolicy{fail: true}} }
	e, _ := New(cfg)
	err := e.Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "counting") || !strings.Contains(err.Error(), "year 2") {
		t.Errorf("error %v, want one naming the policy and year 2", err)
	}
}

func TestCancelStopsRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Replicate(ctx, smallConfig(1), 2, 2, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
