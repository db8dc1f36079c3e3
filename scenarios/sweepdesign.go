package scenarios

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"schoolnet/agents"
	"schoolnet/results"
	"schoolnet/results/sensitivity"
	"schoolnet/sim"
	"schoolnet/sim/ranges"
)

// Global sensitivity analysis and designs read from a file: the sweep
// methods beside grid and lhs.
const (
	// SweepMorris runs Morris's elementary-effects screening: trajectories
	// of k + 1 points on a grid of levels over the params' ranges (Morris
	// 1991; Campolongo, Cariboni & Saltelli 2007).
	SweepMorris = "morris"
	// SweepSobol runs Saltelli's design for first-order and total Sobol
	// indices: points base rows of k + 2 points from a Sobol sequence
	// (Saltelli et al. 2010).
	SweepSobol = "sobol"
	// SweepTable runs the points of a CSV design (SALib, R, a
	// spreadsheet): one column per swept key, one row per point.
	SweepTable = "table"
)

// Defaults of the global sensitivity methods, applied where the [sweep]
// table leaves them 0 (so that a grid or lhs sweep's resolved scenario,
// and its hash, stay as they were).
const (
	DefaultTrajectories = 10
	DefaultLevels       = 4
	DefaultBootstrap    = 1000
	// MaxSweepDesignBytes bounds a design file.
	MaxSweepDesignBytes = 64 << 20
)

