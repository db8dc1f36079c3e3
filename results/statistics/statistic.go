package statistics

import (
	"slices"

	"schoolnet/agents"
)

// Statistic describes one statistic: its name, unit and meaning, and the
// dimensions its values are broken down by.
type Statistic struct {
	Name, Unit, Description string
	// ByGrade, ByTier and BySubject say whether the values are given per
	// grade (national number), per tier (all, strong, average, weak) and
	// per subject (the four subjects and their composite).
	ByGrade, ByTier, BySubject bool
	// Lag is the number of years before a value's year that its data
	// reach back (1 for a gain from the year before), and Lead the number
	// after (1 for teachers who left by the next year).
	Lag, Lead int
	// Pooled statistics are computed once over a span of years (a
	// principal's tenure spans several), the others once a year.
	Pooled bool
}

// The statistics, in the order statistics.csv lists them.
const (
	Growth             = "growth"
	GrowthLatent       = "growth_latent"
	GrowthGap          = "growth_gap_strong_weak"
	TeacherVA          = "teacher_va_sd"
	TeacherVAWithin    = "teacher_va_sd_within"
	PeerEffect         = "peer_effect"
	PrincipalVA        = "principal_va_sd"
	PrincipalVATotal   = "principal_va_sd_total"
	BetweenShare       = "between_share"
	TierMean           = "tier_mean"
	GapStrongWeak      = "gap_strong_weak"
	TeacherLeavers     = "teacher_leavers"
	TeacherMovers      = "teacher_movers"
	compositeName      = "composite"
	allTiers           = "all"
	minTeacherStudents = 10 // a teacher's students needed for a value-added estimate
)

// Statistics lists every statistic the package computes.
var Statistics = []Statistic{
	{Name: Growth, Unit: "SD per year", ByGrade: true, ByTier: true, BySubject: true, Lag: 1,
		Description: "mean gain of the grade's students over the year, on the vertical scale, divided by the pooled SD of the two grades' scores (Bloom et al. 2008's effect size of a year's growth)"},
	{Name: GrowthLatent, Unit: "latent units per year", ByGrade: true, ByTier: true, BySubject: true, Lag: 1,
		Description: "mean gain of the grade's students over the year on the model's latent vertical scale, unstandardised"},
	{Name: GrowthGap, Unit: "SD per year", ByGrade: true, BySubject: true, Lag: 1,
		Description: "growth of the strong tier's students minus the weak tier's, each as in growth: the strong–weak gap in yearly value added on the vertical scale (0–0.15 in the evidence, docs/VALIDATION.md)"},
	{Name: TeacherVA, Unit: "student SD", BySubject: true, Lag: 1,
		Description: "SD of teachers' value added: teacher fixed effects in a regression of the standardised score on the prior score, their spread corrected for sampling error"},
	{Name: TeacherVAWithin, Unit: "student SD", BySubject: true, Lag: 1,
		Description: "the same SD within schools: teacher effects as deviations from their school's mean"},
	{Name: PeerEffect, Unit: "SD per SD of class mean", BySubject: true, Lag: 1,
		Description: "linear-in-means peer effect: coefficient on the class-mates' mean prior score in a regression of the score on the prior score, with school-by-grade fixed effects"},
	{Name: PrincipalVA, Unit: "student SD", BySubject: true, Lag: 1, Pooled: true,
		Description: "SD of principals' value added within schools: principals' mean school-year residual gains, as deviations from the school's mean over its principals, corrected for sampling error"},
	{Name: PrincipalVATotal, Unit: "student SD", BySubject: true, Lag: 1, Pooled: true,
		Description: "SD of principals' value added across all schools (school and principal effects together), corrected for sampling error"},
	{Name: BetweenShare, Unit: "share", ByGrade: true, BySubject: true,
		Description: "between-school share of the variance of the grade's scores"},
	{Name: TierMean, Unit: "student SD", ByGrade: true, ByTier: true, BySubject: true,
		Description: "mean standardised score of the tier's students in the grade"},
	{Name: GapStrongWeak, Unit: "student SD", ByGrade: true, BySubject: true,
		Description: "mean standardised score of the strong tier's students minus the weak tier's, in the grade"},
	{Name: TeacherLeavers, Unit: "share per year", ByTier: true, Lead: 1,
		Description: "share of the year's teachers (by their home school's tier) who teach in no school the next year"},
	{Name: TeacherMovers, Unit: "share per year", ByTier: true, Lead: 1,
		Description: "share of the year's teachers (by their home school's tier) whose home school is another one the next year"},
}

// Lookup returns the statistic of that name.
func Lookup(name string) (*Statistic, bool) {
	for i := range Statistics {
		if Statistics[i].Name == name {
			return &Statistics[i], true
		}
	}
	return nil, false
}

// Names returns the statistics' names.
func Names() []string {
	out := make([]string, len(Statistics))
	for i := range Statistics {
		out[i] = Statistics[i].Name
	}
	return out
}

// numTiers is the number of tier values: all and each tier.
const numTiers = 1 + agents.NumTiers

// Tiers are the tier values of a statistic broken down by tier: all
// students (or teachers) and each tier.
var Tiers = []string{allTiers, agents.Strong.String(), agents.Average.String(), agents.Weak.String()}

// Subjects are the subject values of a statistic broken down by subject:
// the four subjects and their composite, the mean of the four subjects'
// values.
var Subjects = []string{agents.Maths.String(), agents.Chinese.String(), agents.English.String(), agents.Science.String(), compositeName}

// Key names one value of a statistic. Grade is the national grade number
// (0 when the statistic is not by grade); Tier and Subject are "" when it
// is not by tier or subject.
type Key struct {
	Statistic string
	Grade     int
	Tier      string
	Subject   string
}

// Value is one value of a statistic: for the years FirstYear to LastYear
// (the same year for a yearly statistic), from N students, teachers,
// classes or principals' spells. Value is NaN when there were too few.
type Value struct {
	Key
	FirstYear, LastYear int
	Value               float64
	N                   int
}

// Check reports whether the key's dimensions fit its statistic: a grade
// exactly when it is by grade (one the schools teach, and above the
// first for a gain), a tier exactly when it is by tier, a subject exactly
// when it is by subject. firstGrade and grades describe the schools.
func (k Key) Check(firstGrade, grades int) (dim, msg string) {
	s, ok := Lookup(k.Statistic)
	if !ok {
		return "statistic", "unknown statistic"
	}
	lo := firstGrade
	if s.Lag > 0 && s.ByGrade {
		lo++ // a gain needs the grade below
	}
	switch {
	case s.ByGrade && (k.Grade < lo || k.Grade > firstGrade+grades-1):
		return "grade", "must be a grade the schools teach" + map[bool]string{true: ", above the first (a gain needs the grade below)", false: ""}[lo > firstGrade]
	case !s.ByGrade && k.Grade != 0:
		return "grade", k.Statistic + " is not by grade"
	case s.ByTier && !slices.Contains(Tiers, k.Tier):
		return "tier", "must be one of all, strong, average, weak"
	case !s.ByTier && k.Tier != "":
		return "tier", k.Statistic + " is not by tier"
	case s.BySubject && !slices.Contains(Subjects, k.Subject):
		return "subject", "must be one of maths, chinese, english, science, composite"
	case !s.BySubject && k.Subject != "":
		return "subject", k.Statistic + " is not by subject"
	}
	return "", ""
}
