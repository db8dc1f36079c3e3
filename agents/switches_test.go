package agents

import (
	"fmt"
	"strings"
	"testing"

	"schoolnet/sim/ranges"
)

// TestSwitchesNameParameters checks that every switch names a parameter,
// its off value is allowed, and the parameters switched off validate.
func TestSwitchesNameParameters(t *testing.T) {
	for _, s := range Switches {
		r, ok := ParamRanges.Lookup(s.Key)
		if !ok || !r.Contains(s.Off) {
			t.Errorf("switch of %s: %s = %g is not an allowed parameter value", s.Mechanism, s.Key, s.Off)
		}
	}
	p := DefaultParams().SwitchedOff()
	if err := p.Validate(); err != nil {
		t.Errorf("parameters with every mechanism off: %v", err)
	}
}

// TestModelDocListsSwitches checks that docs/MODEL.md's "Switching
// mechanisms off" table has a row for every switch, naming its mechanism,
// key, default and off value, and no row for a key that is no switch: a
// reader who wants the model before a mechanism finds the value there.
func TestModelDocListsSwitches(t *testing.T) {
	doc := readModelDoc(t)
	start := strings.Index(doc, " Switching mechanisms off\n")
	if start < 0 {
		t.Fatal(`docs/MODEL.md has no "Switching mechanisms off" subsection`)
	}
	sec := doc[start:]
	if end := strings.Index(sec, "\n## "); end >= 0 {
		sec = sec[:end]
	}
	def := DefaultParams()
	rows := map[string]string{}
	for _, line := range strings.Split(sec, "\n") {
		if cells := strings.Split(line, " | "); len(cells) >= 4 && strings.HasPrefix(cells[1], "`") {
			rows[strings.Trim(cells[1], "`")] = line
		}
	}
	for _, s := range Switches {
		x, _ := ranges.Get(&def, s.Key)
		want := fmt.Sprintf("| %s | `%s` | %s | %s |", s.Mechanism, s.Key, ranges.Format(x), ranges.Format(s.Off))
		if got, ok := rows[s.Key]; !ok || !strings.HasPrefix(got, want) {
			t.Errorf("docs/MODEL.md, Switching mechanisms off: row of %s is %q, want it to begin %q", s.Key, got, want)
		}
		delete(rows, s.Key)
	}
	for k := range rows {
		t.Errorf("docs/MODEL.md, Switching mechanisms off: %s has a row but is not in agents.Switches", k)
	}
}
