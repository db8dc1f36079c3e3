package sweep

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"schoolnet/results"
	"schoolnet/scenarios"
)

// Plan is what running and assembling a sweep needs to know: its swept
// keys, its points and replications (run i is replication i mod Reps of
// point i div Reps), the outcome its charts show, and its identity in its
// files.
type Plan struct {
	Keys         []string
	Method       string
	Points, Reps int
	Outcome      string
	// ID is the sweep's name, scenario hash (the manifest's) and seed.
	ID results.RunID
	// Design is, for a morris or sobol sweep, what its sensitivity
	// indices are computed from (nil for the other methods).
	Design *results.SweepDesign
	// Effect says each run's outcomes are its policies' effect: the run
	// minus its untreated twin (sweep.effect).
	Effect bool
	// values holds each point's values as written in runs.csv; nil when
	// the plan was read from a manifest (merge), where only the run
	// numbers of the run files are checked.
	values [][]string
}

// NewPlan returns the plan of scenario scn's sweep of points
// (scn.SweepPoints()).
func NewPlan(scn *scenarios.Scenario, points []scenarios.SweepPoint) (*Plan, error) {
	hash, err := results.ScenarioHash(scn)
	if err != nil {
		return nil, err
	}
	p := &Plan{Keys: scn.Sweep.Keys(), Method: scn.Sweep.Method, Points: len(points),
		Reps: scn.Sweep.Replications, Outcome: scn.Sweep.Outcome, Effect: scn.Sweep.Effect,
		ID: results.RunID{Scenario: scn.Name, Hash: hash, Seed: scn.Run.Seed}}
	if p.Design, err = designOf(&scn.Sweep, scn.Run.Seed); err != nil {
		return nil, err
	}
	for _, pt := range points {
		vs := make([]string, len(pt.Values))
		for k, v := range pt.Values {
			vs[k] = scenarios.FormatSweepValue(v)
		}
		p.values = append(p.values, vs)
	}
	return p, nil
}

// designOf returns the design of sweep sw's sensitivity indices, nil if
// it computes none.
func designOf(sw *scenarios.SweepSpec, runSeed int64) (*results.SweepDesign, error) {
	if !sw.Sensitivity() {
		return nil, nil
	}
	seed := sw.SweepSeed(runSeed)
	unit, err := sw.UnitDesign(seed)
	if err != nil {
		return nil, err
	}
	return &results.SweepDesign{Method: sw.Method, Keys: sw.Keys(), Unit: unit, Reps: sw.Replications, Bootstrap: sw.BootstrapOr(), Seed: seed, Effect: sw.Effect}, nil
}

// Runs returns the number of runs of the sweep.
func (p *Plan) Runs() int { return p.Points * p.Reps }

// Shard returns the runs of shard k of n: the runs i with i mod n = k−1.
func (p *Plan) Shard(k, n int) []int {
	var out []int
	for i := k - 1; i < p.Runs(); i += n {
		out = append(out, i)
	}
	return out
}

// Describe says in one line what the sweep runs.
func (p *Plan) Describe() string {
	effect := ""
	if p.Effect {
		effect = " (every outcome the effect of the policies: each run minus its untreated twin)"
	}
	return fmt.Sprintf("%d points (%s over %s) × %d replications = %d runs, outcome %s%s",
		p.Points, p.Method, strings.Join(p.Keys, ", "), p.Reps, p.Runs(), p.Outcome, effect)
}

// Name is the name of run i's file in runs/: p<point>-r<rep>.csv.
func (p *Plan) Name(i int) string { return fmt.Sprintf("p%d-r%d.csv", i/p.Reps, i%p.Reps) }

func (p *Plan) file(dir string, i int) string { return filepath.Join(dir, "runs", p.Name(i)) }

// runName matches the name of a run file, p<point>-r<rep>.csv.
var runName = regexp.MustCompile(`^p([0-9]{1,7})-r([0-9]{1,7})\.csv$`)

// Index returns the run number of the run file name, false if name is
// not the name of a run of the plan.
func (p *Plan) Index(name string) (int, bool) {
	m := runName.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	pt, _ := strconv.Atoi(m[1])
	r, _ := strconv.Atoi(m[2])
	i := pt*p.Reps + r
	if pt >= p.Points || r >= p.Reps || p.Name(i) != name {
		return 0, false
	}
	return i, true
}

