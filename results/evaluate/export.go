package evaluate

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"schoolnet/results"
)

// The study's panel, exported (schoolnet evaluate --export-data): what
// each replication's study observed, exactly as the designs see it, so
// that a researcher can run their own estimator on a world whose true
// effect is known. study_students holds the tested grade's students at
// baseline and follow-up; study_schools every school with its treatment,
// eligibility, baseline covariates, mediators, matching weight and true
// effect. Nothing latent is exported: the study never sees the
// principals' reform motivation, and neither does this file.

// studentRow is one row of study_students: a student of the tested grade
// in the baseline or the follow-up year of one world of one replication.
type studentRow struct {
	id         *results.RunID
	rep        int
	assignment string
	year       int
	post       bool
	st         *Student
	school     *School
}

var studentColumns = func() results.Columns[studentRow] {
	cs := results.Columns[studentRow]{
		{Field: evalField("replication", results.Integer, "", "replication number: each replication is one study"), Get: func(r *studentRow) results.Cell { return results.Int(r.rep) }},
		{Field: assignmentField, Get: func(r *studentRow) results.Cell { return results.Str(r.assignment) }},
		{Field: evalField("school", results.Integer, "", "the student's school, as in study_schools"), Get: func(r *studentRow) results.Cell { return results.Int(int(r.st.School)) }},
		{Field: evalField("student", results.Integer, "", "the student's identifier, the same in both years for a student who stayed"), Get: func(r *studentRow) results.Cell { return results.Int64(r.st.ID) }},
		{Field: evalField("year", results.Integer, "year", "the year of the test: the baseline (the year before the first policy) or the follow-up (the last policy year)"), Get: func(r *studentRow) results.Cell { return results.Int(r.year) }},
		{Field: evalField("post", results.Boolean, "", "1 at the follow-up, 0 at baseline"), Get: func(r *studentRow) results.Cell { return results.Bool(r.post) }},
		{Field: evalField("treated", results.Boolean, "", "1 if the student's school was treated by any policy (by the follow-up), else 0"), Get: func(r *studentRow) results.Cell { return results.Bool(r.school.Treated) }},
		{Field: evalField("eligible", results.Boolean, "", "1 if the school is in the designs' sample: treated, or eligible for the policy and untreated (the comparison schools)"), Get: func(r *studentRow) results.Cell { return results.Bool(r.school.Eligible) }},
	}
	for k := range NumOutcomes {
		cs = append(cs, results.Column[studentRow]{Field: evalField(OutcomeName(k), results.Number, "SD", "the student's "+OutcomeName(k)+" score on the study's test (the exam or an audit test, with its measurement error; docs/EVALUATION.md), in SD of the baseline population of the grade"),
			Get: func(r *studentRow) results.Cell { return results.Num(r.st.Score[k]) }})
	}
	return append(cs, slices.Concat(results.Columns[studentRow]{
		{Field: evalField("peer_relations", results.Number, "0–1", "the student's peer-relationship quality, as a survey measures it (a mediator)"), Get: func(r *studentRow) results.Cell { return results.Num(r.st.PeerRelations) }},
		{Field: evalField("ses", results.Number, "SD", "the student's socio-economic status, standardised over the population (a covariate)"), Get: func(r *studentRow) results.Cell { return results.Num(r.st.SES) }},
		{Field: evalField("migrant", results.Boolean, "", "1 for a migrant (non-local hukou) student, else 0"), Get: func(r *studentRow) results.Cell { return results.Bool(r.st.Migrant) }},
	}, results.RunColumns(func(r *studentRow) *results.RunID { return r.id }))...)
}()

// StudentPanelSchema describes study_students.csv.
var StudentPanelSchema = studentColumns.Schema("study_students", "One row per replication, world, tested-grade student and test (baseline and follow-up): the student-level panel the designs estimate on.")

// schoolPanelRow is one row of study_schools.
type schoolPanelRow struct {
	id         *results.RunID
	rep        int
	assignment string
	s          *School
	weight     float64 // the psm-did matching weight, NaN without one
	truth      *SchoolEffect
}

