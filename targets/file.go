package targets

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"schoolnet/results/evaluate"
	"schoolnet/results/statistics"
	"schoolnet/scenarios"
	"schoolnet/sim/policy"
	"schoolnet/sim/ranges"
)

//go:embed *.toml
var shipped embed.FS

//go:embed calibration/posterior.csv
var shippedPosterior []byte

// PosteriorFile is the posterior of the shipped calibration (schoolnet
// calibrate targets/default.toml, with its other files beside it), whose
// medians are the model's calibrated defaults (docs/MODEL.md section 6).
const PosteriorFile = "targets/calibration/posterior.csv"

// ShippedPosterior returns PosteriorFile's text, embedded in the binary.
func ShippedPosterior() []byte { return shippedPosterior }

// DefaultName is the target file calibrate reads when none is named.
const DefaultName = "default"

// Estimate is the statistic of a target that is an evaluation design's
// estimate of a reform's effect (results/evaluate), as the study
// estimated it, rather than a statistic of results/statistics.
const Estimate = "estimate"

// Settings are a calibration's settings: the [calibration] table.
type Settings struct {
	// Particles is the number of particles each generation keeps (the
	// population of the sequential Monte Carlo sampler).
	Particles int `toml:"particles"`
	// Alpha is the share of a generation's particles kept: each
	// generation after the first simulates Particles·(1/Alpha − 1) new
	// ones, and the first Particles/Alpha.
	Alpha float64 `toml:"alpha"`
	// MinAcceptance ends the calibration when a generation keeps fewer
	// than this share of its new particles.
	MinAcceptance float64 `toml:"min_acceptance"`
	// MaxGenerations ends it after this many generations.
	MaxGenerations int `toml:"max_generations"`
	// Replications is the number of replications of each scenario per
	// particle: replication r of every particle draws the streams of
	// replication r of the scenario's seed (common random numbers).
	Replications int `toml:"replications"`
	// Seed seeds the calibration's own draws (prior, kernel, ancestors).
	Seed int64 `toml:"seed"`
}

// DefaultSettings are the settings a [calibration] table starts from.
func DefaultSettings() Settings {
	return Settings{Particles: 100, Alpha: 0.5, MinAcceptance: 0.05, MaxGenerations: 8, Replications: 2, Seed: 20260412}
}

// SettingsRanges holds the allowed range of each [calibration] key.
var SettingsRanges = ranges.Table{
	{Key: "particles", Min: 2, Max: 100_000, Unit: "particles"},
	{Key: "alpha", Min: 0.05, Max: 0.95, Unit: "share of a generation kept"},
	{Key: "min_acceptance", Min: 0, Max: 1, Unit: "share of new particles"},
	{Key: "max_generations", Min: 1, Max: 100, Unit: "generations"},
	{Key: "replications", Min: 1, Max: scenarios.MaxReplications, Unit: "replications per scenario and particle"},
	{Key: "seed", Min: 0, Max: scenarios.MaxSeed},
}

// Target is one [[target]] table.
type Target struct {
	// Name identifies the target in output; unique in the file.
	Name string `toml:"name"`
	// Statistic is a statistic of results/statistics or "estimate".
	Statistic string `toml:"statistic"`
	// Scenario is the scenario the statistic is measured in: a file next
	// to the target file, or a shipped scenario.
	Scenario string `toml:"scenario"`
	// Years are the first and last year of the statistic ([year] for one
	// year): a yearly statistic is averaged over them. Not for estimates,
	// which are at the study's follow-up.
	Years []int `toml:"years"`
	// Grade, Tier and Subject select the statistic's value; for an
	// estimate, Subject is the outcome and Grade the tested grade (0: the
	// last).
	Grade   int    `toml:"grade"`
	Tier    string `toml:"tier"`
	Subject string `toml:"subject"`
	// Design is the evaluation design of an estimate (did, psm-did, ...).
	Design string `toml:"design"`
	// Value is the published value; SE its standard error or Interval its
	// 95% interval [low, high] (SE = (high − low)/(2·1.96)).
	Value    *float64  `toml:"value"`
	SE       *float64  `toml:"se"`
	Interval []float64 `toml:"interval"`
	// Evidence is measured, meta-analysis or assumption; Source the
	// study, table or figure, or the reasoning of an assumption.
	Evidence string `toml:"evidence"`
	Source   string `toml:"source"`

	// Resolved when the file is loaded.
	Key         statistics.Key `toml:"-"`
	First, Last int            `toml:"-"`
	Sigma       float64        `toml:"-"`
	Group       int            `toml:"-"` // its group in File.Groups
}

