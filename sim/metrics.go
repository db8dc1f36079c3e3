package sim

import (
	"math"

	"schoolnet/agents"
)

// The groups of students that yearly metrics are reported for.
// "treated" is the students of schools any policy has selected;
// "ses_q1" … "ses_q4" the students in each quartile of the baseline
// population's SES (Reference.SESCuts), bottom first. New kinds of group
// go at the end (a population with several school levels would add its
// levels here, and their sums in Summarise).
var Groups = []string{"all", "strong", "average", "weak", "local", "migrant", "treated",
	"ses_q1", "ses_q2", "ses_q3", "ses_q4"}

// Indices into YearMetrics.Groups.
const (
	GroupAll = iota
	GroupStrong
	GroupAverage
	GroupWeak
	GroupLocal
	GroupMigrant
	GroupTreated
	GroupSESQ1 // then GroupSESQ1+1 … GroupSESQ1+3, up the SES quartiles
)

// GroupMetrics are a group's mean outcomes at the end of one year. School
// features (leadership, climate, ...) are averaged over the group's
// students, so they read as "the school a typical member attends".
type GroupMetrics struct {
	Group    string
	Students int
	// Z is mean achievement per subject and Composite over subjects, in SD
	// of the baseline population of the same grade.
	Z                         [agents.NumSubjects]float64
	Composite                 float64
	PeerRelations, Engagement float64
	// SES is the group's mean socio-economic status (population SD).
	SES                               float64
	Leadership, Style, Morale         float64
	Effectiveness, Climate, Resources float64
	// Turnover is the share of the group's schools' teachers who left.
	Turnover float64
	// Movers is the share of the group's schools' teachers who moved to
	// another school for good.
	Movers float64
}

// YearMetrics summarise one year of one replication.
type YearMetrics struct {
	Replication, Year int
	Groups            []GroupMetrics // in the order of Groups
	// GapStrongWeak and GapMigrantLocal are differences of composite means.
	GapStrongWeak, GapMigrantLocal float64
	// BetweenShare is the between-school share of the variance of the
	// composite score: Σ_s n_s(ȳ_s − ȳ)² / Σ_i (y_i − ȳ)².
	BetweenShare float64
	// Cost is the year's reform cost summed over schools.
	Cost agents.Costs

	// SESSegregation is the variance ratio index of SES over the simulated
	// schools: the between-school share of the variance of students' SES,
	// Σ_s n_s(S̄_s − S̄)² / Σ_i (S_i − S̄)² (Reardon & Firebaugh 2002; one
	// minus PISA's index of social inclusion).
	SESSegregation float64
	// SESSegregationAll is the same index with each district's exit
	// (private) sector of a school-choice policy counted as one more
	// school: a lower bound on the whole system's segregation, since that
	// sector has many schools. Equal to SESSegregation without exits.
	SESSegregationAll float64
	// ExitShare is the share of school-age children (simulated schools
	// and exit sector together) who are in an exit sector.
	ExitShare float64
}

