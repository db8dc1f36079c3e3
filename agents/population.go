package agents

import (
	"fmt"
	"math"
	"math/rand/v2"

	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// TierSpec describes the schools of one tier when the population is made.
type TierSpec struct {
	// Share of schools in this tier; the shares of the three tiers sum to 1.
	Share float64 `toml:"share"`
	// ClassesPerGrade sets enrolment: ClassesPerGrade × grades × class size.
	ClassesPerGrade int `toml:"classes_per_grade"`
	// IntakeMean is the mean latent achievement of the intake, in intake SD.
	IntakeMean float64 `toml:"intake_mean"`
	// SESMean is the catchment's mean socio-economic status, in population SD.
	SESMean float64 `toml:"ses_mean"`
	// MigrantShare is the share of intake without local hukou.
	MigrantShare float64 `toml:"migrant_share"`
	// TeacherStyle is the teachers' mean style (0 teacher-, 1 student-centred).
	TeacherStyle float64 `toml:"teacher_style"`
	// Leadership is the mean leadership potential of the tier's principals.
	Leadership float64 `toml:"leadership"`
	// Resources is the facilities and courses stock, 1 = the average school.
	Resources float64 `toml:"resources"`
	// Digital is the digital infrastructure index in [0,1].
	Digital float64 `toml:"digital"`

	// teachersPerSubject, when not 0, replaces the staffing rule (one
	// teacher per subject for every two classes): a roster school's own.
	teachersPerSubject int
}

// PopulationSpec describes the synthetic school system.
type PopulationSpec struct {
	// Districts and SchoolsPerDistrict set the number of schools.
	Districts          int `toml:"districts"`
	SchoolsPerDistrict int `toml:"schools_per_district"`
	// CityRadiusKm is the distance of every district centre from the city
	// centre (districts sit on a circle); DistrictRadiusKm the radius of the
	// disc around its centre where a district's schools lie.
	CityRadiusKm     float64 `toml:"city_radius_km"`
	DistrictRadiusKm float64 `toml:"district_radius_km"`
	// Grades is the number of grades a school teaches and FirstGrade the
	// national number of the first (7 for junior secondary).
	Grades     int `toml:"grades"`
	FirstGrade int `toml:"first_grade"`
	// ClassSize is the number of students in a class.
	ClassSize int `toml:"class_size"`
	// SpareCapacity is the share of places above planned enrolment.
	SpareCapacity float64 `toml:"spare_capacity"`
	// StaffHistoryYears is how many years of teacher careers (development,
	// attrition, hiring) are run when a school is made, so that its staff
	// start near their steady state.
	StaffHistoryYears int `toml:"staff_history_years"`

	Strong  TierSpec `toml:"strong"`
	Average TierSpec `toml:"average"`
	Weak    TierSpec `toml:"weak"`

	// RosterFile names a roster file that lists the schools one by one
	// (see [Roster]); Roster is what it holds, read by package scenarios.
	// With a roster, the schools, districts and positions are the
	// roster's, and the tier profiles fill what its rows leave out.
	RosterFile string  `toml:"roster" json:",omitempty"`
	Roster     *Roster `toml:"-" json:",omitempty"`
}

// DefaultPopulation returns a district-sized system of 100 junior secondary
// schools in 4 districts (per district 5 strong, 12 average, 8 weak after
// rounding the shares). The tier profiles are assumptions; they give a
// between-school share of achievement variance of about 0.44, a strongly
// stratified system. The migrant shares follow Liu (2021), where member
// schools serve many migrant children.
func DefaultPopulation() PopulationSpec {
	return PopulationSpec{
		Districts: 4, SchoolsPerDistrict: 25,
		CityRadiusKm: 15, DistrictRadiusKm: 6,
		Grades: 3, FirstGrade: 7, ClassSize: 45, SpareCapacity: 0.1,
		StaffHistoryYears: 30,
		Strong: TierSpec{Share: 0.2, ClassesPerGrade: 8, IntakeMean: 0.7, SESMean: 0.6,
			MigrantShare: 0.10, TeacherStyle: 0.45,
			Leadership: 0.65, Resources: 1.3, Digital: 0.9},
		Average: TierSpec{Share: 0.5, ClassesPerGrade: 6, IntakeMean: 0, SESMean: 0,
			MigrantShare: 0.25, TeacherStyle: 0.35,
			Leadership: 0.5, Resources: 1.0, Digital: 0.7},
		Weak: TierSpec{Share: 0.3, ClassesPerGrade: 5, IntakeMean: -0.7, SESMean: -0.5,
			MigrantShare: 0.45, TeacherStyle: 0.30,
			Leadership: 0.40, Resources: 0.7, Digital: 0.5},
	}
}

// Tier returns the spec of tier t.
func (ps *PopulationSpec) Tier(t Tier) *TierSpec {
	return [...]*TierSpec{&ps.Strong, &ps.Average, &ps.Weak}[t]
}

// NumSchools returns the number of schools the spec makes.
func (ps *PopulationSpec) NumSchools() int {
	if ps.Roster != nil {
		return len(ps.Roster.Schools)
	}
	return ps.Districts * ps.SchoolsPerDistrict
}

// Validate checks every number against [PopulationRanges], that the tier
// shares sum to 1, and that the system is at most [MaxSchools] schools and
// [MaxStudents] planned students.
func (ps *PopulationSpec) Validate() error {
	bad := func(key, msg string, also ...string) error {
		for i := range also {
			also[i] = "population." + also[i]
		}
		return &ParamError{Key: "population." + key, Err: msg, Also: also}
	}
	if err := PopulationRanges.Check(ps); err != nil {
		re := err.(*ranges.Error)
		return bad(re.Key, re.Reason())
	}
	var sum float64
	for t := range Tier(NumTiers) {
		sum += ps.Tier(t).Share
	}
	switch {
	case ps.Roster != nil && ps.Districts != len(ps.Roster.Districts):
		return bad("districts", fmt.Sprintf("the roster has %d districts; districts is set by the roster", len(ps.Roster.Districts)))
	case math.Abs(sum-1) > 1e-6:
		return bad("strong.share", fmt.Sprintf("tier shares must sum to 1, got %g", sum), "average.share", "weak.share")
	case ps.NumSchools() > MaxSchools:
		return bad("schools_per_district", fmt.Sprintf("districts × schools_per_district is %d schools; at most %d (a national system)", ps.NumSchools(), MaxSchools), "districts")
	case ps.PlannedStudents() > MaxStudents:
		return bad("class_size", fmt.Sprintf("the population plans %.0f students (districts × schools × classes a grade × grades × class_size); at most %d (a national system)", ps.PlannedStudents(), MaxStudents),
			"districts", "schools_per_district", "grades", "strong.classes_per_grade", "average.classes_per_grade", "weak.classes_per_grade")
	}
	return nil
}

// PlannedStudents is the enrolment the spec plans: per district, the tier
// mix of whole schools that [Generate] makes, times classes per grade,
// grades and class size.
func (ps *PopulationSpec) PlannedStudents() float64 {
	if ps.Roster != nil {
		return ps.Roster.Students(ps)
	}
	m := float64(ps.SchoolsPerDistrict)
	strong := math.Round(ps.Strong.Share * m)
	weak := math.Round(ps.Weak.Share * m)
	if strong+weak > m {
		weak = m - strong
	}
	average := m - strong - weak
	// Whole numbers, exact either way; rounded like every product before a
	// sum, so that no machine fuses them into multiply-adds (see fmath).
	classes := float64(strong*float64(ps.Strong.ClassesPerGrade)) + float64(average*float64(ps.Average.ClassesPerGrade)) + float64(weak*float64(ps.Weak.ClassesPerGrade))
	return float64(ps.Districts) * classes * float64(ps.Grades) * float64(ps.ClassSize)
}

// Population is the whole school system of one replication.
type Population struct {
	Spec    PopulationSpec
	Schools []School
}

// NumStudents returns the number of students enrolled.
func (p *Population) NumStudents() int {
	n := 0
	for i := range p.Schools {
		n += len(p.Schools[i].Students)
	}
	return n
}

// NumTeachers returns the number of teachers in post.
func (p *Population) NumTeachers() int {
	n := 0
	for i := range p.Schools {
		n += len(p.Schools[i].Teachers)
	}
	return n
}

// Generate makes the population the spec describes. rng draws the
// city-level layout (tiers, district centres); school(i) must return school
// i's own stream, which Generate stores in the school and uses for
// everything inside it. With a roster the layout is the roster's and rng
// is not used.
func Generate(spec PopulationSpec, par *Params, rng *rand.Rand, school func(i int) *rand.Rand) *Population {
	return GenerateEach(spec, par, rng, school, func(n int, fn func(i int)) {
		for i := range n {
			fn(i)
		}
	})
}

// GenerateEach is Generate with the schools' own work (students,
// teachers, staff history, principal), which draws only from each
// school's stream, handed to each(n, fn), which must call fn(i) once for
// every i in [0,n), in any order and on any goroutines: the population is
// the same whatever each does. The city-level draws and the calls of
// school(i) stay sequential, in school order.
func GenerateEach(spec PopulationSpec, par *Params, rng *rand.Rand, school func(i int) *rand.Rand,
	each func(n int, fn func(i int))) *Population {
	if spec.Roster != nil {
		return generateRoster(spec, par, school, each)
	}
	n := spec.NumSchools()
	tiers := assignTiers(&spec, rng)
	pop := &Population{Spec: spec, Schools: make([]School, n)}
	for i := range pop.Schools {
		d := i / spec.SchoolsPerDistrict
		angle := 2 * math.Pi * float64(d) / float64(spec.Districts)
		cx := float64(spec.CityRadiusKm * fmath.Cos(angle))
		cy := float64(spec.CityRadiusKm * fmath.Sin(angle))
		r := school(i)
		rr := spec.DistrictRadiusKm * math.Sqrt(rng.Float64())
		ra := 2 * math.Pi * rng.Float64()
		s := &pop.Schools[i]
		s.Index, s.District = int32(i), int32(d)
		// float64(x*y) rounds a product before a sum, so that no machine
		// fuses the two into one multiply-add: the same bits everywhere.
		s.X, s.Y = float32(cx+float64(rr*fmath.Cos(ra))), float32(cy+float64(rr*fmath.Sin(ra)))
		s.SetRand(r)
	}
	each(n, func(i int) { generateSchool(&pop.Schools[i], tiers[i], &spec, par) })
	return pop
}

// assignTiers gives each district the same tier mix, as close to the
// shares as whole schools allow, in random order.
func assignTiers(spec *PopulationSpec, rng *rand.Rand) []Tier {
	m := spec.SchoolsPerDistrict
	strong := int(math.Round(spec.Strong.Share * float64(m)))
	weak := int(math.Round(spec.Weak.Share * float64(m)))
	if strong+weak > m {
		weak = m - strong
	}
	tiers := make([]Tier, 0, spec.NumSchools())
	for range spec.Districts {
		d := make([]Tier, m)
		for k := range d {
			switch {
			case k < strong:
				d[k] = Strong
			case k < strong+weak:
				d[k] = Weak
			default:
				d[k] = Average
			}
		}
		rng.Shuffle(m, func(a, b int) { d[a], d[b] = d[b], d[a] })
		tiers = append(tiers, d...)
	}
	return tiers
}

func generateSchool(s *School, tier Tier, spec *PopulationSpec, par *Params) {
	ts := spec.Tier(tier)
	r := s.rng
	s.Tier = tier
	s.Level = LevelOf(spec.FirstGrade)
	s.ClassesPerGrade = int32(ts.ClassesPerGrade)
	s.ClassSize = int32(spec.ClassSize)
	enrol := ts.ClassesPerGrade * spec.Grades * spec.ClassSize
	s.Capacity = int32(math.Ceil(float64(enrol) * (1 + spec.SpareCapacity)))
	s.MigrantShare = float32(ts.MigrantShare)
	s.SESMean = float32(ts.SESMean)
	s.IntakeMean = float32(ts.IntakeMean)
	s.Digital = float32(ts.Digital)
	s.Climate = 0.5
	s.Member = Membership{Pair: -1, Group: -1, Alliance: -1}
	s.Reputation = float32(ts.IntakeMean)
	s.LeadershipMean = float32(ts.Leadership)
	s.HireStyle = float32(ts.TeacherStyle)

	// Students, youngest grade first, class by class. Older grades start
	// with the growth of the years they have already studied.
	s.Students = make([]Student, 0, s.Capacity)
	for g := range spec.Grades {
		for c := range ts.ClassesPerGrade {
			for range spec.ClassSize {
				st := s.newStudent(uint8(g), uint8(c))
				for k := range st.Achievement {
					st.Achievement[k] += float32(float64(g) * par.GrowthPerYear)
				}
				st.refresh()
				s.Students = append(s.Students, st)
			}
		}
	}
	s.TieTo = make([]int32, len(s.Students)*TiesPerStudent, int(s.Capacity)*TiesPerStudent)
	s.TieStrength = make([]float32, len(s.TieTo), cap(s.TieTo))
	for k := range s.TieTo {
		s.TieTo[k] = -1
	}
	s.indexClasses(spec.Grades)

	// Teachers: one per subject for every two classes.
	classes := ts.ClassesPerGrade * spec.Grades
	perSubject := (classes + 1) / 2
	if ts.teachersPerSubject > 0 {
		perSubject = ts.teachersPerSubject
	}
	s.Teachers = make([]Teacher, 0, perSubject*NumSubjects)
	s.Teaching = make([]int32, classes*NumSubjects)
	for sub := range Subject(NumSubjects) {
		first := len(s.Teachers)
		for range perSubject {
			t := s.newTeacher(sub, par)
			t.Experience = float32(math.Floor(math.Min(35, fmath.ExpFloat64(r)/par.AttritionBase)))
			t.Effectiveness += float32(experienceGain(float64(t.Experience), par))
			s.Teachers = append(s.Teachers, t)
		}
		for c := range classes {
			s.Teaching[c*NumSubjects+int(sub)] = int32(first + c*perSubject/classes)
		}
	}
	refillTeacherTies(s)
	staffHistory(s, spec.StaffHistoryYears, par)

	// A principal whose tenure follows the steady state of succession.
	s.Principal = s.newPrincipal(fmath.ExpFloat64(r)/max(par.PrincipalTurnover, 0.01), par)

	// Resources at the steady state of routine spending (see ResourceUpdate).
	s.Facilities, s.Courses = float32(ts.Resources), float32(ts.Resources)
	s.FacilitySpending, s.CourseSpending = routineSpending(ts.Resources, s.plannedPupils(spec.Grades), par)
	s.pipeF = newPipeline(par.FacilityLag())
	s.pipeC = newPipeline(par.ResourceLagWeeks)
}

// staffHistory runs years of the yearly teacher mechanisms on a new
// school: TeacherDevelopment with colleagues as they stood at the start of
// each year, TeacherAttrition at baseline morale with the school's
// reputation as its achievement, Hire, and new collaboration ties.
func staffHistory(s *School, years int, par *Params) {
	ref := &Reference{Morale: 0.6}
	env := &Env{Par: par, Ref: ref}
	before := make([]Teacher, len(s.Teachers))
	partner := func(_ int32, id int64) (*Teacher, bool) {
		for k := range before {
			if before[k].ID == id {
				return &before[k], true
			}
		}
		return nil, false
	}
	for range years {
		copy(before, s.Teachers)
		// The reference mean effectiveness, which TeacherAttrition's
		// effectiveness term reads, is the school's own staff mean.
		ref.Effectiveness = 0
		for k := range s.Teachers {
			ref.Effectiveness += float64(s.Teachers[k].Effectiveness)
		}
		ref.Effectiveness /= float64(max(1, len(s.Teachers)))
		for i := range s.Teachers {
			TeacherDevelopment(&s.Teachers[i], 1, 0, partner, par)
			if TeacherAttrition(s, &s.Teachers[i], float64(s.Reputation), env) {
				Hire(s, i, env)
			}
		}
		refillTeacherTies(s)
	}
}

// experienceGain is the effectiveness a teacher has gained from n whole
// years of TeacherDevelopment's experience term: Σ_{k<n} g·q^k = g·(1 − qⁿ)/(1 − q)
// with q = exp(−1/TeacherExperienceScale).
func experienceGain(n float64, par *Params) float64 {
	q := fmath.Exp(-1 / par.TeacherExperienceScale)
	return par.TeacherExperienceGain * (1 - fmath.Pow(q, n)) / (1 - q)
}

// newStudent draws a member of the school's intake from its own stream and
// gives it an ID, grade and class.
func (s *School) newStudent(grade, class uint8) Student {
	st := drawStudent(s, s.rng, 0)
	st.ID, st.Grade, st.Class = s.newID(), grade, class
	return st
}

// DrawStudent draws a child from school s's catchment with stream r,
// without an ID, grade or class. Achievement in the four subjects shares a
// common factor (correlation 0.64) and rises 0.3 SD per SD of SES; migrant
// children have 0.3 SD lower SES.
func DrawStudent(s *School, r *rand.Rand) Student { return drawStudent(s, r, 0) }

// drawStudent is DrawStudent with the mean SES of the draw shifted by
// sesShift (a labelled school's intake, LabelResponse); achievement follows
// SES as in DrawStudent.
func drawStudent(s *School, r *rand.Rand, sesShift float64) Student {
	migrant := r.Float64() < float64(s.MigrantShare)
	ses := float64(s.SESMean) + float64(0.8*fmath.NormFloat64(r))
	if sesShift != 0 {
		ses += sesShift
	}
	if migrant {
		ses -= 0.3
	}
	st := Student{
		SES:        float32(ses),
		Migrant:    migrant,
		Propensity: clamp01f(0.6 + float64(0.05*ses) + float64(0.12*fmath.NormFloat64(r))),
	}
	st.Engagement = st.Propensity
	common := fmath.NormFloat64(r)
	base := float64(s.IntakeMean) + float64(0.3*(ses-float64(s.SESMean)))
	for k := range st.Achievement {
		st.Achievement[k] = float32(base + float64(0.8*common) + float64(0.6*fmath.NormFloat64(r)))
	}
	st.refresh()
	return st
}

// newTeacher draws a new hire of subject sub. Mean effectiveness is
// HireEffectiveness + HireReputation·reputation: stronger schools attract
// stronger candidates. The reputation is the one applicants perceive, less
// any label's stigma (PerceivedReputation). Style is drawn around the school's HireStyle.
func (s *School) newTeacher(sub Subject, par *Params) Teacher {
	r := s.rng
	return Teacher{
		ID:      s.newID(),
		Subject: sub,
		Effectiveness: float32(par.HireEffectiveness + float64(par.HireReputation*s.PerceivedReputation(par)) +
			float64(par.TeacherSD*fmath.NormFloat64(r))),
		Style:       clamp01f(float64(s.HireStyle) + float64(0.1*fmath.NormFloat64(r))),
		Morale:      0.6,
		Home:        s.Index,
		PostingEnds: -1,
	}
}

// refillTeacherTies gives each teacher with a free slot a tie to a random
// colleague of the same school, preferring the same subject. Ties are
// mutual where the colleague has room.
func refillTeacherTies(s *School) {
	n := len(s.Teachers)
	if n < 2 {
		return
	}
	r := s.rng
	for i := range s.Teachers {
		t := &s.Teachers[i]
		for range TeacherTies {
			j := r.IntN(n)
			if r.Float64() < 0.7 { // same subject: teachers are stored by subject
				if lo, hi := subjectRange(s, t.Subject); hi > lo {
					j = lo + r.IntN(hi-lo)
				}
			}
			if j == i {
				continue
			}
			c := &s.Teachers[j]
			if t.AddTie(s.Index, c.ID) {
				c.AddTie(s.Index, t.ID)
			}
		}
	}
}

// subjectRange returns the index range of the teachers of subject sub,
// who are stored together.
func subjectRange(s *School, sub Subject) (lo, hi int) {
	lo = len(s.Teachers)
	for i := range s.Teachers {
		if s.Teachers[i].Subject == sub {
			lo = min(lo, i)
			hi = i + 1
		}
	}
	return lo, hi
}

func clamp01f(x float64) float32 { return float32(min(1, max(0, x))) }
