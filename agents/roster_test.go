package agents

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestProjectLatLon checks the equirectangular projection against
// distances on the sphere: 0.01° of latitude is 1.112 km everywhere, 0.01°
// of longitude 1.112·cos φ km, and the origin is the centroid.
func TestProjectLatLon(t *testing.T) {
	lat := []float64{31.10, 31.11, 31.10}
	lon := []float64{121.40, 121.40, 121.41}
	origin, x, y := ProjectLatLon(lat, lon)
	if math.Abs(origin[0]-31.103333333) > 1e-6 || math.Abs(origin[1]-121.403333333) > 1e-6 {
		t.Errorf("origin = %v, want the centroid (31.1033, 121.4033)", origin)
	}
	deg := EarthRadiusKm * math.Pi / 180 / 100 // km in 0.01°
	tests := []struct {
		name      string
		a, b      int
		want, tol float64
	}{
		{"north", 0, 1, deg, 1e-9},
		{"east", 0, 2, deg * math.Cos(origin[0]*math.Pi/180), 1e-9},
	}
	for _, tt := range tests {
		got := math.Hypot(x[tt.b]-x[tt.a], y[tt.b]-y[tt.a])
		if math.Abs(got-tt.want) > tt.tol {
			t.Errorf("%s: %.6f km, want %.6f", tt.name, got, tt.want)
		}
	}
	// The centroid projects to (0, 0): the coordinates sum to zero.
	if sx, sy := x[0]+x[1]+x[2], y[0]+y[1]+y[2]; math.Abs(sx) > 1e-9 || math.Abs(sy) > 1e-9 {
		t.Errorf("coordinates sum to (%g, %g), want (0, 0)", sx, sy)
	}
}

func ptr[T any](x T) *T { return &x }

// rosterSpec is testSpec with a roster of the given schools in one
// district.
func rosterSpec(schools ...RosterSchool) PopulationSpec {
	spec := testSpec(len(schools), 2)
	spec.Roster = &Roster{File: "test.csv", Districts: []string{"one"}, Schools: schools}
	return spec
}

// TestRosterFill checks that what a row leaves out comes from its tier's
// profile, that the tier comes from prior achievement when left out, and
// that the filling is reported.
func TestRosterFill(t *testing.T) {
	spec := rosterSpec(
		RosterSchool{ID: "a", Tier: "weak", Enrolment: 270, MigrantShare: ptr(0.8)},
		RosterSchool{ID: "b", PriorAchievement: ptr(0.9), Enrolment: 540},
		RosterSchool{ID: "c", PriorAchievement: ptr(-0.1), Enrolment: 1000, Teachers: ptr(40), PrincipalTenure: ptr(12.0)},
	)
	plans, notes, err := spec.Roster.plan(&spec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"a: its tier", plans[0].tier, Weak},
		{"a: its own migrant share", plans[0].profile.MigrantShare, 0.8},
		{"a: weak tier's SES", plans[0].profile.SESMean, spec.Weak.SESMean},
		{"a: weak tier's intake mean", plans[0].profile.IntakeMean, spec.Weak.IntakeMean},
		{"a: 270 students are 2 classes of 45 a grade", [2]int{plans[0].profile.ClassesPerGrade, plans[0].classSize}, [2]int{2, 45}},
		{"a: teachers by the rule (6 classes)", plans[0].perSubject, 3},
		{"a: tenure drawn", plans[0].tenure, -1.0},
		{"b: strong from prior achievement 0.9", plans[1].tier, Strong},
		{"b: its own intake mean", plans[1].profile.IntakeMean, 0.9},
		{"b: strong tier's leadership", plans[1].profile.Leadership, spec.Strong.Leadership},
		{"c: average from prior achievement -0.1", plans[2].tier, Average},
		{"c: 1000 students are 7 classes of 48", [2]int{plans[2].profile.ClassesPerGrade, plans[2].classSize}, [2]int{7, 48}},
		{"c: 40 teachers are 10 per subject", plans[2].perSubject, 10},
		{"c: its tenure", plans[2].tenure, 12.0},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{
		"tier: 2 of 3 schools from prior_achievement",
		"prior_achievement: 1 of 3 schools from their tier's intake_mean",
		"migrant_share: 2 of 3 schools",
		"teachers: 2 of 3 schools from the model's rule",
		"principal_tenure: 2 of 3 schools drawn",
		"enrolment: 1 of 3 schools rounded to whole classes",
		"name: 3 of 3 schools from their id",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("the notes lack %q:\n%s", want, joined)
		}
	}
}

// TestRosterTeachersBounded: a school's teachers beyond one of a subject
// for each class are taken as one a class, and the notes say so.
func TestRosterTeachersBounded(t *testing.T) {
	spec := rosterSpec(
		RosterSchool{ID: "a", Tier: "weak", Enrolment: 270, Teachers: ptr(3000)},
		RosterSchool{ID: "b", Tier: "weak", Enrolment: 270, Teachers: ptr(12)},
	)
	plans, notes, err := spec.Roster.plan(&spec)
	if err != nil {
		t.Fatal(err)
	}
	if classes := plans[0].profile.ClassesPerGrade * spec.Grades; plans[0].perSubject != classes || plans[1].perSubject != 3 {
		t.Errorf("teachers a subject: %d and %d, want %d (one a class) and 3", plans[0].perSubject, plans[1].perSubject, classes)
	}
	if joined := strings.Join(notes, "\n"); !strings.Contains(joined, "teachers: 1 of 2 schools have more than one teacher of a subject for each class") {
		t.Errorf("the notes do not say that a school's teachers were bounded:\n%s", joined)
	}
}

