package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsRefusedBeforeAnyWork: an output path that cannot be written,
// or that holds a file schoolnet did not write, is refused with exit 2
// before anything is simulated, and the file there is left as it was:
// the report of compare, given the scenario's own name by mistake, must
// not overwrite the scenario.
func TestOutputsRefusedBeforeAnyWork(t *testing.T) {
	dir := t.TempDir()
	scn := filepath.Join(dir, "mine.toml")
	notes := filepath.Join(dir, "notes.txt")
	folder := filepath.Join(dir, "folder")
	files := map[string]string{scn: tiny, notes: "my notes\n"}
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"compare's report over the scenario", []string{"compare", scn, scn, "--report", scn, "--out", out, "--quiet"}, "--report: " + scn + " exists and is not a report that schoolnet wrote"},
		{"compare's report a folder", []string{"compare", scn, scn, "--report", folder, "--out", out, "--quiet"}, folder + " is a folder: give the name of the report file"},
		{"compare's report through a file", []string{"compare", scn, scn, "--report", filepath.Join(notes, "r.html"), "--out", out, "--quiet"}, notes + " is a file, not a folder"},
		{"report over notes", []string{"report", "--out", notes, out}, notes + " exists and is not a report that schoolnet wrote"},
		{"discover over notes", []string{"discover", out, "--better", "a", "--than", "b", "--out", notes}, notes + " exists and is not a discover.csv that schoolnet wrote"},
		{"run's folder through a file", []string{"run", scn, "--out", filepath.Join(notes, "out"), "--quiet"}, notes + " is a file, not a folder"},
		{"compare's folder through a file", []string{"compare", scn, scn, "--out", filepath.Join(notes, "out"), "--quiet"}, notes + " is a file, not a folder"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, tt.msg)
			}
			if strings.Contains(stdout, "Comparing") || strings.Contains(stdout, "year") {
				t.Errorf("it ran before refusing: %q", stdout)
			}
			for p, s := range files {
				if b, err := os.ReadFile(p); err != nil || string(b) != s {
					t.Errorf("%s changed: %q, %v", p, b, err)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was written", out)
			}
			if es, _ := os.ReadDir(folder); len(es) > 0 {
				t.Errorf("%s holds %v", folder, es)
			}
		})
	}
}
