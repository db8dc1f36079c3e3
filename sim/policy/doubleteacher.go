package policy

import (
	"slices"
	"strings"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/ranges"
)

// Connectivity modes of double-teacher lessons.
const (
	ConnectSchool = "school" // classrooms connected as the school's Digital index says
	ConnectFull   = "full"   // the policy connects every classroom, at UpgradeCost
)

var connectivities = []string{ConnectSchool, ConnectFull}

// DoubleTeacherSpec is a [[policy]] of kind "double-teacher": an
// experienced teacher teaches a share of the selected schools' lessons in
// some subjects by live video while the local teacher leads questions and
// group work on site (Chen 2018). The share of lessons given remotely is
// limited by the classrooms' connectivity and by the local teachers'
// uptake, which falls with their morale.
type DoubleTeacherSpec struct {
	Common
	// Subjects lists the subjects taught remotely, among maths, chinese,
	// english and science, each at most once. Default ["maths", "english"]:
	// assumption; subjects where expert teachers are scarcest in weak
	// schools.
	Subjects []string `toml:"subjects"`
	// RemoteShare is the share of a listed subject's lessons given by the
	// remote expert in a fully connected classroom whose teachers take the
	// lessons up fully. Range [0,1]. Default 0.3: assumption.
	RemoteShare float64 `toml:"remote_share"`
	// ExpertEffectiveness is the remote expert's effectiveness, on the
	// teacher effectiveness scale (SD/year; the baseline teacher mean is
	// about 0.16, the teacher SD 0.13). Default 0.35: assumption, an
	// experienced teacher about 1.5 teacher SD above the mean, the top
	// 7% (Chen 2018: "an experienced teacher").
	ExpertEffectiveness float64 `toml:"expert_effectiveness"`
	// Connectivity is "school" (a school's classrooms are connected in the
	// proportion of its Digital index) or "full" (the policy connects every
	// classroom and sets Digital to 1). Default "school". Chen (2018):
	// connectivity targets for every school, then every classroom.
	Connectivity string `toml:"connectivity"`
	// UpgradeCost is the money, in RMB per unconnected class, that
	// connecting classrooms costs once, in the policy's first week, when
	// Connectivity is "full". ≥ 0. Default 20,000 RMB: assumption, a camera,
	// screen and broadband for one classroom.
	UpgradeCost float64 `toml:"upgrade_cost"`
	// Uptake is the share of connected lessons local teachers of reference
	// morale take up; a subject's uptake is Uptake × (mean morale of its
	// teachers / reference morale), clamped to [0,1]. Range [0,1]. Default
	// 0.6: assumption; Chen (2018): teachers have no spare time and
	// test-based evaluation makes them risk-averse.
	Uptake float64 `toml:"uptake"`
	// LicenceCost is the money, in RMB per connected class per year, paid
	// for the remote lessons whether or not teachers take them up. ≥ 0.
	// Default 10,000 RMB: assumption.
	LicenceCost float64 `toml:"licence_cost"`
	// CoordinationHours is the local teacher's time, in hours per class
	// and listed subject per week, spent coordinating with the remote
	// teacher, for a class that uses remote lessons fully; it scales with
	// connectivity × uptake. ≥ 0. Default 1 hour: assumption.
	CoordinationHours float64 `toml:"coordination_hours"`
}

func init() {
	register("double-teacher", func() Spec {
		return &DoubleTeacherSpec{
			Common:   Common{Start: 1, Select: Selection{Rule: RuleAll, Tier: "weak"}},
			Subjects: []string{"maths", "english"}, RemoteShare: 0.3, ExpertEffectiveness: 0.35,
			Connectivity: ConnectSchool, UpgradeCost: 20000, Uptake: 0.6,
			LicenceCost: 10000, CoordinationHours: 1,
		}
	})
}

// Validate checks the double-teacher keys.
func (s *DoubleTeacherSpec) Validate() error {
	if len(s.Subjects) == 0 {
		return fieldErr("subjects", "must name at least one subject")
	}
	for k, name := range s.Subjects {
		if _, ok := subjectNamed(name); !ok {
			return fieldErr("subjects", "unknown subject %q; among maths, chinese, english, science", name)
		}
		if slices.Contains(s.Subjects[:k], name) {
			return fieldErr("subjects", "subject %q is listed twice", name)
		}
	}
	if !slices.Contains(connectivities, s.Connectivity) {
		return fieldErr("connectivity", "unknown connectivity %q; one of %s", s.Connectivity, strings.Join(connectivities, ", "))
	}
	return nil
}

// Ranges returns the allowed range of each numeric key.
func (s *DoubleTeacherSpec) Ranges() ranges.Table { return doubleTeacherRanges }

var doubleTeacherRanges = withCommon(
	ranges.Range{Key: "remote_share", Min: 0, Max: 1, Unit: "share of lessons"},
	ranges.Range{Key: "expert_effectiveness", Min: -1, Max: 1, Unit: "SD/year (teacher effectiveness)"},
	ranges.Range{Key: "upgrade_cost", Min: 0, Max: 1e7, Unit: "RMB per class"},
	ranges.Range{Key: "uptake", Min: 0, Max: 1, Unit: "share of connected lessons"},
	ranges.Range{Key: "licence_cost", Min: 0, Max: 1e7, Unit: "RMB per class per year"},
	ranges.Range{Key: "coordination_hours", Min: 0, Max: 40, Unit: "hours per class and subject per week"},
)

