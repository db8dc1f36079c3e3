package web

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"schoolnet/scenarios"
	"schoolnet/sim/policy"
	"schoolnet/sim/ranges"
)

// Settings are the page's controls. Each maps to scenario keys (see
// docs/TEACHING.md); a nil field keeps what the scenario says.
type Settings struct {
	// Years, Replications and Seed set run.years, run.replications and
	// run.seed.
	Years        *int   `json:"years,omitempty"`
	Replications *int   `json:"replications,omitempty"`
	Seed         *int64 `json:"seed,omitempty"`
	// FundingPerSchool sets per_school (RMB) of every funding policy; a
	// positive amount adds a funding policy where there is none.
	FundingPerSchool *float64 `json:"funding_per_school,omitempty"`
	// RotationShare sets share of every rotation policy; a positive share
	// adds a rotation policy where there is none.
	RotationShare *float64 `json:"rotation_share,omitempty"`
	// PairingShare sets select.share of every pairing policy; a positive
	// share adds a pairing policy where there is none.
	PairingShare *float64 `json:"pairing_share,omitempty"`
	// MentoringIntensity sets mentoring_intensity of every pairing policy.
	MentoringIntensity *float64 `json:"mentoring_intensity,omitempty"`
	// SelectionRule sets select.rule of every policy that selects a share
	// of the eligible schools (rule voluntary, lottery or rank) and of the
	// policies the lab adds: one of SelectionRules.
	SelectionRule *string `json:"selection_rule,omitempty"`
	// Alliance is "none" (no curriculum alliance: removes any), "loose" (an
	// alliance without contribution review) or "review" (with review); it
	// sets review of every curriculum-alliance policy, adding one where
	// there is none.
	Alliance *string `json:"alliance,omitempty"`
}

// settingsFields are Settings' JSON names, for messages.
var settingsFields = jsonFields(reflect.TypeFor[Settings]())

// settingsError is a problem with the settings' JSON.
type settingsError struct{ err error }

func (e *settingsError) Error() string { return e.err.Error() }
func (e *settingsError) Unwrap() error { return e.err }

// UnmarshalJSON decodes the settings strictly: an unknown field (a
// misspelt control) is an error naming it, as is a value of the wrong
// type. Errors are *settingsError.
func (st *Settings) UnmarshalJSON(data []byte) error {
	type plain Settings // without this method
	var p plain
	if err := decodeStrict(bytes.NewReader(data), &p, "settings", settingsFields); err != nil {
		return &settingsError{err}
	}
	*st = Settings(p)
	return nil
}

// SelectionRules are the rules the selection control offers.
var SelectionRules = []string{policy.RuleVoluntary, policy.RuleLottery, policy.RuleRank, policy.RuleAll}

// AllianceChoices are the values of the alliance control.
var AllianceChoices = []string{"none", "loose", "review"}

// Names of the policies the lab adds to a scenario that has none of a kind.
const (
	addedPairing  = "lab-pairing"
	addedFunding  = "lab-funding"
	addedRotation = "lab-rotation"
	addedAlliance = "lab-alliance"
)

// shareRule reports whether a selection rule draws a share of the eligible
// schools, so that select.share and the selection control act on it.
func shareRule(rule string) bool {
	return rule == policy.RuleVoluntary || rule == policy.RuleLottery || rule == policy.RuleRank
}

// ReadSettings returns the control values that reproduce scn: each policy
// control shows the first policy of its kind (0 or "none" where the
// scenario has none), and the selection rule that of the first policy
// selecting a share of schools.
func ReadSettings(scn *scenarios.Scenario) Settings {
	years, reps, seed := scn.Run.Years, scn.Run.Replications, scn.Run.Seed
	var funding, rotation, pairing float64
	mentoring := defaultSpec[*policy.PairingSpec]("pairing").MentoringIntensity
	rule, alliance := policy.RuleVoluntary, "none"
	if p := first[*policy.FundingSpec](scn); p != nil {
		funding = p.PerSchool
	}
	if p := first[*policy.RotationSpec](scn); p != nil {
		rotation = p.Share
	}
	if p := first[*policy.PairingSpec](scn); p != nil {
		pairing, mentoring = p.Select.Share, p.MentoringIntensity
		if p.Select.Rule == policy.RuleAll {
			pairing = 1
		}
	}
	if p := first[*policy.AllianceSpec](scn); p != nil {
		alliance = "loose"
		if p.Review {
			alliance = "review"
		}
	}
	for _, p := range scn.Policies {
		if r := p.Base().Select.Rule; shareRule(r) {
			rule = r
			break
		}
	}
	return Settings{Years: &years, Replications: &reps, Seed: &seed,
		FundingPerSchool: &funding, RotationShare: &rotation, PairingShare: &pairing,
		MentoringIntensity: &mentoring, SelectionRule: &rule, Alliance: &alliance}
}

