package scenarios

import (
	"errors"
	"fmt"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/policy"
)

// Scenario is one fully resolved scenario.
type Scenario struct {
	// Extends names the scenario this one starts from: a file next to this
	// one, or a shipped scenario. Keys set here override it; a [[policy]]
	// with the name of an inherited policy overrides that policy's keys,
	// others are added.
	Extends string `toml:"extends"`
	// Name identifies the scenario in output (default: the file name);
	// Description says in a line what it asks.
	Name        string                `toml:"name"`
	Description string                `toml:"description"`
	Run         RunSpec               `toml:"run"`
	Population  agents.PopulationSpec `toml:"population"`
	Model       agents.Params         `toml:"model"`
	// Policy holds the file's [[policy]] tables as decoded TOML; Policies
	// the resolved policies, inherited ones first.
	Policy   []map[string]any `toml:"policy"`
	Policies []policy.Spec    `toml:"-"`
	// Sweep is the [sweep] table schoolnet sweep reads; run and compare
	// ignore it. The zero SweepSpec means the scenario has none, and is
	// left out of the scenario's JSON (and so of its manifest hash).
	Sweep SweepSpec `toml:"sweep" json:",omitzero"`

	// src is the file the scenario was loaded from: sweep points extend
	// it.
	src source
}

// RunSpec holds the run settings.
type RunSpec struct {
	// Seed is the run seed every random stream derives from.
	Seed int64 `toml:"seed"`
	// Years simulated after spin-up.
	Years int `toml:"years"`
	// WeeksPerYear is the number of weekly steps in a school year.
	WeeksPerYear int `toml:"weeks_per_year"`
	// SpinUpYears run before year 1 without policies, so that ties, climate
	// and cohorts settle; the baseline reference is measured at their end.
	SpinUpYears int `toml:"spin_up_years"`
	// Replications is the number of independent replications.
	Replications int `toml:"replications"`
}

// Default returns the scenario every file starts from: the default
// population and parameters, six years of 40 school weeks (Chinese
// school calendars run about 40 teaching weeks), five spin-up years and
// four replications.
func Default() Scenario {
	return Scenario{
		Name: "unnamed",
		Run: RunSpec{Seed: 1, Years: 6, WeeksPerYear: 40, SpinUpYears: 5,
			Replications: 4},
		Population: agents.DefaultPopulation(),
		Model:      agents.DefaultParams(),
	}
}

// Config returns the engine configuration of the scenario, with workers
// goroutines for the per-school phase.
func (s *Scenario) Config(workers int) sim.Config {
	return sim.Config{
		Seed:         uint64(s.Run.Seed),
		Years:        s.Run.Years,
		WeeksPerYear: s.Run.WeeksPerYear,
		SpinUpYears:  s.Run.SpinUpYears,
		Workers:      workers,
		Population:   s.Population,
		Params:       s.Model,
		Policies: func() []sim.Policy {
			out := make([]sim.Policy, len(s.Policies))
			for i, p := range s.Policies {
				out[i] = p.New(i)
			}
			return out
		},
	}
}

// Check validates a scenario changed after loading (for example run
// settings overridden on the command line), as loading would.
func Check(s *Scenario) error { return s.validate() }

// validate checks ranges; errors carry the key path but no file or line,
// which the loader adds.
func (s *Scenario) validate() error {
	r := &s.Run
	bad := func(key, msg string, args ...any) error {
		return &Error{Key: "run." + key, Err: fmt.Errorf(msg, args...)}
	}
	switch {
	case r.Seed < 0:
		return bad("seed", "must not be negative, got %d", r.Seed)
	case r.Years < 1 || r.Years > 200:
		return bad("years", "must be in [1,200], got %d", r.Years)
	case r.WeeksPerYear < 1 || r.WeeksPerYear > 52:
		return bad("weeks_per_year", "must be in [1,52], got %d", r.WeeksPerYear)
	case r.SpinUpYears < 1 || r.SpinUpYears > 50:
		return bad("spin_up_years", "must be in [1,50] (year 0 is the baseline), got %d", r.SpinUpYears)
	case r.Replications < 1 || r.Replications > 100000:
		return bad("replications", "must be in [1,100000], got %d", r.Replications)
	}
	if err := s.Population.Validate(); err != nil {
		return paramErr("", err)
	}
	if err := s.Model.Validate(); err != nil {
		return paramErr("model.", err)
	}
	if err := s.validatePolicies(); err != nil {
		return err
	}
	if s.Sweep.Defined() {
		return s.validateSweep()
	}
	return nil
}

// maxPolicies is the number of policies a scenario may have: each has a
// bit in agents.Membership.Treated.
const maxPolicies = 64

// validatePolicies checks each policy and that no two exclusive policies
// treat the same schools in the same years. Keys are "policies[k].key" for
// the k-th resolved policy (0-based).
func (s *Scenario) validatePolicies() error {
	if len(s.Policies) > maxPolicies {
		return &Error{Key: "policy", Err: fmt.Errorf("at most %d policies, got %d", maxPolicies, len(s.Policies))}
	}
	at := func(k int, err error) error {
		if fe, ok := err.(*policy.FieldError); ok {
			return &Error{Key: fmt.Sprintf("policies[%d].%s", k, fe.Key), Err: errors.New(fe.Err)}
		}
		return &Error{Key: fmt.Sprintf("policies[%d]", k), Err: err}
	}
	pop := &s.Population
	names := make([]string, len(s.Policies))
	for k, p := range s.Policies {
		names[k] = p.Base().Label()
		if err := p.Base().Validate(s.Run.Years, pop.NumSchools(), pop.Districts); err != nil {
			return at(k, err)
		}
		if err := p.Base().Select.ResolveAs(names[:k]); err != nil {
			return at(k, err)
		}
		if sel := &p.Base().Select; sel.Rule == policy.RuleAs && s.Policies[sel.AsIndex].Base().Start > p.Base().Start {
			return at(k, &policy.FieldError{Key: "start", Err: fmt.Sprintf("starts before %q, whose schools it takes (select.as); start it in year %d or later", sel.As, s.Policies[sel.AsIndex].Base().Start)})
		}
		if err := p.Validate(); err != nil {
			return at(k, err)
		}
	}
	for k, p := range s.Policies {
		for _, q := range s.Policies[:k] {
			if x := p.Exclusive(); x != "" && x == q.Exclusive() && policy.Overlap(p.Base(), q.Base(), s.Run.Years) {
				return at(k, fmt.Errorf("conflicts with policy %q (%s): a school can be in only one %s at a time, and both select %s schools in overlapping years; narrow select.tier, select.districts or the years",
					q.Base().Label(), q.Base().Kind, x, p.Base().Select.Tier))
			}
			if p.Base().Label() == q.Base().Label() {
				return at(k, fmt.Errorf("two policies are named %q; give each a distinct name", p.Base().Label()))
			}
		}
	}
	return nil
}

func paramErr(prefix string, err error) error {
	if pe, ok := err.(*agents.ParamError); ok {
		return &Error{Key: prefix + pe.Key, Err: fmt.Errorf("%s", pe.Err)}
	}
	return err
}
