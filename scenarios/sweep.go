package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r1"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"

	"schoolnet/results"
	"schoolnet/sim"
)

// Sweep methods.
const (
	// SweepGrid runs every combination of the params' values.
	SweepGrid = "grid"
	// SweepLHS draws points from a Latin hypercube over the params'
	// [min, max] ranges (McKay, Beckman & Conover 1979).
	SweepLHS = "lhs"
)

var sweepMethods = []string{SweepGrid, SweepLHS, SweepMorris, SweepSobol, SweepTable}

// MaxSweepRuns bounds points × replications, so that a typo in a grid
// does not ask for a billion runs.
const MaxSweepRuns = 1_000_000

// SweepSpec is a scenario's [sweep] table: the parameters schoolnet sweep
// varies and how. A scenario without the table has the zero SweepSpec;
// schoolnet run and compare ignore it.
type SweepSpec struct {
	// Method is SweepGrid or SweepLHS. Default "grid".
	Method string `toml:"method"`
	// Replications is the number of replications of each point. Default 4.
	// Replication r of every point uses the random streams of replication
	// r of the scenario's seed (common random numbers across points).
	Replications int `toml:"replications"`
	// Points is the number of points a Latin hypercube draws (lhs only).
	// Default 20.
	Points int `toml:"points"`
	// Seed seeds the Latin hypercube draw (lhs only); nil means run.seed.
	Seed *int64 `toml:"seed"`
	// Outcome is the results.Headlines outcome the charts plot. Default
	// "weak_composite".
	Outcome string `toml:"outcome"`
	// Params are the swept parameters, in the order of the file's
	// [[sweep.param]] tables (of a table sweep: the design's header).
	Params []SweepParam `toml:"param"`
	// Trajectories and Levels shape a Morris screening (morris only):
	// 0 means DefaultTrajectories and DefaultLevels.
	Trajectories int `toml:"trajectories" json:",omitempty"`
	Levels       int `toml:"levels" json:",omitempty"`
	// Bootstrap is the number of bootstrap resamples of the sensitivity
	// indices' intervals (morris and sobol): 0 means DefaultBootstrap, −1
	// none.
	Bootstrap int `toml:"bootstrap" json:",omitempty"`
	// Effect makes every outcome of the sweep the effect of the
	// scenario's policies: each run also runs its untreated twin (the
	// point's scenario without policies, the same random numbers, the
	// spin-up shared), and records the run minus the twin.
	Effect bool `toml:"effect" json:",omitempty"`
	// Design is a table sweep's CSV file of points, relative to the
	// scenario file, and Table what it holds.
	Design string          `toml:"design" json:",omitempty"`
	Table  *SweepTableData `toml:"-" json:",omitempty"`
}

// SweepParam is one [[sweep.param]] table: a dotted key and either the
// values a grid takes or the range a Latin hypercube draws from.
type SweepParam struct {
	// Key is "model.<param>", "population.<key>",
	// "population.<tier>.<key>" or "policy.<policy name>.<key>" (including
	// "policy.<name>.select.<key>").
	Key string `toml:"key"`
	// Values are a grid's values: numbers, or strings or booleans for a
	// key of that type.
	Values []any `toml:"values"`
	// Min and Max bound a Latin hypercube's draw; an integer key takes
	// each whole number in [Min, Max] with equal chance.
	Min *float64 `toml:"min"`
	Max *float64 `toml:"max"`
}

// DefaultSweep returns the defaults a [sweep] table starts from.
func DefaultSweep() SweepSpec {
	return SweepSpec{Method: SweepGrid, Replications: 4, Points: 20, Outcome: "weak_composite"}
}

// Defined reports whether the scenario has a [sweep] table.
func (sw *SweepSpec) Defined() bool { return sw.Method != "" || len(sw.Params) > 0 }

// Keys returns the swept keys in order.
func (sw *SweepSpec) Keys() []string {
	keys := make([]string, len(sw.Params))
	for k, p := range sw.Params {
		keys[k] = p.Key
	}
	return keys
}

