// Package rangestest checks documentation tables against range tables.
package rangestest

import (
	"os"
	"strings"
	"testing"

	"schoolnet/sim/ranges"
)

// AllowedColumn checks, in the sections of the markdown file path
// whose headings start with one of sections, that every row of a key in
// table has the key's allowed range in its third column, and that every
// key of table has a row. With update it rewrites the column instead.
func AllowedColumn(t testing.TB, path string, sections []string, table ranges.Table, update bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	seen := map[string]bool{}
	in := false
	for i, line := range lines {
		if strings.HasPrefix(line, "#") {
			in = false
			for _, s := range sections {
				in = in || strings.HasPrefix(line, s)
			}
		}
		if !in || !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(line, " | ")
		r, ok := table.Lookup(strings.Trim(cols[0], "| `"))
		if !ok || len(cols) < 4 {
			continue
		}
		seen[r.Key] = true
		if want := "[" + ranges.Format(r.Min) + ", " + ranges.Format(r.Max) + "]"; cols[2] != want {
			if update {
				cols[2] = want
				lines[i] = strings.Join(cols, " | ")
			} else {
				t.Errorf("%s: %s: allowed %q, want %q (-update rewrites it)", path, r.Key, cols[2], want)
			}
		}
	}
	for _, r := range table {
		if !seen[r.Key] {
			t.Errorf("%s: no row for %s", path, r.Key)
		}
	}
	if update {
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
