package ensemble

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim"
	"schoolnet/sim/ranges"
	"schoolnet/targets"
)

// Prior is the name that asks for the prior ensemble.
const Prior = "prior"

// Posterior is the name that asks for the shipped calibration's
// posterior (targets.PosteriorFile), embedded in the binary.
const Posterior = "posterior"

// Ensemble is a distribution of parameter sets to draw from.
type Ensemble struct {
	// Name is "prior" or the posterior file's path; SHA256 the file's
	// hash (empty for the prior).
	Name, SHA256 string
	// Keys are the parameters drawn: model.<key> or
	// policy.<policy name>.<key>.
	Keys []string
	// Draws is the number of parameter draws D: replication r takes draw
	// r mod D.
	Draws int
	// Seed is the seed the draws' streams derive from (the run seed).
	Seed int64

	lo, hi  []float64   // the prior's plausible ranges
	integer []bool      // a whole-number key (prior: drawn on [lo, hi+1) and floored)
	rows    [][]float64 // the posterior's particles
	lines   []int       // their lines in the file
	weights []float64
	total   float64
}

// NewPrior returns the prior ensemble: every model parameter with a
// plausible range (agents.ParamRanges), uniform on it, in the table's
// order.
func NewPrior(draws int, seed int64) *Ensemble {
	e := &Ensemble{Name: Prior, Draws: draws, Seed: seed}
	par := agents.DefaultParams()
	for _, r := range agents.ParamRanges {
		if !r.Plausible() {
			continue
		}
		e.Keys = append(e.Keys, "model."+r.Key)
		e.lo, e.hi = append(e.lo, r.Low), append(e.hi, r.High)
		e.integer = append(e.integer, ranges.IsInteger(&par, r.Key))
	}
	return e
}

// NewPriorOf returns the prior ensemble over the model parameters keys
// alone ("peer_relation_effect" or "model.peer_relation_effect"), each
// uniform on its plausible range; the others keep the scenario's values.
func NewPriorOf(keys []string, draws int, seed int64) (*Ensemble, error) {
	all := NewPrior(draws, seed)
	e := &Ensemble{Name: Prior + ":" + strings.Join(keys, ","), Draws: draws, Seed: seed}
	for _, key := range keys {
		key = "model." + strings.TrimPrefix(strings.TrimSpace(key), "model.")
		k := slices.Index(all.Keys, key)
		if k < 0 {
			if err := checkKey(key); err != nil {
				return nil, fmt.Errorf("ensemble: prior:%w", err)
			}
			return nil, fmt.Errorf("ensemble: prior: %s has no plausible range to draw from (docs/MODEL.md 7.1)", key)
		}
		if slices.Contains(e.Keys, key) {
			return nil, fmt.Errorf("ensemble: prior: %s is named twice", key)
		}
		e.Keys = append(e.Keys, key)
		e.lo, e.hi, e.integer = append(e.lo, all.lo[k]), append(e.hi, all.hi[k]), append(e.integer, all.integer[k])
	}
	return e, nil
}

// Load returns the ensemble a --ensemble flag names: "prior",
// "posterior" (the shipped calibration's), a posterior file (posterior.csv
// of `schoolnet calibrate`), or a calibration's directory holding one.
func Load(name string, draws int, seed int64) (*Ensemble, error) {
	if name == Prior {
		return NewPrior(draws, seed), nil
	}
	if name == Posterior {
		e, err := ParsePosterior(targets.PosteriorFile, targets.ShippedPosterior())
		if err != nil {
			return nil, err
		}
		e.Draws, e.Seed = draws, seed
		return e, nil
	}
	if keys, ok := strings.CutPrefix(name, Prior+":"); ok {
		return NewPriorOf(strings.Split(keys, ","), draws, seed)
	}
	path := name
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "posterior.csv")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ensemble: %w (give prior, posterior, or a posterior.csv that schoolnet calibrate wrote, or its directory)", unwrapPath(err))
	}
	e, err := ParsePosterior(path, data)
	if err != nil {
		return nil, err
	}
	e.Draws, e.Seed = draws, seed
	return e, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// posteriorHead are the columns posterior.csv starts with; the parameters
// follow.
var posteriorHead = []string{"generation", "particle", "weight", "distance"}

// ParseError is a bad cell of a posterior file.
type ParseError struct {
	File         string
	Line, Column int
	Err          error
}

