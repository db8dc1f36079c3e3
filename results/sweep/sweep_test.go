package sweep

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"schoolnet/results"
	"schoolnet/scenarios"
)

// smallSweepTOML is a quick world with a pairing and a grid of 2 × 2
// points, 2 replications each: 8 runs.
const smallSweepTOML = `name = "small-sweep"
[run]
seed = 42
years = 2
weeks_per_year = 10
spin_up_years = 1
replications = 1
[population]
districts = 2
schools_per_district = 3
staff_history_years = 3
[[policy]]
kind = "pairing"
name = "pairs"
end = 2
[sweep]
replications = 2
[[sweep.param]]
key = "policy.pairs.mentoring_intensity"
values = [0, 1]
[[sweep.param]]
key = "model.growth_per_year"
values = [0.3, 0.5]
`

func smallSweep(t testing.TB) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Parse("small-sweep.toml", []byte(smallSweepTOML))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestShardsMergeToTheWholeSweep runs the sweep whole and as three shards
// merged: the same runs.csv and points.csv, and a datapackage.json whose
// schemas are the files' headers with the swept keys typed by their
// values.
func TestShardsMergeToTheWholeSweep(t *testing.T) {
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	res, err := Run(context.Background(), smallSweep(t), Options{Out: whole, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mine != 8 || res.Ran != 8 || len(res.Missing) != 0 {
		t.Fatalf("whole sweep: %d runs, %d ran, %d missing; want 8, 8, 0", res.Mine, res.Ran, len(res.Missing))
	}
	var dirs []string
	for k := 1; k <= 3; k++ {
		dir := filepath.Join(root, "shard", string(rune('0'+k)))
		res, err := Run(context.Background(), smallSweep(t), Options{Out: dir, Shard: k, Shards: 3})
		if err != nil {
			t.Fatal(err)
		}
		if want := smallPlan(t).Shard(k, 3); res.Mine != len(want) || len(res.Missing) != 8-len(want) {
			t.Errorf("shard %d/3: %d runs, %d missing; want %d and %d", k, res.Mine, len(res.Missing), len(want), 8-len(want))
		}
		dirs = append(dirs, dir)
	}
	merged := filepath.Join(root, "merged")
	if _, err := Merge(merged, dirs[:2], Options{}); err == nil || !strings.Contains(err.Error(), "shard 3/3") {
		t.Errorf("merge without shard 3: %v, want the runs of shard 3/3 missing", err)
	}
	if _, err := Merge(merged, dirs, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"runs.csv", "points.csv", "datapackage.json"} {
		a, _ := os.ReadFile(filepath.Join(whole, f))
		b, err := os.ReadFile(filepath.Join(merged, f))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the whole sweep and the merged shards (%v)", f, err)
		}
	}
	types := []results.Type{results.Integer, results.Number}
	keys := smallPlan(t).Keys
	for file, schema := range map[string]results.Schema{"runs.csv": results.SweepRunSchema(keys, types), "points.csv": results.SweepPointSchema(keys, types)} {
		data, _ := os.ReadFile(filepath.Join(whole, file))
		header, _, _ := bytes.Cut(data, []byte("\n"))
		if got := strings.Split(string(header), ","); !slices.Equal(got, schema.Names()) {
			t.Errorf("%s header %v, schema %v", file, got, schema.Names())
		}
	}
	if pkg, _ := os.ReadFile(filepath.Join(whole, "datapackage.json")); !bytes.Contains(pkg, []byte(`"name": "model.growth_per_year",
            "type": "number"`)) {
		t.Errorf("datapackage.json does not type model.growth_per_year as a number:\n%s", pkg)
	}
}

func smallPlan(t *testing.T) *Plan {
	t.Helper()
	s := smallSweep(t)
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s, points)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMergeNotesDifferentBinaries: merge notes shards written by binaries
// of different commits, and, where the commits are unknown (built with
// -buildvcs=false), by different executables, which it tells apart by
// their SHA-256; shards of one binary get no note.
func TestMergeNotesDifferentBinaries(t *testing.T) {
	sh := func(commit, binary string) *Shard {
		return &Shard{Dir: "run-" + commit + binary, Manifest: Manifest{Commit: commit, Binary: binary}}
	}
	for _, tt := range []struct {
		name   string
		shards []*Shard
		note   string
	}{
		{"same commit", []*Shard{sh("abc", "1"), sh("abc", "2")}, ""},
		{"different commits", []*Shard{sh("abc", "1"), sh("def", "1")}, "commits abc and def"},
		{"unknown commits, same binary", []*Shard{sh("unknown", "1"), sh("unknown", "1")}, ""},
		{"unknown commits, different binaries", []*Shard{sh("unknown", "1"), sh("unknown", "2")}, "different binaries"},
		{"one commit unknown, different binaries", []*Shard{sh("abc", "1"), sh("unknown", "2")}, "different binaries"},
		{"nothing recorded", []*Shard{sh("unknown", ""), sh("unknown", "")}, "cannot check"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			note := SameBinaries(tt.shards)
			if (tt.note == "") != (note == "") || !strings.Contains(note, tt.note) {
				t.Errorf("note %q, want one with %q", note, tt.note)
			}
		})
	}
}
