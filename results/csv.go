package results

import (
	"encoding/csv"
	"io"
	"strconv"

	"schoolnet/agents"
	"schoolnet/sim"
)

// YearlyColumns are the columns of yearly.csv, documented in
// docs/RESULTS.md.
var YearlyColumns = []string{
	"replication", "year", "group", "students",
	"maths", "chinese", "english", "science", "composite",
	"peer_relations", "engagement", "leadership", "style", "morale",
	"effectiveness", "climate", "resources", "turnover",
	"gap_strong_weak", "gap_migrant_local", "between_share",
	"cost_money", "cost_teacher_hours", "cost_travel_hours",
	"ses_segregation", "ses_segregation_all", "exit_share",
}

// SchoolColumns are the columns of schools.csv.
var SchoolColumns = []string{
	"replication", "year", "school", "district", "tier", "students", "migrants",
	"maths", "chinese", "english", "science", "composite",
	"peer_relations", "engagement", "leadership", "style", "morale",
	"effectiveness", "climate", "resources", "teachers", "leavers",
	"treated", "pair", "group", "group_lead", "alliance", "trust",
	"cost_money", "cost_teacher_hours", "cost_travel_hours",
	"ses", "exited",
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }

// WriteYearly writes one row per replication, year and group.
func WriteYearly(w io.Writer, years [][]sim.YearMetrics) error {
	cw := csv.NewWriter(w)
	cw.Write(YearlyColumns)
	for _, rep := range years {
		for _, y := range rep {
			for _, g := range y.Groups {
				row := []string{strconv.Itoa(y.Replication), strconv.Itoa(y.Year), g.Group, strconv.Itoa(g.Students)}
				for _, z := range g.Z {
					row = append(row, num(z))
				}
				row = append(row, num(g.Composite), num(g.PeerRelations), num(g.Engagement),
					num(g.Leadership), num(g.Style), num(g.Morale), num(g.Effectiveness),
					num(g.Climate), num(g.Resources), num(g.Turnover),
					num(y.GapStrongWeak), num(y.GapMigrantLocal), num(y.BetweenShare),
					num(y.Cost.Money), num(y.Cost.TeacherHours), num(y.Cost.TravelHours),
					num(y.SESSegregation), num(y.SESSegregationAll), num(y.ExitShare))
				cw.Write(row)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteSchools writes one row per replication, year and school.
func WriteSchools(w io.Writer, records [][]sim.YearRecord) error {
	cw := csv.NewWriter(w)
	cw.Write(SchoolColumns)
	for _, rep := range records {
		for _, y := range rep {
			for i := range y.Schools {
				r := &y.Schools[i]
				all := r.All()
				row := []string{strconv.Itoa(y.Replication), strconv.Itoa(y.Year),
					strconv.Itoa(int(r.School)), strconv.Itoa(int(r.District)), r.Tier.String(),
					strconv.Itoa(all.N), strconv.Itoa(r.Students[agents.Migrant].N)}
				for _, z := range all.Z {
					row = append(row, num(all.Mean(z)))
				}
				row = append(row, num(all.Mean(all.Composite)), num(all.Mean(all.PeerRelations)),
					num(all.Mean(all.Engagement)), num(r.Leadership), num(r.Style), num(r.Morale),
					num(r.Effectiveness), num(r.Climate), num(r.Resources),
					strconv.Itoa(r.Teachers), strconv.Itoa(r.Leavers),
					strconv.FormatUint(r.Member.Treated, 10), strconv.Itoa(int(r.Member.Pair)),
					strconv.Itoa(int(r.Member.Group)), strconv.FormatBool(r.Member.GroupLead),
					strconv.Itoa(int(r.Member.Alliance)), num(float64(r.Member.Trust)),
					num(r.Cost.Money), num(r.Cost.TeacherHours), num(r.Cost.TravelHours),
					num(all.Mean(all.SES)), strconv.Itoa(r.Exited.N))
				cw.Write(row)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
