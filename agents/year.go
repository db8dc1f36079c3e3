package agents

// CloseYear ends school s's year, after its outcomes have been measured:
// TeacherDevelopment for every teacher (with the principal's
// ReformResponse and latent motivation), TeacherAttrition and Hire for
// leavers, a year of principal experience, PrincipalSuccession,
// ReputationUpdate, and the reset of this year's reform costs and teacher training
// (weekly policy inputs are cleared by ClearReform). zSchool is the
// school's mean achievement in SD of the reference grades; partner looks up
// collaboration partners as they were when the phase began.
func CloseYear(s *School, zSchool float64, partner Colleague, env *Env) {
	p := env.Par
	response := s.Principal.ReformResponse(p)
	motivation := float64(s.Principal.motivation)
	s.Leavers, s.Hires = 0, 0
	for i := range s.Teachers {
		t := &s.Teachers[i]
		TeacherDevelopment(t, response, motivation, partner, p)
		t.Training, t.RemoteExposure, t.RemoteExpert = 0, 0, 0
		if TeacherAttrition(s, t, zSchool, env) {
			s.Leavers++
			Hire(s, i, env)
			s.Hires++
		}
	}
	pr := &s.Principal
	pr.Experience++
	pr.ExperienceByTier[s.Tier]++
	PrincipalSuccession(s, env)
	ReputationUpdate(s, zSchool, p)
	s.Cost = Costs{}
}

// ReputationUpdate blends this year's mean achievement into the school's
// reputation: rep ← (1 − ω)·rep + ω·z_school.
func ReputationUpdate(s *School, zSchool float64, p *Params) {
	// float64(x*y) rounds each product, so that no machine fuses it into
	// the sum: the same bits everywhere (see package fmath).
	old := float64((1 - p.ReputationWeight) * float64(s.Reputation))
	s.Reputation = float32(old + float64(p.ReputationWeight*zSchool))
}

// SchoolYear opens a new school year: the top grade leaves, everyone else
// moves up a grade with their classmates and ties, and a new intake arrives
// in the first grade: the students a school-choice policy admitted
// (Admitted), spread over the classes in turn, or else ClassesPerGrade ×
// ClassSize children drawn from the catchment (their mean SES shifted when
// the school carries a label, LabelResponse). Ties to leavers end. Teachers
// with free collaboration slots find new partners.
// It returns the number of graduates and of new students.
func SchoolYear(s *School, env *Env) (graduates, intake int) {
	const K = TiesPerStudent
	top := uint8(env.Grades - 1)
	stay := len(s.Students)
	for stay > 0 && s.Students[stay-1].Grade == top {
		stay--
	}
	graduates = len(s.Students) - stay
	for k := range s.TieTo[:stay*K] {
		if int(s.TieTo[k]) >= stay {
			s.TieTo[k], s.TieStrength[k] = -1, 0
			s.Students[k/K].ties--
		}
	}

	intake = int(s.ClassesPerGrade * s.ClassSize)
	if s.Admitted != nil {
		intake = len(s.Admitted)
	}
	n := stay + intake
	s.Students = resize(s.Students, n)
	s.TieTo = resize(s.TieTo, n*K)
	s.TieStrength = resize(s.TieStrength, n*K)
	copy(s.Students[intake:n], s.Students[:stay])
	copy(s.TieTo[intake*K:n*K], s.TieTo[:stay*K])
	copy(s.TieStrength[intake*K:n*K], s.TieStrength[:stay*K])
	for k := intake * K; k < n*K; k++ {
		if s.TieTo[k] >= 0 {
			s.TieTo[k] += int32(intake)
		}
	}
	for i := intake; i < n; i++ {
		s.Students[i].Grade++
	}
	if s.Admitted != nil {
		// Class c takes every ClassesPerGrade-th admitted student; students
		// stay ordered by class.
		cpg := int(s.ClassesPerGrade)
		i := 0
		for c := range cpg {
			for k := c; k < intake; k += cpg {
				st := s.Admitted[k]
				st.ID, st.Grade, st.Class = s.newID(), 0, uint8(c)
				st.ties = 0
				st.refresh()
				s.Students[i] = st
				i++
			}
		}
		s.Admitted = nil
	} else {
		_, _, shift := LabelResponse(s, env.Par)
		for i := range intake {
			st := drawStudent(s, s.rng, shift)
			st.ID, st.Grade, st.Class = s.newID(), 0, uint8(i/int(s.ClassSize))
			s.Students[i] = st
		}
	}
	for k := range s.TieTo[:intake*K] {
		s.TieTo[k], s.TieStrength[k] = -1, 0
	}
	s.indexClasses(env.Grades)
	refillTeacherTies(s)
	return graduates, intake
}

// resize returns x with length n, keeping its contents and capacity where
// it can.
func resize[T any](x []T, n int) []T {
	if n <= cap(x) {
		return x[:n]
	}
	y := make([]T, n, n+n/8)
	copy(y, x)
	return y
}
