package agents

import "math"

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
// PeerTieUpdate; then LeadershipUpdate, MoraleUpdate, ClimateUpdate,
// ResourceUpdate and TeachingToTheTest. It touches only s and draws only
// from s's own stream. In spin-up years (env.Year ≤ 0) it also adds, per
// grade, what LearningGrowth reads to the sums MeasureReference makes the
// grade centres from. The school needs its source (SetSource).
func StepSchool(s *School, env *Env) {
	w := float64(env.WeeksPerYear)
	wk := newWeek(s, env)
	if env.Year <= 0 {
		if len(s.year) != env.Grades {
			s.year = make([]yearSums, env.Grades)
		}
		wk.sums = s.year
	}
	classAggregates(s, env, wk)
	stepStudents(s, wk)
	leff := LeadershipUpdate(s, env, w)
	if s.Hold != nil && s.Hold.HoldLeadership {
		leff = s.Hold.Leadership
	}
	MoraleUpdate(s, leff, env, w)
	ClimateUpdate(s, leff, env, w)
	ResourceUpdate(s, env)
	TeachingToTheTest(s, env)
}

// stepStudents runs EngagementUpdate, LearningGrowth and PeerTieUpdate
// for each student in turn, in index order, class by class, with what a
// class shares computed once (see class) and the school's stream at hand.
// With peer relations held (Hold.PeerRelations), each student's are set
// to the held value before EngagementUpdate and LearningGrowth read them,
// and PeerTieUpdate then recomputes the student's own from its ties.
func stepStudents(s *School, wk *week) {
	var held []float32
	if s.Hold != nil {
		held = s.Hold.PeerRelations
	}
	q := s.pcgState()
	for c := range s.NumClasses() {
		lo, hi := s.Class(c)
		if lo == hi {
			continue
		}
		cl := s.class(c, s.Students[lo].Grade, wk)
		for i := lo; i < hi; i++ {
			st := &s.Students[i]
			if i < len(held) {
				st.PeerRelations = held[i]
			}
			engagementStep(st, &cl, wk)
			learningStep(st, &cl, wk, &q)
			tieStep(s, i, &cl, wk, &q)
		}
	}
	q.save(s)
}

// classAggregates fills the school's scratch with, per class and subject,
// the part of LearningGrowth's yearly growth that is the same for every
// student of the class (school, teacher and peer-achievement terms), and,
// per class, the class teachers' mean style. The class-mean term is
// centred on the grade's reference centre (GradeCentre); when wk.sums is
// set, each class's achievement is added to its grade's sums. It also
// brackets the students' mean achievement and SES for the drop gate of
// PeerTieUpdate (week.bracket).
func classAggregates(s *School, env *Env, wk *week) {
	nc := s.NumClasses()
	need := nc * (NumSubjects + 1)
	if cap(s.scratch) < need {
		s.scratch = make([]float64, need)
	}
	s.scratch = s.scratch[:need]
	ref, p := env.Ref, env.Par
	achLo, achHi := float32(math.Inf(1)), float32(math.Inf(-1))
	sesLo, sesHi := achLo, achHi
	for c := range nc {
		lo, hi := s.Class(c)
		growth := s.scratch[c*NumSubjects : (c+1)*NumSubjects]
		var style float64
		for k := range NumSubjects {
			style += s.teacherStyle(s.Teaching[c*NumSubjects+k])
		}
		s.scratch[nc*NumSubjects+c] = style / NumSubjects
		if hi == lo {
			clear(growth)
			continue
		}
		g := s.Students[lo].Grade
		// One pass over the class, a running sum per subject (each in
		// student order, as four passes would add them).
		var s0, s1, s2, s3 float64
		for i := lo; i < hi; i++ {
			st := &s.Students[i]
			a := &st.Achievement
			s0 += float64(a[0])
			s1 += float64(a[1])
			s2 += float64(a[2])
			s3 += float64(a[3])
			// Plain comparisons, not min and max, which also order −0
			// before +0 and keep a NaN: the bracket needs neither, as
			// ±0 are the same value and a NaN student's tie never ends,
			// gate or not (u < drop·(1 + NaN) is false).
			m, ses := st.meanAch, st.SES
			if m < achLo {
				achLo = m
			}
			if m > achHi {
				achHi = m
			}
			if ses < sesLo {
				sesLo = ses
			}
			if ses > sesHi {
				sesHi = ses
			}
		}
		sums := [NumSubjects]float64{s0, s1, s2, s3}
		for k := range NumSubjects {
			sum := sums[k]
			if wk.sums != nil {
				wk.sums[g].ach[k] += sum
			}
			peers := (sum/float64(hi-lo) - ref.Centre[g].Achievement[k]) / ref.GradeSD[g][k]
			j := s.Teaching[c*NumSubjects+k]
			t := &s.Teachers[j]
			u := float64(s.Reform.Remote[k])
			// float64(x*y) rounds a product before a sum, so that no machine
			// fuses the two into one multiply-add (see package fmath).
			growth[k] = wk.school +
				float64((1-u)*float64(t.Effectiveness)) + float64(u*float64(s.Reform.RemoteEffectiveness[k])) - ref.Effectiveness -
				float64(p.LoadEffect*float64(t.Load)) +
				float64(p.StyleEffect*(s.teacherStyle(j)-ref.Style)) +
				float64(p.PeerAchievementEffect*peers)
		}
	}
	if len(s.Students) > 0 {
		wk.bracket(achLo, achHi, sesLo, sesHi)
	}
}

// classStyle returns the mean style of class c's teachers, from the scratch
// filled by classAggregates.
func (s *School) classStyle(c int) float64 { return s.scratch[s.NumClasses()*NumSubjects+c] }