// parseRun reads the run file of run i (read from path).
func (p *Plan) parseRun(path string, i int, data []byte) (results.SweepRun, error) {
	rows, err := results.ReadSweepRuns(bytes.NewReader(data), p.Keys)
	if err == nil && len(rows) != 1 {
		err = fmt.Errorf("%d rows, want 1", len(rows))
	}
	if err != nil {
		return results.SweepRun{}, fmt.Errorf("%s is not a run of this sweep: %w", path, err)
	}
	r := rows[0]
	if r.Run != i || r.Point != i/p.Reps || r.Replication != i%p.Reps {
		return r, fmt.Errorf("%s is not a run of this sweep: it holds run %d (point %d, replication %d)", path, r.Run, r.Point, r.Replication)
	}
	if p.values != nil && !slices.Equal(r.Params, p.values[r.Point]) {
		return r, fmt.Errorf("%s is not a run of this sweep: its values %v are not point %d's %v", path, r.Params, r.Point, p.values[r.Point])
	}
	return r, nil
}

// Names are the top-level entries of the sweep's directory.
func (p *Plan) Names() []string {
	names := []string{"runs/", "runs.csv", "points.csv", "datapackage.json", "manifest.json"}
	for _, key := range p.Keys {
		names = append(names, "sweep-"+FileSafe(key)+".png", "sweep-"+FileSafe(key)+".svg")
	}
	if p.Design != nil {
		names = append(names, "indices.csv", results.IndexChartName(p.Outcome, "png"), results.IndexChartName(p.Outcome, "svg"))
	}
	return names
}

// List names up to five of the runs missing.
func (p *Plan) List(missing []int) string {
	var names []string
	for _, i := range missing[:min(len(missing), 5)] {
		names = append(names, p.Name(i))
	}
	if len(missing) > 5 {
		names = append(names, "…")
	}
	return strings.Join(names, ", ")
}

// Print prints each point's values and the sweep outcome's mean with its
// 95% interval; runs are the sweep's runs in run order.
func (p *Plan) Print(w io.Writer, runs []results.SweepRun) {
	if p.Design != nil {
		results.PrintIndices(w, p.Outcome, results.SweepIndices(p.Design, runs))
		return
	}
	k := 0
	for j, o := range results.Headlines {
		if o.Name == p.Outcome {
			k = j
		}
	}
	o := results.Headlines[k]
	what := o.Description
	if p.Effect {
		what = "the policies' effect (the run minus its untreated twin) on " + what
	}
	fmt.Fprintf(w, "\n%s (%s): %s; mean over %d replications (those where it is defined) and 95%% interval\n", o.Name, o.Unit, what, p.Reps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "point\t%s\tmean\t95%% interval\t\n", strings.Join(p.Keys, "\t"))
	xs := make([]float64, p.Reps)
	for pt := range p.Points {
		for r := range p.Reps {
			xs[r] = runs[pt*p.Reps+r].Outcomes[k]
		}
		m, h := results.MeanCI(xs)
		ci := "–"
		if !math.IsNaN(h) {
			ci = fmt.Sprintf("[%.3f, %.3f]", m-h, m+h)
		}
		vals := slices.Clone(runs[pt*p.Reps].Params)
		for j, v := range vals { // six significant digits on screen; runs.csv has every digit
			if x, err := strconv.ParseFloat(v, 64); err == nil && len(v) > 8 {
				vals[j] = strconv.FormatFloat(x, 'g', 6, 64)
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", pt, strings.Join(vals, "\t"), results.Undefined("%.3f", m), ci)
	}
	tw.Flush()
}

// ParseShard reads a shard "K/N" (1 ≤ K ≤ N); "" is 1/1.
func ParseShard(s string) (k, n int, err error) {
	if s == "" {
		return 1, 1, nil
	}
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("--shard must be K/N with 1 ≤ K ≤ N, such as 2/8; got %q", s)
	}
	return k, n, nil
}

// FileSafe replaces the characters of a key other than letters, digits,
// '.', '-' and '_' with '_', for a file name.
func FileSafe(key string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, key)
}