// subjectNamed returns the subject of that name.
func subjectNamed(name string) (agents.Subject, bool) {
	for k := range agents.Subject(agents.NumSubjects) {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

// Exclusive: remote lessons stack with every other policy.
func (s *DoubleTeacherSpec) Exclusive() string { return "" }

// New returns the policy for one replication.
func (s *DoubleTeacherSpec) New(index int) sim.Policy {
	p := &DoubleTeacher{Spec: *s, treatment: treatment{index: index}}
	for _, name := range s.Subjects {
		k, _ := subjectNamed(name)
		p.subjects = append(p.subjects, k)
	}
	return p
}

// DoubleTeacher is the double-teacher policy of one replication.
type DoubleTeacher struct {
	Spec DoubleTeacherSpec
	treatment
	subjects []agents.Subject
	upgraded bool   // classrooms have been connected (Connectivity "full")
	seen     []bool // expose's scratch: teachers already counted this week
}

var (
	_ sim.Policy = (*DoubleTeacher)(nil)
	_ sim.Quiet  = (*DoubleTeacher)(nil)
)

// Name returns the policy's name.
func (d *DoubleTeacher) Name() string { return d.Spec.Label() }

// Act sets one week of remote lessons in every selected school. For each
// listed subject s,
//
//	u_s = RemoteShare · conn · up_s
//	up_s = clamp01( Uptake · M̄_s / M_ref )
//
// with conn the school's Digital index (1 once the policy has connected
// every classroom), M̄_s the mean morale of the school's teachers of s and
// M_ref the reference morale. The remote expert's effectiveness is
// ExpertEffectiveness. Where another policy already gives remote lessons
// in s, the shares add (at most 1) and the effectiveness is their
// share-weighted mean. Each class's teacher of s spends
// CoordinationHours·conn·up_s hours coordinating; the school pays
// LicenceCost·conn per class a year, spread over the weeks, and, with
// Connectivity "full", UpgradeCost·(1 − Digital) per class in the first
// week.
func (d *DoubleTeacher) Act(w *sim.World) error {
	c := &d.Spec.Common
	if !c.Active(w.Clock.Year) {
		return nil
	}
	sp := &d.Spec
	chosen := d.selectOnce(w, c)
	upgrade := sp.Connectivity == ConnectFull && !d.upgraded
	d.upgraded = true
	wk := weeksPerYear(w)
	for _, i := range chosen {
		s := school(w, i)
		classes := s.NumClasses()
		if upgrade {
			// float64(x*y) rounds a product before a sum, so that no
			// machine fuses the two into one multiply-add (see fmath).
			s.Cost.Money += float64(sp.UpgradeCost * float64(classes) * (1 - float64(s.Digital)))
			s.Digital = 1
		}
		conn := float64(s.Digital)
		s.Cost.Money += sp.LicenceCost * float64(classes) * conn / wk
		for _, sub := range d.subjects {
			use := conn * d.uptake(s, sub, w.Ref.Morale)
			u := float64(sp.RemoteShare * use)
			d.setRemote(s, sub, u)
			hours := sp.CoordinationHours * use
			for cl := range classes {
				takeTeacherTime(w, s, &s.Teachers[s.Teaching[cl*agents.NumSubjects+int(sub)]], hours)
			}
			if w.Par.RemoteLearning > 0 && u > 0 {
				d.expose(s, sub, u, wk)
			}
		}
	}
	return nil
}

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// outside its years, when it does nothing.
func (d *DoubleTeacher) QuietWeek(_ *sim.World, k sim.Clock) bool {
	return !d.Spec.Active(k.Year)
}

// expose records a week of remote lessons at share u for every teacher of
// subject sub who teaches a class of school s: the teacher teaches beside
// the expert and learns (TeacherDevelopment, RemoteLearning).
// RemoteExposure adds u/W and RemoteExpert u·E^remote/W.
func (d *DoubleTeacher) expose(s *agents.School, sub agents.Subject, u, weeks float64) {
	d.seen = slices.Grow(d.seen[:0], len(s.Teachers))[:len(s.Teachers)]
	clear(d.seen)
	for cl := range s.NumClasses() {
		j := s.Teaching[cl*agents.NumSubjects+int(sub)]
		if d.seen[j] {
			continue
		}
		d.seen[j] = true
		t := &s.Teachers[j]
		t.RemoteExposure += float32(u / weeks)
		t.RemoteExpert += float32(u * d.Spec.ExpertEffectiveness / weeks)
	}
}

// uptake returns the share of connected lessons in subject sub that the
// school's teachers of sub take up: Uptake × their mean morale / ref,
// clamped to [0,1].
func (d *DoubleTeacher) uptake(s *agents.School, sub agents.Subject, ref float64) float64 {
	var sum float64
	n := 0
	for t := range s.Teachers {
		if s.Teachers[t].Subject == sub {
			sum += float64(s.Teachers[t].Morale)
			n++
		}
	}
	if n == 0 || ref <= 0 {
		return 0
	}
	return min(1, max(0, d.Spec.Uptake*sum/float64(n)/ref))
}

// setRemote adds a share u of sub's lessons given by this policy's expert
// to what other policies have set this week.
func (d *DoubleTeacher) setRemote(s *agents.School, sub agents.Subject, u float64) {
	r := &s.Reform
	old := float64(r.Remote[sub])
	total := min(1, old+u)
	if total <= 0 {
		return
	}
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add (see package fmath).
	e := (float64(old*float64(r.RemoteEffectiveness[sub])) + float64(u*d.Spec.ExpertEffectiveness)) / (old + u)
	r.Remote[sub] = float32(total)
	r.RemoteEffectiveness[sub] = float32(e)
}