// first returns the scenario's first policy of type T, or nil.
func first[T policy.Spec](scn *scenarios.Scenario) T {
	for _, p := range scn.Policies {
		if q, ok := p.(T); ok {
			return q
		}
	}
	var zero T
	return zero
}

// defaultSpec returns a fresh spec of kind with its defaults.
func defaultSpec[T policy.Spec](kind string) T {
	s, ok := policy.NewSpec(kind)
	if !ok {
		panic("web: unknown policy kind " + kind)
	}
	return s.(T)
}

// controlRanges are the numeric controls' ranges, taken from the keys each
// sets: the range tables of the run settings and the policies are the one
// source of truth, for the page's sliders (/api/config) as for validation.
var controlRanges = func() map[string]ranges.Range {
	key := func(t ranges.Table, k string) ranges.Range {
		r, ok := t.Lookup(k)
		if !ok {
			panic("web: no range for " + k)
		}
		return *r
	}
	return map[string]ranges.Range{
		"years":               key(scenarios.RunRanges, "years"),
		"replications":        key(scenarios.RunRanges, "replications"),
		"seed":                key(scenarios.RunRanges, "seed"),
		"funding_per_school":  key(defaultSpec[*policy.FundingSpec]("funding").Ranges(), "per_school"),
		"rotation_share":      key(defaultSpec[*policy.RotationSpec]("rotation").Ranges(), "share"),
		"pairing_share":       key(defaultSpec[*policy.PairingSpec]("pairing").Ranges(), "select.share"),
		"mentoring_intensity": key(defaultSpec[*policy.PairingSpec]("pairing").Ranges(), "mentoring_intensity"),
	}
}()

// MaxFundingPerSchool is the most the funding control takes, in RMB per
// school: the upper bound of the funding policy's per_school.
var MaxFundingPerSchool = controlRanges["funding_per_school"].Max

// checkRanges refuses control values out of their range, naming the
// control, before they reach the scenario.
func (st *Settings) checkRanges() error {
	for _, c := range []struct {
		name, label string
		x           *float64
	}{
		{"years", "years", intValue(st.Years)},
		{"replications", "replications", intValue(st.Replications)},
		{"seed", "the seed", intValue(st.Seed)},
		{"funding_per_school", "funding per school", st.FundingPerSchool},
		{"rotation_share", "rotation share", st.RotationShare},
		{"pairing_share", "pairing share", st.PairingShare},
		{"mentoring_intensity", "principal mentoring", st.MentoringIntensity},
	} {
		if r := controlRanges[c.name]; c.x != nil && !r.Contains(*c.x) {
			return fmt.Errorf("%s must be between %s and %s, got %s", c.label, ranges.Format(r.Min), ranges.Format(r.Max), ranges.Format(*c.x))
		}
	}
	switch {
	case st.SelectionRule != nil && !slices.Contains(SelectionRules, *st.SelectionRule):
		return fmt.Errorf("selection rule must be one of %s, got %q", strings.Join(SelectionRules, ", "), *st.SelectionRule)
	case st.Alliance != nil && !slices.Contains(AllianceChoices, *st.Alliance):
		return fmt.Errorf("alliance must be one of %s, got %q", strings.Join(AllianceChoices, ", "), *st.Alliance)
	}
	return nil
}

// intValue returns a pointer to *x as a float64, or nil.
func intValue[T int | int64](x *T) *float64 {
	if x == nil {
		return nil
	}
	f := float64(*x)
	return &f
}

