package agents

import "math"

// Reference holds the baseline population's means, against which the
// mechanisms measure deviations and reports standardise achievement. The
// engine measures it at the end of each spin-up year and freezes it at the
// start of year 1, so that a policy that lifts every school is not measured
// against itself.
type Reference struct {
	// GradeMean and GradeSD are the mean and SD of latent achievement per
	// grade and subject.
	GradeMean [][NumSubjects]float64
	GradeSD   [][NumSubjects]float64
	// Means of the mediators over students (PeerRelations, Engagement),
	// schools (Climate, Resources) and teachers (Style, Effectiveness,
	// Morale).
	PeerRelations float64
	Engagement    float64
	Climate       float64
	Resources     float64
	Style         float64
	Effectiveness float64
	Morale        float64
}

// Z converts latent achievement a in subject sub of a student in grade g to
// SD units of the reference population of that grade.
func (r *Reference) Z(g uint8, sub int, a float32) float64 {
	return (float64(a) - r.GradeMean[g][sub]) / r.GradeSD[g][sub]
}

// MeasureReference computes the reference from the schools as they are.
// Sums run in school and agent order, so the result does not depend on how
// schools were stepped.
func MeasureReference(schools []School, grades int) Reference {
	ref := Reference{
		GradeMean: make([][NumSubjects]float64, grades),
		GradeSD:   make([][NumSubjects]float64, grades),
	}
	n := make([]float64, grades)
	sumSq := make([][NumSubjects]float64, grades)
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
		}
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
	ref.PeerRelations /= max(1, students)
	ref.Engagement /= max(1, students)
	ref.Style /= max(1, teachers)
	ref.Effectiveness /= max(1, teachers)
	ref.Morale /= max(1, teachers)
	ref.Climate /= float64(max(1, len(schools)))
	ref.Resources /= float64(max(1, len(schools)))
	return ref
}
