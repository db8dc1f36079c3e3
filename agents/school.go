package agents

import "math/rand/v2"

// Tier is a school's standing when the population is generated.
type Tier uint8

// The tiers.
const (
	Strong Tier = iota
	Average
	Weak
	NumTiers = 3
)

var tierNames = [NumTiers]string{"strong", "average", "weak"}

// String returns the tier's lower-case name.
func (t Tier) String() string { return tierNames[t] }

// School is one school and everything that belongs to it. The per-school
// phase of a step touches only its own School, so schools step in parallel.
type School struct {
	// Index is the school's position in Population.Schools.
	Index    int32
	District int32
	// X, Y locate the school in kilometres from the city centre.
	X, Y float32
	Tier Tier
	// Level is the school's level, primary or junior secondary, set from
	// the population's first grade (PopulationSpec.FirstGrade).
	Level Level
	// Capacity is the number of places; ClassesPerGrade and ClassSize give
	// the planned intake.
	Capacity        int32
	ClassesPerGrade int32
	ClassSize       int32
	// MigrantShare and SESMean describe the school's catchment, used for
	// each new intake; IntakeMean is the intake's mean latent achievement.
	MigrantShare float32
	SESMean      float32
	IntakeMean   float32
	// LeadershipMean is the mean potential of the principals the school
	// appoints, and HireStyle the mean style of the teachers it hires.
	LeadershipMean float32
	HireStyle      float32

	Students []Student
	// TieTo[i*TiesPerStudent+k] is the index of student i's k-th peer, or
	// -1; TieStrength holds that tie's strength in [0,1].
	TieTo       []int32
	TieStrength []float32
	// classStart[c] is the index of the first student of class c, where
	// class c = Grade*ClassesPerGrade + Class and students are ordered by c;
	// classStart has one extra entry at the end. Kept by indexClasses.
	classStart []int32

	Teachers []Teacher
	// Teaching[c*NumSubjects+s] is the index in Teachers of the teacher of
	// subject s in class c (same class numbering as classStart).
	Teaching []int32

	Principal Principal

	// Facilities and Courses are resource stocks; 1 is the average school's
	// baseline stock (per pupil when ResourcePupils > 0). FacilitySpending
	// and CourseSpending are the yearly routine budgets in RMB; pipeF and
	// pipeC hold the money in the lag pipelines, rings of FacilityLag()+1
	// and ResourceLagWeeks+1 weekly slots.
	Facilities, Courses              float32
	FacilitySpending, CourseSpending float64
	pipeF, pipeC                     pipeline

	// Climate in [0,1]; Reputation is a lagged mean of the school's
	// standardised achievement.
	Climate    float32
	Reputation float32
	// Digital is digital infrastructure in [0,1]; Autonomy in [0,1].
	Digital  float32
	Autonomy float32
	// Label is the intensity, in [0,1], of a public label such as
	// "priority" or "weak school" that a policy has put on the school. It
	// persists until the policy takes it off. Families and teachers respond
	// to it (LabelResponse): teachers leave more, applicants are fewer and
	// weaker, and better-off families avoid the school.
	Label float32

	// Reform is this week's policy inputs; Member the school's place in
	// reform structures; Cost this year's reform costs.
	Reform Reform
	Member Membership
	Cost   Costs
	// Admitted, when not nil, is the next intake chosen by a school-choice
	// policy; SchoolYear enrols it instead of drawing from the catchment.
	Admitted []Student
	// TestPrep is how far the school's scores on the high-stakes exam
	// stand above what its students have learned, in SD of the baseline
	// grade (TeachingToTheTest); 0 in a school no policy treats.
	TestPrep float32
	// Exited counts the children of this school's catchment who are in a
	// school-choice policy's exit (private) sector and still of school
	// age: N, and the sums SES and SESSq of their SES (no other field).
	// The policy sets it every week; they are not simulated.
	Exited StudentSums

	// Leavers and Hires count this year's teacher turnover; CloseYear
	// resets and fills them.
	Leavers, Hires int32
	// Movers counts the school's teachers who moved to another school for
	// good (TeacherTransfer, transfers by policies) since the engine last
	// recorded it at a year end.
	Movers int32

	// Hold, when not nil, pins one mediator to its path in an untreated
	// twin (mediation twins only; see Hold).
	Hold *Hold

	nextID int64
	rng    *rand.Rand
	// pcg, when not nil, is rng's source, whose state the student step
	// draws from directly (the same numbers, without rand.Rand's
	// interface call); see SetSource and pcgState.
	pcg     *rand.PCG
	scratch []float64 // per-class aggregates of the current step
	// year holds, per grade, the weekly sums of a spin-up year that
	// MeasureReference turns into the grade centres (see StepSchool).
	year []yearSums
}

// Resources is the school's resource index: the mean of its facilities and
// its courses, own and shared through an alliance:
//
//	R = (F + K + K_shared) / 2
func (s *School) Resources() float64 {
	// Rounded: the compiler makes /2 a product, which a caller's sum must
	// not fuse into a multiply-add (see package fmath).
	return float64((float64(s.Facilities) + float64(s.Courses) + float64(s.Reform.SharedCourses)) / 2)
}

// Rand returns the school's own random stream.
func (s *School) Rand() *rand.Rand { return s.rng }

// SetRand gives the school its random stream, as generation does; before
// the school steps (StepSchool), SetSource must give it its source.
func (s *School) SetRand(r *rand.Rand) { s.rng, s.pcg = r, nil }

// SetSource gives the school the stream of source p, in its present
// state: the same numbers as SetRand(rand.New(p)), and those the student
// step draws from p's state directly (see pcgState). The engine calls it
// once per replication.
func (s *School) SetSource(p *rand.PCG) { s.rng, s.pcg = rand.New(p), p }

// NumClasses returns the number of classes in the school.
func (s *School) NumClasses() int { return len(s.classStart) - 1 }

// Class returns the half-open index range of class c's students.
func (s *School) Class(c int) (lo, hi int) { return int(s.classStart[c]), int(s.classStart[c+1]) }

// ClassOf returns the class number of student i: Grade*ClassesPerGrade + Class.
func (s *School) ClassOf(i int) int {
	st := &s.Students[i]
	return int(st.Grade)*int(s.ClassesPerGrade) + int(st.Class)
}

// indexClasses recomputes classStart from the students' grades and
// classes, which must already be in class order.
func (s *School) indexClasses(grades int) {
	n := grades * int(s.ClassesPerGrade)
	s.classStart = s.classStart[:0]
	i := 0
	for c := range n + 1 {
		for i < len(s.Students) && s.ClassOf(i) < c {
			i++
		}
		s.classStart = append(s.classStart, int32(i))
	}
}

// Invest puts money (RMB) into the school's resource pipelines, split
// between facilities and courses; it becomes stock after the facility lag
// (Params.FacilityLag) and ResourceLagWeeks. A negative amount takes money
// out of what is on its way (a cut in the routine budget).
func (s *School) Invest(facilities, courses float64) {
	s.pipeF.put(facilities)
	s.pipeC.put(courses)
}

// newID returns a fresh agent ID: the school index in the high bits and a
// per-school counter below, so IDs do not depend on the order in which
// schools step.
func (s *School) newID() int64 {
	s.nextID++
	return int64(s.Index)<<32 | s.nextID
}
