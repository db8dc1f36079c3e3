package agents

import "math"

// Reform holds what policies set on a school in the cross-school phase of a
// week. The engine clears it (ClearReform) before the policies act, so a
// policy that has ended leaves nothing behind; an active policy sets its
// inputs again every week.
type Reform struct {
	// Activity is the intensity, in [0,1], of joint activities with partner
	// schools and of new extracurricular courses: it multiplies the chance
	// of meeting peers (PeerTieUpdate).
	Activity float32
	// SharedWeight, in [0,1], is the weight of a federation lead's
	// leadership (SharedLeadership) in the school's effective leadership
	// (LeadershipUpdate).
	SharedWeight     float32
	SharedLeadership float32
	// Remote is the share of each subject's lessons given by a remote expert
	// teacher whose effectiveness is RemoteEffectiveness (LearningGrowth).
	Remote              [NumSubjects]float32
	RemoteEffectiveness [NumSubjects]float32
	// SharedCourses is the partners' courses the school's students can take
	// through a curriculum alliance, in units of the courses index; it adds
	// to the resource index (School.Resources).
	SharedCourses float32
}

// Membership records the school's place in reform structures, for
// reports and for policies. -1 means none.
type Membership struct {
	Pair, Group, Alliance int32
	// GroupLead marks the lead school of an education group.
	GroupLead bool
	// Trust is the mean trust, in [0,1], towards the school's partners.
	Trust float32
	// Contribution is the share, in [0,1], of its courses the school offers
	// to its curriculum alliance.
	Contribution float32
	// Treated has bit p set while the scenario's policy p treats the school.
	Treated uint64
}

// Costs are what reforms cost a school this year: money spent (RMB),
// teacher hours taken from teaching, and travel hours.
type Costs struct {
	Money, TeacherHours, TravelHours float64
}

// Add adds o into c.
func (c *Costs) Add(o Costs) {
	c.Money += o.Money
	c.TeacherHours += o.TeacherHours
	c.TravelHours += o.TravelHours
}

// ReformClear reports whether school s's weekly reform inputs are as
// ClearReform leaves them, to the bit (−0 is not +0): then clearing them
// changes nothing a school's step reads. The comparison with Reform{}
// covers every field, a new one too; the bits tell −0 apart.
func ReformClear(s *School) bool {
	r, pr := &s.Reform, &s.Principal
	if *r != (Reform{}) || !positiveZeros(r.Activity, r.SharedWeight, r.SharedLeadership, r.SharedCourses,
		pr.Mentoring, pr.MentorLeadership, pr.Training) ||
		!positiveZeros(r.Remote[:]...) || !positiveZeros(r.RemoteEffectiveness[:]...) {
		return false
	}
	for i := range s.Teachers {
		if math.Float32bits(s.Teachers[i].Load) != 0 {
			return false
		}
	}
	return true
}

// positiveZeros reports whether every x is +0.
func positiveZeros(xs ...float32) bool {
	for _, x := range xs {
		if math.Float32bits(x) != 0 {
			return false
		}
	}
	return true
}

// ClearReform resets the weekly reform inputs of school s: its Reform, its
// principal's mentoring and leadership training, and its teachers'
// collaboration load. Teachers' training is a yearly share and is reset by
// CloseYear instead.
func ClearReform(s *School) {
	s.Reform = Reform{}
	pr := &s.Principal
	pr.Mentoring, pr.MentorLeadership, pr.Training = 0, 0, 0
	for i := range s.Teachers {
		s.Teachers[i].Load = 0
	}
}
