package agents

import (
	"math"
	"math/rand/v2"
	"testing"
)

// testWeeks is the length of a school year in the mechanism tests, as in
// the default scenario.
const testWeeks = 40

// testSpec returns a one-district population of the given number of
// schools, each with classes classes per grade of 45 students in 3 grades,
// and a short staff history so that generation is quick. With three schools
// the district holds one school of each tier; with one or two, only average
// schools.
func testSpec(schools, classes int) PopulationSpec {
	spec := DefaultPopulation()
	spec.Districts, spec.SchoolsPerDistrict = 1, schools
	spec.StaffHistoryYears = 3
	for t := range Tier(NumTiers) {
		spec.Tier(t).ClassesPerGrade = classes
	}
	return spec
}

// stream returns a PCG stream for the tests.
func stream(a, b uint64) *rand.Rand { return rand.New(rand.NewPCG(a, b)) }

// world is a generated population with the environment a step reads.
type world struct {
	pop *Population
	par Params
	ref Reference
	env Env
}

// newWorld generates spec with par from seed, fills every school's resource
// pipeline and measures the reference, as the engine does before spin-up.
// Two worlds made from the same arguments are identical, random streams
// included, so a treated copy and its control share their noise.
func newWorld(t testing.TB, spec PopulationSpec, par Params, seed uint64) *world {
	t.Helper()
	if err := par.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	w := &world{par: par}
	src := make([]*rand.PCG, spec.NumSchools())
	w.pop = Generate(spec, &w.par, stream(seed, 1<<40), func(i int) *rand.Rand {
		src[i] = rand.NewPCG(seed, uint64(i))
		return rand.New(src[i])
	})
	for i := range w.pop.Schools {
		FillPipeline(&w.pop.Schools[i], testWeeks)
		w.pop.Schools[i].SetSource(src[i]) // as the engine does: the student step needs it
	}
	w.ref = MeasureReference(w.pop.Schools, spec.Grades, &w.par)
	w.env = Env{Par: &w.par, Ref: &w.ref, WeeksPerYear: testWeeks, Grades: spec.Grades, Year: 1}
	return w
}

// school returns the first school of tier t, failing the test if there is
// none.
func (w *world) school(t testing.TB, tier Tier) *School {
	t.Helper()
	for i := range w.pop.Schools {
		if s := &w.pop.Schools[i]; s.Tier == tier {
			return s
		}
	}
	t.Fatalf("no %s school in the test population", tier)
	return nil
}

// stepWeeks runs n weeks of StepSchool on every school of w.
func (w *world) stepWeeks(n int) {
	for range n {
		for i := range w.pop.Schools {
			StepSchool(&w.pop.Schools[i], &w.env)
		}
	}
}

// meanComposite is the mean over w's students of their composite
// achievement, in SD of the reference grade, as reports show it.
func (w *world) meanComposite() float64 {
	var all StudentSums
	for i := range w.pop.Schools {
		rec := Measure(&w.pop.Schools[i], &w.env)
		sums := rec.All()
		all.Add(&sums)
	}
	return all.Mean(all.Composite)
}

// tieWeeks runs n weeks of PeerTieUpdate alone on every student of s.
func tieWeeks(s *School, env *Env, n int) {
	for range n {
		wk := newWeek(s, env)
		for i := range s.Students {
			PeerTieUpdate(s, i, wk)
		}
	}
}

// tieMix summarises who is tied to whom in a school.
type tieMix struct {
	Ties  int     // mutual ties, each counted once
	Cross int     // ties between a migrant and a local student
	Gap   float64 // mean |Ā_i − Ā_j| over ties
}

// CrossShare returns the share of ties between a migrant and a local student.
func (m tieMix) CrossShare() float64 { return float64(m.Cross) / float64(max(1, m.Ties)) }

// ties counts the peer ties of s, checking that every tie is stored at both
// ends.
func ties(t testing.TB, s *School) tieMix {
	t.Helper()
	var m tieMix
	for i := range s.Students {
		for _, j := range s.TieTo[i*TiesPerStudent : (i+1)*TiesPerStudent] {
			if j < 0 {
				continue
			}
			if !tied(s, int(j), i) {
				t.Fatalf("tie %d→%d is not stored at %d", i, j, j)
			}
			if int(j) < i {
				continue
			}
			a, b := &s.Students[i], &s.Students[j]
			m.Ties++
			if a.Migrant != b.Migrant {
				m.Cross++
			}
			m.Gap += math.Abs(a.MeanAchievement() - b.MeanAchievement())
		}
	}
	m.Gap /= float64(max(1, m.Ties))
	return m
}

// randomMixing returns the tie mix that random mixing gives: the expected
// cross-group share and mean achievement gap of a tie formed by a student
// meeting a classmate with chance TieSameClass and otherwise anyone of the
// same grade, regardless of who they are.
func randomMixing(s *School, p *Params) (crossShare, gap float64) {
	// mean of f(i, j) over j in [lo, hi), j ≠ i
	mean := func(i, lo, hi int) (cross, gap float64) {
		a := &s.Students[i]
		for j := lo; j < hi; j++ {
			if j == i {
				continue
			}
			b := &s.Students[j]
			if a.Migrant != b.Migrant {
				cross++
			}
			gap += math.Abs(a.MeanAchievement() - b.MeanAchievement())
		}
		n := float64(max(1, hi-lo-1))
		return cross / n, gap / n
	}
	cpg := int(s.ClassesPerGrade)
	for i := range s.Students {
		lo, hi := s.Class(s.ClassOf(i))
		cc, cg := mean(i, lo, hi)
		g := int(s.Students[i].Grade)
		glo, _ := s.Class(g * cpg)
		_, ghi := s.Class((g+1)*cpg - 1)
		gc, gg := mean(i, glo, ghi)
		crossShare += p.TieSameClass*cc + (1-p.TieSameClass)*gc
		gap += p.TieSameClass*cg + (1-p.TieSameClass)*gg
	}
	n := float64(len(s.Students))
	return crossShare / n, gap / n
}

// colleagues is a Colleague over a fixed set of teachers, keyed by ID.
func colleagues(ts ...Teacher) Colleague {
	byID := make(map[int64]*Teacher, len(ts))
	for i := range ts {
		byID[ts[i].ID] = &ts[i]
	}
	return func(_ int32, id int64) (*Teacher, bool) {
		t, ok := byID[id]
		return t, ok
	}
}

// staffSnapshot returns a Colleague that finds the teachers of s as they
// stand now, as the engine's year-end snapshot does.
func staffSnapshot(s *School) Colleague {
	return colleagues(append([]Teacher(nil), s.Teachers...)...)
}