func (e *ParseError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParsePosterior reads a posterior file's text: the header generation,
// particle, weight, distance, then one column per parameter key, and one
// row per particle.
func ParsePosterior(file string, data []byte) (*Ensemble, error) {
	sum := sha256.Sum256(data)
	e := &Ensemble{Name: file, SHA256: hex.EncodeToString(sum[:])}
	head, rows, lines, err := parseTable(file, data)
	if err != nil {
		return nil, err
	}
	if len(head) <= len(posteriorHead) || !slices.Equal(head[:len(posteriorHead)], posteriorHead) {
		return nil, &ParseError{File: file, Line: 1, Err: fmt.Errorf("not a posterior file: the header must start %s and name at least one parameter (docs/RESULTS.md, \"posterior.csv\")", strings.Join(posteriorHead, ","))}
	}
	for c, key := range head[len(posteriorHead):] {
		if err := checkKey(key); err != nil {
			return nil, &ParseError{File: file, Line: 1, Column: len(posteriorHead) + c + 1, Err: err}
		}
		if slices.Contains(e.Keys, key) {
			return nil, &ParseError{File: file, Line: 1, Column: len(posteriorHead) + c + 1, Err: fmt.Errorf("%s is named twice", key)}
		}
		e.Keys = append(e.Keys, key)
	}
	for i, row := range rows {
		line := lines[i]
		w, err := strconv.ParseFloat(row[2], 64)
		if err != nil || w < 0 || math.IsInf(w, 0) || math.IsNaN(w) {
			return nil, &ParseError{File: file, Line: line, Column: 3, Err: fmt.Errorf("weight %q must be a finite number at least 0", row[2])}
		}
		vals := make([]float64, len(e.Keys))
		for k := range vals {
			c := len(posteriorHead) + k
			x, err := strconv.ParseFloat(row[c], 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return nil, &ParseError{File: file, Line: line, Column: c + 1, Err: fmt.Errorf("%s: %q is not a finite number", e.Keys[k], row[c])}
			}
			vals[k] = x
		}
		e.rows, e.weights, e.lines = append(e.rows, vals), append(e.weights, w), append(e.lines, line)
		e.total += w
	}
	if len(e.rows) == 0 || !(e.total > 0) {
		return nil, &ParseError{File: file, Line: 2, Err: errors.New("no particle with a positive weight")}
	}
	return e, nil
}

// checkKey checks a parameter key of a posterior file.
func checkKey(key string) error {
	if model, ok := strings.CutPrefix(key, "model."); ok {
		if _, ok := agents.ParamRanges.Lookup(model); !ok {
			e := fmt.Errorf("%q: no such model parameter", key)
			if h := scenarios.Suggest(model, agents.ParamKeys()); h != "" {
				e = fmt.Errorf("%w (did you mean model.%s?)", e, h)
			}
			return e
		}
		return nil
	}
	if rest, ok := strings.CutPrefix(key, "policy."); ok && strings.Contains(rest, ".") {
		return nil
	}
	return fmt.Errorf("%q: a parameter is model.<key> or policy.<policy name>.<key>", key)
}

// Draw returns draw d's parameter values, in the order of Keys: for the
// prior a uniform draw on each plausible range, for a posterior a
// particle drawn by its weight; from the stream of draw d of the seed.
func (e *Ensemble) Draw(d int) []float64 {
	r := sim.Stream(uint64(e.Seed), d, sim.PurposeEnsemble, 0)
	if e.rows == nil {
		out := make([]float64, len(e.Keys))
		for k := range out {
			lo, hi := e.lo[k], e.hi[k]
			if e.integer[k] {
				hi++
			}
			out[k] = float64(r.Float64()*(hi-lo)) + lo
			if e.integer[k] {
				out[k] = math.Min(math.Floor(out[k]), e.hi[k])
			}
		}
		return out
	}
	u := float64(r.Float64() * e.total)
	var cum float64
	for i, w := range e.weights {
		cum += w
		if u < cum {
			return slices.Clone(e.rows[i])
		}
	}
	return slices.Clone(e.rows[len(e.rows)-1])
}

// DrawOf returns the draw replication rep takes: rep mod Draws.
func (e *Ensemble) DrawOf(rep int) int { return rep % e.Draws }

// Apply returns a copy of scn with the parameters at theta (a Draw): model
// keys in its [model], a policy key in the policy of that name if scn has
// one (else it is left out). The copy is checked like any scenario.
func (e *Ensemble) Apply(scn *scenarios.Scenario, theta []float64) (*scenarios.Scenario, error) {
	scn = e.set(scn, theta)
	if err := scenarios.Check(scn); err != nil {
		return nil, fmt.Errorf("ensemble: %s with the parameters of %s: %w", scn.Name, e.Name, err)
	}
	return scn, nil
}

// set returns a copy of scn with the parameters at theta, unchecked.
func (e *Ensemble) set(scn *scenarios.Scenario, theta []float64) *scenarios.Scenario {
	for k, key := range e.Keys {
		p := targets.Param{Key: key}
		scn = p.Set(scn, theta[k])
	}
	return scn
}

// Check applies every particle of a posterior to each of scns and checks
// the result, so that a value out of a parameter's range is refused
// before any run, naming its line, whichever particles the draws pick.
// A prior's draws lie in the ranges; it has nothing to check.
func (e *Ensemble) Check(scns ...*scenarios.Scenario) error {
	for i, theta := range e.rows {
		for _, scn := range scns {
			if err := scenarios.Check(e.set(scn, theta)); err != nil {
				return &ParseError{File: e.Name, Line: e.lines[i], Err: fmt.Errorf("%w (in scenario %s)", err, scn.Name)}
			}
		}
	}
	return nil
}

// Describe says in words what the ensemble is.
func (e *Ensemble) Describe() string {
	if e.rows == nil && e.Name == Prior {
		return fmt.Sprintf("the prior: %d model parameters uniform on their plausible ranges, %d draws", len(e.Keys), e.Draws)
	}
	if e.rows == nil {
		return fmt.Sprintf("the prior over %s, uniform on their plausible ranges (the other parameters as the scenarios set them), %d draws", strings.Join(e.Keys, ", "), e.Draws)
	}
	return fmt.Sprintf("the posterior %s: %d parameters, %d particles, %d draws", e.Name, len(e.Keys), len(e.rows), e.Draws)
}
