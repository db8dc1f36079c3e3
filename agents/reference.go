package agents

import (
	"math"
	"slices"

	"schoolnet/sim/fmath"
)

// Reference holds the baseline population's means, against which the
// mechanisms measure deviations and reports standardise achievement. The
// engine measures it at the end of each spin-up year and freezes it at the
// start of year 1, so that a policy that lifts every school is not measured
// against itself.
type Reference struct {
	// GradeMean and GradeSD are the mean and SD of latent achievement per
	// grade and subject at the year end: the scale reports use.
	GradeMean [][NumSubjects]float64
	GradeSD   [][NumSubjects]float64
	// Centre holds, per grade, what LearningGrowth and EngagementUpdate
	// measure a student's peer relations and engagement, and a class's
	// mean achievement, against (see GradeCentre).
	Centre []GradeCentre
	// SESCuts are the quartiles of the students' SES (25%, 50%, 75%):
	// SESQuartile groups students by them, so that reports can show
	// effects by SES quartile of the baseline population.
	SESCuts [3]float64
	// Means of the mediators over students (PeerRelations, Engagement, at
	// the year end), schools (Climate, Resources) and teachers (Style,
	// Effectiveness, Morale).
	PeerRelations float64
	Engagement    float64
	Climate       float64
	Resources     float64
	Style         float64
	Effectiveness float64
	Morale        float64
}

// GradeCentre is the baseline of one grade's student terms in
// LearningGrowth and EngagementUpdate: the mean over the weeks of the
// reference year of what those mechanisms read for the grade's students
// (their peer relations and engagement, and their class's mean
// achievement per subject), so that a student whose path through the year
// is the grade's average grows by exactly growth_per_year plus the
// school's terms. ReferenceGradeWeight blends it with the population's
// year-end means (weight 0 restores that earlier centring).
type GradeCentre struct {
	Achievement               [NumSubjects]float64
	PeerRelations, Engagement float64
}

// yearSums accumulates, over the weeks of a spin-up year, what one grade's
// students read in LearningGrowth: student-weeks, peer relations,
// engagement, and latent achievement per subject (the class-mean term's
// input). MeasureReference turns them into GradeCentre and clears them.
type yearSums struct {
	n, pr, eng float64
	ach        [NumSubjects]float64
}

// SESQuartile returns the SES quartile of the reference population that
// ses falls in: 0 for the bottom quarter (ses ≤ the first cut), up to 3
// for the top (ses above the third).
func (r *Reference) SESQuartile(ses float32) int {
	q := 0
	for _, c := range r.SESCuts {
		if float64(ses) > c {
			q++
		}
	}
	return q
}

// Z converts latent achievement a in subject sub of a student in grade g to
// SD units of the reference population of that grade.
func (r *Reference) Z(g uint8, sub int, a float32) float64 {
	return (float64(a) - r.GradeMean[g][sub]) / r.GradeSD[g][sub]
}

// MeasureReference computes the reference from the schools as they are,
// and the grade centres from the weeks each school accumulated since the
// last measurement (spin-up years; see StepSchool), which it clears. With
// no weeks accumulated (at generation) the centres are the present
// per-grade means. Sums run in school and agent order, so the result does
// not depend on how schools were stepped.
func MeasureReference(schools []School, grades int, par *Params) Reference {
	return MeasureReferenceEach(schools, grades, par, func(n int, fn func(i int)) {
		for i := range n {
			fn(i)
		}
	})
}

