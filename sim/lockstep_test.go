package sim

import (
	"context"
	"reflect"
	"testing"

	"schoolnet/agents"
)

// boostPolicy lifts every reform input of every school: joint activities,
// mentoring towards a strong mentor, teacher training, and a more
// student-centred style each year.
type boostPolicy struct{}

func (boostPolicy) Name() string { return "boost" }

func (boostPolicy) Act(w *World) error {
	for i := range w.Pop.Schools {
		s := &w.Pop.Schools[i]
		s.Reform.Activity = 1
		s.Principal.Mentoring, s.Principal.MentorLeadership = 1, 0.9
		if w.Clock.YearStart() {
			for j := range s.Teachers {
				s.Teachers[j].Training = 0.5
				s.Teachers[j].Style = min(1, s.Teachers[j].Style+0.1)
			}
		}
	}
	return nil
}

// lockstep runs cfgs in lockstep with holds and returns each engine's
// records.
func lockstep(t *testing.T, cfgs []Config, holds []agents.Mediator) [][]YearRecord {
	t.Helper()
	engines := make([]*Engine, len(cfgs))
	for k, c := range cfgs {
		e, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		engines[k] = e
	}
	out := make([][]YearRecord, len(cfgs))
	err := Lockstep(context.Background(), engines, holds, cfgs[0].Years, nil, func(k int, r YearRecord) { out[k] = append(out[k], r) })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func run(t *testing.T, cfg Config) []YearRecord {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out []YearRecord
	if err := e.Run(context.Background(), func(r YearRecord) { out = append(out, r) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLockstepMatchesRun: stepping side by side changes nothing in either
// world when nothing is held.
func TestLockstepMatchesRun(t *testing.T) {
	twin := smallConfig(21)
	treated := smallConfig(21)
	treated.Policies = func() []Policy { return []Policy{boostPolicy{}} }
	got := lockstep(t, []Config{twin, treated}, []agents.Mediator{agents.MediatorNone, agents.MediatorNone})
	if !reflect.DeepEqual(got[0], run(t, twin)) {
		t.Error("the twin stepped in lockstep differs from the twin run alone")
	}
	if !reflect.DeepEqual(got[1], run(t, treated)) {
		t.Error("the treated world stepped in lockstep differs from it run alone")
	}
}

// TestTwinWithoutPoliciesIsIdentical: the twin of a scenario without
// policies is the same world, so its true effect is exactly zero, with or
// without any mediator held.
func TestTwinWithoutPoliciesIsIdentical(t *testing.T) {
	cfg := smallConfig(22)
	cfgs := []Config{cfg, cfg, cfg, cfg, cfg}
	holds := []agents.Mediator{agents.MediatorNone, agents.MediatorNone,
		agents.MediatorPeer, agents.MediatorLeadership, agents.MediatorStyle}
	got := lockstep(t, cfgs, holds)
	for k := 1; k < len(got); k++ {
		if !reflect.DeepEqual(got[k], got[0]) {
			t.Errorf("world %d (holding %s) differs from its policy-free twin", k, holds[k])
		}
	}
}

// TestHoldingChangesTheTreatedWorld: with a policy that moves every
// mediator, each held world differs from the unheld treated world.
func TestHoldingChangesTheTreatedWorld(t *testing.T) {
	twin := smallConfig(23)
	treated := smallConfig(23)
	treated.Policies = func() []Policy { return []Policy{boostPolicy{}} }
	holds := []agents.Mediator{agents.MediatorNone, agents.MediatorNone,
		agents.MediatorPeer, agents.MediatorLeadership, agents.MediatorStyle}
	got := lockstep(t, []Config{twin, treated, treated, treated, treated}, holds)
	last := len(got[0]) - 1
	for k := 2; k < len(got); k++ {
		if reflect.DeepEqual(got[k][last], got[1][last]) {
			t.Errorf("holding %s left the treated world unchanged", holds[k])
		}
	}
	// Holding leadership keeps the acting leadership, and so climate, on
	// the twin's path while the principals' own leadership still grows.
	var climTwin, climHeld, climTreated float64
	for i := range got[0][last].Schools {
		climTwin += got[0][last].Schools[i].Climate
		climTreated += got[1][last].Schools[i].Climate
		climHeld += got[3][last].Schools[i].Climate
	}
	if !(climTreated > climTwin) || !(climHeld < climTreated) {
		t.Errorf("climate: twin %.3f, treated %.3f, leadership held %.3f; want treated above both", climTwin, climTreated, climHeld)
	}
}

// TestForkGoesOnAsTheOriginal: an engine forked at the end of spin-up, with
// or without policies, gives exactly what a fresh engine gives, and
// changing the fork leaves the original alone.
func TestForkGoesOnAsTheOriginal(t *testing.T) {
	twin := smallConfig(24)
	treated := smallConfig(24)
	treated.Policies = func() []Policy { return []Policy{boostPolicy{}} }
	e, err := New(twin)
	if err != nil {
		t.Fatal(err)
	}
	var spin []YearRecord
	if err := Lockstep(context.Background(), []*Engine{e}, []agents.Mediator{agents.MediatorNone}, 0, nil,
		func(_ int, r YearRecord) { spin = append(spin, r) }); err != nil {
		t.Fatal(err)
	}
	f, err := e.Fork(treated)
	if err != nil {
		t.Fatal(err)
	}
	var got [2][]YearRecord
	got[0], got[1] = spin, spin
	if err := Lockstep(context.Background(), []*Engine{e, f}, []agents.Mediator{agents.MediatorNone, agents.MediatorNone}, twin.Years, nil,
		func(k int, r YearRecord) { got[k] = append(got[k], r) }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got[0], run(t, twin)) {
		t.Error("the engine that was forked differs from a fresh run")
	}
	if !reflect.DeepEqual(got[1], run(t, treated)) {
		t.Error("the fork with policies differs from a fresh run of the treated world")
	}
	if _, err := e.Fork(treated); err == nil {
		t.Error("Fork after the simulated years have run: no error")
	}
	other := smallConfig(25)
	g, _ := New(twin)
	if _, err := g.Fork(other); err == nil {
		t.Error("Fork with another seed: no error")
	}
	// Parameters that act only on treated schools may differ; others not.
	responses := treated
	responses.Params.IntakeResponse, responses.Params.TestInflation = 0.2, 0.2
	if _, err := g.Fork(responses); err != nil {
		t.Errorf("Fork with other intake_response and test_inflation: %v", err)
	}
	growth := treated
	growth.Params.GrowthPerYear += 0.01
	if _, err := g.Fork(growth); err == nil {
		t.Error("Fork with another growth_per_year: no error")
	}
}
