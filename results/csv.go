package results

import (
	"io"
	"iter"
	"slices"

	"schoolnet/agents"
	"schoolnet/sim"
)

// subjectColumns returns one column per subject (maths, chinese,
// english, science) whose cell get reads.
func subjectColumns[R any](meaning string, get func(r *R, k int) float64) Columns[R] {
	var out Columns[R]
	for k := range agents.Subject(agents.NumSubjects) {
		name := k.String()
		out = append(out, Column[R]{Field{name, Number, "SD", meaning + " " + name + " achievement"},
			func(r *R) Cell { return Num(get(r, int(k))) }})
	}
	return out
}

// yearlyRow is one row of yearly.csv: a group in a year of a replication.
type yearlyRow struct {
	id *RunID
	y  *sim.YearMetrics
	g  *sim.GroupMetrics
}

// yearlyColumns are the columns of yearly.csv. A column is added by adding
// its entry at the end.
var yearlyColumns = slices.Concat(
	Columns[yearlyRow]{
		{Field{"replication", Integer, "", "replication number, 0 to `replications`−1; replication r of any scenario run with the same seed shares its random streams (common random numbers)"}, func(r *yearlyRow) Cell { return Int(r.y.Replication) }},
		{Field{"year", Integer, "year", "0 = baseline (end of spin-up), 1… = simulated years"}, func(r *yearlyRow) Cell { return Int(r.y.Year) }},
		{Field{"group", String, "", "`all`, `strong`, `average`, `weak` (the school's tier), `local`, `migrant` (the student's hukou status), `treated` (students of schools any policy has selected; empty before selection and in scenarios without policies), `ses_q1` … `ses_q4` (the student's quartile of SES in the baseline population, `ses_q1` the least advantaged; see \"Groups by SES\")"}, func(r *yearlyRow) Cell { return Str(r.g.Group) }},
		{Field{"students", Integer, "count", "students in the group"}, func(r *yearlyRow) Cell { return Int(r.g.Students) }},
	},
	subjectColumns("the group's mean", func(r *yearlyRow, k int) float64 { return r.g.Z[k] }),
	Columns[yearlyRow]{
		{Field{"composite", Number, "SD", "the group's mean of the four subjects"}, func(r *yearlyRow) Cell { return Num(r.g.Composite) }},
		{Field{"peer_relations", Number, "0–1", "mean peer-relationship quality (summed tie strength over 6 slots)"}, func(r *yearlyRow) Cell { return Num(r.g.PeerRelations) }},
		{Field{"engagement", Number, "0–1", "mean student engagement"}, func(r *yearlyRow) Cell { return Num(r.g.Engagement) }},
		{Field{"leadership", Number, "0–1", "mean effective instructional leadership of the group's schools' principals, weighted by the group's students"}, func(r *yearlyRow) Cell { return Num(r.g.Leadership) }},
		{Field{"style", Number, "0–1", "mean teaching style (0 teacher-centred, 1 student-centred) of the group's schools, weighted by students"}, func(r *yearlyRow) Cell { return Num(r.g.Style) }},
		{Field{"morale", Number, "0–1", "mean teacher morale, weighted by students"}, func(r *yearlyRow) Cell { return Num(r.g.Morale) }},
		{Field{"effectiveness", Number, "SD/year", "mean teacher effectiveness (value added), weighted by students"}, func(r *yearlyRow) Cell { return Num(r.g.Effectiveness) }},
		{Field{"climate", Number, "0–1", "mean school climate, weighted by students"}, func(r *yearlyRow) Cell { return Num(r.g.Climate) }},
		{Field{"resources", Number, "index", "mean resource index (1 = the average school's baseline stock), weighted by students"}, func(r *yearlyRow) Cell { return Num(r.g.Resources) }},
		{Field{"turnover", Number, "share", "teachers who left the group's schools this year over their teachers"}, func(r *yearlyRow) Cell { return Num(r.g.Turnover) }},
		{Field{"gap_strong_weak", Number, "SD", "strong minus weak schools' composite (a year-level figure, repeated on every group's row)"}, func(r *yearlyRow) Cell { return Num(r.y.GapStrongWeak) }},
		{Field{"gap_migrant_local", Number, "SD", "migrant minus local students' composite (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.GapMigrantLocal) }},
		{Field{"between_share", Number, "share", "between-school share of the variance of students' composite scores (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.BetweenShare) }},
		{Field{"cost_money", Number, "RMB", "reform money spent this year, all schools (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.Cost.Money) }},
		{Field{"cost_teacher_hours", Number, "hours", "teacher hours taken from teaching by reforms this year (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.Cost.TeacherHours) }},
		{Field{"cost_travel_hours", Number, "hours", "travel hours caused by reforms this year (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.Cost.TravelHours) }},
		{Field{"movers", Number, "share", "teachers who moved from the group's schools to another school for good this year (voluntary transfers, transfer incentives, rotation transfers with `return_home = false`) over their teachers; not in `turnover`, which counts leavers only"}, func(r *yearlyRow) Cell { return Num(r.g.Movers) }},
		{Field{"ses_segregation", Number, "share", "SES segregation between the simulated schools: the variance ratio index, the between-school share of the variance of students' SES, Σ_s n_s(S̄_s − S̄)² / Σ_i (S_i − S̄)² (Reardon & Firebaugh 2002; one minus PISA's index of social inclusion, about 0.24 in the median OECD system in PISA 2018, OECD 2019); 0 = every school has the same mean SES, 1 = every school is socially uniform (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.SESSegregation) }},
		{Field{"ses_segregation_all", Number, "share", "the same index with the exit (private) sector of a school-choice policy counted as one more school per district: a lower bound on the whole system's segregation, since the real sector has many schools; equals `ses_segregation` when nobody has left (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.SESSegregationAll) }},
		{Field{"exit_share", Number, "share", "share of the school-age children (simulated schools plus exit sector) who are in a school-choice policy's exit sector; 0 without one (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.ExitShare) }},
		{Field{"ses", Number, "population SD", "the group's mean socio-economic status"}, func(r *yearlyRow) Cell { return Num(r.g.SES) }},
		{Field{"gap_ses_q4_q1", Number, "SD", "top minus bottom SES quartile's composite (year-level)"}, func(r *yearlyRow) Cell { return Num(r.y.GapSES()) }},
	},
	RunColumns(func(r *yearlyRow) *RunID { return r.id }),
)

// YearlySchema describes yearly.csv.
var YearlySchema = yearlyColumns.Schema("yearly", "One row per replication, year (0 to `run.years`) and student group.")

// YearlyColumns are the columns of yearly.csv, documented in
// docs/RESULTS.md.
var YearlyColumns = YearlySchema.Names()

// WriteYearly writes yearly.csv (or its Parquet twin): one row per
// replication, year and group of the run id.
func WriteYearly(w io.Writer, format Format, id RunID, years [][]sim.YearMetrics) error {
	return yearlyColumns.Write(w, format, func(yield func(*yearlyRow) bool) {
		for _, rep := range years {
			for i := range rep {
				for g := range rep[i].Groups {
					if !yield(&yearlyRow{&id, &rep[i], &rep[i].Groups[g]}) {
						return
					}
				}
			}
		}
	})
}

// schoolRow is one row of schools.csv: a school in a year of a
// replication.
type schoolRow struct {
	id  *RunID
	y   *sim.YearRecord
	r   *agents.SchoolRecord
	all agents.StudentSums
}

func (r *schoolRow) mean(x float64) Cell { return Num(r.all.Mean(x)) }

// schoolColumns are the columns of schools.csv.
var schoolColumns = slices.Concat(
	Columns[schoolRow]{
		{Field{"replication", Integer, "", "replication number, as in yearly.csv"}, func(r *schoolRow) Cell { return Int(r.y.Replication) }},
		{Field{"year", Integer, "year", "as in yearly.csv"}, func(r *schoolRow) Cell { return Int(r.y.Year) }},
		{Field{"school", Integer, "", "the school's number, 0 to schools−1, stable across years and scenarios of the same seed"}, func(r *schoolRow) Cell { return Int(int(r.r.School)) }},
		{Field{"district", Integer, "", "district number"}, func(r *schoolRow) Cell { return Int(int(r.r.District)) }},
		{Field{"tier", String, "", "`strong`, `average` or `weak`, fixed at generation"}, func(r *schoolRow) Cell { return Str(r.r.Tier.String()) }},
		{Field{"students", Integer, "count", "enrolment"}, func(r *schoolRow) Cell { return Int(r.all.N) }},
		{Field{"migrants", Integer, "count", "migrant students"}, func(r *schoolRow) Cell { return Int(r.r.Students[agents.Migrant].N) }},
	},
	subjectColumns("the school's mean", func(r *schoolRow, k int) float64 { return r.all.Mean(r.all.Z[k]) }),
	Columns[schoolRow]{
		{Field{"composite", Number, "SD", "the school's mean of the four subjects"}, func(r *schoolRow) Cell { return r.mean(r.all.Composite) }},
		{Field{"peer_relations", Number, "0–1", "students' mean peer-relationship quality"}, func(r *schoolRow) Cell { return r.mean(r.all.PeerRelations) }},
		{Field{"engagement", Number, "0–1", "students' mean engagement"}, func(r *schoolRow) Cell { return r.mean(r.all.Engagement) }},
		{Field{"leadership", Number, "0–1", "the principal's effective leadership (after the context discount, and blended with a federation lead's where shared)"}, func(r *schoolRow) Cell { return Num(r.r.Leadership) }},
		{Field{"style", Number, "0–1", "teachers' mean teaching style (0 teacher-centred, 1 student-centred)"}, func(r *schoolRow) Cell { return Num(r.r.Style) }},
		{Field{"morale", Number, "0–1", "teachers' mean morale"}, func(r *schoolRow) Cell { return Num(r.r.Morale) }},
		{Field{"effectiveness", Number, "SD/year", "teachers' mean effectiveness (value added)"}, func(r *schoolRow) Cell { return Num(r.r.Effectiveness) }},
		{Field{"climate", Number, "0–1", "school climate"}, func(r *schoolRow) Cell { return Num(r.r.Climate) }},
		{Field{"resources", Number, "index", "resource index, own and shared courses included"}, func(r *schoolRow) Cell { return Num(r.r.Resources) }},
		{Field{"teachers", Integer, "count", "teachers in post"}, func(r *schoolRow) Cell { return Int(r.r.Teachers) }},
		{Field{"leavers", Integer, "count", "teachers who left this year"}, func(r *schoolRow) Cell { return Int(r.r.Leavers) }},
		{Field{"treated", Boolean, "", "1 once any policy has selected the school, else 0; which policies, in treatments.csv"}, func(r *schoolRow) Cell { return Bool(r.r.Member.Treated != 0) }},
		{Field{"pair", Integer, "school", "the pairing partner, −1 if none"}, func(r *schoolRow) Cell { return Int(int(r.r.Member.Pair)) }},
		{Field{"group", Integer, "school", "the lead school of the school's education group, −1 if none"}, func(r *schoolRow) Cell { return Int(int(r.r.Member.Group)) }},
		{Field{"group_lead", Boolean, "", "1 if the school leads its education group, else 0"}, func(r *schoolRow) Cell { return Bool(r.r.Member.GroupLead) }},
		{Field{"alliance", Integer, "", "the curriculum alliance's number, −1 if none"}, func(r *schoolRow) Cell { return Int(int(r.r.Member.Alliance)) }},
		{Field{"trust", Number, "0–1", "mean trust towards the school's partners"}, func(r *schoolRow) Cell { return Num(float64(r.r.Member.Trust)) }},
		{Field{"cost_money", Number, "RMB", "this school's reform money this year"}, func(r *schoolRow) Cell { return Num(r.r.Cost.Money) }},
		{Field{"cost_teacher_hours", Number, "hours", "this school's teacher hours taken from teaching by reforms this year"}, func(r *schoolRow) Cell { return Num(r.r.Cost.TeacherHours) }},
		{Field{"cost_travel_hours", Number, "hours", "this school's travel hours caused by reforms this year"}, func(r *schoolRow) Cell { return Num(r.r.Cost.TravelHours) }},
		{Field{"movers", Integer, "count", "the school's teachers who moved to another school for good this year, beside `leavers` (who left teaching); each mover's slot went to a new hire"}, func(r *schoolRow) Cell { return Int(r.r.Movers) }},
		{Field{"ses", Number, "population SD", "the mean SES of the school's students"}, func(r *schoolRow) Cell { return r.mean(r.all.SES) }},
		{Field{"exited", Integer, "count", "children of the school's catchment of school age who are in a school-choice policy's exit (private) sector instead"}, func(r *schoolRow) Cell { return Int(r.r.Exited.N) }},
	},
	RunColumns(func(r *schoolRow) *RunID { return r.id }),
)

// SchoolSchema describes schools.csv.
var SchoolSchema = schoolColumns.Schema("schools", "One row per replication, year and school: the panel evaluations use.")

// SchoolColumns are the columns of schools.csv.
var SchoolColumns = SchoolSchema.Names()

// schoolRows yields the rows of the school records.
func schoolRows(id *RunID, records [][]sim.YearRecord) iter.Seq[*schoolRow] {
	return func(yield func(*schoolRow) bool) {
		for _, rep := range records {
			for y := range rep {
				for i := range rep[y].Schools {
					r := &rep[y].Schools[i]
					if !yield(&schoolRow{id, &rep[y], r, r.All()}) {
						return
					}
				}
			}
		}
	}
}

// WriteSchools writes schools.csv (or its Parquet twin): one row per
// replication, year and school of the run id.
func WriteSchools(w io.Writer, format Format, id RunID, records [][]sim.YearRecord) error {
	return schoolColumns.Write(w, format, schoolRows(&id, records))
}

// treatmentRow is one row of treatments.csv.
type treatmentRow struct {
	*schoolRow
	policy int
	name   string
}

// treatmentColumns are the columns of treatments.csv.
var treatmentColumns = slices.Concat(
	Columns[treatmentRow]{
		{Field{"replication", Integer, "", "replication number, as in yearly.csv"}, func(r *treatmentRow) Cell { return Int(r.y.Replication) }},
		{Field{"year", Integer, "year", "as in yearly.csv"}, func(r *treatmentRow) Cell { return Int(r.y.Year) }},
		{Field{"school", Integer, "", "the school's number, as in schools.csv"}, func(r *treatmentRow) Cell { return Int(int(r.r.School)) }},
		{Field{"policy", String, "", "the policy's name (its `name`, or its kind), as in the scenario"}, func(r *treatmentRow) Cell { return Str(r.name) }},
		{Field{"policy_index", Integer, "", "the policy's position among the scenario's policies, from 0 (inherited policies first)"}, func(r *treatmentRow) Cell { return Int(r.policy) }},
	},
	RunColumns(func(r *treatmentRow) *RunID { return r.id }),
)

// TreatmentSchema describes treatments.csv.
var TreatmentSchema = treatmentColumns.Schema("treatments", "One row per replication, year, school and policy that has selected the school (from the year it selects the school on): the long form of which policies treat which schools.")

// WriteTreatments writes treatments.csv (or its Parquet twin): a row for
// each school and policy that has selected it, every year from then on;
// policies names the scenario's policies in order.
func WriteTreatments(w io.Writer, format Format, id RunID, policies []string, records [][]sim.YearRecord) error {
	return treatmentColumns.Write(w, format, func(yield func(*treatmentRow) bool) {
		for r := range schoolRows(&id, records) {
			for p, name := range policies {
				if p < 64 && r.r.Member.Treated&(1<<uint(p)) != 0 {
					if !yield(&treatmentRow{r, p, name}) {
						return
					}
				}
			}
		}
	})
}
