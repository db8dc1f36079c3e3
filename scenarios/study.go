package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"schoolnet/sim/policy"
	"schoolnet/sim/ranges"
)

// Tests a study can read (StudySpec.Test).
const (
	// TestExam is the high-stakes exam: what students have learned plus
	// whatever teaching to the test has added (agents.TeachingToTheTest).
	TestExam = "exam"
	// TestAudit is a low-stakes audit test that nobody teaches to: what
	// students have learned.
	TestAudit = "audit"
)

var studyTests = []string{TestExam, TestAudit}

// StudySpec is a scenario's [study] table: how the study that
// `schoolnet evaluate` applies to the scenario measures the schools and
// how it came by its treated schools, the bias sources of
// docs/EVALUATION.md that lie in the study rather than in the world. A
// scenario without the table has the zero StudySpec, which evaluate reads
// as DefaultStudy, and which is left out of the scenario's JSON (and so of
// its manifest hash); `schoolnet run`, `compare` and `sweep` ignore it.
type StudySpec struct {
	// Test is the test the study reads: TestExam or TestAudit. Default
	// "exam" (the SSP's Grade 9 results are the senior-high entrance exam,
	// the highest-stakes test of a Chinese junior secondary school).
	Test string `toml:"test"`
	// Reliability is the share of the variance of a student's score on one
	// subject that is true score, in the baseline population of the grade:
	// the study sees each score with classical error of variance
	// (1 − Reliability)/Reliability. Default 0.8: Boyd, Lankford, Loeb &
	// Wyckoff (2013) find the total measurement error of state tests at
	// least twice what the vendors' reliabilities of about 0.9 imply. 1
	// switches student-level error off.
	Reliability float64 `toml:"reliability"`
	// SchoolNoise is the SD, in SD of students' scores, of a shock that
	// moves every score of one school in one year of testing alike (the
	// dog barking on the day of the test). Default 0.1: Kane & Staiger
	// (2002) find about 10% of the variance of school mean scores in
	// North Carolina non-persistent and not due to sampling, about 0.1 SD
	// of students' scores for a school-mean SD of 0.3. 0 switches it off.
	SchoolNoise float64 `toml:"school_noise"`
	// Dip is the weight, on the logit scale, of a bad year in the
	// scenario's voluntary selection: a school's propensity to volunteer
	// falls by Dip per SD of its measured result in the year before the
	// policy starts (the study's pre-test, standardised among the eligible
	// schools), so schools volunteer after a bad year (Ashenfelter 1978).
	// With rank selection any Dip > 0 ranks on that measured result
	// instead of the reputation, as Chile's P-900 ranked schools on one
	// noisy year (Chay, McEwan & Urquiola 2005). Default 1: assumption, a
	// bad year of 1 SD weighs as much as 1 SD of the principal's
	// motivation at the SSP's selection strength. 0 switches it off.
	Dip float64 `toml:"dip"`
}

// DefaultStudy returns the study every scenario has unless its [study]
// table says otherwise.
func DefaultStudy() StudySpec {
	return StudySpec{Test: TestExam, Reliability: 0.8, SchoolNoise: 0.1, Dip: 1}
}

// Defined reports whether the scenario has a [study] table.
func (st *StudySpec) Defined() bool { return st.Test != "" }

// StudyOrDefault returns the scenario's study: its [study] table, or
// DefaultStudy if it has none.
func (s *Scenario) StudyOrDefault() StudySpec {
	if s.Study.Defined() {
		return s.Study
	}
	return DefaultStudy()
}

// StudyRanges holds the range of each number of a [study] table; the
// evaluate command's flags are checked against the same ranges.
var StudyRanges = ranges.Table{
	{Key: "reliability", Min: 0.1, Max: 1, Low: 0.7, High: 0.9, Unit: "share of a score's variance that is true score (1: no student-level error)",
		Evidence: ranges.Measured, Source: "Boyd, Lankford, Loeb & Wyckoff (2013): total test measurement error at least twice the vendors' (reliability about 0.9)"},
	{Key: "school_noise", Min: 0, Max: 1, Low: 0.05, High: 0.15, Unit: "SD of students' scores (0: none)",
		Evidence: ranges.Measured, Source: "Kane & Staiger (2002): about 10% of the variance of school mean scores is non-persistent and not sampling"},
	{Key: "dip", Min: 0, Max: 20, Low: 0, High: 2, Unit: "logit per SD of the measured result before selection (0: none)",
		Evidence: ranges.Assumption, Source: "assumption: a bad year weighs as much as the principal's motivation; Ashenfelter (1978), Chay, McEwan & Urquiola (2005)"},
}

// validate checks a [study] table.
func (st *StudySpec) validate() error {
	if !slices.Contains(studyTests, st.Test) {
		return &Error{Key: "study.test", Err: fmt.Errorf("unknown test %q; one of %s", st.Test, strings.Join(studyTests, ", "))}
	}
	if err := StudyRanges.Check(st); err != nil {
		re := err.(*ranges.Error)
		return &Error{Key: "study." + re.Key, Err: errors.New(re.Reason())}
	}
	return nil
}

// Selector returns the position of the policy of s whose selection a
// [study] dip acts on: the first policy that chooses its schools itself
// (not rule as), if it chooses by volunteering or by rank; −1 otherwise.
func Selector(s *Scenario) int {
	for k, p := range s.Policies {
		switch p.Base().Select.Rule {
		case policy.RuleAs:
			continue
		case policy.RuleVoluntary, policy.RuleRank:
			return k
		}
		return -1
	}
	return -1
}

// Dipped returns a copy of s in which the policy Selector names also reads
// each school's measured result of the year before it starts
// (policy.Selection.Results, standardised among the eligible schools, and
// ResultWeight, the weight of a bad year): the selection of the [study]
// table's dip. s is not changed; Dipped returns s itself if Selector finds
// no such policy.
func Dipped(s *Scenario, results []float64, weight float64) *Scenario {
	i := Selector(s)
	if i < 0 {
		return s
	}
	c := *s
	c.Policies = slices.Clone(s.Policies)
	p := clone(s.Policies[i])
	sel := &p.Base().Select
	sel.Results, sel.ResultWeight = results, weight
	c.Policies[i] = p
	return &c
}
