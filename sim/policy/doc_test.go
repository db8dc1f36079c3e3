package policy

import (
	"flag"
	"os"
	"strings"
	"testing"

	"schoolnet/sim/ranges"
)

var updateDoc = flag.Bool("update", false, "rewrite the range column of docs/SCENARIOS.md's policy key tables")

// TestScenariosDocRanges checks that the range column of every numeric
// policy key in docs/SCENARIOS.md (the common keys, and each kind's own
// section) says what the kind's Ranges table says. start and end are
// documented against run.years. go test ./sim/policy -run
// ScenariosDocRanges -update rewrites the column.
func TestScenariosDocRanges(t *testing.T) {
	b, err := os.ReadFile("../../docs/SCENARIOS.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var table ranges.Table
	seen := map[string]bool{}
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "## Common policy keys"):
			table, seen = commonRanges, map[string]bool{}
		case strings.HasPrefix(line, "### "):
			kind := strings.TrimSpace(strings.TrimPrefix(line, "### "))
			table = nil
			if s, ok := NewSpec(kind); ok {
				table, seen = s.Ranges(), map[string]bool{}
				defer checkAllDocumented(t, kind, s.Ranges()[len(commonRanges):], seen)
			}
		case strings.HasPrefix(line, "## "):
			table = nil
		}
		if table == nil || !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(line, " | ")
		key := strings.Trim(cols[0], "| `")
		r, ok := table.Lookup(key)
		if !ok || key == "start" || key == "end" || len(cols) < 3 {
			continue
		}
		seen[key] = true
		want := "[" + ranges.Format(r.Min) + ", " + ranges.Format(r.Max) + "]"
		if cols[2] != want {
			if *updateDoc {
				cols[2] = want
				lines[i] = strings.Join(cols, " | ")
			} else {
				t.Errorf("docs/SCENARIOS.md: %s: range %q, want %q (go test ./sim/policy -run ScenariosDocRanges -update)", key, cols[2], want)
			}
		}
	}
	if *updateDoc {
		if err := os.WriteFile("../../docs/SCENARIOS.md", []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func checkAllDocumented(t *testing.T, kind string, own ranges.Table, seen map[string]bool) {
	for _, r := range own {
		if !seen[r.Key] {
			t.Errorf("docs/SCENARIOS.md, section %s: no row for %s", kind, r.Key)
		}
	}
}
