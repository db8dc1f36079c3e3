package scenarios

import "schoolnet/sim/policy"

// Lottery returns a copy of s in which every policy that chooses its
// schools by rank or by volunteering chooses them by lottery instead, among
// the same eligible schools and in the same share: the randomised trial of
// the same reform on the same world. Policies that take all eligible
// schools, a list, or another policy's schools (rule as) are unchanged, so
// a package of policies still treats one set of schools. s is not changed.
func Lottery(s *Scenario) *Scenario {
	c := *s
	c.Policies = make([]policy.Spec, len(s.Policies))
	for k, p := range s.Policies {
		q := clone(p)
		if sel := &q.Base().Select; sel.Rule == policy.RuleVoluntary || sel.Rule == policy.RuleRank {
			sel.Rule = policy.RuleLottery
		}
		c.Policies[k] = q
	}
	return &c
}
