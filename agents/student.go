package agents

// Subject is one of the four tested subjects.
type Subject uint8

// The subjects, in the order of every per-subject array.
const (
	Maths Subject = iota
	Chinese
	English
	Science
	NumSubjects = 4
)

var subjectNames = [NumSubjects]string{"maths", "chinese", "english", "science"}

// String returns the subject's lower-case name, as used in output columns.
func (s Subject) String() string { return subjectNames[s] }

// Student is one pupil. Students live in their school's Students slice,
// ordered by grade (youngest first) and by class within a grade; a student's
// index in that slice is its identity inside the school, used by peer ties.
type Student struct {
	// ID is unique in the population and never reused.
	ID int64
	// Achievement per subject, on a latent scale whose unit is the baseline
	// SD of the intake grade; reports convert it to SD units of the
	// baseline population of the same grade (see Reference).
	Achievement [NumSubjects]float32
	// SES is socio-economic status, standardised over the population.
	SES float32
	// Propensity is the student's own engagement level, before peers,
	// climate and teaching move it.
	Propensity float32
	// Engagement in [0,1].
	Engagement float32
	// PeerRelations is peer-relationship quality in [0,1]: the summed
	// strength of the student's ties over TiesPerStudent.
	PeerRelations float32
	// Grade is the year of study counted from the school's first grade (0).
	Grade uint8
	// Class is the section within the grade.
	Class uint8
	// Migrant marks an internal-migrant child without local hukou.
	Migrant bool
	// ties counts the student's peer ties; meanAch caches
	// MeanAchievement for the tie mechanism (see refresh).
	ties    uint8
	meanAch float32
}

// TiesPerStudent is the number of peer-tie slots each student has.
const TiesPerStudent = 6

// MeanAchievement returns the mean of the student's latent achievement
// over subjects.
func (s *Student) MeanAchievement() float64 {
	var sum float64
	for _, a := range s.Achievement {
		sum += float64(a)
	}
	return sum / NumSubjects
}

// refresh updates the cached mean achievement; call it after changing
// Achievement.
func (s *Student) refresh() { s.meanAch = float32(s.MeanAchievement()) }