// Published returns the target's published value.
func (t *Target) Published() float64 { return *t.Value }

// Group is a scenario as the calibration runs it and the targets measured
// in it: a run whose statistics they are, or an evaluation study whose
// designs' estimates they are.
type Group struct {
	// Scenario is the target scenario with the file's world applied and,
	// for a run, run.years long enough for every target's years.
	Scenario *scenarios.Scenario
	// Study is true for an evaluation: Grade is its tested grade and
	// Designs the designs its targets name.
	Study   bool
	Grade   int
	Designs []string
	// Targets are the indices of the group's targets in File.Targets.
	Targets []int
}

// File is a loaded target file.
type File struct {
	// Name is the file's base name, as errors show it.
	Name        string
	Description string   `toml:"description"`
	Params      []string `toml:"params"`
	Calibration Settings `toml:"calibration"`
	// Population and Run, when the file has them, are the world every
	// target scenario is run in: keys set here override the scenario's.
	Population toml.Primitive `toml:"population"`
	Run        toml.Primitive `toml:"run"`
	Targets    []Target       `toml:"target"`

	// World is the TOML text of the file's [population] and [run] tables
	// (or a preset's), decoded over each target scenario.
	World  string   `toml:"-"`
	Groups []*Group `toml:"-"`

	data []byte
	dir  string // the directory of a file on disk; "" for a shipped file
}

// worldRun are the [run] keys a target file may set for its world; years
// and replications are the calibration's own.
type worldRun struct {
	Seed         *int64 `toml:"seed"`
	WeeksPerYear *int   `toml:"weeks_per_year"`
	SpinUpYears  *int   `toml:"spin_up_years"`
}

// MaxFileBytes is the largest target file read.
const MaxFileBytes = 1 << 20

