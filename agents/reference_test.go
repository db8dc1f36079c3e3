package agents

import (
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
)

// TestReferenceGradeCentre checks MeasureReference's grade centres: at
// generation (no weeks yet) they are the grades as they are; after a
// spin-up year of weeks they are the means of what LearningGrowth read,
// week by week, so the first grade, which starts the year without ties,
// is centred below the population's year-end peer relations; and with
// reference_grade_weight 0 every centre is exactly the population's
// year-end mean, the centring before issue 11.
func TestReferenceGradeCentre(t *testing.T) {
	spec := testSpec(3, 2)
	for _, weight := range []float64{1, 0} {
		par := DefaultParams()
		par.ReferenceGradeWeight = weight
		w := newWorld(t, spec, par, 11)
		w.env.Year = 0 // a spin-up year: StepSchool accumulates the weeks
		for range 2 {  // two years, so that every grade has ties
			w.stepWeeks(testWeeks)
			w.ref = MeasureReference(w.pop.Schools, spec.Grades, &w.par)
			for i := range w.pop.Schools {
				SchoolYear(&w.pop.Schools[i], &w.env)
			}
		}
		w.stepWeeks(testWeeks)
		ref := MeasureReference(w.pop.Schools, spec.Grades, &w.par)
		for i := range w.pop.Schools {
			for _, y := range w.pop.Schools[i].year {
				if y != (yearSums{}) {
					t.Fatalf("weight %g: MeasureReference left school %d's weekly sums uncleared", weight, i)
				}
			}
		}
		first := ref.Centre[0]
		switch weight {
		case 0:
			for g, c := range ref.Centre {
				if c.PeerRelations != ref.PeerRelations || c.Engagement != ref.Engagement || c.Achievement != ref.GradeMean[g] {
					t.Errorf("weight 0: grade %d centre %+v, want the population's year-end means exactly", g, c)
				}
			}
		case 1:
			if first.PeerRelations >= ref.PeerRelations-0.05 {
				t.Errorf("weight 1: first grade's year-mean peer relations %.3f, want clearly below the population's year-end %.3f", first.PeerRelations, ref.PeerRelations)
			}
			for g, c := range ref.Centre {
				// The year's mean achievement lies below the grade's year-end
				// mean by about half a year's growth.
				for k := range NumSubjects {
					if d := ref.GradeMean[g][k] - c.Achievement[k]; d <= 0 || d > par.GrowthPerYear {
						t.Errorf("weight 1: grade %d subject %d: year-end mean exceeds the year's mean by %.3f, want in (0, %.2f]", g, k, d, par.GrowthPerYear)
					}
				}
				if math.IsNaN(c.PeerRelations) || c.PeerRelations < 0 || c.PeerRelations > 1 {
					t.Errorf("weight 1: grade %d peer relations centre %v, want in [0,1]", g, c.PeerRelations)
				}
			}
		}
	}
}

// TestReferenceAtGeneration checks that without accumulated weeks the
// centres are the grades' present means.
func TestReferenceAtGeneration(t *testing.T) {
	spec := testSpec(3, 2)
	par := DefaultParams()
	w := newWorld(t, spec, par, 5)
	for g, c := range w.ref.Centre {
		if c.Achievement != w.ref.GradeMean[g] {
			t.Errorf("grade %d: centre achievement %v, want the grade mean %v", g, c.Achievement, w.ref.GradeMean[g])
		}
	}
}

// concurrently is an each (see GenerateEach) that calls fn on n
// goroutines at once, in no particular order.
func concurrently(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}

// TestReferenceEachSame checks that measuring the reference with its SES
// sort on concurrent goroutines gives exactly the sequential reference,
// SES quartiles included, for school counts that make odd and even
// rounds of merging, and that sortedSES is the sorted SES of every
// student.
func TestReferenceEachSame(t *testing.T) {
	for _, schools := range []int{1, 2, 3, 5, 8} {
		spec := testSpec(schools, 2)
		w := newWorld(t, spec, DefaultParams(), 13)
		var all []float64
		for i := range w.pop.Schools {
			for _, st := range w.pop.Schools[i].Students {
				all = append(all, float64(st.SES))
			}
		}
		slices.Sort(all)
		if got := sortedSES(w.pop.Schools, concurrently); !slices.Equal(got, all) {
			t.Errorf("%d schools: sortedSES is not the sorted SES of every student", schools)
		}
		seq := MeasureReference(w.pop.Schools, spec.Grades, &w.par)
		par := MeasureReferenceEach(w.pop.Schools, spec.Grades, &w.par, concurrently)
		if !reflect.DeepEqual(seq, par) {
			t.Errorf("%d schools: the reference measured concurrently differs:\n%+v\nwant\n%+v", schools, par, seq)
		}
	}
}
