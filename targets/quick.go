package targets

// QuickWorld is the world of the --quick preset: every target scenario
// shrunk to two districts of 25 schools with two classes of 20 students
// in each grade, 20-week years after 2 spin-up years: small, but with
// enough weak schools (16) for a study to match the volunteers. It is the TOML text of
// the [population] and [run] tables a target file may set.
const QuickWorld = `[run]
weeks_per_year = 20
spin_up_years = 2

[population]
districts = 2
schools_per_district = 25
class_size = 20
staff_history_years = 10

[population.strong]
classes_per_grade = 2

[population.average]
classes_per_grade = 2

[population.weak]
classes_per_grade = 2
`

// Quick returns settings s with the --quick preset's: 12 particles kept
// of 24 in the first generation, at most 3 generations, one replication.
func Quick(s Settings) Settings {
	s.Particles, s.Alpha, s.MaxGenerations, s.Replications = 12, 0.5, 3, 1
	return s
}