// TestRosterRefusesUnusableEnrolment checks the errors that depend on the
// population: an enrolment too large for 64 classes a grade, a tier that
// cannot be derived.
func TestRosterRefusesUnusableEnrolment(t *testing.T) {
	tests := []struct {
		name   string
		school RosterSchool
		col    string
		want   string
	}{
		{"too many classes", RosterSchool{ID: "a", Tier: "weak", Enrolment: 40_000, Line: 7}, "enrolment", "296 classes"},
		{"neither tier nor prior", RosterSchool{ID: "a", Enrolment: 500, Line: 3}, "tier", "give the school's tier or its prior_achievement"},
		{"grades", RosterSchool{ID: "a", Tier: "weak", Enrolment: 500, ByGrade: []int{250, 250}, Line: 4}, "enrolment_g", "2 grade columns, but the population has 3 grades"},
	}
	for _, tt := range tests {
		spec := rosterSpec(tt.school)
		err := spec.Roster.Check(&spec)
		re, ok := err.(*RosterError)
		if !ok {
			t.Errorf("%s: error %v, want a *RosterError", tt.name, err)
			continue
		}
		if re.Line != tt.school.Line || re.Column != tt.col || !strings.Contains(re.Err, tt.want) {
			t.Errorf("%s: line %d column %s %q, want line %d column %s with %q", tt.name, re.Line, re.Column, re.Err, tt.school.Line, tt.col, tt.want)
		}
	}
}

// TestRosterOfMakesTheSameSchools checks the round trip at its root: the
// roster of a synthetic population, generated again with the same school
// streams, makes the same schools, students, teachers and principals.
func TestRosterOfMakesTheSameSchools(t *testing.T) {
	spec := testSpec(9, 3)
	spec.Districts = 2
	par := DefaultParams()
	streams := func(i int) *rand.Rand { return stream(99, uint64(i)) }
	synthetic := Generate(spec, &par, stream(99, 1<<40), streams)
	r := RosterOf(synthetic, &spec)
	if len(r.Schools) != 18 || len(r.Districts) != 2 {
		t.Fatalf("roster of %d schools in %d districts, want 18 in 2", len(r.Schools), len(r.Districts))
	}
	fromRoster := spec
	fromRoster.Roster = r
	if err := fromRoster.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := r.Check(&fromRoster); err != nil {
		t.Fatal(err)
	}
	again := Generate(fromRoster, &par, nil, streams)
	for i := range synthetic.Schools {
		a, b := &synthetic.Schools[i], &again.Schools[i]
		a.rng, b.rng = nil, nil
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("school %d differs when made from its roster", i)
		}
	}
	if got, want := fromRoster.PlannedStudents(), spec.PlannedStudents(); got != want {
		t.Errorf("planned students from the roster %g, want %g", got, want)
	}
}

// TestRosterTeachersAndTenure checks that a roster's teacher count and
// principal tenure reach the school: each subject has a quarter of the
// teachers, every class has a teacher of each subject, and the principal
// has the tenure given.
func TestRosterTeachersAndTenure(t *testing.T) {
	spec := rosterSpec(
		RosterSchool{ID: "a", Tier: "average", Enrolment: 810, Teachers: ptr(24), PrincipalTenure: ptr(7.0)},
		RosterSchool{ID: "b", Tier: "average", Enrolment: 810},
	)
	par := DefaultParams()
	pop := Generate(spec, &par, nil, func(i int) *rand.Rand { return stream(5, uint64(i)) })
	for i, want := range []int{24, 4 * 9} { // 18 classes: 9 per subject by the rule
		s := &pop.Schools[i]
		if len(s.Teachers) != want {
			t.Errorf("school %d: %d teachers, want %d", i, len(s.Teachers), want)
		}
		taught := make([]bool, len(s.Teachers))
		for c := range s.NumClasses() {
			for sub := range Subject(NumSubjects) {
				k := s.Teaching[c*NumSubjects+int(sub)]
				if s.Teachers[k].Subject != sub {
					t.Errorf("school %d class %d: the %v teacher teaches %v", i, c, sub, s.Teachers[k].Subject)
				}
				taught[k] = true
			}
		}
		for k, ok := range taught {
			if !ok {
				t.Errorf("school %d: teacher %d teaches no class", i, k)
			}
		}
	}
	p := pop.Schools[0].Principal
	if p.Experience != 7 || p.ExperienceByTier[Average] != 7 {
		t.Errorf("principal experience %v (%v by tier), want 7 in average schools", p.Experience, p.ExperienceByTier)
	}
	if gap := float64(p.Potential - p.Leadership); gap <= 0 || gap > par.NoviceGap {
		t.Errorf("leadership %v below potential %v by %v, want within (0, novice_gap]", p.Leadership, p.Potential, gap)
	}
}
