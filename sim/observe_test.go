package sim

import (
	"context"
	"reflect"
	"testing"

	"schoolnet/agents"
)

// TestObserveSeesEveryYearAndChangesNothing checks the Config.Observe
// hook: it is called once for each year from the baseline (year 0) to
// the last, with the replication's number and the students as the year's
// record measures them, and a run with the hook gives the same records
// as one without.
func TestObserveSeesEveryYearAndChangesNothing(t *testing.T) {
	run := func(observe func(rep, y int, pop *agents.Population, ref *agents.Reference)) [][]YearRecord {
		cfg := smallConfig(5)
		cfg.Observe = observe
		recs, err := Replicate(context.Background(), cfg, 2, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	plain := run(nil)
	var years [2][]int
	var students [2][]int
	watched := run(func(rep, y int, pop *agents.Population, ref *agents.Reference) {
		if ref == nil || len(ref.GradeMean) != pop.Spec.Grades {
			t.Errorf("replication %d year %d: no reference", rep, y)
		}
		years[rep] = append(years[rep], y)
		students[rep] = append(students[rep], pop.NumStudents())
	})
	if !reflect.DeepEqual(plain, watched) {
		t.Error("records with an observer differ from records without")
	}
	for rep := range 2 {
		if !reflect.DeepEqual(years[rep], []int{0, 1, 2}) {
			t.Errorf("replication %d: observed years %v, want [0 1 2]", rep, years[rep])
		}
		for k, y := range years[rep] {
			var n int
			for _, s := range plain[rep][y].Schools {
				all := s.All()
				n += all.N
			}
			if students[rep][k] != n {
				t.Errorf("replication %d year %d: observed %d students, the record measures %d", rep, y, students[rep][k], n)
			}
		}
	}
}