// Summarise aggregates a year's school records into group metrics. All sums
// run in school order.
func Summarise(rec YearRecord) YearMetrics {
	type acc struct {
		sums                                   agents.StudentSums
		lead, style, morale, eff, clim, res, w float64
		leavers, movers, teachers              int
	}
	accs := make([]acc, len(Groups))
	add := func(g int, r *agents.SchoolRecord, s *agents.StudentSums) {
		a := &accs[g]
		a.sums.Add(s)
		w := float64(s.N)
		a.w += w
		// float64(x*y) rounds a product before a sum, so that no machine
		// fuses the two into one multiply-add (see package fmath).
		a.lead += float64(w * r.Leadership)
		a.style += float64(w * r.Style)
		a.morale += float64(w * r.Morale)
		a.eff += float64(w * r.Effectiveness)
		a.clim += float64(w * r.Climate)
		a.res += float64(w * r.Resources)
		a.leavers += r.Leavers
		a.movers += r.Movers
		a.teachers += r.Teachers
	}
	var cost agents.Costs
	for i := range rec.Schools {
		r := &rec.Schools[i]
		cost.Add(r.Cost)
		all := r.All()
		add(GroupAll, r, &all)
		add(GroupStrong+int(r.Tier), r, &all)
		add(GroupLocal, r, &r.Students[agents.Local])
		add(GroupMigrant, r, &r.Students[agents.Migrant])
		if r.Member.Treated != 0 {
			add(GroupTreated, r, &all)
		}
		for q := range r.SES {
			add(GroupSESQ1+q, r, &r.SES[q])
		}
	}
	m := YearMetrics{Replication: rec.Replication, Year: rec.Year, Groups: make([]GroupMetrics, len(Groups)), Cost: cost}
	for g, a := range accs {
		s := &a.sums
		gm := GroupMetrics{Group: Groups[g], Students: s.N, Composite: s.Mean(s.Composite),
			PeerRelations: s.Mean(s.PeerRelations), Engagement: s.Mean(s.Engagement), SES: s.Mean(s.SES)}
		for k := range gm.Z {
			gm.Z[k] = s.Mean(s.Z[k])
		}
		if a.w > 0 {
			gm.Leadership, gm.Style, gm.Morale = a.lead/a.w, a.style/a.w, a.morale/a.w
			gm.Effectiveness, gm.Climate, gm.Resources = a.eff/a.w, a.clim/a.w, a.res/a.w
		}
		if a.teachers > 0 {
			gm.Turnover = float64(a.leavers) / float64(a.teachers)
			gm.Movers = float64(a.movers) / float64(a.teachers)
		}
		if s.N == 0 {
			gm.undefined()
		}
		m.Groups[g] = gm
	}
	m.GapStrongWeak = m.Groups[GroupStrong].Composite - m.Groups[GroupWeak].Composite
	m.GapMigrantLocal = m.Groups[GroupMigrant].Composite - m.Groups[GroupLocal].Composite

	composite := make([]moments, len(rec.Schools))
	ses := make([]moments, len(rec.Schools), len(rec.Schools)+4)
	var exited agents.StudentSums
	var districts []agents.StudentSums // exit sector by district
	for i := range rec.Schools {
		r := &rec.Schools[i]
		all := r.All()
		composite[i] = moments{all.N, all.Composite, all.CompositeSq}
		ses[i] = moments{all.N, all.SES, all.SESSq}
		if r.Exited.N > 0 {
			exited.Add(&r.Exited)
			for int(r.District) >= len(districts) {
				districts = append(districts, agents.StudentSums{})
			}
			districts[r.District].Add(&r.Exited)
		}
	}
	m.BetweenShare = varianceShare(composite)
	m.SESSegregation = varianceShare(ses)
	m.SESSegregationAll = m.SESSegregation
	if exited.N > 0 {
		for _, d := range districts {
			ses = append(ses, moments{d.N, d.SES, d.SESSq})
		}
		m.SESSegregationAll = varianceShare(ses)
		m.ExitShare = float64(exited.N) / float64(exited.N+accs[GroupAll].sums.N)
	}
	return m
}

// undefined marks the means of a group without students (no weak school
// in a roster, no migrant, no treated school before a reform) as missing,
// NaN, which result files write as an empty cell, instead of 0, which
// would read as a measured mean and make a gap of the other group's mean
// alone.
func (gm *GroupMetrics) undefined() {
	nan := math.NaN()
	gm.Composite, gm.PeerRelations, gm.Engagement, gm.SES = nan, nan, nan, nan
	for k := range gm.Z {
		gm.Z[k] = nan
	}
	gm.Leadership, gm.Style, gm.Morale = nan, nan, nan
	gm.Effectiveness, gm.Climate, gm.Resources = nan, nan, nan
	gm.Turnover, gm.Movers = nan, nan
}

// GapSES returns the top minus the bottom SES quartile's composite: how far
// the most advantaged quarter of students is ahead of the least.
func (m *YearMetrics) GapSES() float64 {
	return m.Groups[GroupSESQ1+3].Composite - m.Groups[GroupSESQ1].Composite
}

// moments are a unit's count n, sum Σx and sum of squares Σx² of a
// variable.
type moments struct {
	n       int
	sum, sq float64
}

// varianceShare returns the between-unit share of the variance of a
// variable over all units' members, summed in unit order:
//
//	Σ_u n_u (x̄_u − x̄)² / Σ_i (x_i − x̄)²
//
// or 0 where the variance is not positive. For SES over schools it is the
// variance ratio index of segregation (Reardon & Firebaugh 2002).
func varianceShare(units []moments) float64 {
	var n int
	var sum, sq float64
	for _, u := range units {
		n += u.n
		sum += u.sum
		sq += u.sq
	}
	if n == 0 {
		return 0
	}
	mean := sum / float64(n)
	total := sq - float64(float64(n)*mean*mean)
	var between float64
	for _, u := range units {
		if u.n > 0 {
			d := u.sum/float64(u.n) - mean
			between += float64(float64(u.n) * d * d)
		}
	}
	if !(total > 0) {
		return 0
	}
	return between / total
}
