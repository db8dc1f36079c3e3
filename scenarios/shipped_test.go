package scenarios

import (
	"context"
	"path/filepath"
	"testing"

	"schoolnet/sim"
)

// TestShippedScenariosRun validates every shipped scenario and runs one
// short replication of it: smaller classes and fewer weeks, the same
// schools, years and policies.
func TestShippedScenariosRun(t *testing.T) {
	for _, info := range Embedded() {
		t.Run(info.Name, func(t *testing.T) {
			s, err := Load(info.Name)
			if err != nil {
				t.Fatal(err)
			}
			s.Population.ClassSize = 8
			s.Population.StaffHistoryYears = 3
			s.Run.WeeksPerYear, s.Run.SpinUpYears = 4, 1
			recs, err := sim.Replicate(context.Background(), s.Config(2), 1, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(recs[0]), s.Run.Years+1; got != want {
				t.Fatalf("%d yearly records, want %d", got, want)
			}
			for i, p := range s.Policies {
				ever := false
				for _, r := range recs[0][len(recs[0])-1].Schools {
					ever = ever || r.Member.Treated&(1<<uint(i)) != 0
				}
				if !ever {
					t.Errorf("policy %d (%s) treated no school", i, p.Base().Kind)
				}
			}
		})
	}
}

// TestDocsScenariosLoad: the scenario files docs/ quotes commands with are
// valid scenarios.
func TestDocsScenariosLoad(t *testing.T) {
	files, _ := filepath.Glob("../docs/*.toml")
	if len(files) == 0 {
		t.Fatal("no scenario files in docs/")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
