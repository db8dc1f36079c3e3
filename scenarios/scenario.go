package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/policy"
	"schoolnet/sim/ranges"
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
	// Study is the [study] table `schoolnet evaluate` reads; the zero
	// StudySpec means the scenario has none (evaluate uses DefaultStudy),
	// and is left out of the scenario's JSON.
	Study StudySpec `toml:"study" json:",omitzero"`

	// src is the file the scenario was loaded from: sweep points extend
	// it.
	src source
	// written is the run's years as the scenario was written, when
	// SetYears has shortened it: its policies are checked against those
	// years, not the shorter run's.
	written int
}

// SetYears sets the years the scenario runs, as the command line's
// --years (and the teaching lab's Years) do. A longer run is checked as
// any scenario. A shorter one stops the scenario early, as its first
// years: each policy keeps the years (and so the yearly budget) the
// scenario gives it and is checked against them, where a file whose
// run.years were shorter would be refused; a policy with end = 0 ("to
// the end of the run") is given the end of the run as written, so that
// its budget too is spread over its own years. Cut names the policies a
// shorter run cuts.
func (s *Scenario) SetYears(years int) {
	s.written = max(s.written, s.Run.Years)
	if years < s.written {
		for _, p := range s.Policies {
			if c := p.Base(); c.End == 0 && c.Start <= s.written {
				c.End = s.written
			}
		}
	}
	s.Run.Years = years
}

// Cut returns a note for each policy that the run's years cut short
// (SetYears): one that ends, or starts, after the run's last year.
func (s *Scenario) Cut() []string {
	var out []string
	y := s.Run.Years
	for _, p := range s.Policies {
		c := p.Base()
		switch {
		case c.Start > y:
			out = append(out, fmt.Sprintf("policy %q starts in year %d, after this run's last year %d: it does not act", c.Label(), c.Start, y))
		case c.End > y:
			out = append(out, fmt.Sprintf("policy %q runs to year %d; this run stops at year %d, so it shows the policy's first %d years (its yearly budget and schedule stay those of its %d years)", c.Label(), c.End, y, y-c.Start+1, c.End-c.Start+1))
		}
	}
	return out
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

// PolicyNames returns the names of the scenario's policies (each one's
// name, or its kind), in order: policy p treats the schools whose bit p
// of agents.Membership.Treated is set.
func (s *Scenario) PolicyNames() []string {
	out := make([]string, len(s.Policies))
	for i, p := range s.Policies {
		out[i] = p.Base().Label()
	}
	return out
}

// FirstPopulation returns the school system of the scenario's first
// replication, as generated before spin-up.
func (s *Scenario) FirstPopulation() (*agents.Population, error) {
	e, err := sim.New(s.Config(1))
	if err != nil {
		return nil, err
	}
	return e.Population(), nil
}

// Check validates a scenario changed after loading (for example run
// settings overridden on the command line), as loading would.
func Check(s *Scenario) error { return s.validate() }

// RunRanges holds the allowed range of each [run] key; the run command's
// flags (--seed, --reps, --years) are checked against the same ranges.
// A hundred years is longer than any reform's horizon; ten thousand
// replications make a Monte Carlo error a hundredth of the spread.
var RunRanges = ranges.Table{
	{Key: "seed", Min: 0, Max: MaxSeed},
	{Key: "years", Min: 1, Max: policy.MaxYears, Unit: "years"},
	{Key: "weeks_per_year", Min: 1, Max: 52, Unit: "weekly steps per year"},
	{Key: "spin_up_years", Min: 1, Max: 50, Unit: "years (year 0 is the baseline)"},
	{Key: "replications", Min: 1, Max: MaxReplications, Unit: "replications"},
}

// MaxSeed is the largest run seed: 2^53 − 1, the largest integer that
// JSON readers (the teaching lab's page, Python, R) and spreadsheets hold
// exactly, so that a seed read back from a manifest reproduces the run.
const MaxSeed = 1<<53 - 1

// MaxReplications is the most replications a run or a sweep point has.
const MaxReplications = 10_000

// validate checks ranges; errors carry the key path but no file or line,
// which the loader adds.
func (s *Scenario) validate() error {
	if err := CheckName(s.Name); err != nil {
		return &Error{Key: "name", Err: err}
	}
	if len(s.Description) > maxDescription {
		return &Error{Key: "description", Err: fmt.Errorf("at most %d bytes, got %d", maxDescription, len(s.Description))}
	}
	if err := RunRanges.Check(&s.Run); err != nil {
		re := err.(*ranges.Error)
		return &Error{Key: "run." + re.Key, Err: errors.New(re.Reason())}
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
	if s.Study.Defined() {
		if err := s.Study.validate(); err != nil {
			return err
		}
	}
	if s.Sweep.Defined() {
		return s.validateSweep()
	}
	return nil
}

// maxName is the longest scenario or policy name, in characters, and
// maxDescription the longest description, in bytes.
const (
	maxName        = 64
	maxDescription = 1000
)

// CheckName checks a scenario or policy name: output directories and
// table columns are named after it, so it is 1 to 64 letters, digits,
// '-', '_' and '.', and does not start with '.' (no "..", no hidden
// directory). Letters of any script are allowed.
func CheckName(name string) error {
	n := 0
	for _, r := range name {
		n++
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("%q: a name has only letters, digits, '-', '_' and '.' (it names an output directory); %q is not allowed", clip(name), r)
		}
	}
	switch {
	case n == 0:
		return errors.New("must not be empty")
	case n > maxName:
		return fmt.Errorf("at most %d characters, got %d", maxName, n)
	case name[0] == '.':
		return fmt.Errorf("%q must not start with '.' (it names an output directory)", clip(name))
	}
	return nil
}

// clip shortens a name to quote in a message.
func clip(name string) string {
	if r := []rune(name); len(r) > maxName {
		return string(r[:maxName]) + "…"
	}
	return name
}

// safeName turns a file name into a valid scenario name: characters a
// name cannot have become '-', and it is cut to maxName characters.
func safeName(file string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimLeft(file, ".") {
		if n == maxName {
			break
		}
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			r = '-'
		}
		b.WriteRune(r)
		n++
	}
	if b.Len() == 0 {
		return "unnamed"
	}
	return b.String()
}