// MeasureReferenceEach is MeasureReference with the sorting of the
// students' SES, its costliest part, handed to each(n, fn), which must
// call fn(i) once for every i in [0,n), in any order and on any
// goroutines (as GenerateEach's). The sums stay sequential, in school and
// agent order, so the reference is the same whatever each does.
func MeasureReferenceEach(schools []School, grades int, par *Params, each func(n int, fn func(i int))) Reference {
	ref := Reference{
		GradeMean: make([][NumSubjects]float64, grades),
		GradeSD:   make([][NumSubjects]float64, grades),
		Centre:    make([]GradeCentre, grades),
	}
	n := make([]float64, grades)
	sumSq := make([][NumSubjects]float64, grades)
	now := make([]yearSums, grades)  // per grade, the students as they are
	year := make([]yearSums, grades) // per grade, the weeks accumulated
	var students, teachers float64
	for i := range schools {
		s := &schools[i]
		for j := range s.Students {
			st := &s.Students[j]
			n[st.Grade]++
			for k, a := range st.Achievement {
				ref.GradeMean[st.Grade][k] += float64(a)
				// float64(x*y) rounds a product before a sum, so that no machine
				// fuses the two into one multiply-add (see package fmath).
				sumSq[st.Grade][k] += float64(float64(a) * float64(a))
			}
			ref.PeerRelations += float64(st.PeerRelations)
			ref.Engagement += float64(st.Engagement)
			g := &now[st.Grade]
			g.pr += float64(st.PeerRelations)
			g.eng += float64(st.Engagement)
		}
		for g := range min(grades, len(s.year)) {
			y, w := &year[g], &s.year[g]
			y.n += w.n
			y.pr += w.pr
			y.eng += w.eng
			for k := range NumSubjects {
				y.ach[k] += w.ach[k]
			}
		}
		clear(s.year)
		students += float64(len(s.Students))
		for j := range s.Teachers {
			t := &s.Teachers[j]
			ref.Style += float64(t.Style)
			ref.Effectiveness += float64(t.Effectiveness)
			ref.Morale += float64(t.Morale)
		}
		teachers += float64(len(s.Teachers))
		ref.Climate += float64(s.Climate)
		ref.Resources += s.Resources()
	}
	for g := range grades {
		for k := range NumSubjects {
			m := ref.GradeMean[g][k] / max(1, n[g])
			ref.GradeMean[g][k] = m
			ref.GradeSD[g][k] = math.Sqrt(max(1e-12, sumSq[g][k]/max(1, n[g])-float64(m*m)))
		}
	}
	if ses := sortedSES(schools, each); len(ses) > 0 {
		for k := range ref.SESCuts {
			ref.SESCuts[k] = fmath.Quantile(float64(k+1)/4, ses)
		}
	}
	ref.PeerRelations /= max(1, students)
	ref.Engagement /= max(1, students)
	ref.Style /= max(1, teachers)
	ref.Effectiveness /= max(1, teachers)
	ref.Morale /= max(1, teachers)
	ref.Climate /= float64(max(1, len(schools)))
	ref.Resources /= float64(max(1, len(schools)))

	w := par.ReferenceGradeWeight
	// float64(x*y) rounds each product, so that no machine fuses it into
	// the sum; with w = 0 each blend is exactly the population value.
	blend := func(population, grade float64) float64 {
		return float64((1-w)*population) + float64(w*grade)
	}
	for g := range grades {
		c, y := &ref.Centre[g], &year[g]
		// The weeks accumulated; with none yet (at generation), the grade
		// as it is now.
		pr, eng, ach := y.pr/max(1, y.n), y.eng/max(1, y.n), y.ach
		for k := range ach {
			ach[k] /= max(1, y.n)
		}
		if y.n == 0 {
			pr, eng, ach = now[g].pr/max(1, n[g]), now[g].eng/max(1, n[g]), ref.GradeMean[g]
		}
		c.PeerRelations = blend(ref.PeerRelations, pr)
		c.Engagement = blend(ref.Engagement, eng)
		for k := range NumSubjects {
			c.Achievement[k] = blend(ref.GradeMean[g][k], ach[k])
		}
	}
	return ref
}

// sortedSES returns every student's SES in ascending order: each school's
// sorted by each, then the sorted runs merged pairwise, each round's merges
// by each. It is the order a sort of the whole would give, but for the
// order of −0 and +0, which compare equal and which Reference's uses
// (quantiles compared with SES) do not tell apart.
func sortedSES(schools []School, each func(n int, fn func(i int))) []float64 {
	runs := make([]int, len(schools)+1) // run k is a[runs[k]:runs[k+1]]
	for i := range schools {
		runs[i+1] = runs[i] + len(schools[i].Students)
	}
	a := make([]float64, runs[len(schools)])
	each(len(schools), func(i int) {
		part := a[runs[i]:runs[i+1]]
		for j := range part {
			part[j] = float64(schools[i].Students[j].SES)
		}
		slices.Sort(part)
	})
	b := make([]float64, len(a))
	for len(runs) > 2 {
		// Runs 2m and 2m+1 merge into one; an odd last run is copied.
		each(len(runs)/2, func(m int) {
			lo, mid := runs[2*m], runs[2*m+1]
			hi := mid
			if 2*m+2 < len(runs) {
				hi = runs[2*m+2]
			}
			merge(b[lo:hi], a[lo:mid], a[mid:hi])
		})
		next := runs[:0:0]
		for k := 0; k < len(runs); k += 2 {
			next = append(next, runs[k])
		}
		if len(runs)%2 == 0 {
			next = append(next, runs[len(runs)-1])
		}
		runs = next
		a, b = b, a
	}
	return a
}

// merge writes the ascending runs x and y, merged, to out (len(x)+len(y)).
func merge(out, x, y []float64) {
	i, j := 0, 0
	for k := range out {
		if j >= len(y) || (i < len(x) && x[i] <= y[j]) {
			out[k] = x[i]
			i++
		} else {
			out[k] = y[j]
			j++
		}
	}
}

// add adds student st's week, as LearningGrowth reads it, to its grade's
// sums for the next MeasureReference.
func (y *yearSums) add(st *Student) {
	y.n++
	y.pr += float64(st.PeerRelations)
	y.eng += float64(st.Engagement)
}