// Apply sets the controls on scn and validates the result with
// scenarios.Check. It returns notes on what it changed beyond the keys the
// controls name (policies added, policies a shorter run cuts short).
// Errors are the control's range error or the validator's *scenarios.Error.
func (st *Settings) Apply(scn *scenarios.Scenario) (notes []string, err error) {
	if err := st.checkRanges(); err != nil {
		return nil, err
	}
	if st.Replications != nil {
		scn.Run.Replications = *st.Replications
	}
	if st.Seed != nil {
		scn.Run.Seed = *st.Seed
	}
	// Policies the lab adds run within the scenario's years as written;
	// the Years control is set once every policy is in.
	years := scn.Run.Years
	rule := func() string {
		if st.SelectionRule != nil {
			return *st.SelectionRule
		}
		return policy.RuleVoluntary
	}
	if st.SelectionRule != nil {
		for _, p := range scn.Policies {
			if sel := &p.Base().Select; shareRule(sel.Rule) {
				sel.Rule = *st.SelectionRule
			}
		}
	}
	// add appends a policy of kind with its defaults, ending by the run's
	// last year; take says whether it takes the schools of the scenario's
	// pairing (when there is one) rather than its kind's own selection.
	add := func(kind, label string, take bool) policy.Spec {
		p, _ := policy.NewSpec(kind)
		c := p.Base()
		c.Name = label
		if c.End > years {
			c.End = years
		}
		if pair := first[*policy.PairingSpec](scn); take && pair != nil {
			c.Select = policy.Selection{Rule: policy.RuleAs, As: name(pair), Tier: pair.Select.Tier}
			c.Start = max(c.Start, pair.Start)
			if c.End != 0 && c.End < c.Start {
				c.End = min(years, c.Start+2)
			}
		} else if shareRule(c.Select.Rule) {
			c.Select.Rule = rule()
		}
		scn.Policies = append(scn.Policies, p)
		notes = append(notes, fmt.Sprintf("added a %s policy %q (%s)", kind, label, describeSelection(c)))
		return p
	}

	if v := st.PairingShare; v != nil {
		if first[*policy.PairingSpec](scn) == nil && *v > 0 {
			add("pairing", addedPairing, false)
		}
		for _, p := range scn.Policies {
			if q, ok := p.(*policy.PairingSpec); ok {
				q.Select.Share = *v
			}
		}
	}
	if v := st.MentoringIntensity; v != nil {
		for _, p := range scn.Policies {
			if q, ok := p.(*policy.PairingSpec); ok {
				q.MentoringIntensity = *v
			}
		}
	}
	if v := st.FundingPerSchool; v != nil {
		if first[*policy.FundingSpec](scn) == nil && *v > 0 {
			add("funding", addedFunding, true)
		}
		for _, p := range scn.Policies {
			if q, ok := p.(*policy.FundingSpec); ok {
				q.PerSchool = *v
			}
		}
	}
	if v := st.RotationShare; v != nil {
		if first[*policy.RotationSpec](scn) == nil && *v > 0 {
			add("rotation", addedRotation, true)
		}
		for _, p := range scn.Policies {
			if q, ok := p.(*policy.RotationSpec); ok {
				q.Share = *v
			}
		}
	}
	if v := st.Alliance; v != nil {
		if *v == "none" {
			scn.Policies = slices.DeleteFunc(scn.Policies, func(p policy.Spec) bool {
				_, ok := p.(*policy.AllianceSpec)
				if ok {
					notes = append(notes, fmt.Sprintf("removed the curriculum alliance %q", name(p)))
				}
				return ok
			})
		} else {
			if first[*policy.AllianceSpec](scn) == nil {
				add("curriculum-alliance", addedAlliance, false)
			}
			for _, p := range scn.Policies {
				if q, ok := p.(*policy.AllianceSpec); ok {
					q.Review = *v == "review"
				}
			}
		}
	}
	if st.Years != nil {
		// As schoolnet run --years: a shorter run shows the scenario's
		// first years, every policy (the lab's too) keeping its own years
		// and budget.
		scn.SetYears(*st.Years)
	}
	notes = append(notes, scn.Cut()...)
	if err := scenarios.Check(scn); err != nil {
		return notes, explainPolicyKey(scn, err)
	}
	return notes, nil
}