// maxPolicies is the number of policies a scenario may have: each has a
// bit in agents.Membership.Treated.
const maxPolicies = 64

// validatePolicies checks each policy and that no two exclusive policies
// treat the same schools in the same years. Keys are "policies[k].key" for
// the k-th resolved policy (0-based).
func (s *Scenario) validatePolicies() error {
	at := func(k int, err error) error {
		if fe, ok := err.(*policy.FieldError); ok {
			return &Error{Key: fmt.Sprintf("policies[%d].%s", k, fe.Key), Err: errors.New(fe.Err)}
		}
		return &Error{Key: fmt.Sprintf("policies[%d]", k), Err: err}
	}
	if len(s.Policies) > maxPolicies {
		// Point at the first policy beyond the limit.
		return at(maxPolicies, fmt.Errorf("at most %d policies in a scenario (inherited ones included), got %d", maxPolicies, len(s.Policies)))
	}
	pop := &s.Population
	names := make([]string, len(s.Policies))
	for k, p := range s.Policies {
		names[k] = p.Base().Label()
		if err := CheckName(names[k]); err != nil {
			return at(k, &policy.FieldError{Key: "name", Err: err.Error()})
		}
		if strings.Contains(names[k], ".") {
			return at(k, &policy.FieldError{Key: "name", Err: fmt.Sprintf("%q: a policy name has no '.' (a sweep key names it as policy.NAME.key)", names[k])})
		}
		// A run shortened by SetYears checks its policies against the
		// years as written.
		if err := policy.Check(p, max(s.Run.Years, s.written), pop.NumSchools(), pop.Districts); err != nil {
			return at(k, err)
		}
		if err := p.Base().Select.ResolveAs(names[:k]); err != nil {
			return at(k, err)
		}
		if err := p.Base().Select.ResolveRoster(pop.Roster, suggest); err != nil {
			return at(k, err)
		}
		if sel := &p.Base().Select; sel.Rule == policy.RuleAs && s.Policies[sel.AsIndex].Base().Start > p.Base().Start {
			return at(k, &policy.FieldError{Key: "start", Err: fmt.Sprintf("starts before %q, whose schools it takes (select.as); start it in year %d or later", sel.As, s.Policies[sel.AsIndex].Base().Start)})
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
		e := &Error{Key: prefix + pe.Key, Err: fmt.Errorf("%s", pe.Err)}
		for _, k := range pe.Also {
			e.also = append(e.also, prefix+k)
		}
		return e
	}
	return err
}
