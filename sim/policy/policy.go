package policy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// Common are the keys every [[policy]] table has.
type Common struct {
	// Kind names the policy type, such as "funding".
	Kind string `toml:"kind"`
	// Name labels the policy in output; a scenario that extends another
	// overrides the base's policy of the same name. Default: the kind.
	Name string `toml:"name"`
	// Start and End are the first and last simulated year the policy acts
	// in (1 is the first year). End 0 means the last year of the run.
	Start int `toml:"start"`
	End   int `toml:"end"`
	// Select chooses the schools the policy treats.
	Select Selection `toml:"select"`
}

// Base returns c itself, so that every Spec embedding Common has it.
func (c *Common) Base() *Common { return c }

// Label returns the policy's name, or its kind if it has none: the name
// that output shows and that an extends override matches.
func (c *Common) Label() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Kind
}

// Active reports whether the policy acts in year y.
func (c *Common) Active(y int) bool { return y >= c.Start && (c.End == 0 || y <= c.End) }

// Selection rules.
const (
	RuleAll       = "all"       // every eligible school
	RuleRank      = "rank"      // the weakest eligible schools by reputation
	RuleLottery   = "lottery"   // a random share of the eligible schools
	RuleVoluntary = "voluntary" // schools volunteer, driven by the latent motivation
	RuleList      = "list"      // the schools named in Schools
	RuleAs        = "as"        // the schools an earlier policy (As) selected
)

var rules = []string{RuleAll, RuleRank, RuleLottery, RuleVoluntary, RuleList, RuleAs}

// Selection says which schools a policy treats.
type Selection struct {
	// Rule is one of all, rank, lottery, voluntary, list.
	Rule string `toml:"rule"`
	// Tier restricts eligibility to strong, average or weak schools, or
	// "any".
	Tier string `toml:"tier"`
	// Share is the share of eligible schools selected by rank, lottery or
	// voluntary; rounded to whole schools.
	Share float64 `toml:"share"`
	// Strength is, for voluntary selection, the weight of the principal's
	// latent motivation against idiosyncratic noise (logit scale): 0 makes
	// volunteering a lottery, large values take the most motivated schools.
	Strength float64 `toml:"strength"`
	// Districts restricts eligibility to these districts (0-based); empty
	// means all.
	Districts []int `toml:"districts"`
	// Schools names the schools of rule list (0-based indices).
	Schools []int `toml:"schools"`
	// As names the earlier policy whose schools rule as takes, so that a
	// package of policies (pairing, rotation and funding in the SSP) treats
	// the same schools. AsIndex is that policy's position, set when the
	// scenario is resolved.
	As      string `toml:"as"`
	AsIndex int    `toml:"-"`
	// IDs names the schools of rule list by their roster id, and
	// DistrictNames restricts eligibility to the roster's districts of
	// these names (a scenario with a roster only; see ResolveRoster).
	IDs           []string `toml:"ids" json:",omitempty"`
	DistrictNames []string `toml:"district_names" json:",omitempty"`
	// idSchools and nameDistricts are IDs and DistrictNames as indices.
	idSchools, nameDistricts []int
	// Results and ResultWeight are set by the evaluation lab on its copy
	// of a scenario, never by a scenario file: Results[i] is school i's
	// measured result in the year before selection, standardised among the
	// eligible schools. Voluntary selection then adds
	// −ResultWeight·Results[i] to a school's propensity to volunteer (a
	// bad year makes schools volunteer: the Ashenfelter dip), and rank
	// selection ranks on Results instead of reputation (as Chile's P-900
	// ranked schools on one year's mean score; Chay, McEwan & Urquiola
	// 2005). Nil Results leaves selection as the rule says.
	Results      []float64 `toml:"-" json:"-"`
	ResultWeight float64   `toml:"-" json:"-"`
}

// DefaultSelection is a voluntary half of the weak schools with selection
// strength 1.
func DefaultSelection() Selection {
	return Selection{Rule: RuleVoluntary, Tier: "weak", Share: 0.5, Strength: 1}
}

// FieldError is a problem with one key of a policy; Key is relative to
// the policy's table, such as "select.share".
type FieldError struct {
	Key string
	Err string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Err }

func fieldErr(key, format string, args ...any) error {
	return &FieldError{Key: key, Err: fmt.Sprintf(format, args...)}
}

// MaxYears is the most simulated years a run has (scenarios' run.years):
// a policy's start and end lie in it.
const MaxYears = 100

// commonRanges are the allowed ranges of the keys every policy has; a
// policy's start and end are further checked against the run's years.
var commonRanges = ranges.Table{
	{Key: "start", Min: 1, Max: MaxYears, Unit: "year"},
	{Key: "end", Min: 0, Max: MaxYears, Unit: "year (0: the end of the run)"},
	{Key: "select.share", Min: 0, Max: 1, Unit: "share of eligible schools"},
	{Key: "select.strength", Min: 0, Max: 20, Unit: "logit weight of motivation"},
}

