package agents

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// Roster is a school system listed school by school, as a roster file
// gives it ([population] roster in a scenario): a real district's schools,
// or a synthetic system exported to be edited. Package scenarios reads the
// files (CSV, GeoJSON); this type holds what they say. A value a row
// leaves out is nil (or "") here and is filled, when the population is
// made, from the tier profiles of the [PopulationSpec] ([Roster.Fill]
// says which), so that a scenario that changes a tier profile changes the
// schools whose roster left that value out.
type Roster struct {
	// File is the roster's file name and SHA256 the SHA-256 of its bytes,
	// so that a manifest names the exact roster a run used.
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	// Districts are the district names of the roster, numbered in order of
	// first appearance: a school's District indexes them, and policies'
	// select.districts count them from 0.
	Districts []string `json:"districts"`
	// Origin is the latitude and longitude, in degrees, that the schools'
	// kilometre coordinates are measured from when the roster gives lat
	// and lon: the schools' centroid (see [ProjectLatLon]). Nil when the
	// roster gives x_km and y_km.
	Origin *[2]float64 `json:"origin,omitempty"`
	// Filled says which values came from the tier profiles and the
	// model's rules: set when the scenario is loaded, for the manifest.
	Filled  []string       `json:"filled,omitempty"`
	Schools []RosterSchool `json:"schools"`
}

