package agents

// ResourceUpdate runs one week of the school's resource stocks:
//
//	F ← F·(1 − δ_F/W) + f_arrive / cost_F
//	K ← K·(1 − δ_K/W) + k_arrive / cost_K
//
// where f_arrive and k_arrive are the money put into the pipeline
// ResourceLagWeeks weeks ago (see School.Invest). The school's routine
// budget (FacilitySpending, CourseSpending a year) enters the pipeline
// every week, with the same lag; at the generated stock it exactly offsets
// depreciation.
func ResourceUpdate(s *School, env *Env) {
	p := env.Par
	w := float64(env.WeeksPerYear)
	s.Invest(s.FacilitySpending/w, s.CourseSpending/w)
	f, k := s.pipeF[s.pipeAt], s.pipeC[s.pipeAt]
	s.pipeF[s.pipeAt], s.pipeC[s.pipeAt] = 0, 0
	s.pipeAt = (s.pipeAt + 1) % len(s.pipeF)
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	s.Facilities = float32(float64(float64(s.Facilities)*(1-p.FacilityDepreciation/w)) + f/p.FacilityUnitCost)
	s.Courses = float32(float64(float64(s.Courses)*(1-p.CourseDepreciation/w)) + k/p.CourseUnitCost)
}

// FillPipeline puts a full lag's worth of routine spending into the
// pipeline, so that a generated school starts at its steady state. Between
// steps the ring's slot before pipeAt is empty: it is where the next
// week's spending goes.
func FillPipeline(s *School, weeksPerYear int) {
	w := float64(weeksPerYear)
	free := (s.pipeAt + len(s.pipeF) - 1) % len(s.pipeF)
	for k := range s.pipeF {
		if k != free {
			s.pipeF[k] = s.FacilitySpending / w
			s.pipeC[k] = s.CourseSpending / w
		}
	}
}
