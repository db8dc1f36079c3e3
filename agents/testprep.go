package agents

// TestPrepYears is the number of years over which a treated school's
// teaching to the test keeps raising its exam scores: Koretz & Barron
// (1998) and Klein et al. (2000) saw the gap between high-stakes and
// audit tests grow over the first four years of a programme; beyond that
// the model assumes it levels off.
const TestPrepYears = 4

// TeachingToTheTest raises, each week a school is treated by a policy
// (Membership.Treated ≠ 0), how far its students' scores on the
// high-stakes exam stand above what they have learned:
//
//	TestPrep ← min(TestPrep + test_inflation / W, TestPrepYears · test_inflation)
//
// in SD of the baseline grade. It changes no one's learning
// (Achievement): only a study that reads the exam, rather than an audit
// (low-stakes) test, sees it. Jacob (2005), Koretz (2008) and Jennings &
// Lauen (2016) find high-stakes gains well above low-stakes ones where
// schools are under pressure to raise scores; a school a reform has
// singled out and will be judged on is.
func TeachingToTheTest(s *School, env *Env) {
	p := env.Par
	if p.TestInflation == 0 || s.Member.Treated == 0 {
		return
	}
	ceiling := float64(TestPrepYears * p.TestInflation)
	step := p.TestInflation / float64(env.WeeksPerYear)
	s.TestPrep = float32(min(ceiling, float64(s.TestPrep)+step))
}