// withCommon returns the common ranges followed by a kind's own.
func withCommon(own ...ranges.Range) ranges.Table {
	return append(slices.Clone(commonRanges), own...)
}

// Check validates a policy for a run of years years with schools schools
// in districts districts: every number in its range (Spec.Ranges), the
// common keys against the run, then the kind's own rules (Spec.Validate).
// Errors are *FieldError.
func Check(s Spec, years, schools, districts int) error {
	if err := s.Ranges().Check(s); err != nil {
		re := err.(*ranges.Error)
		return &FieldError{Key: re.Key, Err: re.Reason()}
	}
	if err := s.Base().Validate(years, schools, districts); err != nil {
		return err
	}
	return s.Validate()
}

// Validate checks the common keys against a run of years years with
// schools schools in districts districts; Check has checked their ranges.
func (c *Common) Validate(years, schools, districts int) error {
	switch {
	case c.Start < 1 || c.Start > years:
		return fieldErr("start", "must be a year of the run, in [1,%d], got %d", years, c.Start)
	case c.End != 0 && (c.End < c.Start || c.End > years):
		return fieldErr("end", "must be in [start,%d] (or 0 for the end of the run), got %d", years, c.End)
	}
	s := &c.Select
	if !slices.Contains(rules, s.Rule) {
		return fieldErr("select.rule", "unknown rule %q; one of %s", s.Rule, strings.Join(rules, ", "))
	}
	if _, _, ok := parseTier(s.Tier); !ok {
		return fieldErr("select.tier", "unknown tier %q; one of strong, average, weak, any", s.Tier)
	}
	for _, d := range s.Districts {
		if d < 0 || d >= districts {
			return fieldErr("select.districts", "district %d is not in [0,%d)", d, districts)
		}
	}
	for _, i := range s.Schools {
		if i < 0 || i >= schools {
			return fieldErr("select.schools", "school %d is not in [0,%d)", i, schools)
		}
	}
	if s.Rule == RuleList && len(s.Schools) == 0 && len(s.IDs) == 0 {
		return fieldErr("select.schools", "rule list needs at least one school (select.schools, or select.ids with a roster)")
	}
	if s.Rule != RuleList && len(s.IDs) > 0 {
		return fieldErr("select.ids", "names the schools of rule list; set select.rule = \"list\"")
	}
	if (s.Rule == RuleAs) != (s.As != "") {
		return fieldErr("select.as", "rule as needs the name of an earlier policy in as, and as needs rule as")
	}
	return nil
}

// parseTier returns the tier named, or any = true for "any".
func parseTier(name string) (t agents.Tier, any, ok bool) {
	for t := range agents.Tier(agents.NumTiers) {
		if t.String() == name {
			return t, false, true
		}
	}
	return 0, name == "any", name == "any"
}

// Eligible reports whether school sc may be selected.
func (s *Selection) Eligible(sc *agents.School) bool {
	if t, any, _ := parseTier(s.Tier); !any && sc.Tier != t {
		return false
	}
	if d := s.districts(); len(d) > 0 && !slices.Contains(d, int(sc.District)) {
		return false
	}
	switch s.Rule {
	case RuleList:
		return slices.Contains(s.Schools, int(sc.Index)) || slices.Contains(s.idSchools, int(sc.Index))
	case RuleAs:
		return sc.Member.Treated&(1<<uint(s.AsIndex)) != 0
	}
	return true
}

// Choose returns the indices of the selected schools, in index order. It
// draws from w.Rand (lottery, voluntary) and reads reputations (rank, or
// Results where the lab set them) and, for voluntary selection only, the
// principals' latent motivation (and Results, weighted by ResultWeight).
func (s *Selection) Choose(w *sim.World) []int32 {
	var eligible []int32
	for i := range w.Pop.Schools {
		if s.Eligible(&w.Pop.Schools[i]) {
			eligible = append(eligible, int32(i))
		}
	}
	if s.Rule == RuleAll || s.Rule == RuleList || s.Rule == RuleAs {
		return eligible
	}
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	n := int(float64(s.Share*float64(len(eligible))) + 0.5)
	score := make(map[int32]float64, len(eligible))
	for _, i := range eligible {
		sc := &w.Pop.Schools[i]
		switch s.Rule {
		case RuleRank: // lowest reputation (or measured result) first
			score[i] = float64(sc.Reputation)
			if s.Results != nil {
				score[i] = s.Results[i]
			}
		case RuleLottery:
			score[i] = w.Rand.Float64()
		case RuleVoluntary: // most motivated first, with logistic noise
			u := w.Rand.Float64()
			noise := logit(min(max(u, 1e-12), 1-1e-12))
			score[i] = -(float64(s.Strength*sc.Principal.ReformMotivation()) + noise)
			if s.Results != nil {
				score[i] += float64(s.ResultWeight * s.Results[i])
			}
		}
	}
	sort.SliceStable(eligible, func(a, b int) bool { return score[eligible[a]] < score[eligible[b]] })
	chosen := slices.Clone(eligible[:n])
	slices.Sort(chosen)
	return chosen
}

