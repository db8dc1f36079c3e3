package agents

// Mediator names a channel through which a reform reaches achievement and
// which a mediation twin can hold at its untreated path (see [Hold]).
type Mediator uint8

// The mediators. MediatorNone holds nothing.
const (
	MediatorNone Mediator = iota
	// MediatorPeer is students' peer relations as LearningGrowth and
	// EngagementUpdate read them.
	MediatorPeer
	// MediatorLeadership is the acting leadership as MoraleUpdate and
	// ClimateUpdate read it (and, through them, climate).
	MediatorLeadership
	// MediatorStyle is teachers' style as LearningGrowth and
	// EngagementUpdate read it.
	MediatorStyle
	NumMediators = 4
)

var mediatorNames = [NumMediators]string{"none", "peer_relations", "leadership", "teaching_style"}

// String returns the mediator's name as output columns use it.
func (m Mediator) String() string { return mediatorNames[m] }

// Hold pins one mediator of a school to values taken from another run of
// the same school, its untreated twin, so that a reform's effect through
// the other channels can be measured (mediation analysis; docs/MODEL.md,
// "Mediation twins"). The mechanisms read the held values in place of the
// school's own; the school's own state keeps evolving and is what Measure
// records. A nil *Hold, the default, holds nothing, and normal runs never
// set one.
type Hold struct {
	// PeerRelations, when not nil, is read as the peer relations of the
	// students in the same positions (grade, class, place in class);
	// students beyond its length keep their own.
	PeerRelations []float32
	// Style, when not nil, is read as the style of the teachers in the
	// same slots; slots beyond its length keep their own.
	Style []float32
	// Leadership, when HoldLeadership is set, is the acting leadership.
	Leadership     float64
	HoldLeadership bool
}

// teacherStyle is the style of teacher slot j as learning and engagement
// read it: the held style where one is held.
func (s *School) teacherStyle(j int32) float64 {
	if h := s.Hold; h != nil && int(j) < len(h.Style) {
		return float64(h.Style[j])
	}
	return float64(s.Teachers[j].Style)
}
