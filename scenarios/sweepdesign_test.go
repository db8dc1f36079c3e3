package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"schoolnet/agents"
)

// TestMorrisSweepPoints: a Morris sweep of a key without min and max
// ranges over its plausible range; it has trajectories × (k + 1) points,
// each step of a trajectory moving exactly one key.
func TestMorrisSweepPoints(t *testing.T) {
	s := loadSweep(t, "[sweep]\nmethod = \"morris\"\ntrajectories = 3\n[[sweep.param]]\nkey = \"model.tie_accept\"\n[[sweep.param]]\nkey = \"policy.pairs.mentoring_intensity\"\nmin = 0.2\nmax = 0.6\n")
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 3*3 {
		t.Fatalf("%d points, want 9", len(points))
	}
	r, _ := agents.ParamRanges.Lookup("tie_accept")
	for i, p := range points {
		x, y := p.Values[0].(float64), p.Values[1].(float64)
		if x < r.Low || x > r.High || y < 0.2 || y > 0.6 {
			t.Errorf("point %d = (%v, %v): outside [%v, %v] × [0.2, 0.6]", i, x, y, r.Low, r.High)
		}
		if p.Scenario.Model.TieAccept != x {
			t.Errorf("point %d's scenario has tie_accept %v, want %v", i, p.Scenario.Model.TieAccept, x)
		}
		if i%3 > 0 {
			moved := 0
			for k := range p.Values {
				if p.Values[k] != points[i-1].Values[k] {
					moved++
				}
			}
			if moved != 1 {
				t.Errorf("step to point %d moves %d keys, want 1", i, moved)
			}
		}
	}
	if *s.Sweep.Params[0].Min != r.Low || *s.Sweep.Params[0].Max != r.High {
		t.Error("the resolved scenario does not record the plausible range it swept")
	}
}

// TestSobolSweepPoints: a Sobol sweep of k keys from N base rows has
// N(k + 2) points.
func TestSobolSweepPoints(t *testing.T) {
	s := loadSweep(t, "[sweep]\nmethod = \"sobol\"\npoints = 4\n[[sweep.param]]\nkey = \"model.tie_accept\"\n[[sweep.param]]\nkey = \"model.peer_relation_effect\"\n[[sweep.param]]\nkey = \"policy.pairs.teacher_ties\"\nmin = 0.0\nmax = 4.0\n")
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 4*5 {
		t.Fatalf("%d points, want 20", len(points))
	}
	for _, p := range points {
		if v, ok := p.Values[2].(int64); !ok || v < 0 || v > 4 {
			t.Errorf("teacher_ties = %v, want a whole number in [0, 4]", p.Values[2])
		}
	}
}

// TestTableSweep: a table sweep runs the rows of its CSV design, its keys
// from the header; bad designs are refused with the file, line and key.
func TestTableSweep(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("design.csv", "model.tie_accept,policy.pairs.focus\n0.5,general\n# a comment\n0.7,attainment\n")
	s, err := Load(write("table.toml", sweepBase+"[sweep]\nmethod = \"table\"\ndesign = \"design.csv\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || points[1].Values[0] != 0.7 || points[1].Values[1] != "attainment" || points[1].Scenario.Model.TieAccept != 0.7 {
		t.Errorf("points %+v", points)
	}
	for _, tt := range []struct {
		name, design, sweep, want string
	}{
		{"bad cell", "model.tie_accept\n0.5\nhigh\n", "", "design.csv:3: model.tie_accept: point 1: \"high\": the key takes a finite number"},
		{"unknown key", "model.tie_acept\n0.5\n", "", "design.csv:1: model.tie_acept"},
		{"short row", "model.tie_accept,model.peer_relation_effect\n0.5,0.2\n0.6\n", "", "design.csv:3"},
		{"no points", "model.tie_accept\n", "", "design.csv:2: no points"},
		{"out of range", "model.tie_accept\n0.5\n3\n", "", "design.csv:3: model.tie_accept: point 1: must be in [0,1] (chance), got 3"},
		{"params as well", "model.tie_accept\n0.5\n", "[[sweep.param]]\nkey = \"model.tie_accept\"\n", "leave out [[sweep.param]]"},
		{"missing file", "", "", "cannot read design \"none.csv\""},
		{"design for grid", "model.tie_accept\n0.5\n", "", "sweep.design: only for method table"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name := "design.csv"
			method := "table"
			switch tt.name {
			case "missing file":
				name = "none.csv"
			case "design for grid":
				method = "grid"
			}
			write("design.csv", tt.design)
			s, err := Load(write("bad.toml", sweepBase+"[sweep]\nmethod = \""+method+"\"\ndesign = \""+name+"\"\n"+tt.sweep))
			if err == nil {
				_, err = s.SweepPoints()
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want a *scenarios.Error containing %q", err, tt.want)
			}
		})
	}
}

// TestBrokenSensitivitySweeps: keys only some methods take, and params a
// morris or sobol sweep cannot vary.
func TestBrokenSensitivitySweeps(t *testing.T) {
	const param = "[[sweep.param]]\n"
	for _, tt := range []struct{ name, src, key, msg string }{
		{"values for morris", "[sweep]\nmethod = \"morris\"\n" + param + "key = \"model.tie_accept\"\nvalues = [0.1]\n", "sweep.param[1].values", "values are for method grid"},
		{"no plausible range", "[sweep]\nmethod = \"morris\"\n" + param + "key = \"policy.pairs.mentoring_intensity\"\n", "sweep.param[1]", "no plausible range"},
		{"half a range", "[sweep]\nmethod = \"sobol\"\n" + param + "key = \"model.tie_accept\"\nmin = 0.5\n", "sweep.param[1]", "both min and max"},
		{"a string key", "[sweep]\nmethod = \"sobol\"\n" + param + "key = \"policy.pairs.focus\"\n", "sweep.param[1].key", "not a number"},
		{"odd levels", "[sweep]\nmethod = \"morris\"\nlevels = 3\n" + param + "key = \"model.tie_accept\"\n", "sweep.levels", "even"},
		{"trajectories for sobol", "[sweep]\nmethod = \"sobol\"\ntrajectories = 3\n" + param + "key = \"model.tie_accept\"\n", "sweep.trajectories", "only for method morris"},
		{"no design", "[sweep]\nmethod = \"table\"\n", "sweep.design", "method table needs design"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("broken.toml", []byte(sweepBase+tt.src))
			var e *Error
			if !errors.As(err, &e) || e.Key != tt.key || e.Line == 0 || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v (key %q), want key %s with a line and %q", err, keyOf(e), tt.key, tt.msg)
			}
		})
	}
}

func keyOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Key
}
