package statistics

import "schoolnet/agents"

// Student is what the statistics see of one student at a year end.
type Student struct {
	ID     int64
	School int32
	// Grade is the grade counted from the school's first (0) and Class the
	// section within it.
	Grade, Class uint8
	// Score is the achievement in each subject on the model's latent
	// vertical scale (agents.Student.Achievement): comparable across
	// grades and years.
	Score [agents.NumSubjects]float32
	// Teacher is the ID of the teacher of each subject in the student's
	// class this year.
	Teacher [agents.NumSubjects]int64
}

// Teacher is one teacher in post at a year end.
type Teacher struct {
	ID int64
	// School is where the teacher teaches; Home the school that employs
	// the teacher (they differ during a rotation posting).
	School, Home int32
}

// School is one school at a year end.
type School struct {
	Tier agents.Tier
	// Principal is the ID of the principal who led the school this year.
	Principal int64
}

// Year is a snapshot of one replication's school system at the end of a
// year, taken before the year closes (before teachers leave and the
// grades move up): the data of a year's tests and staff records.
type Year struct {
	Year int
	// FirstGrade is the national number of grade 0 and Grades the number
	// of grades.
	FirstGrade, Grades int
	Students           []Student
	Teachers           []Teacher
	Schools            []School
}

// Observe takes the snapshot of pop at the end of year y. Call it from the
// engine's hook (sim.Config.Observe), which sees the population as the
// year's records measure it.
func Observe(y int, pop *agents.Population) *Year {
	out := &Year{Year: y, FirstGrade: pop.Spec.FirstGrade, Grades: pop.Spec.Grades,
		Students: make([]Student, 0, pop.NumStudents()),
		Teachers: make([]Teacher, 0, pop.NumTeachers()),
		Schools:  make([]School, len(pop.Schools))}
	for i := range pop.Schools {
		s := &pop.Schools[i]
		out.Schools[i] = School{Tier: s.Tier, Principal: s.Principal.ID}
		for j := range s.Teachers {
			t := &s.Teachers[j]
			out.Teachers = append(out.Teachers, Teacher{ID: t.ID, School: s.Index, Home: t.Home})
		}
		for j := range s.Students {
			st := &s.Students[j]
			o := Student{ID: st.ID, School: s.Index, Grade: st.Grade, Class: st.Class, Score: st.Achievement}
			c := s.ClassOf(j)
			for k := range agents.NumSubjects {
				o.Teacher[k] = s.Teachers[s.Teaching[c*agents.NumSubjects+k]].ID
			}
			out.Students = append(out.Students, o)
		}
	}
	return out
}
