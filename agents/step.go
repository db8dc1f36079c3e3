package agents

// Env is what a school's step reads besides its own state: the parameters,
// the frozen baseline reference and the calendar. It is shared read-only by
// all schools of a replication.
type Env struct {
	Par          *Params
	Ref          *Reference
	WeeksPerYear int
	Grades       int
	// Year is the current school year, 1 for the first simulated year and
	// zero or below during spin-up.
	Year int
}

// StepSchool advances school s by one week. The mechanisms run in this fixed
// order: class aggregates; per student EngagementUpdate, LearningGrowth and
// PeerTieUpdate; then LeadershipUpdate, MoraleUpdate, ClimateUpdate and
// ResourceUpdate. It touches only s and draws only from s's own stream.
func StepSchool(s *School, env *Env) {
	w := float64(env.WeeksPerYear)
	classAggregates(s, env)
	lg := newLearning(s, env)
	for i := range s.Students {
		EngagementUpdate(s, i, env, w)
		lg.grow(s, i)
		PeerTieUpdate(s, i, env, w)
	}
	leff := LeadershipUpdate(s, env, w)
	MoraleUpdate(s, leff, env, w)
	ClimateUpdate(s, leff, env, w)
	ResourceUpdate(s, env)
}

// classAggregates fills the school's scratch with, per class, the mean
// latent achievement by subject standardised against the reference grade
// (for the peer-achievement effect) and the class teachers' mean style.
func classAggregates(s *School, env *Env) {
	nc := s.NumClasses()
	need := nc * (NumSubjects + 1)
	if cap(s.scratch) < need {
		s.scratch = make([]float64, need)
	}
	s.scratch = s.scratch[:need]
	ref := env.Ref
	for c := range nc {
		lo, hi := s.Class(c)
		means := s.scratch[c*NumSubjects : (c+1)*NumSubjects]
		var style float64
		for k := range NumSubjects {
			style += float64(s.Teachers[s.Teaching[c*NumSubjects+k]].Style)
		}
		s.scratch[nc*NumSubjects+c] = style / NumSubjects
		if hi == lo {
			clear(means)
			continue
		}
		g := s.Students[lo].Grade
		for k := range NumSubjects {
			var sum float64
			for i := lo; i < hi; i++ {
				sum += float64(s.Students[i].Achievement[k])
			}
			means[k] = (sum/float64(hi-lo) - ref.GradeMean[g][k]) / ref.GradeSD[g][k]
		}
	}
}

// classStyle returns the mean style of class c's teachers, from the scratch
// filled by classAggregates.
func (s *School) classStyle(c int) float64 { return s.scratch[s.NumClasses()*NumSubjects+c] }