var schoolPanelColumns = func() results.Columns[schoolPanelRow] {
	cs := results.Columns[schoolPanelRow]{
		{Field: evalField("replication", results.Integer, "", "replication number: each replication is one study"), Get: func(r *schoolPanelRow) results.Cell { return results.Int(r.rep) }},
		{Field: assignmentField, Get: func(r *schoolPanelRow) results.Cell { return results.Str(r.assignment) }},
		{Field: evalField("school", results.Integer, "", "the school's number, as in schools.csv"), Get: func(r *schoolPanelRow) results.Cell { return results.Int(int(r.s.Index)) }},
		{Field: evalField("district", results.Integer, "", "district number"), Get: func(r *schoolPanelRow) results.Cell { return results.Int(int(r.s.District)) }},
		{Field: evalField("tier", results.String, "", "`strong`, `average` or `weak`"), Get: func(r *schoolPanelRow) results.Cell { return results.Str(r.s.Tier.String()) }},
		{Field: evalField("treated", results.Boolean, "", "1 if any policy treated the school (by the follow-up), else 0"), Get: func(r *schoolPanelRow) results.Cell { return results.Bool(r.s.Treated) }},
		{Field: evalField("eligible", results.Boolean, "", "1 if the school is in the designs' sample: treated, or eligible and untreated"), Get: func(r *schoolPanelRow) results.Cell { return results.Bool(r.s.Eligible) }},
	}
	units := map[string]string{"prior_achievement": "SD", "ses": "SD", "migrant_share": "share", "enrolment": "count", "resources": "index", "climate": "0–1", "leadership": "0–1"}
	for j, c := range Covariates {
		cs = append(cs, results.Column[schoolPanelRow]{Field: evalField(c, results.Number, units[c], "baseline covariate of the propensity model (as in balance.csv)"),
			Get: func(r *schoolPanelRow) results.Cell { return results.Num(r.s.Covariates[j]) }})
	}
	cs = append(cs, results.Columns[schoolPanelRow]{
		{Field: evalField("leadership_pre", results.Number, "0–1", "observed effective leadership at baseline (a mediator)"), Get: func(r *schoolPanelRow) results.Cell { return results.Num(r.s.Leadership[0]) }},
		{Field: evalField("leadership_post", results.Number, "0–1", "observed effective leadership at the follow-up"), Get: func(r *schoolPanelRow) results.Cell { return results.Num(r.s.Leadership[1]) }},
		{Field: evalField("style_pre", results.Number, "0–1", "teachers' mean teaching style at baseline (a mediator; 0 teacher-, 1 student-centred)"), Get: func(r *schoolPanelRow) results.Cell { return results.Num(r.s.Style[0]) }},
		{Field: evalField("style_post", results.Number, "0–1", "teachers' mean teaching style at the follow-up"), Get: func(r *schoolPanelRow) results.Cell { return results.Num(r.s.Style[1]) }},
		{Field: evalField("psm_weight", results.Number, "", "the school's weight in the psm-did design's matched sample (1 for a matched treated school, the times used for a comparison school, 0 if unmatched); empty without that design"), Get: func(r *schoolPanelRow) results.Cell { return results.Num(r.weight) }},
		{Field: evalField("true_students", results.Integer, "count", "the school's tested-grade students at the follow-up (0 for an untreated school: no true effect is defined)"), Get: func(r *schoolPanelRow) results.Cell {
			if r.truth == nil {
				return results.Int(0)
			}
			return results.Int(r.truth.Students)
		}},
	}...)
	for k := range NumOutcomes {
		cs = append(cs, results.Column[schoolPanelRow]{Field: evalField("true_"+OutcomeName(k), results.Number, "SD", "the true effect on the learning of the school's tested-grade students in "+OutcomeName(k)+" at the follow-up: treated world minus untreated twin, students matched by ID (empty for an untreated school)"),
			Get: func(r *schoolPanelRow) results.Cell {
				if r.truth == nil {
					return results.Num(math.NaN())
				}
				return results.Num(r.truth.Effect[k])
			}})
	}
	return append(cs, results.RunColumns(func(r *schoolPanelRow) *results.RunID { return r.id })...)
}()

// SchoolPanelSchema describes study_schools.csv.
var SchoolPanelSchema = schoolPanelColumns.Schema("study_schools", "One row per replication, world and school: what the study observes of each school beside the true effect on it.")