func logit(p float64) float64 { return fmath.Log(p / (1 - p)) }

// Spec is a decoded [[policy]] table.
type Spec interface {
	// Base returns the common keys.
	Base() *Common
	// Validate checks the policy's own keys beyond their ranges (names
	// of rules, shares that must sum to 1); errors are *FieldError. Use
	// [Check] to validate a policy whole.
	Validate() error
	// Ranges returns the allowed range of every numeric key, the common
	// keys included.
	Ranges() ranges.Table
	// Exclusive names the class of policies that cannot treat the same
	// schools in the same years (ExclusiveMembership, ...), or "" if the
	// policy stacks with others.
	Exclusive() string
	// New returns the policy for one replication; index is the policy's
	// position in the scenario, its bit in agents.Membership.Treated.
	New(index int) sim.Policy
}

// Classes of exclusive policies, as Spec.Exclusive names them.
const (
	ExclusiveMembership = "pair, education group or alliance"
	ExclusiveRotation   = "rotation scheme"
	ExclusiveChoice     = "school-choice regime"
)

var registry = map[string]func() Spec{}

// register adds a kind; each policy file calls it from init.
func register(kind string, fresh func() Spec) {
	if err := Register(kind, fresh); err != nil {
		panic(err)
	}
}

// kindName is what a policy kind may be called: lower-case letters,
// digits and dashes, starting with a letter.
var kindName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// Register adds a policy kind that scenarios can then name in a
// [[policy]] table (kind = "..."), from a program that uses schoolnet as
// a library: fresh returns a new Spec of the kind with every default set
// (NewSpec sets its Common.Kind). The scenario's keys are decoded into
// the Spec as into the shipped kinds' (toml tags), checked by its Ranges
// (start them with [WithCommon]) and Validate, and Spec.New gives the
// sim.Policy of each replication. Call it before loading scenarios, such
// as from an init function: it is not safe alongside loading. It returns
// an error if kind is not lower-case letters, digits and dashes starting
// with a letter, or is already registered.
func Register(kind string, fresh func() Spec) error {
	if !kindName.MatchString(kind) {
		return fmt.Errorf("policy: kind %q: use lower-case letters, digits and dashes, starting with a letter", kind)
	}
	if _, ok := registry[kind]; ok {
		return fmt.Errorf("policy: kind %q is already registered", kind)
	}
	if fresh == nil {
		return fmt.Errorf("policy: kind %q: no constructor", kind)
	}
	registry[kind] = fresh
	return nil
}

// WithCommon returns the ranges of the keys every policy has (start,
// end, select.share, select.strength) followed by own, a kind's own: what
// a Spec's Ranges returns.
func WithCommon(own ...ranges.Range) ranges.Table { return withCommon(own...) }

// Kinds returns the known policy kinds, sorted.
func Kinds() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NewSpec returns the spec of kind with every default set, or false if the
// kind is unknown.
func NewSpec(kind string) (Spec, bool) {
	fresh, ok := registry[kind]
	if !ok {
		return nil, false
	}
	s := fresh()
	s.Base().Kind = kind
	return s, true
}

// Overlap reports whether two policies may treat the same school in the
// same year: their years overlap, their tiers are the same (or either is
// "any"), their districts intersect (none listed means all), and, if both
// name schools, they name one in common. It is decided from the scenario
// alone, before any school is generated.
func Overlap(a, b *Common, years int) bool {
	end := func(c *Common) int {
		if c.End == 0 {
			return years
		}
		return c.End
	}
	if a.Start > end(b) || b.Start > end(a) {
		return false
	}
	sa, sb := &a.Select, &b.Select
	if sa.Tier != sb.Tier && sa.Tier != "any" && sb.Tier != "any" {
		return false
	}
	if da, db := sa.districts(), sb.districts(); len(da) > 0 && len(db) > 0 && !intersect(da, db) {
		return false
	}
	if sa.Rule == RuleList && sb.Rule == RuleList && !intersect(sa.listed(), sb.listed()) {
		return false
	}
	return true
}

// ResolveAs sets the AsIndex of a policy of rule as from the names of the
// scenario's policies before it (names[k] is policy k's name).
func (s *Selection) ResolveAs(earlier []string) error {
	if s.Rule != RuleAs {
		return nil
	}
	for k, n := range earlier {
		if n == s.As {
			s.AsIndex = k
			return nil
		}
	}
	return fieldErr("select.as", "no earlier policy is named %q; rule as takes the schools of a policy listed before it", s.As)
}

func intersect(a, b []int) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