// Load reads a target file: a path to a TOML file, or the name of a
// shipped one ("default" or "default.toml") when no such file exists; ""
// means DefaultName. world, if not "", replaces the file's own world (the
// --quick preset's).
func Load(name, world string) (*File, error) {
	if name == "" {
		name = DefaultName
	}
	if data, err := readFile(name); err == nil {
		return parse(filepath.Base(name), filepath.Dir(name), data, world)
	} else if !errors.Is(err, fs.ErrNotExist) || strings.ContainsAny(name, `/\`) {
		return nil, &scenarios.Error{File: name, Err: fmt.Errorf("cannot read target file: %w", unwrapPath(err)),
			Hint: "give a TOML file or the name of a shipped target file: " + strings.Join(Embedded(), ", ")}
	}
	base := strings.TrimSuffix(name, ".toml") + ".toml"
	data, err := shipped.ReadFile(base)
	if err != nil {
		return nil, &scenarios.Error{File: name, Err: errors.New("no such file, and no shipped target file of that name"),
			Hint: "shipped: " + strings.Join(Embedded(), ", ")}
	}
	return parse(base, "", data, world)
}

// Embedded lists the shipped target files' names, sorted.
func Embedded() []string {
	entries, _ := shipped.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".toml"))
	}
	return out
}

// readFile reads a regular file of at most MaxFileBytes.
func readFile(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file (a target file is a TOML text file)")
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%d bytes; a target file has at most %d", st.Size(), MaxFileBytes)
	}
	return os.ReadFile(p)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse decodes a target file's text; file names it in errors and its
// directory is where its scenario files are looked for.
func Parse(file string, data []byte) (*File, error) {
	return parse(filepath.Base(file), filepath.Dir(file), data, "")
}

func parse(name, dir string, data []byte, world string) (*File, error) {
	if err := scenarios.CheckBounds(name, data); err != nil {
		return nil, err
	}
	f := &File{Name: name, Calibration: DefaultSettings(), data: data, dir: dir}
	md, err := toml.Decode(string(data), f)
	if err != nil {
		return nil, f.decodeErr(err)
	}
	if world == "" {
		if world, err = f.worldText(&md); err != nil {
			return nil, err
		}
	}
	f.World = world
	for _, key := range md.Undecoded() {
		full := f.keyOf(key)
		e := f.errAt(full, errors.New("unknown key"))
		parent := key[:len(key)-1]
		if hint := scenarios.Suggest(key[len(key)-1], scenarios.KeysOf(reflect.TypeFor[File](), parent)); hint != "" {
			e.Hint = "did you mean " + strings.TrimSuffix(full, key[len(key)-1]) + hint + "?"
		}
		return nil, e
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// worldText checks the file's [population] and [run] tables and returns
// them as TOML text to decode over each scenario, "" if the file has
// neither.
func (f *File) worldText(md *toml.MetaData) (string, error) {
	pop := scenarios.Default().Population
	tables := []struct {
		name string
		prim toml.Primitive
		into any
	}{
		{"population", f.Population, &pop},
		{"run", f.Run, &worldRun{}},
	}
	for _, table := range tables {
		if md.IsDefined(table.name) {
			if err := md.PrimitiveDecode(table.prim, table.into); err != nil {
				return "", f.decodeErr(err)
			}
		}
	}
	// Keys the tables do not know, before the text below decodes them all.
	for _, key := range md.Undecoded() {
		switch {
		case key[0] == "run" && len(key) == 2 && (key[1] == "years" || key[1] == "replications"):
			return "", f.errAt(key.String(), errors.New("set by the calibration: years by the targets' years, replications by calibration.replications"))
		case key[0] == "run" || key[0] == "population":
			e := f.errAt(key.String(), errors.New("unknown key"))
			var t reflect.Type = reflect.TypeFor[worldRun]()
			if key[0] == "population" {
				t = reflect.TypeOf(pop)
			}
			parent := key[:len(key)-1]
			if hint := scenarios.Suggest(key[len(key)-1], scenarios.KeysOf(t, parent[1:])); hint != "" {
				e.Hint = "did you mean " + strings.Join(append(slices.Clone([]string(parent)), hint), ".") + "?"
			}
			return "", e
		}
	}
	var buf bytes.Buffer
	enc := toml.NewEncoder(&buf)
	for _, table := range tables {
		if !md.IsDefined(table.name) {
			continue
		}
		var raw map[string]any
		if err := md.PrimitiveDecode(table.prim, &raw); err != nil {
			return "", f.decodeErr(err)
		}
		if err := enc.Encode(map[string]any{table.name: raw}); err != nil {
			return "", f.errAt(table.name, err)
		}
	}
	return buf.String(), nil
}

// keyOf returns the dotted key of an undecoded key with, for a key in a
// [[target]] table, the table's number: "target[2].se".
func (f *File) keyOf(key toml.Key) string {
	if len(key) < 2 || key[0] != "target" {
		return key.String()
	}
	lines := strings.Split(string(f.data), "\n")
	for n := 1; n <= len(f.Targets); n++ {
		k := fmt.Sprintf("target[%d].%s", n, strings.Join(key[1:], "."))
		if l := scenarios.Locate(f.data, k); l > 0 && strings.HasPrefix(strings.TrimSpace(lines[l-1]), key[len(key)-1]) {
			return k
		}
	}
	return key.String()
}

// errAt returns an error at the dotted key of the file.
func (f *File) errAt(key string, err error) *scenarios.Error {
	return &scenarios.Error{File: f.Name, Line: scenarios.Locate(f.data, key), Key: key, Err: err}
}

// decodeErr turns a TOML decoding error into an error at its line and key.
func (f *File) decodeErr(err error) error { return scenarios.DecodeError(f.Name, f.data, err) }

// maxDescription is the longest description, in bytes.
const maxDescription = 2000

// validate checks the settings and every target, loads the scenarios
// and groups the targets by the scenario they are measured in, and
// checks the parameters.
func (f *File) validate() error {
	if len(f.Description) > maxDescription {
		return f.errAt("description", fmt.Errorf("at most %d bytes, got %d", maxDescription, len(f.Description)))
	}
	if err := SettingsRanges.Check(&f.Calibration); err != nil {
		re := err.(*ranges.Error)
		return f.errAt("calibration."+re.Key, errors.New(re.Reason()))
	}
	if len(f.Targets) == 0 {
		return f.errAt("target", errors.New("a target file needs at least one [[target]] table"))
	}
	loaded := map[string]*scenarios.Scenario{}
	type groupKey struct {
		scenario string
		study    bool
		grade    int
	}
	groups := map[groupKey]*Group{}
	for i := range f.Targets {
		t := &f.Targets[i]
		at := func(key string, format string, args ...any) *scenarios.Error {
			return f.errAt(fmt.Sprintf("target[%d].%s", i+1, key), fmt.Errorf(format, args...))
		}
		if err := scenarios.CheckName(t.Name); err != nil {
			return at("name", "%v", err)
		}
		for _, o := range f.Targets[:i] {
			if o.Name == t.Name {
				return at("name", "two targets are named %q", t.Name)
			}
		}
		if err := t.checkValue(at); err != nil {
			return err
		}
		if t.Scenario == "" {
			return at("scenario", "missing: every target names the scenario it is measured in")
		}
		scn, ok := loaded[t.Scenario]
		if !ok {
			var err error
			if scn, err = f.loadScenario(t.Scenario); err != nil {
				return at("scenario", "%v", err)
			}
			loaded[t.Scenario] = scn
		}
		pop := &scn.Population
		study := t.Statistic == Estimate
		if study {
			if err := t.checkEstimate(scn, at); err != nil {
				return err
			}
		} else if err := t.checkStatistic(pop.FirstGrade, pop.Grades, at); err != nil {
			return err
		}
		key := groupKey{t.Scenario, study, 0}
		if study { // one study per tested grade
			key.grade = t.Grade
		}
		g, ok := groups[key]
		if !ok {
			c := *scn
			g = &Group{Scenario: &c, Study: study, Grade: key.grade}
			groups[key] = g
			f.Groups = append(f.Groups, g)
		}
		t.Group = slices.Index(f.Groups, g)
		g.Targets = append(g.Targets, i)
		if study && !slices.Contains(g.Designs, t.Design) {
			g.Designs = append(g.Designs, t.Design)
		}
	}
	// A run lasts as long as its targets need.
	for _, g := range f.Groups {
		if g.Study {
			continue
		}
		years := 1
		for _, i := range g.Targets {
			t := &f.Targets[i]
			s, _ := statistics.Lookup(t.Statistic)
			years = max(years, t.Last+s.Lead)
		}
		g.Scenario.Run.Years = years
		if err := scenarios.Check(g.Scenario); err != nil {
			return f.errAt(fmt.Sprintf("target[%d].years", g.Targets[0]+1),
				fmt.Errorf("scenario %s cannot run the %d years its targets need: %v", g.Scenario.Name, years, err))
		}
	}
	for k, key := range f.Params {
		if slices.Contains(f.Params[:k], key) {
			return f.errAt("params", fmt.Errorf("%q is listed twice", key))
		}
		if _, err := f.Param(key); err != nil {
			return f.errAt("params", err)
		}
	}
	return nil
}

// checkValue checks the published value, its uncertainty, the evidence
// and the source, and sets Sigma.
func (t *Target) checkValue(at func(string, string, ...any) *scenarios.Error) error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case t.Value == nil:
		return at("value", "missing: the published value")
	case !finite(*t.Value):
		return at("value", "must be a finite number, got %g", *t.Value)
	case t.SE != nil && t.Interval != nil:
		return at("se", "give either se or interval, not both")
	case t.SE == nil && t.Interval == nil:
		return at("se", "missing: the published value's standard error (se) or 95%% interval (interval = [low, high])")
	case t.SE != nil && !(finite(*t.SE) && *t.SE > 0):
		return at("se", "must be a positive finite number, got %g", *t.SE)
	case t.Interval != nil && (len(t.Interval) != 2 || !finite(t.Interval[0]) || !finite(t.Interval[1]) ||
		!(t.Interval[0] <= *t.Value && *t.Value <= t.Interval[1] && t.Interval[0] < t.Interval[1])):
		return at("interval", "must be [low, high] around the value, got %v", t.Interval)
	case !slices.Contains([]string{string(ranges.Measured), string(ranges.MetaAnalysis), string(ranges.Assumption)}, t.Evidence):
		return at("evidence", "must be measured, meta-analysis or assumption, got %q", t.Evidence)
	case strings.TrimSpace(t.Source) == "":
		return at("source", "missing: the study, table or figure the value comes from, or the reasoning of an assumption")
	}
	if t.SE != nil {
		t.Sigma = *t.SE
	} else {
		t.Sigma = (t.Interval[1] - t.Interval[0]) / (2 * 1.959963984540054)
	}
	return nil
}

// checkStatistic checks a statistic target's statistic, dimensions and
// years against the scenario's schools.
func (t *Target) checkStatistic(firstGrade, grades int, at func(string, string, ...any) *scenarios.Error) error {
	s, ok := statistics.Lookup(t.Statistic)
	if !ok {
		names := append(statistics.Names(), Estimate)
		e := at("statistic", "unknown statistic %q", t.Statistic)
		if h := scenarios.Suggest(t.Statistic, names); h != "" {
			e.Hint = "did you mean " + h + "?"
		} else {
			e.Hint = "one of " + strings.Join(names, ", ")
		}
		return e
	}
	if t.Design != "" {
		return at("design", "only an estimate has a design")
	}
	t.Key = statistics.Key{Statistic: t.Statistic, Grade: t.Grade, Tier: t.Tier, Subject: t.Subject}
	if dim, msg := t.Key.Check(firstGrade, grades); dim != "" {
		return at(dim, "%s (grades %d-%d)", msg, firstGrade, firstGrade+grades-1)
	}
	switch len(t.Years) {
	case 1:
		t.First, t.Last = t.Years[0], t.Years[0]
	case 2:
		t.First, t.Last = t.Years[0], t.Years[1]
	default:
		return at("years", "give [first, last] or [year], got %v", t.Years)
	}
	switch {
	case t.First < s.Lag:
		return at("years", "%s needs the year before: the first year must be at least %d, got %d", t.Statistic, s.Lag, t.First)
	case t.Last < t.First:
		return at("years", "the last year %d is before the first %d", t.Last, t.First)
	case t.Last+s.Lead > policy.MaxYears:
		return at("years", "at most year %d, got %d", policy.MaxYears-s.Lead, t.Last)
	}
	return nil
}

// checkEstimate checks an estimate target: a design, an outcome, a study
// of the scenario, and none of the dimensions of statistics.
func (t *Target) checkEstimate(scn *scenarios.Scenario, at func(string, string, ...any) *scenarios.Error) error {
	outcomes := statistics.Subjects
	switch {
	case !slices.Contains(evaluate.Designs, t.Design):
		return at("design", "an estimate needs a design, one of %s; got %q", strings.Join(evaluate.Designs, ", "), t.Design)
	case !slices.Contains(outcomes, t.Subject):
		return at("subject", "the outcome, one of %s; got %q", strings.Join(outcomes, ", "), t.Subject)
	case t.Tier != "":
		return at("tier", "an estimate is on the treated schools: no tier")
	case t.Years != nil:
		return at("years", "an estimate is at the study's follow-up, the last year a policy acts: leave years out")
	}
	if _, err := evaluate.NewStudy(scn, t.Grade); err != nil {
		return at("grade", "%v", err)
	}
	t.Key = statistics.Key{Statistic: Estimate, Grade: t.Grade, Subject: t.Subject}
	return nil
}

// loadScenario loads a target scenario, a file next to the target file
// or a shipped scenario, and applies the file's world.
func (f *File) loadScenario(name string) (*scenarios.Scenario, error) {
	var scn *scenarios.Scenario
	var err error
	p := filepath.Join(f.dir, name)
	if st, e := os.Stat(p); f.dir != "" && e == nil && st.Mode().IsRegular() {
		scn, err = scenarios.Load(p)
	} else {
		scn, err = scenarios.Shipped(name)
	}
	if err != nil {
		return nil, err
	}
	if f.World == "" {
		return scn, nil
	}
	c := *scn
	if _, err := toml.Decode(f.World, &c); err != nil {
		return nil, fmt.Errorf("the world of the target file: %w", err)
	}
	if err := scenarios.Check(&c); err != nil {
		return nil, fmt.Errorf("%s in the target file's world: %w", c.Name, err)
	}
	return &c, nil
}

// Hash returns the SHA-256, in hex, of what a calibration on the file
// depends on: its text, its world and every target scenario as it runs
// (JSON, as a manifest records scenarios). A calibration directory
// records it, so that resuming refuses the directory of another one.
func (f *File) Hash() string {
	h := sha256.New()
	h.Write(f.data)
	h.Write([]byte{0})
	h.Write([]byte(f.World))
	for _, g := range f.Groups {
		js, _ := json.Marshal(g.Scenario)
		h.Write([]byte{0})
		h.Write(js)
	}
	return hex.EncodeToString(h.Sum(nil))
}
