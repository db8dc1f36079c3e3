package evaluate

import (
	"fmt"
	"slices"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim"
	"schoolnet/sim/policy"
)

// NumOutcomes is the number of outcomes a study reports: the four subjects
// and their composite.
const NumOutcomes = agents.NumSubjects + 1

// Composite indexes the composite score among the outcomes.
const Composite = agents.NumSubjects

// OutcomeName returns the name of outcome k: a subject, or "composite".
func OutcomeName(k int) string {
	if k == Composite {
		return "composite"
	}
	return agents.Subject(k).String()
}

// Covariates are the names of the school covariates a study observes at
// baseline, in the order of School.Covariates.
var Covariates = []string{"prior_achievement", "ses", "migrant_share", "enrolment", "resources", "climate", "leadership"}

// Study says what a study of a scenario observes: the tested grade, the
// baseline and follow-up years, and which schools are eligible, from which
// the comparison schools come.
type Study struct {
	// Grade is the tested grade, 0 for the first grade of the school.
	Grade int
	// Baseline is the year of the pre-test (the year before the first
	// policy starts) and FollowUp the year of the post-test (the last year
	// a policy acts).
	Baseline, FollowUp int
	// Eligible selects the schools a policy could have treated: the tier
	// and districts of the scenario's first policy that chooses schools
	// itself. Treated schools are compared with eligible schools that were
	// not treated.
	Eligible policy.Selection
	// Spec is how the study measures the schools and came by its treated
	// schools: the scenario's [study] table or its defaults
	// (scenarios.StudySpec, docs/EVALUATION.md).
	Spec scenarios.StudySpec
}

// NewStudy returns the study of scenario s that tests grade (the national
// grade number, such as 9; 0 means the last grade). It fails if the
// scenario has no policies or the grade is not taught.
func NewStudy(s *scenarios.Scenario, grade int) (Study, error) {
	if len(s.Policies) == 0 {
		return Study{}, fmt.Errorf("evaluate: scenario %s has no policies to evaluate", s.Name)
	}
	pop := &s.Population
	g := pop.Grades - 1
	if grade != 0 {
		g = grade - pop.FirstGrade
	}
	if g < 0 || g >= pop.Grades {
		return Study{}, fmt.Errorf("evaluate: grade %d is not taught; schools teach grades %d-%d", grade, pop.FirstGrade, pop.FirstGrade+pop.Grades-1)
	}
	st := Study{Grade: g, Baseline: s.Run.Years, FollowUp: 0, Spec: s.StudyOrDefault()}
	for _, p := range s.Policies {
		c := p.Base()
		end := c.End
		if end == 0 {
			end = s.Run.Years
		}
		st.Baseline = min(st.Baseline, c.Start-1)
		st.FollowUp = max(st.FollowUp, end)
	}
	st.Eligible = s.Policies[0].Base().Select
	for _, p := range s.Policies {
		if sel := p.Base().Select; sel.Rule != policy.RuleAs {
			st.Eligible = sel
			break
		}
	}
	// Eligibility by tier and district only: every school of them could
	// have been chosen.
	st.Eligible.Rule, st.Eligible.Schools = policy.RuleAll, nil
	return st, nil
}

// Student is what a study observes of one student of the tested grade in
// one year.
type Student struct {
	School int32
	ID     int64
	// Score holds the outcomes in SD of the baseline population of the
	// grade: maths, Chinese, English, science and their composite.
	Score [NumOutcomes]float64
	// PeerRelations is the student's peer-relationship quality, as a
	// survey would measure it.
	PeerRelations float64
	SES           float64
	Migrant       bool
}

// School is what a study observes of one school.
type School struct {
	Index    int32
	Tier     agents.Tier
	District int32
	// Treated marks a school some policy treated; Eligible one the policy
	// could have chosen (treated schools are eligible).
	Treated, Eligible bool
	// Covariates are the baseline values named by Covariates.
	Covariates []float64
	// Leadership and Style are the observed leadership and mean teaching
	// style at baseline [0] and follow-up [1].
	Leadership, Style [2]float64
}

// Data is what a study observes in one world: the tested grade at
// baseline (Pre) and follow-up (Post), and every school.
type Data struct {
	Pre, Post []Student
	Schools   []School
}

// observeGrade returns the students of grade g of every school of e, as a
// study sees them at the end of a year.
func observeGrade(e *sim.Engine, g int) []Student {
	ref := e.Reference()
	var out []Student
	for i := range e.Population().Schools {
		s := &e.Population().Schools[i]
		for j := range s.Students {
			st := &s.Students[j]
			if int(st.Grade) != g {
				continue
			}
			o := Student{School: s.Index, ID: st.ID, PeerRelations: float64(st.PeerRelations), SES: float64(st.SES), Migrant: st.Migrant}
			for k, a := range st.Achievement {
				o.Score[k] = ref.Z(st.Grade, k, a)
				// Rounded: the compiler makes /4 a product, which must not
				// fuse into the sum (see package fmath).
				o.Score[Composite] += float64(o.Score[k] / agents.NumSubjects)
			}
			out = append(out, o)
		}
	}
	return out
}

// gradeMeans returns, per school, the number of students of grade g and
// their mean outcomes.
func gradeMeans(students []Student, schools int) (n []int, mean [][NumOutcomes]float64) {
	n = make([]int, schools)
	mean = make([][NumOutcomes]float64, schools)
	for i := range students {
		st := &students[i]
		n[st.School]++
		for k := range NumOutcomes {
			mean[st.School][k] += st.Score[k]
		}
	}
	for s := range mean {
		for k := range NumOutcomes {
			if n[s] > 0 {
				mean[s][k] /= float64(n[s])
			}
		}
	}
	return n, mean
}

// schools builds the school table of a world from its records at baseline
// and follow-up and its tested grade at baseline.
func (st *Study) schools(base, follow []agents.SchoolRecord, pre []Student) []School {
	n, mean := gradeMeans(pre, len(base))
	ses := make([]float64, len(base))
	for i := range pre {
		ses[pre[i].School] += pre[i].SES
	}
	out := make([]School, len(base))
	for i := range base {
		b, f := &base[i], &follow[i]
		all := b.All()
		s := School{Index: b.School, Tier: b.Tier, District: b.District,
			Treated:    f.Member.Treated != 0,
			Leadership: [2]float64{b.Leadership, f.Leadership},
			Style:      [2]float64{b.Style, f.Style},
		}
		s.Eligible = s.Treated || st.eligible(b.Tier, b.District)
		migrants := 0.0
		if all.N > 0 {
			migrants = float64(b.Students[agents.Migrant].N) / float64(all.N)
		}
		var sesMean float64
		if n[i] > 0 {
			sesMean = ses[i] / float64(n[i])
		}
		s.Covariates = []float64{mean[i][Composite], sesMean, migrants, float64(all.N), b.Resources, b.Climate, b.Leadership}
		out[i] = s
	}
	return out
}

// eligible reports whether a school of this tier and district could have
// been chosen.
func (st *Study) eligible(tier agents.Tier, district int32) bool {
	e := &st.Eligible
	if e.Tier != "any" && e.Tier != tier.String() {
		return false
	}
	return len(e.Districts) == 0 || slices.Contains(e.Districts, int(district))
}