// explainPolicyKey adds the policy's name to a validator error about the
// k-th policy ("policies[k].key"), since the page has no file to point at.
func explainPolicyKey(scn *scenarios.Scenario, err error) error {
	e, ok := err.(*scenarios.Error)
	if !ok {
		return err
	}
	var k int
	if n, _ := fmt.Sscanf(e.Key, "policies[%d]", &k); n == 1 && k >= 0 && k < len(scn.Policies) {
		e.Key = fmt.Sprintf("policy %q (%s)%s", name(scn.Policies[k]), scn.Policies[k].Base().Kind, e.Key[len(fmt.Sprintf("policies[%d]", k)):])
	}
	return e
}

func name(p policy.Spec) string {
	if c := p.Base(); c.Name != "" {
		return c.Name
	}
	return p.Base().Kind
}

func describeSelection(c *policy.Common) string {
	s := &c.Select
	switch s.Rule {
	case policy.RuleAs:
		return "the schools of " + s.As
	case policy.RuleAll:
		return "all " + s.Tier + " schools"
	}
	return fmt.Sprintf("%s selection among %s schools", s.Rule, s.Tier)
}

// over returns st with every field it leaves nil taken from base.
func (st Settings) over(base Settings) Settings {
	out := base
	dst, src := reflect.ValueOf(&out).Elem(), reflect.ValueOf(st)
	for i := range src.NumField() {
		if f := src.Field(i); !f.IsNil() {
			dst.Field(i).Set(f)
		}
	}
	return out
}

// allianceWords says each alliance choice in words.
var allianceWords = map[string]string{"none": "no curriculum alliance", "loose": "a loose curriculum alliance", "review": "a curriculum alliance with review"}

// changes says in plain words what the settings to change from the
// settings from, control by control, in the page's order: how a run is
// named ("funding 1,000,000 RMB per school, rotation 10%") and how the
// class board says what a student tried. Controls either leaves nil are
// not compared.
func changes(from, to Settings) []string {
	var out []string
	num := func(a, b *float64, say func(float64) string) {
		if a != nil && b != nil && *a != *b {
			out = append(out, say(*b))
		}
	}
	whole := func(a, b *int, say func(int) string) {
		if a != nil && b != nil && *a != *b {
			out = append(out, say(*b))
		}
	}
	percent := func(x float64) string { return ranges.Format(math.Round(x*1000)/10) + "%" }
	num(from.FundingPerSchool, to.FundingPerSchool, func(x float64) string {
		if x == 0 {
			return "no funding"
		}
		return "funding " + thousands(x) + " RMB per school"
	})
	num(from.RotationShare, to.RotationShare, func(x float64) string {
		if x == 0 {
			return "no rotation"
		}
		return "rotation " + percent(x)
	})
	num(from.PairingShare, to.PairingShare, func(x float64) string {
		if x == 0 {
			return "no pairing"
		}
		return "pairing " + percent(x) + " of weak schools"
	})
	num(from.MentoringIntensity, to.MentoringIntensity, func(x float64) string { return "mentoring " + ranges.Format(x) })
	if a, b := from.Alliance, to.Alliance; a != nil && b != nil && *a != *b {
		out = append(out, allianceWords[*b])
	}
	if a, b := from.SelectionRule, to.SelectionRule; a != nil && b != nil && *a != *b {
		out = append(out, "schools chosen by "+*b)
	}
	whole(from.Years, to.Years, func(n int) string { return fmt.Sprintf("%d years", n) })
	whole(from.Replications, to.Replications, func(n int) string { return fmt.Sprintf("%d repeats", n) })
	if a, b := from.Seed, to.Seed; a != nil && b != nil && *a != *b {
		out = append(out, fmt.Sprintf("seed %d", *b))
	}
	return out
}

// thousands writes a whole amount with thousands separators: 1,000,000.
func thousands(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// runLabel names a run by what changed from the scenario as written: its
// name, then the changes ("baseline + funding 1,000,000 RMB per school"),
// or "as written" where nothing did.
func runLabel(scenario string, from, to Settings) string {
	c := changes(from, to)
	if len(c) == 0 {
		return scenario + " (as written)"
	}
	return scenario + " + " + strings.Join(c, ", ")
}