// SweepTableData is the design of a table sweep as read from its file: the
// header (the swept keys) and every row's cells, as text. The resolved
// scenario holds them, so its hash covers the design.
type SweepTableData struct {
	File   string     `json:"file"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
	// lines[i] is row i's line in the file.
	lines []int
}

// TrajectoriesOr returns the Morris trajectories (DefaultTrajectories
// when 0).
func (sw *SweepSpec) TrajectoriesOr() int { return orDefault(sw.Trajectories, DefaultTrajectories) }

// LevelsOr returns the Morris grid levels (DefaultLevels when 0).
func (sw *SweepSpec) LevelsOr() int { return orDefault(sw.Levels, DefaultLevels) }

// BootstrapOr returns the bootstrap resamples of the indices'
// intervals (DefaultBootstrap when 0; negative means none).
func (sw *SweepSpec) BootstrapOr() int { return max(0, orDefault(sw.Bootstrap, DefaultBootstrap)) }

func orDefault(x, d int) int {
	if x == 0 {
		return d
	}
	return x
}

// Sensitivity reports whether the sweep estimates sensitivity indices
// (morris or sobol).
func (sw *SweepSpec) Sensitivity() bool { return sw.Method == SweepMorris || sw.Method == SweepSobol }

// SweepSeed returns the seed of the sweep's own draws (sweep.seed, else
// runSeed).
func (sw *SweepSpec) SweepSeed(runSeed int64) int64 {
	if sw.Seed != nil {
		return *sw.Seed
	}
	return runSeed
}

// UnitDesign returns the points of a morris or sobol sweep in the unit
// cube, one coordinate per param, in run order (nil for the other
// methods). The Morris trajectories are drawn from the stream of seed
// (SweepSeed); the Sobol design is the same for every seed.
func (sw *SweepSpec) UnitDesign(seed int64) ([][]float64, error) {
	k := len(sw.Params)
	switch sw.Method {
	case SweepMorris:
		return sensitivity.Morris(k, sw.TrajectoriesOr(), sw.LevelsOr(), sim.Stream(uint64(seed), 0, sim.PurposeSweep, 1))
	case SweepSobol:
		return sensitivity.Saltelli(k, sw.Points, 0)
	}
	return nil, nil
}

// plausibleRange returns the plausible range of a numeric swept key from
// its table of ranges (agents.ParamRanges, agents.PopulationRanges, the
// policy kind's Ranges()); ok is false where it has none.
func (s *Scenario) plausibleRange(key string, t sweepTarget) (lo, hi float64, ok bool) {
	var r *ranges.Range
	switch {
	case t.policy != "":
		for _, p := range s.Policies {
			if p.Base().Label() == t.policy {
				r, ok = p.Ranges().Lookup(strings.Join(t.path, "."))
			}
		}
	case len(t.table) > 0 && t.table[0] == "model":
		r, ok = agents.ParamRanges.Lookup(strings.Join(t.path, "."))
	default:
		r, ok = agents.PopulationRanges.Lookup(strings.TrimPrefix(key, "population."))
	}
	if !ok || !r.Plausible() {
		return 0, 0, false
	}
	return r.Low, r.High, true
}

// validateSensitivity checks the params of a morris or sobol sweep, which
// range over [min, max] like a Latin hypercube's; a param without min and
// max gets its key's plausible range (the published evidence), which is
// written into the resolved scenario.
func (s *Scenario) validateSensitivity(bad func(key, msg string, args ...any) error) error {
	sw := &s.Sweep
	switch {
	case sw.Method == SweepMorris && (sw.TrajectoriesOr() < 1 || sw.TrajectoriesOr() > MaxSweepRuns):
		return bad("trajectories", "must be in [1,%d], got %d", MaxSweepRuns, sw.Trajectories)
	case sw.Method == SweepMorris && (sw.LevelsOr() < 2 || sw.LevelsOr() > 100 || sw.LevelsOr()%2 != 0):
		return bad("levels", "must be an even number in [2,100], got %d", sw.Levels)
	case sw.Method == SweepSobol && (sw.Points < 1 || sw.Points > MaxSweepRuns):
		return bad("points", "must be in [1,%d], got %d", MaxSweepRuns, sw.Points)
	case sw.Method == SweepSobol && 2*len(sw.Params) > sensitivity.MaxSobolDim:
		return bad("param", "a Sobol analysis of %d params needs %d dimensions of the Sobol sequence, at most %d", len(sw.Params), 2*len(sw.Params), sensitivity.MaxSobolDim)
	case sw.Bootstrap < -1 || sw.Bootstrap > 100_000:
		return bad("bootstrap", "must be in [1,100000], or -1 for no intervals, got %d", sw.Bootstrap)
	}
	for k := range sw.Params {
		p := &sw.Params[k]
		prefix := fmt.Sprintf("param[%d]", k+1)
		t, _ := s.resolveSweepKey(p.Key)
		if p.Values != nil {
			return bad(prefix+".values", "method %s draws from [min, max]; values are for method grid", sw.Method)
		}
		if !isFloatKind(t.kind) && t.kind != reflect.Int {
			return bad(prefix+".key", "%q is not a number; method %s varies numbers (sweep it with method grid)", p.Key, sw.Method)
		}
		if (p.Min == nil) != (p.Max == nil) {
			return bad(prefix, "give both min and max, or neither for the key's plausible range")
		}
		if p.Min == nil {
			lo, hi, ok := s.plausibleRange(p.Key, t)
			if !ok {
				return bad(prefix, "%q has no plausible range (docs/MODEL.md 7.1, docs/SCENARIOS.md): give min and max", p.Key)
			}
			if t.kind == reflect.Int {
				lo, hi = math.Ceil(lo), math.Floor(hi)
			}
			p.Min, p.Max = &lo, &hi
		}
	}
	return nil
}

// unitValues maps a unit-cube design onto the params' ranges: min +
// u·(max − min); an integer key takes the whole part of a value in
// [min, max+1), capped at max, as a Latin hypercube's does.
func (sw *SweepSpec) unitValues(targets []sweepTarget, design [][]float64) [][]any {
	out := make([][]any, len(design))
	for i, u := range design {
		out[i] = make([]any, len(u))
		for k, p := range sw.Params {
			lo, hi := *p.Min, *p.Max
			if targets[k].kind == reflect.Int {
				out[i][k] = int64(min(math.Floor(float64(u[k]*(hi+1-lo))+lo), hi))
			} else {
				out[i][k] = float64(u[k]*(hi-lo)) + lo
			}
		}
	}
	return out
}

// readSweepDesign reads the design file of a table sweep (sweep.design,
// relative to the scenario file) into sw.Table, and takes the swept keys
// from its header.
func (s *Scenario) readSweepDesign(src source) error {
	sw := &s.Sweep
	at := &Error{File: src.name, Line: locate(src.data, "sweep.design"), Key: "sweep.design"}
	name := sw.Design
	switch {
	case name == "":
		at.Err = errors.New("empty: name a CSV file of design points")
		return at
	case src.shippedOnly || src.embedded:
		at.Err = errors.New("a shipped or uploaded scenario cannot read a design from disk")
		return at
	case len(sw.Params) > 0:
		at.Key, at.Line = "sweep.param", locate(src.data, "sweep.param")
		at.Err = errors.New("method table takes its keys from the design's header: leave out [[sweep.param]]")
		return at
	}
	data, err := readBeside(name, src, MaxSweepDesignBytes, "a design is a CSV text file", "design", at)
	if err != nil {
		return err
	}
	t, err := parseDesign(name, data)
	if err != nil {
		return err
	}
	sw.Table = t
	sw.Params = nil
	for _, key := range t.Header {
		sw.Params = append(sw.Params, SweepParam{Key: key})
	}
	return nil
}

// parseDesign reads a design's CSV text: a header of keys, then one row
// per point, every row as long as the header; lines starting with # are
// comments.
func parseDesign(name string, data []byte) (*SweepTableData, error) {
	c, err := results.ReadCSVTable(data, '#', true, MaxSweepRuns)
	if err != nil {
		var ce *results.CSVError
		if errors.As(err, &ce) {
			if ce.Line == 1 && len(data) == 0 {
				ce.Err = errors.New("no header: the first line names the swept keys, such as model.peer_relation_effect,policy.pairs.mentoring_intensity")
			}
			return nil, &Error{File: name, Line: ce.Line, Err: ce.Err}
		}
		return nil, err
	}
	t := &SweepTableData{File: name, Rows: c.Rows, lines: c.Lines}
	for i, key := range c.Header {
		key = strings.TrimSpace(key)
		if key == "" {
			return nil, &Error{File: name, Line: 1, Key: fmt.Sprintf("column %d", i+1), Err: errors.New("empty key in the header")}
		}
		if slices.Contains(t.Header, key) {
			return nil, &Error{File: name, Line: 1, Key: key, Err: errors.New("named twice in the header")}
		}
		t.Header = append(t.Header, key)
	}
	if len(t.Header) == 0 {
		return nil, &Error{File: name, Line: 1, Err: errors.New("no header: the first line names the swept keys, such as model.peer_relation_effect,policy.pairs.mentoring_intensity")}
	}
	if len(t.Rows) == 0 {
		return nil, &Error{File: name, Line: 2, Err: errors.New("no points: one row per point after the header")}
	}
	return t, nil
}

// checkDesign checks every cell of a table sweep's design against its
// key: the key must be one a sweep may set, and the cell a value of its
// type. Errors name the design file, line and key. The values' ranges are
// checked when each point is loaded (SweepPoints).
func (s *Scenario) checkDesign() error {
	t := s.Sweep.Table
	if t == nil || t.lines == nil { // inherited: checked where it was read
		return nil
	}
	for c, key := range t.Header {
		tgt, err := s.resolveSweepKey(key)
		if err != nil {
			e := err.(*Error)
			e.File, e.Line, e.Key = t.File, 1, key
			return e
		}
		for i, row := range t.Rows {
			if _, err := designValue(row[c], tgt.kind); err != nil {
				return &Error{File: t.File, Line: t.lines[i], Key: key, Err: fmt.Errorf("point %d: %q: %v", i, row[c], err)}
			}
		}
	}
	return nil
}

// designValue reads a design cell as a value of a key of kind.
func designValue(cell string, kind reflect.Kind) (any, error) {
	cell = strings.TrimSpace(cell)
	switch {
	case kind == reflect.String:
		return cell, nil
	case kind == reflect.Bool:
		b, err := strconv.ParseBool(cell)
		if err != nil {
			return nil, errors.New("the key takes true or false")
		}
		return b, nil
	case kind == reflect.Int:
		x, err := strconv.ParseFloat(cell, 64)
		if err != nil || x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, errors.New("the key is an integer: write a whole number")
		}
		return int64(x), nil
	}
	x, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, errors.New("the key takes a finite number")
	}
	return x, nil
}

// tableValues returns the design's rows as typed values.
func (sw *SweepSpec) tableValues(targets []sweepTarget) [][]any {
	out := make([][]any, len(sw.Table.Rows))
	for i, row := range sw.Table.Rows {
		out[i] = make([]any, len(row))
		for k := range row {
			out[i][k], _ = designValue(row[k], targets[k].kind)
		}
	}
	return out
}

// sweepMethodKeys are the [sweep] keys only some methods take.
var sweepMethodKeys = []struct {
	key     string
	methods []string
}{
	{"points", []string{SweepLHS, SweepSobol}},
	{"seed", []string{SweepLHS, SweepMorris, SweepSobol}},
	{"trajectories", []string{SweepMorris}},
	{"levels", []string{SweepMorris}},
	{"bootstrap", []string{SweepMorris, SweepSobol}},
	{"design", []string{SweepTable}},
}

// checkSweepMethodKeys refuses a [sweep] key the table's method does not
// take (grid's own message comes first, in parse).
func checkSweepMethodKeys(sw *SweepSpec, src source, md toml.MetaData) error {
	if !slices.Contains(sweepMethods, sw.Method) {
		return nil // validateSweep names the method
	}
	for _, mk := range sweepMethodKeys {
		if md.IsDefined("sweep", mk.key) && !slices.Contains(mk.methods, sw.Method) {
			return &Error{File: src.name, Line: locate(src.data, "sweep."+mk.key), Key: "sweep." + mk.key,
				Err: fmt.Errorf("only for method %s, not %s", strings.Join(mk.methods, " or "), sw.Method)}
		}
	}
	return nil
}