// NumPoints returns the number of points: the product of the numbers of
// values for a grid, Points for a Latin hypercube.
func (sw *SweepSpec) NumPoints() int {
	switch sw.Method {
	case SweepLHS:
		return sw.Points
	case SweepMorris:
		return min(MaxSweepRuns+1, sw.TrajectoriesOr()*(len(sw.Params)+1))
	case SweepSobol:
		return min(MaxSweepRuns+1, sw.Points*(len(sw.Params)+2))
	case SweepTable:
		if sw.Table == nil {
			return 0
		}
		return len(sw.Table.Rows)
	}
	n := 1
	for _, p := range sw.Params {
		n *= len(p.Values)
		if n > MaxSweepRuns {
			return MaxSweepRuns + 1
		}
	}
	return n
}

// SweepPoint is one point of a sweep: a value for each swept key and the
// scenario that results.
type SweepPoint struct {
	Index int
	// Values holds one value per swept key, in the order of the params:
	// int64, float64, string or bool.
	Values []any
	// Scenario is the sweep scenario with the point's values set, loaded
	// and validated like any scenario file.
	Scenario *Scenario
}

// FormatSweepValue writes a swept value as result files show it: numbers
// in the shortest decimal form that reads back exactly, without exponent.
func FormatSweepValue(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// sweepTarget is where a swept key lands in a scenario file.
type sweepTarget struct {
	// table is the path of the key's TOML table: ["model"],
	// ["population"], ["population", "weak"], or nil for a policy key.
	table []string
	// policy is the policy's name for a policy key.
	policy string
	// path is the key within the table or the policy's [[policy]] table,
	// such as ["select", "share"].
	path []string
	kind reflect.Kind
}

// resolveSweepKey finds the field a swept key sets. The error's Key is
// left empty for the caller to fill in.
func (s *Scenario) resolveSweepKey(key string) (sweepTarget, error) {
	parts := strings.Split(key, ".")
	fail := func(msg string, hint string) (sweepTarget, error) {
		return sweepTarget{}, &Error{Err: errors.New(msg), Hint: hint}
	}
	switch parts[0] {
	case "model", "population":
		if len(parts) < 2 {
			return fail(fmt.Sprintf("%q names a table, not a key", key), "")
		}
		if key == "population.roster" {
			return fail("the roster cannot be swept: compare scenarios on different rosters (schoolnet compare --roster, or one scenario file per roster)", "")
		}
		t := reflect.TypeFor[Scenario]()
		kind, ok := scalarField(t, parts)
		if !ok {
			parent := parts[:len(parts)-1]
			hint := ""
			if h := suggest(parts[len(parts)-1], keysOf(t, parent)); h != "" {
				hint = "did you mean " + strings.Join(append(slices.Clone(parent), h), ".") + "?"
			}
			return fail(fmt.Sprintf("unknown key %q: no such %s key, or not a single number, string or boolean", key, strings.Join(parent, ".")), hint)
		}
		return sweepTarget{table: parts[:len(parts)-1], path: parts[len(parts)-1:], kind: kind}, nil
	case "policy":
		rest := strings.TrimPrefix(key, "policy.")
		best := -1
		var names []string
		for k, p := range s.Policies {
			names = append(names, p.Base().Label())
			if n := p.Base().Label(); strings.HasPrefix(rest, n+".") && (best < 0 || len(n) > len(s.Policies[best].Base().Label())) {
				best = k
			}
		}
		if best < 0 {
			name, _, _ := strings.Cut(rest, ".")
			hint := "the scenario has no policies"
			if len(names) > 0 {
				hint = "policies: " + strings.Join(names, ", ")
				if h := suggest(name, names); h != "" {
					hint = "did you mean policy." + h + "?"
				}
			}
			return fail(fmt.Sprintf("no policy named %q (write policy.<policy name>.<key>)", name), hint)
		}
		spec := s.Policies[best]
		name := spec.Base().Label()
		path := strings.Split(strings.TrimPrefix(rest, name+"."), ".")
		if len(path) == 1 && (path[0] == "kind" || path[0] == "name") {
			return fail(fmt.Sprintf("a policy's %s cannot be swept", path[0]), "")
		}
		t := reflect.TypeOf(spec).Elem()
		kind, ok := scalarField(t, path)
		if !ok {
			parent := path[:len(path)-1]
			hint := ""
			if h := suggest(path[len(path)-1], keysOf(t, parent)); h != "" {
				hint = "did you mean " + strings.Join(append([]string{"policy", name}, append(slices.Clone(parent), h)...), ".") + "?"
			}
			return fail(fmt.Sprintf("unknown key %q: policy %q (%s) has no such key, or it is not a single number, string or boolean", key, name, spec.Base().Kind), hint)
		}
		return sweepTarget{policy: name, path: path, kind: kind}, nil
	}
	return fail(fmt.Sprintf("cannot sweep %q: a swept key starts with model., population. or policy.", key), "")
}

// scalarField returns the kind of the field at the TOML key path of
// struct type t (embedded structs included), if it is a number, string or
// boolean.
func scalarField(t reflect.Type, path []string) (reflect.Kind, bool) {
	for i, p := range path {
		var f *reflect.StructField
		for _, vf := range reflect.VisibleFields(t) {
			if vf.Tag.Get("toml") == p {
				f = &vf
				break
			}
		}
		if f == nil {
			return 0, false
		}
		if i < len(path)-1 {
			if f.Type.Kind() != reflect.Struct {
				return 0, false
			}
			t = f.Type
			continue
		}
		switch k := f.Type.Kind(); k {
		case reflect.Float64, reflect.Float32, reflect.String, reflect.Bool:
			return k, true
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return reflect.Int, true
		}
	}
	return 0, false
}

func isFloatKind(k reflect.Kind) bool { return k == reflect.Float64 || k == reflect.Float32 }

// validateSweep checks the [sweep] table's structure: method, counts,
// outcome, and that every param names a key of the scenario and gives
// values of its type (or a range). Whether each point's values are in
// their keys' ranges is checked by SweepPoints, which loads every point.
func (s *Scenario) validateSweep() error {
	sw := &s.Sweep
	bad := func(key, msg string, args ...any) error {
		return &Error{Key: "sweep." + key, Err: fmt.Errorf(msg, args...)}
	}
	if !slices.Contains(sweepMethods, sw.Method) {
		e := bad("method", "unknown method %q", sw.Method).(*Error)
		e.Hint = "one of " + strings.Join(sweepMethods, ", ")
		return e
	}
	switch {
	case sw.Replications < 1 || sw.Replications > MaxReplications:
		return bad("replications", "must be in [1,%d], got %d", MaxReplications, sw.Replications)
	case sw.Method == SweepLHS && (sw.Points < 1 || sw.Points > MaxSweepRuns):
		return bad("points", "must be in [1,%d], got %d", MaxSweepRuns, sw.Points)
	case sw.Seed != nil && (*sw.Seed < 0 || *sw.Seed > MaxSeed):
		return bad("seed", "must be in [0,%d], got %d", int64(MaxSeed), *sw.Seed)
	case sw.Effect && len(s.Policies) == 0:
		return bad("effect", "the scenario has no policies whose effect to sweep")
	case sw.Method == SweepTable && sw.Table == nil:
		return bad("design", "method table needs design = \"FILE.csv\", a CSV file of points with a header of swept keys")
	case len(sw.Params) == 0:
		return bad("param", "a sweep needs at least one [[sweep.param]] table")
	}
	var names []string
	for _, o := range results.Headlines {
		names = append(names, o.Name)
	}
	if !slices.Contains(names, sw.Outcome) {
		e := bad("outcome", "unknown outcome %q", sw.Outcome).(*Error)
		if h := suggest(sw.Outcome, names); h != "" {
			e.Hint = "did you mean " + h + "?"
		} else {
			e.Hint = "one of " + strings.Join(names, ", ")
		}
		return e
	}
	if sw.Method == SweepTable { // the design's keys and cells: checkDesign
		return nil
	}
	for k, p := range sw.Params {
		prefix := fmt.Sprintf("param[%d]", k+1)
		if p.Key == "" {
			return bad(prefix+".key", "missing: every swept parameter needs a key")
		}
		for _, q := range sw.Params[:k] {
			if q.Key == p.Key {
				return bad(prefix+".key", "%q is swept twice", p.Key)
			}
		}
		t, err := s.resolveSweepKey(p.Key)
		if err != nil {
			e := err.(*Error)
			e.Key = "sweep." + prefix + ".key"
			return e
		}
		if sw.Sensitivity() {
			continue
		}
		hasValues, hasRange := p.Values != nil, p.Min != nil || p.Max != nil
		switch {
		case hasValues && hasRange:
			return bad(prefix, "give either values (grid) or min and max (lhs), not both")
		case !hasValues && !hasRange:
			return bad(prefix, "give values (grid) or min and max (lhs)")
		case sw.Method == SweepGrid && !hasValues:
			return bad(prefix, "method grid needs values; min and max are for method lhs")
		case sw.Method == SweepLHS && !hasRange:
			return bad(prefix, "method lhs needs min and max; values are for method grid")
		}
		if sw.Method == SweepGrid {
			if len(p.Values) == 0 {
				return bad(prefix+".values", "must list at least one value")
			}
			for i, v := range p.Values {
				if err := sweepValueFits(v, t.kind); err != nil {
					return bad(prefix+".values", "value %d (%s): %v", i+1, FormatSweepValue(v), err)
				}
				if slices.Contains(p.Values[:i], v) {
					return bad(prefix+".values", "value %s is listed twice", FormatSweepValue(v))
				}
			}
			continue
		}
		if p.Min == nil || p.Max == nil {
			return bad(prefix, "method lhs needs both min and max")
		}
		lo, hi := *p.Min, *p.Max
		switch {
		case !isFloatKind(t.kind) && t.kind != reflect.Int:
			return bad(prefix+".key", "%q is not a number; a Latin hypercube draws numbers (sweep it with method grid)", p.Key)
		case math.IsNaN(lo) || math.IsInf(lo, 0):
			return bad(prefix+".min", "must be a finite number, got %g", lo)
		case math.IsNaN(hi) || math.IsInf(hi, 0):
			return bad(prefix+".max", "must be a finite number, got %g", hi)
		case !(lo < hi):
			return bad(prefix+".max", "must be above min = %g, got %g", lo, hi)
		case t.kind == reflect.Int && (lo != math.Trunc(lo) || hi != math.Trunc(hi)):
			return bad(prefix, "%q is an integer key: min and max must be whole numbers, got %g and %g", p.Key, lo, hi)
		}
	}
	if sw.Sensitivity() {
		if err := s.validateSensitivity(bad); err != nil {
			return err
		}
	}
	if n := sw.NumPoints(); n*sw.Replications > MaxSweepRuns {
		return bad("param", "%d points × %d replications is more than %d runs", n, sw.Replications, MaxSweepRuns)
	}
	return nil
}

// sweepValueFits checks a grid value against the kind of its key.
func sweepValueFits(v any, kind reflect.Kind) error {
	switch x := v.(type) {
	case int64:
		if kind == reflect.Int || isFloatKind(kind) {
			return nil
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return errors.New("must be a finite number")
		}
		if isFloatKind(kind) {
			return nil
		}
		if kind == reflect.Int {
			return errors.New("the key is an integer: write whole numbers without a decimal point")
		}
	case string:
		if kind == reflect.String {
			return nil
		}
	case bool:
		if kind == reflect.Bool {
			return nil
		}
	default:
		return fmt.Errorf("a value must be a number, string or boolean, got %T", v)
	}
	want := map[reflect.Kind]string{reflect.Int: "an integer", reflect.String: "a string", reflect.Bool: "a boolean"}[kind]
	if want == "" {
		want = "a number"
	}
	return fmt.Errorf("the key takes %s", want)
}

// sweepValues returns the value of each param at each point: for a grid
// every combination, the last param varying fastest; for a Latin
// hypercube Points draws, one in each of Points equal strata of every
// param's range, from a stream seeded by sweep.seed (default run.seed).
func (s *Scenario) sweepValues(targets []sweepTarget) [][]any {
	sw := &s.Sweep
	n, d := sw.NumPoints(), len(sw.Params)
	out := make([][]any, n)
	if sw.Method == SweepGrid {
		for i := range out {
			out[i] = make([]any, d)
			rest := i
			for k := d - 1; k >= 0; k-- {
				vs := sw.Params[k].Values
				out[i][k] = vs[rest%len(vs)]
				rest /= len(vs)
			}
		}
		return out
	}
	switch sw.Method {
	case SweepTable:
		return sw.tableValues(targets)
	case SweepMorris, SweepSobol:
		design, err := sw.UnitDesign(sw.SweepSeed(s.Run.Seed))
		if err != nil {
			panic("scenarios: a checked sweep's design fails: " + err.Error())
		}
		return sw.unitValues(targets, design)
	}
	seed := sw.SweepSeed(s.Run.Seed)
	src := sim.Stream(uint64(seed), 0, sim.PurposeSweep, 0)
	// An integer key draws from [min, max+1) and takes the whole part, so
	// that every whole number in [min, max] is equally likely.
	bounds := make([]r1.Interval, d)
	for k, p := range sw.Params {
		bounds[k] = r1.Interval{Min: *p.Min, Max: *p.Max}
		if targets[k].kind == reflect.Int {
			bounds[k].Max++
		}
	}
	batch := mat.NewDense(n, d, nil)
	samplemv.LatinHypercube{Q: boxQuantile(bounds), Src: src}.Sample(batch)
	for i := range out {
		out[i] = make([]any, d)
		for k, p := range sw.Params {
			x := batch.At(i, k)
			if targets[k].kind == reflect.Int {
				out[i][k] = int64(min(math.Floor(x), *p.Max))
			} else {
				out[i][k] = x
			}
		}
	}
	return out
}

// SweepPoints returns every point of the scenario's sweep, each loaded as
// a scenario file that extends this one and sets the point's values
// would be: model and population keys in their tables, a policy's keys in
// a [[policy]] table with the policy's name. So each point is validated
// exactly like a hand-written scenario; a value out of its key's range is
// an *Error naming the [[sweep.param]] it came from.
func (s *Scenario) SweepPoints() ([]SweepPoint, error) {
	sw := &s.Sweep
	if !sw.Defined() {
		return nil, &Error{File: s.src.name, Key: "sweep", Err: errors.New("the scenario has no [sweep] table")}
	}
	if err := s.validateSweep(); err != nil {
		if e, ok := err.(*Error); ok {
			e.File, e.Line = s.src.name, locate(s.src.data, e.Key)
		}
		return nil, err
	}
	targets := make([]sweepTarget, len(sw.Params))
	for k, p := range sw.Params {
		targets[k], _ = s.resolveSweepKey(p.Key)
	}
	points := make([]SweepPoint, 0, sw.NumPoints())
	for i, vals := range s.sweepValues(targets) {
		data, policies, err := s.pointOverride(targets, vals)
		if err != nil {
			return nil, err
		}
		ps, err := parse(source{
			name: fmt.Sprintf("%s (sweep point %d)", s.src.name, i),
			data: data,
			base: &s.src,
		}, nil)
		if err != nil {
			return nil, s.pointErr(i, vals, policies, err)
		}
		points = append(points, SweepPoint{Index: i, Values: vals, Scenario: ps})
	}
	return points, nil
}

// pointOverride writes the TOML text of one point: extends the sweep
// file, keeps its name and sets the values. It also returns the names of
// the policies of the text's [[policy]] tables, in order.
func (s *Scenario) pointOverride(targets []sweepTarget, vals []any) ([]byte, []string, error) {
	doc := map[string]any{"extends": s.src.name, "name": s.Name}
	var policies []string
	var tables []map[string]any
	for k, t := range targets {
		v := vals[k]
		if isFloatKind(t.kind) {
			if x, ok := v.(int64); ok {
				v = float64(x)
			}
		}
		var table map[string]any
		if t.policy != "" {
			j := slices.Index(policies, t.policy)
			if j < 0 {
				policies = append(policies, t.policy)
				tables = append(tables, map[string]any{"name": t.policy})
				j = len(tables) - 1
			}
			table = tables[j]
		} else {
			table = doc
			for _, name := range t.table {
				sub, ok := table[name].(map[string]any)
				if !ok {
					sub = map[string]any{}
					table[name] = sub
				}
				table = sub
			}
		}
		for _, name := range t.path[:len(t.path)-1] {
			sub, ok := table[name].(map[string]any)
			if !ok {
				sub = map[string]any{}
				table[name] = sub
			}
			table = sub
		}
		table[t.path[len(t.path)-1]] = v
	}
	if len(tables) > 0 {
		doc["policy"] = tables
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(doc); err != nil {
		return nil, nil, fmt.Errorf("scenarios: sweep point: %w", err)
	}
	return buf.Bytes(), policies, nil
}

// pointErr turns the error of loading point i into an *Error on the
// sweep file: at the [[sweep.param]] whose key failed, or at [sweep] when
// the failure is a combination of values (such as tier shares that no
// longer sum to 1).
func (s *Scenario) pointErr(i int, vals []any, policies []string, err error) error {
	var pe *Error
	if !errors.As(err, &pe) {
		return err
	}
	key := pe.Key
	var n int
	if c, _ := fmt.Sscanf(key, "policy[%d]", &n); c == 1 && n >= 1 && n <= len(policies) {
		key = "policy." + policies[n-1] + key[strings.IndexByte(key, ']')+1:]
	}
	e := &Error{File: s.src.name, Err: pe.Err, Hint: pe.Hint}
	if t := s.Sweep.Table; s.Sweep.Method == SweepTable && t != nil {
		// A table sweep's values come from its design file: the cell's
		// line there (when this file read it) and its column's key.
		if c := slices.Index(t.Header, key); c >= 0 {
			e.File, e.Key = t.File, key
			if i < len(t.lines) {
				e.Line = t.lines[i]
			}
			e.Err = fmt.Errorf("point %d: %w", i, pe.Err)
			return e
		}
	}
	for k, p := range s.Sweep.Params {
		if p.Key == key {
			e.Key = fmt.Sprintf("sweep.param[%d]", k+1)
			if s.Sweep.Method == SweepGrid {
				e.Key += ".values"
			}
			e.Line = locate(s.src.data, e.Key)
			e.Err = fmt.Errorf("point %d sets %s = %s: %w", i, key, FormatSweepValue(vals[k]), pe.Err)
			return e
		}
	}
	var set []string
	for k, p := range s.Sweep.Params {
		set = append(set, p.Key+" = "+FormatSweepValue(vals[k]))
	}
	e.Key, e.Line = "sweep", locate(s.src.data, "sweep")
	e.Err = fmt.Errorf("point %d (%s): %s: %w", i, strings.Join(set, ", "), key, pe.Err)
	return e
}

// boxQuantile is the uniform distribution on a box, as the quantile
// function the Latin hypercube maps its strata with: min + p·(max − min).
// distmv.Uniform computes the same, but arm64 fuses its product and sum
// into one multiply-add; here the product is rounded first, so every
// machine draws the same sweep points (see package schoolnet/sim/fmath).
type boxQuantile []r1.Interval

var _ distmv.Quantiler = boxQuantile(nil)

func (b boxQuantile) Quantile(dst, p []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(p))
	}
	for i, v := range p {
		dst[i] = float64(v*(b[i].Max-b[i].Min)) + b[i].Min
	}
	return dst
}