// worlds returns the worlds whose data the replications kept, in order.
func (r *Result) worlds() []int {
	var out []int
	for w := range numWorlds {
		for i := range r.Reps {
			if r.Reps[i].Data[w] != nil {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

// Exported reports whether the result kept the study data
// (Options.Export).
func (r *Result) Exported() bool { return len(r.worlds()) > 0 }

// WriteStudyStudents writes study_students (Options.Export): per
// replication and world, the tested grade at baseline, then at follow-up,
// in the order the study observed them.
func (r *Result) WriteStudyStudents(w io.Writer, format results.Format, id results.RunID) error {
	return studentColumns.Write(w, format, func(yield func(*studentRow) bool) {
		for i := range r.Reps {
			for _, wd := range r.worlds() {
				d := r.Reps[i].Data[wd]
				if d == nil {
					continue
				}
				for t, list := range [2][]Student{d.Pre, d.Post} {
					year := r.Study.Baseline
					if t == 1 {
						year = r.Study.FollowUp
					}
					for j := range list {
						st := &list[j]
						if !yield(&studentRow{&id, i, r.assignmentOf(wd), year, t == 1, st, &d.Schools[st.School]}) {
							return
						}
					}
				}
			}
		}
	})
}

// WriteStudySchools writes study_schools (Options.Export): per
// replication and world, every school.
func (r *Result) WriteStudySchools(w io.Writer, format results.Format, id results.RunID) error {
	return schoolPanelColumns.Write(w, format, func(yield func(*schoolPanelRow) bool) {
		for i := range r.Reps {
			rep := &r.Reps[i]
			for _, wd := range r.worlds() {
				d := rep.Data[wd]
				if d == nil {
					continue
				}
				truth := map[int32]*SchoolEffect{}
				for j := range rep.Schools {
					if e := &rep.Schools[j]; e.World == wd {
						truth[e.School] = e
					}
				}
				for j := range d.Schools {
					s := &d.Schools[j]
					weight := math.NaN()
					if wd == worldScenario && r.Has(PSMDID) {
						weight = 0
						if rep.PSM != nil {
							weight = rep.PSM.Weight[j]
						}
					}
					if !yield(&schoolPanelRow{&id, i, r.assignmentOf(wd), s, weight, truth[s.Index]}) {
						return
					}
				}
			}
		}
	})
}

// DID is the did design on d: the two-period difference in differences
// with school fixed effects of outcome k (an index of the outcomes:
// maths, chinese, english, science, composite), on the treated and the
// eligible untreated schools, with its CR1 standard error clustered by
// school, exactly as the did design estimates it.
func (d *Data) DID(k int) Estimate {
	return newBySchool(d).fitDID(d.sampleUnits(nil), k)
}

// StudyKey names one study of an exported panel: a replication and its
// world's assignment ("voluntary", "lottery", …).
type StudyKey struct {
	Replication int
	Assignment  string
}

// ReadStudy reads the exported panel (study_students.csv and
// study_schools.csv, as WriteStudyStudents and WriteStudySchools wrote
// them) back into the data of each study, for estimators written in Go.
// Columns are found by name; covariates, mediators and the true effects
// are read into School, students' scores, peer relations, SES and
// migrant status into Student.
func ReadStudy(students, schools io.Reader) (map[StudyKey]*Data, error) {
	out := map[StudyKey]*Data{}
	err := readRows(schools, "study_schools", func(get func(string) string, num func(string) (float64, error)) error {
		rep, err := strconv.Atoi(get("replication"))
		if err != nil {
			return err
		}
		key := StudyKey{rep, get("assignment")}
		d := out[key]
		if d == nil {
			d = &Data{}
			out[key] = d
		}
		idx, err := strconv.Atoi(get("school"))
		if err != nil {
			return err
		}
		if idx != len(d.Schools) {
			return fmt.Errorf("school %d out of order (want %d)", idx, len(d.Schools))
		}
		s := School{Index: int32(idx), Treated: get("treated") == "1", Eligible: get("eligible") == "1"}
		district, err := strconv.Atoi(get("district"))
		if err != nil {
			return err
		}
		s.District = int32(district)
		for _, c := range Covariates {
			x, err := num(c)
			if err != nil {
				return err
			}
			s.Covariates = append(s.Covariates, x)
		}
		for j, c := range []string{"leadership_pre", "leadership_post", "style_pre", "style_post"} {
			x, err := num(c)
			if err != nil {
				return err
			}
			if j < 2 {
				s.Leadership[j] = x
			} else {
				s.Style[j-2] = x
			}
		}
		d.Schools = append(d.Schools, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readRows(students, "study_students", func(get func(string) string, num func(string) (float64, error)) error {
		rep, err := strconv.Atoi(get("replication"))
		if err != nil {
			return err
		}
		d := out[StudyKey{rep, get("assignment")}]
		if d == nil {
			return fmt.Errorf("replication %s, assignment %s is not in study_schools", get("replication"), get("assignment"))
		}
		school, err := strconv.Atoi(get("school"))
		if err != nil || school < 0 || school >= len(d.Schools) {
			return fmt.Errorf("school %q is not in study_schools", get("school"))
		}
		st := Student{School: int32(school), Migrant: get("migrant") == "1"}
		if st.ID, err = strconv.ParseInt(get("student"), 10, 64); err != nil {
			return err
		}
		for k := range NumOutcomes {
			if st.Score[k], err = num(OutcomeName(k)); err != nil {
				return err
			}
		}
		if st.PeerRelations, err = num("peer_relations"); err != nil {
			return err
		}
		if st.SES, err = num("ses"); err != nil {
			return err
		}
		if get("post") == "1" {
			d.Post = append(d.Post, st)
		} else {
			d.Pre = append(d.Pre, st)
		}
		return nil
	})
	return out, err
}

// readRows reads a CSV table with a header, calling row for each row with
// a getter by column name; an error names the table and the line.
func readRows(r io.Reader, table string, row func(get func(string) string, num func(string) (float64, error)) error) error {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("evaluate: %s: %w", table, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	var rec []string
	get := func(name string) string {
		i, ok := col[name]
		if !ok {
			panic(missingColumn(name))
		}
		return rec[i]
	}
	num := func(name string) (float64, error) { return strconv.ParseFloat(get(name), 64) }
	for line := 2; ; line++ {
		if rec, err = cr.Read(); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("evaluate: %s: %w", table, err)
		}
		err := func() (err error) {
			defer func() {
				switch p := recover().(type) {
				case nil:
				case missingColumn:
					err = fmt.Errorf("no column %s", string(p))
				default:
					panic(p)
				}
			}()
			return row(get, num)
		}()
		if err != nil {
			return fmt.Errorf("evaluate: %s line %d: %w", table, line, err)
		}
	}
}

type missingColumn string
