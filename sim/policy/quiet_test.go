package policy

import (
	"fmt"
	"reflect"
	"testing"

	"schoolnet/sim"
)

// loud hides a policy's QuietWeek from the engine, so that every week of
// a year with it runs week by week.
type loud struct{ sim.Policy }

// TestQuietWeeksSameAsWeekByWeek runs every policy kind, alone, from year
// 1 on and in years 2–3 of 4 (before its start, active, ended), once as
// it is, so that the engine runs its quiet weeks a school at a time
// (sim.Quiet), and once with QuietWeek hidden, week by week: the records
// and every school's whole state must be the same, on 1 and 3 workers.
// It also checks that the quiet weeks are there to take: in the last
// year, every kind is quiet from week 1 once it has ended, and rotation,
// teacher transfers and school choice while they are active too.
func TestQuietWeeksSameAsWeekByWeek(t *testing.T) {
	quietActive := map[string]bool{"rotation": true, "transfer-incentive": true, "school-choice": true}
	for _, kind := range Kinds() {
		for _, years := range [][2]int{{1, 0}, {2, 3}} {
			for _, workers := range []int{1, 3} {
				s := spec(t, kind)
				s.Base().Start, s.Base().End = years[0], years[1]
				if err := check(s); err != nil {
					t.Fatalf("%s: %v", kind, err)
				}
				cfg := testConfig(7, s)
				cfg.Workers = workers
				fresh := cfg.Policies
				var ran []sim.Policy
				cfg.Policies = func() []sim.Policy { ran = fresh(); return ran }
				eq, recsQ := run(t, cfg, nil)
				cfg.Policies = func() []sim.Policy {
					ps := fresh()
					for i, p := range ps {
						ps[i] = loud{p}
					}
					return ps
				}
				ew, recsW := run(t, cfg, nil)
				name := fmt.Sprintf("%s in years %d–%d, %d workers", kind, years[0], years[1], workers)
				if !reflect.DeepEqual(recsQ, recsW) {
					t.Errorf("%s: records differ from week by week", name)
				}
				for i := range ew.Population().Schools {
					if !reflect.DeepEqual(eq.Population().Schools[i], ew.Population().Schools[i]) {
						t.Fatalf("%s: school %d differs from week by week", name, i)
					}
				}
				last := sim.Clock{Year: cfg.Years, Week: 1, WeeksPerYear: cfg.WeeksPerYear}
				want := years[1] != 0 || quietActive[kind]
				if got := ran[0].(sim.Quiet).QuietWeek(eq.World(), last); got != want {
					t.Errorf("%s: quiet in week 1 of year %d is %v, want %v", name, cfg.Years, got, want)
				}
			}
		}
	}
}