// RosterSchool is one row of a roster. Optional values are nil when the
// row leaves them out. The JSON names are the file's column names.
type RosterSchool struct {
	// Line is the line of the file where the row (or GeoJSON feature)
	// starts, for errors.
	Line int    `json:"-"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// District indexes Roster.Districts.
	District int `json:"district"`
	// Lat and Lon, in degrees, when the roster gave them; X and Y are the
	// position in km east and north of the origin (given as x_km and y_km,
	// or projected from Lat and Lon).
	Lat *float64 `json:"lat,omitempty"`
	Lon *float64 `json:"lon,omitempty"`
	X   float64  `json:"x_km"`
	Y   float64  `json:"y_km"`
	// Enrolment is the school's students in all its grades; ByGrade, when
	// the roster gave enrolment per grade, the students of each grade from
	// the first.
	Enrolment int   `json:"enrolment"`
	ByGrade   []int `json:"enrolment_by_grade,omitempty"`
	// Teachers of the model's four subjects.
	Teachers *int `json:"teachers,omitempty"`
	// Tier is "strong", "average", "weak" or "" (derived from
	// PriorAchievement).
	Tier             string   `json:"tier,omitempty"`
	PriorAchievement *float64 `json:"prior_achievement,omitempty"`
	MigrantShare     *float64 `json:"migrant_share,omitempty"`
	SESMean          *float64 `json:"ses_mean,omitempty"`
	PrincipalTenure  *float64 `json:"principal_tenure,omitempty"`
	Resources        *float64 `json:"resources,omitempty"`
	Leadership       *float64 `json:"leadership,omitempty"`
	TeacherStyle     *float64 `json:"teacher_style,omitempty"`
	Digital          *float64 `json:"digital,omitempty"`
}

// Number returns where the school keeps the optional number of column
// col (prior_achievement, migrant_share, ses_mean, principal_tenure,
// resources, leadership, teacher_style, digital), or nil for another
// column: the readers and the writer share it.
func (s *RosterSchool) Number(col string) **float64 {
	switch col {
	case "prior_achievement":
		return &s.PriorAchievement
	case "migrant_share":
		return &s.MigrantShare
	case "ses_mean":
		return &s.SESMean
	case "principal_tenure":
		return &s.PrincipalTenure
	case "resources":
		return &s.Resources
	case "leadership":
		return &s.Leadership
	case "teacher_style":
		return &s.TeacherStyle
	case "digital":
		return &s.Digital
	}
	return nil
}

// RosterColumn describes one column of a roster file: the single source
// of the readers' checks, the exporter's columns and docs/SCENARIOS.md's
// roster table (a test checks the table against it).
type RosterColumn struct {
	// Name is the column's header. "enrolment_g<N>" stands for one column
	// per grade N (national grade numbers).
	Name string
	// Kind is "text", "integer", "number" or "tier".
	Kind string
	// Range bounds a number or integer (Key is Name); Unit says what it
	// counts.
	Range ranges.Range
	// Required says when the column must be given; "" means optional.
	Required string
	// Fill says what a missing value becomes; Meaning what the column is.
	Fill, Meaning string
}

// MaxRosterEnrolment is the most students a roster school has: the
// largest Chinese secondary schools have about 10,000, and the bound
// leaves room.
const MaxRosterEnrolment = 50_000

// RosterColumns are the columns of a roster, in the order the exporter
// writes them.
var RosterColumns = []RosterColumn{
	{Name: "id", Kind: "text", Required: "yes",
		Meaning: "the school's identifier: 1 to 64 letters, digits, `-`, `_` and `.`, unique in the roster; policies name schools by it (`select.ids`)"},
	{Name: "name", Kind: "text", Fill: "the id",
		Meaning: "the school's name, at most 200 characters"},
	{Name: "district", Kind: "text", Required: "yes",
		Meaning: "the district (or sub-district) the school belongs to, 1 to 64 characters; districts are numbered from 0 in order of first appearance (`select.districts`), and named in `select.district_names`"},
	{Name: "lat", Kind: "number", Range: ranges.Range{Min: -90, Max: 90, Unit: "degrees north (WGS 84)"}, Required: "`lat` and `lon`, or `x_km` and `y_km`",
		Meaning: "latitude; projected to km around the schools' centroid (below)"},
	{Name: "lon", Kind: "number", Range: ranges.Range{Min: -180, Max: 180, Unit: "degrees east (WGS 84)"}, Required: "with `lat`",
		Meaning: "longitude"},
	{Name: "x_km", Kind: "number", Range: ranges.Range{Min: -5000, Max: 5000, Unit: "km east"}, Required: "`x_km` and `y_km`, or `lat` and `lon`",
		Meaning: "position east of any origin you choose, in km"},
	{Name: "y_km", Kind: "number", Range: ranges.Range{Min: -5000, Max: 5000, Unit: "km north"}, Required: "with `x_km`",
		Meaning: "position north of the same origin, in km"},
	{Name: "enrolment", Kind: "integer", Range: ranges.Range{Min: 1, Max: MaxRosterEnrolment, Unit: "students"}, Required: "`enrolment`, or one `enrolment_g<N>` per grade",
		Meaning: "students in all the school's grades; the model teaches them in whole classes of about `population.class_size`"},
	{Name: "enrolment_g<N>", Kind: "integer", Range: ranges.Range{Min: 0, Max: MaxRosterEnrolment, Unit: "students"}, Required: "one per grade, or `enrolment`",
		Meaning: "students in national grade N (`enrolment_g7`, `enrolment_g8`, `enrolment_g9` for junior secondary); the model gives every grade their mean"},
	{Name: "teachers", Kind: "integer", Range: ranges.Range{Min: 1, Max: 10_000, Unit: "teachers"}, Fill: "one teacher per subject for every two classes (the model's rule)",
		Meaning: "teachers of the four subjects the model has (maths, Chinese, English, science): each subject gets a quarter of them, rounded, at least one and at most one per class"},
	{Name: "tier", Kind: "tier", Required: "`tier` or `prior_achievement`", Fill: "from `prior_achievement`: the tier whose `intake_mean` is nearest",
		Meaning: "`strong`, `average` or `weak`: the school's standing, which picks the tier profile that fills its missing values"},
	{Name: "prior_achievement", Kind: "number", Range: ranges.Range{Min: -5, Max: 5, Unit: "SD"}, Required: "`tier` or `prior_achievement`", Fill: "the tier's `intake_mean`",
		Meaning: "the mean achievement of the school's intake, in SD of all students of the grade (the model's `intake_mean`)"},
	{Name: "migrant_share", Kind: "number", Range: ranges.Range{Min: 0, Max: 1, Unit: "share of students"}, Fill: "the tier's `migrant_share`",
		Meaning: "share of the intake without local hukou"},
	{Name: "ses_mean", Kind: "number", Range: ranges.Range{Min: -5, Max: 5, Unit: "SD"}, Fill: "the tier's `ses_mean`",
		Meaning: "the catchment's mean socio-economic status, in SD of the population"},
	{Name: "principal_tenure", Kind: "number", Range: ranges.Range{Min: 0, Max: 50, Unit: "years"}, Fill: "drawn from the steady state of principal succession, anew in each replication",
		Meaning: "the principal's years as a principal, all in schools of this school's tier"},
	{Name: "resources", Kind: "number", Range: ranges.Range{Min: 0.01, Max: 10, Unit: "index, 1 = average school"}, Fill: "the tier's `resources`",
		Meaning: "facilities and courses stock"},
	{Name: "leadership", Kind: "number", Range: ranges.Range{Min: 0, Max: 1, Unit: "index 0–1"}, Fill: "the tier's `leadership`",
		Meaning: "mean leadership potential of the principals the school appoints"},
	{Name: "teacher_style", Kind: "number", Range: ranges.Range{Min: 0, Max: 1, Unit: "index 0–1"}, Fill: "the tier's `teacher_style`",
		Meaning: "mean style of the teachers it hires (0 teacher-, 1 student-centred)"},
	{Name: "digital", Kind: "number", Range: ranges.Range{Min: 0, Max: 1, Unit: "index 0–1"}, Fill: "the tier's `digital`",
		Meaning: "digital infrastructure"},
	{Name: "notes", Kind: "text",
		Meaning: "anything you like; ignored"},
}

// RosterColumnNamed returns the column of that header ("enrolment_g8"
// gives enrolment_g<N>).
func RosterColumnNamed(name string) (*RosterColumn, bool) {
	if g, ok := strings.CutPrefix(name, "enrolment_g"); ok && g != "" && strings.Trim(g, "0123456789") == "" {
		name = "enrolment_g<N>"
	}
	for i := range RosterColumns {
		if RosterColumns[i].Name == name {
			return &RosterColumns[i], true
		}
	}
	return nil, false
}

// RosterError is a roster value the scenario cannot use: Line is the
// file's line (0 if the problem is the whole roster) and Column the
// column's header.
type RosterError struct {
	Line   int
	Column string
	Err    string
}

func (e *RosterError) Error() string {
	return fmt.Sprintf("agents: roster line %d: %s: %s", e.Line, e.Column, e.Err)
}

// EarthRadiusKm is the mean radius of the Earth (IUGG), for
// [ProjectLatLon].
const EarthRadiusKm = 6371.0088

// ProjectLatLon turns latitudes and longitudes (degrees) into km east and
// north of their centroid (the mean latitude and longitude) by the
// equirectangular projection
//
//	x = R·(λ − λ₀)·cos φ₀,  y = R·(φ − φ₀)   (angles in radians)
//
// with R = EarthRadiusKm. Within 50 km of the centroid its distances are
// within 0.2% of the great-circle distance at the latitudes of China's
// cities, far below what the model's distances (travel, nearest partner)
// can tell apart; it is not meant for rosters spanning a country. It
// returns the centroid and the coordinates.
func ProjectLatLon(lat, lon []float64) (origin [2]float64, x, y []float64) {
	var sLat, sLon float64
	for i := range lat {
		sLat += lat[i]
		sLon += lon[i]
	}
	n := float64(len(lat))
	origin = [2]float64{sLat / n, sLon / n}
	rad := math.Pi / 180
	kx := float64(EarthRadiusKm*rad) * fmath.Cos(origin[0]*rad)
	ky := float64(EarthRadiusKm * rad)
	x, y = make([]float64, len(lat)), make([]float64, len(lat))
	for i := range lat {
		x[i] = float64(kx * (lon[i] - origin[1]))
		y[i] = float64(ky * (lat[i] - origin[0]))
	}
	return origin, x, y
}

// rosterPlan is a roster school with every value filled in: what
// generateRoster makes.
type rosterPlan struct {
	tier      Tier
	profile   TierSpec
	classSize int
	// perSubject is the teachers of each subject; tenure the principal's
	// years, or −1 to draw them.
	perSubject int
	tenure     float64
}

// plan fills in every school of the roster from spec's tier profiles and
// rules, and says what it filled. Errors are *RosterError.
func (r *Roster) plan(spec *PopulationSpec) ([]rosterPlan, []string, error) {
	cutHigh, cutLow, err := tierCuts(spec)
	out := make([]rosterPlan, len(r.Schools))
	var count [16]int
	var given, modelled int
	const (
		fName = iota
		fTier
		fPrior
		fMigrant
		fSES
		fTenure
		fResources
		fLeadership
		fStyle
		fDigital
		fTeachers
		fTeachersBounded
		fRounded
	)
	fill := func(v *float64, def float64, k int) float64 {
		if v == nil {
			count[k]++
			return def
		}
		return *v
	}
	G := spec.Grades
	for i := range r.Schools {
		rs := &r.Schools[i]
		bad := func(col, format string, args ...any) ([]rosterPlan, []string, error) {
			return nil, nil, &RosterError{Line: rs.Line, Column: col, Err: fmt.Sprintf(format, args...)}
		}
		p := &out[i]
		if rs.Name == "" {
			count[fName]++
		}
		switch {
		case rs.Tier != "":
			t, ok := ParseTier(rs.Tier)
			if !ok {
				return bad("tier", "%q is not a tier: strong, average or weak", rs.Tier)
			}
			p.tier = t
		case rs.PriorAchievement == nil:
			return bad("tier", "give the school's tier or its prior_achievement")
		case err != nil:
			return bad("tier", "cannot derive the tier from prior_achievement: %v", err)
		default:
			count[fTier]++
			switch a := *rs.PriorAchievement; {
			case a >= cutHigh:
				p.tier = Strong
			case a < cutLow:
				p.tier = Weak
			default:
				p.tier = Average
			}
		}
		ts := *spec.Tier(p.tier)
		p.profile = ts
		p.profile.IntakeMean = fill(rs.PriorAchievement, ts.IntakeMean, fPrior)
		p.profile.MigrantShare = fill(rs.MigrantShare, ts.MigrantShare, fMigrant)
		p.profile.SESMean = fill(rs.SESMean, ts.SESMean, fSES)
		p.profile.Resources = fill(rs.Resources, ts.Resources, fResources)
		p.profile.Leadership = fill(rs.Leadership, ts.Leadership, fLeadership)
		p.profile.TeacherStyle = fill(rs.TeacherStyle, ts.TeacherStyle, fStyle)
		p.profile.Digital = fill(rs.Digital, ts.Digital, fDigital)
		p.tenure = fill(rs.PrincipalTenure, -1, fTenure)

		// Whole classes of about class_size in each grade.
		col := "enrolment"
		if len(rs.ByGrade) > 0 {
			if len(rs.ByGrade) != G {
				return bad("enrolment_g", "%d grade columns, but the population has %d grades (population.grades)", len(rs.ByGrade), G)
			}
			col = fmt.Sprintf("enrolment_g%d", spec.FirstGrade)
		}
		perGrade := float64(rs.Enrolment) / float64(G)
		classes := max(1, int(math.Round(perGrade/float64(spec.ClassSize))))
		size := int(math.Round(perGrade / float64(classes)))
		cpg, cs := populationRange("average.classes_per_grade"), populationRange("class_size")
		switch {
		case float64(classes) > cpg.Max:
			return bad(col, "%d students in %d grades make %d classes of about %d a grade; at most %s (raise population.class_size, or check the number)",
				rs.Enrolment, G, classes, spec.ClassSize, ranges.Format(cpg.Max))
		case float64(size) < cs.Min:
			return bad(col, "%d students in %d grades make classes of %d; at least %s students a class", rs.Enrolment, G, size, ranges.Format(cs.Min))
		case float64(size) > cs.Max:
			return bad(col, "%d students in %d grades make classes of %d; at most %s", rs.Enrolment, G, size, ranges.Format(cs.Max))
		}
		p.profile.ClassesPerGrade, p.classSize = classes, size
		given += rs.Enrolment
		modelled += classes * G * size
		if classes*G*size != rs.Enrolment {
			count[fRounded]++
		}

		// Teachers of each subject: a quarter of the roster's, within
		// [1, classes]; by default one for every two classes.
		p.perSubject = (classes*G + 1) / 2
		if rs.Teachers != nil {
			asked := int(math.Round(float64(*rs.Teachers) / NumSubjects))
			p.perSubject = min(max(1, asked), classes*G)
			if p.perSubject != asked {
				count[fTeachersBounded]++
			}
		} else {
			count[fTeachers]++
		}
	}
	n := len(r.Schools)
	var notes []string
	add := func(k int, col, how string) {
		if count[k] > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d of %d schools from %s", col, count[k], n, how))
		}
	}
	add(fName, "name", "their id")
	if count[fTier] > 0 {
		notes = append(notes, fmt.Sprintf("tier: %d of %d schools from prior_achievement (strong from %s SD, weak below %s SD: halfway between the tiers' intake_mean)",
			count[fTier], n, ranges.Format(cutHigh), ranges.Format(cutLow)))
	}
	add(fPrior, "prior_achievement", "their tier's intake_mean (population.<tier>.intake_mean)")
	add(fMigrant, "migrant_share", "their tier's migrant_share (population.<tier>.migrant_share)")
	add(fSES, "ses_mean", "their tier's ses_mean (population.<tier>.ses_mean)")
	add(fResources, "resources", "their tier's resources (population.<tier>.resources)")
	add(fLeadership, "leadership", "their tier's leadership (population.<tier>.leadership)")
	add(fStyle, "teacher_style", "their tier's teacher_style (population.<tier>.teacher_style)")
	add(fDigital, "digital", "their tier's digital (population.<tier>.digital)")
	add(fTeachers, "teachers", "the model's rule, one teacher per subject for every two classes")
	if count[fTeachersBounded] > 0 {
		notes = append(notes, fmt.Sprintf("teachers: %d of %d schools have more than one teacher of a subject for each class, or none, and are given the nearest of those (a quarter of the teachers for each of the four subjects, at least one and at most one a class)",
			count[fTeachersBounded], n))
	}
	if count[fTenure] > 0 {
		notes = append(notes, fmt.Sprintf("principal_tenure: %d of %d schools drawn from the steady state of principal succession, anew in each replication", count[fTenure], n))
	}
	if count[fRounded] > 0 {
		notes = append(notes, fmt.Sprintf("enrolment: %d of %d schools rounded to whole classes of about %d (population.class_size) in each of %d grades: %d students in the roster, %d in the model",
			count[fRounded], n, spec.ClassSize, G, given, modelled))
	}
	return out, notes, nil
}

// populationRange returns the range of a population key.
func populationRange(key string) *ranges.Range {
	r, ok := PopulationRanges.Lookup(key)
	if !ok {
		panic("agents: no population range " + key)
	}
	return r
}

// tierCuts returns the prior achievement from which a school is strong
// and below which it is weak: halfway between the tiers' intake means.
func tierCuts(spec *PopulationSpec) (high, low float64, err error) {
	s, a, w := spec.Strong.IntakeMean, spec.Average.IntakeMean, spec.Weak.IntakeMean
	if !(s > a && a > w) {
		return 0, 0, fmt.Errorf("the tiers' intake_mean are not in the order strong > average > weak (%g, %g, %g)", s, a, w)
	}
	return (s + a) / 2, (a + w) / 2, nil
}

// ParseTier returns the tier of that name.
func ParseTier(name string) (Tier, bool) {
	for t := range Tier(NumTiers) {
		if t.String() == name {
			return t, true
		}
	}
	return 0, false
}

// Check checks the roster against the population it makes: grades and
// class size turn every enrolment into classes in range, and every
// school has a tier. Errors are *RosterError.
func (r *Roster) Check(spec *PopulationSpec) error {
	_, _, err := r.plan(spec)
	return err
}

// Fill returns what making the population from spec fills in: one line
// per column that some schools left out, saying how many and from what.
func (r *Roster) Fill(spec *PopulationSpec) []string {
	_, notes, _ := r.plan(spec)
	return notes
}

// Students returns the students the model enrols: every school's whole
// classes.
func (r *Roster) Students(spec *PopulationSpec) float64 {
	plans, _, err := r.plan(spec)
	if err != nil {
		return 0
	}
	var n float64
	for _, p := range plans {
		n += float64(p.profile.ClassesPerGrade * spec.Grades * p.classSize)
	}
	return n
}

// generateRoster makes the population of spec's roster: each school in
// the roster's order, at its position and in its district, from its own
// stream, with its values (filled from its tier's profile where the row
// left them out). The city stream is not used: the roster fixes what the
// synthetic generator draws.
func generateRoster(spec PopulationSpec, par *Params, school func(i int) *rand.Rand, each func(n int, fn func(i int))) *Population {
	plans, _, err := spec.Roster.plan(&spec)
	if err != nil {
		panic("agents: generating from an unchecked roster: " + err.Error())
	}
	pop := &Population{Spec: spec, Schools: make([]School, len(plans))}
	for i := range plans {
		rs, s := &spec.Roster.Schools[i], &pop.Schools[i]
		s.Index, s.District = int32(i), int32(rs.District)
		s.X, s.Y = float32(rs.X), float32(rs.Y)
		s.SetRand(school(i))
	}
	each(len(plans), func(i int) {
		p, s := &plans[i], &pop.Schools[i]
		// The school's own profile in place of its tier's.
		own := spec
		own.ClassSize = p.classSize
		own.Roster = nil
		*own.Tier(p.tier) = p.profile
		own.Tier(p.tier).teachersPerSubject = p.perSubject
		generateSchool(s, p.tier, &own, par)
		if p.tenure >= 0 {
			s.Principal.setExperience(p.tenure, s.Tier, par)
		}
	})
	return pop
}

// RosterOf returns the roster of a population made from spec: every
// value filled in, so that the roster makes the same schools again. Its
// districts are named by their numbers and its schools' ids are their
// numbers, when spec has no roster; otherwise the roster's own names and
// ids are kept. Principals' tenures are left out: they are drawn anew in
// each replication.
func RosterOf(pop *Population, spec *PopulationSpec) *Roster {
	out := &Roster{}
	var plans []rosterPlan
	if spec.Roster != nil {
		out.Districts = append(out.Districts, spec.Roster.Districts...)
		out.Origin = spec.Roster.Origin
		plans, _, _ = spec.Roster.plan(spec)
	} else {
		for d := range spec.Districts {
			out.Districts = append(out.Districts, fmt.Sprint(d))
		}
	}
	width := len(fmt.Sprint(max(0, len(pop.Schools)-1)))
	for i := range pop.Schools {
		s := &pop.Schools[i]
		ts := *spec.Tier(s.Tier)
		classSize := spec.ClassSize
		teachers := NumSubjects * ((ts.ClassesPerGrade*spec.Grades + 1) / 2)
		rs := RosterSchool{ID: fmt.Sprintf("S%0*d", width, i), District: int(s.District),
			X: float64(s.X), Y: float64(s.Y), Tier: s.Tier.String()}
		if spec.Roster != nil {
			src := &spec.Roster.Schools[i]
			rs.ID, rs.Name, rs.Lat, rs.Lon, rs.X, rs.Y = src.ID, src.Name, src.Lat, src.Lon, src.X, src.Y
			ts, classSize = plans[i].profile, plans[i].classSize
			teachers = NumSubjects * plans[i].perSubject
			rs.PrincipalTenure = src.PrincipalTenure
		}
		if rs.Name == "" {
			rs.Name = rs.ID
		}
		rs.Enrolment = ts.ClassesPerGrade * spec.Grades * classSize
		if spec.Roster != nil && spec.Roster.Schools[i].Enrolment > 0 {
			// The roster's own figure, from which plan made these classes:
			// the classes' total (877 taught as 6 classes of 49, 882) can
			// plan differently (7 classes of 42), and the round trip
			// would not make the same schools.
			rs.Enrolment = spec.Roster.Schools[i].Enrolment
		}
		num := func(x float64) *float64 { return &x }
		rs.Teachers = &teachers
		rs.PriorAchievement, rs.MigrantShare, rs.SESMean = num(ts.IntakeMean), num(ts.MigrantShare), num(ts.SESMean)
		rs.Resources, rs.Leadership = num(ts.Resources), num(ts.Leadership)
		rs.TeacherStyle, rs.Digital = num(ts.TeacherStyle), num(ts.Digital)
		out.Schools = append(out.Schools, rs)
	}
	return out
}
