package sim

import (
	"context"
	"reflect"
	"testing"

	"schoolnet/agents"
)

// smallConfig is a quick world: 2 districts of 4 schools, 12 weeks a year.
func smallConfig(seed uint64) Config {
	pop := agents.DefaultPopulation()
	pop.Districts, pop.SchoolsPerDistrict = 2, 4
	pop.StaffHistoryYears = 5
	return Config{Seed: seed, Years: 2, WeeksPerYear: 12, SpinUpYears: 1,
		Population: pop, Params: agents.DefaultParams()}
}

func TestReplicateSameForAnyWorkers(t *testing.T) {
	cfg := smallConfig(7)
	one, err := Replicate(context.Background(), cfg, 3, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{2, 4, 16} {
		many, err := Replicate(context.Background(), cfg, 3, workers, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, many) {
			t.Errorf("records with %d workers differ from 1 worker", workers)
		}
	}
}

func TestEngineWorkersStepSchoolsIdentically(t *testing.T) {
	// One replication, the per-school phase alone in parallel.
	run := func(workers int) []YearRecord {
		cfg := smallConfig(11)
		cfg.Workers = workers
		e, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var out []YearRecord
		if err := e.Run(context.Background(), func(y YearRecord) { out = append(out, y) }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if a, b := run(1), run(4); !reflect.DeepEqual(a, b) {
		t.Error("1 worker and 4 workers give different records")
	}
}

// TestYearWithoutPoliciesSameAsWeekByWeek checks the engine's school-by-
// school year (schoolYear), which runs one school through all its weeks
// before the next: the records and every school (students, ties,
// teachers, pipelines, streams) must be those of the same years run week
// by week for the whole system, as years with policies run; through
// RunYear and through Lockstep, whose spin-up years take the same path.
func TestYearWithoutPoliciesSameAsWeekByWeek(t *testing.T) {
	weekly := func(e *Engine, y int, emit func(YearRecord)) {
		if err := e.weekByWeek(context.Background(), y); err != nil {
			t.Fatal(err)
		}
		e.endYear(y, emit)
	}
	for _, workers := range []int{1, 3} {
		cfg := smallConfig(5)
		cfg.Workers = workers
		var e [3]*Engine
		for k := range e {
			var err error
			if e[k], err = New(cfg); err != nil {
				t.Fatal(err)
			}
		}
		var recs [3][]YearRecord
		for y := 1 - cfg.SpinUpYears; y <= cfg.Years; y++ {
			if err := e[0].RunYear(context.Background(), y, func(r YearRecord) { recs[0] = append(recs[0], r) }); err != nil {
				t.Fatal(err)
			}
			weekly(e[1], y, func(r YearRecord) { recs[1] = append(recs[1], r) })
		}
		err := Lockstep(context.Background(), e[2:], []agents.Mediator{agents.MediatorNone}, cfg.Years, nil,
			func(_ int, r YearRecord) { recs[2] = append(recs[2], r) })
		if err != nil {
			t.Fatal(err)
		}
		for k, name := range []string{"RunYear", "", "Lockstep"} {
			if k == 1 {
				continue
			}
			if len(recs[k]) != cfg.Years+1 || !reflect.DeepEqual(recs[k], recs[1]) { // year 0 and the simulated years
				t.Errorf("%d workers, %s: records differ from the week-by-week ones", workers, name)
			}
			for i := range e[k].world.Pop.Schools {
				if !reflect.DeepEqual(e[k].world.Pop.Schools[i], e[1].world.Pop.Schools[i]) {
					t.Fatalf("%d workers, %s: school %d differs from the week-by-week one", workers, name, i)
				}
			}
			if e[k].world.Clock != e[1].world.Clock || e[k].env.Year != e[1].env.Year {
				t.Errorf("%d workers, %s: clock %+v in year %d; week by week %+v in year %d", workers, name,
					e[k].world.Clock, e[k].env.Year, e[1].world.Clock, e[1].env.Year)
			}
		}
	}
}

func TestDifferentSeedsDiffer(t *testing.T) {
	a, err := Replicate(context.Background(), smallConfig(1), 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Replicate(context.Background(), smallConfig(2), 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, b) {
		t.Error("seeds 1 and 2 gave identical records")
	}
	// Replications of one run differ from each other too.
	c, err := Replicate(context.Background(), smallConfig(1), 2, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(c[0][1:], c[1][1:]) {
		t.Error("replications 0 and 1 gave identical records")
	}
}

func TestStreamsIndependent(t *testing.T) {
	seen := map[uint64]string{}
	for rep := range 3 {
		for _, p := range []Purpose{PurposeCity, PurposeSchool, PurposePolicy} {
			for e := range 50 {
				x := Stream(9, rep, p, e).Uint64()
				if prev, ok := seen[x]; ok {
					t.Fatalf("stream (%d,%d,%d) starts like %s", rep, p, e, prev)
				}
				seen[x] = "another stream"
			}
		}
	}
	if Stream(9, 1, PurposeSchool, 3).Uint64() != Stream(9, 1, PurposeSchool, 3).Uint64() {
		t.Error("equal arguments gave different streams")
	}
}

// TestYearBoundaryConservation follows every student and teacher across
// each year end: graduates are exactly the top grade, everyone else moves
// up one grade, the intake is new, nobody is lost or duplicated.
func TestYearBoundaryConservation(t *testing.T) {
	cfg := smallConfig(3)
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	top := uint8(cfg.Population.Grades - 1)
	everStudent := map[int64]bool{}
	everTeacher := map[int64]bool{}
	for y := 1 - cfg.SpinUpYears; y <= cfg.Years; y++ {
		before := map[int64]uint8{}
		teachersBefore := map[int64]bool{}
		nTeachers := make([]int, len(e.Population().Schools))
		for si := range e.Population().Schools {
			s := &e.Population().Schools[si]
			for _, st := range s.Students {
				before[st.ID] = st.Grade
				everStudent[st.ID] = true
			}
			for _, tc := range s.Teachers {
				teachersBefore[tc.ID] = true
				everTeacher[tc.ID] = true
			}
			nTeachers[si] = len(s.Teachers)
		}
		var leavers, graduates int
		for _, g := range before {
			if g == top {
				graduates++
			}
		}
		var rec YearRecord
		if err := e.RunYear(context.Background(), y, func(r YearRecord) { rec = r }); err != nil {
			t.Fatal(err)
		}
		after := map[int64]bool{}
		intake := 0
		for si := range e.Population().Schools {
			s := &e.Population().Schools[si]
			for _, st := range s.Students {
				if after[st.ID] {
					t.Fatalf("year %d: student %d appears twice", y, st.ID)
				}
				after[st.ID] = true
				g, old := before[st.ID]
				switch {
				case !old && everStudent[st.ID]:
					t.Fatalf("year %d: student %d came back", y, st.ID)
				case !old:
					intake++
					if st.Grade != 0 {
						t.Errorf("year %d: new student %d in grade %d", y, st.ID, st.Grade)
					}
				case g == top:
					t.Errorf("year %d: graduate %d still enrolled", y, st.ID)
				case st.Grade != g+1:
					t.Errorf("year %d: student %d went from grade %d to %d", y, st.ID, g, st.Grade)
				}
			}
			if len(s.Teachers) != nTeachers[si] {
				t.Errorf("year %d school %d: %d teachers, had %d", y, si, len(s.Teachers), nTeachers[si])
			}
			for _, tc := range s.Teachers {
				if !teachersBefore[tc.ID] && everTeacher[tc.ID] {
					t.Errorf("year %d: teacher %d came back", y, tc.ID)
				}
			}
			leavers += int(s.Leavers)
		}
		for id, g := range before {
			if g != top && !after[id] {
				t.Errorf("year %d: student %d (grade %d) lost", y, id, g)
			}
		}
		if len(after) != len(before)-graduates+intake {
			t.Errorf("year %d: %d students after, want %d - %d graduates + %d intake",
				y, len(after), len(before), graduates, intake)
		}
		gone := 0
		for id := range teachersBefore {
			found := false
			for si := range e.Population().Schools {
				for _, tc := range e.Population().Schools[si].Teachers {
					found = found || tc.ID == id
				}
			}
			if !found {
				gone++
			}
		}
		if gone != leavers {
			t.Errorf("year %d: %d teachers gone, %d leavers counted", y, gone, leavers)
		}
		if y >= 0 {
			var enrol int
			for i := range rec.Schools {
				all := rec.Schools[i].All()
				enrol += all.N
			}
			if enrol != len(before) {
				t.Errorf("year %d: records count %d students, population had %d", y, enrol, len(before))
			}
		}
	}
}

func TestBaselineStaysNearReference(t *testing.T) {
	// Without policies, the population is at its steady state: the
	// composite stays near 0 SD and the tiers keep their order.
	cfg := smallConfig(5)
	cfg.Population.Districts, cfg.Population.SchoolsPerDistrict = 2, 10
	cfg.Years, cfg.WeeksPerYear, cfg.SpinUpYears = 4, 20, 4
	recs, err := Replicate(context.Background(), cfg, 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range recs[0] {
		m := Summarise(y)
		if all := m.Groups[0].Composite; all < -0.1 || all > 0.1 {
			t.Errorf("year %d: composite %.3f SD, want within 0.1 of the baseline", y.Year, all)
		}
		if !(m.Groups[1].Composite > m.Groups[2].Composite && m.Groups[2].Composite > m.Groups[3].Composite) {
			t.Errorf("year %d: tiers out of order: %.3f %.3f %.3f", y.Year,
				m.Groups[1].Composite, m.Groups[2].Composite, m.Groups[3].Composite)
		}
	}
}
