package agents

// TeacherTies is the number of collaboration-tie slots each teacher has.
const TeacherTies = 4

// Teacher is one subject teacher. Teachers live in the Teachers slice of the
// school where they currently teach; a rotated teacher keeps its Home.
type Teacher struct {
	// ID is unique in the population and never reused.
	ID int64
	// Effectiveness is value added: the extra yearly growth, in SD, of the
	// teacher's students over the baseline teacher mean.
	Effectiveness float32
	// Experience in years.
	Experience float32
	// Style runs from 0 (teacher-centred) to 1 (student-centred).
	Style float32
	// Morale in [0,1].
	Morale float32
	// Training is this year's share of full-time-equivalent professional
	// training, set by policies and reset each year.
	Training float32
	// Load is the share of the teacher's time taken from teaching by
	// collaboration duties, set by policies and cleared every week.
	Load float32
	// Trained is the part of Effectiveness that training added and that
	// has not faded yet (TrainingFadeout); kept only while fade-out is on.
	Trained float32
	// RemoteExposure is this year's share of the teacher's lessons given
	// beside a remote expert (double-teacher lessons), summed week by week
	// as share/W; RemoteExpert sums share/W times the expert's
	// effectiveness. Set by policies and reset each year.
	RemoteExposure, RemoteExpert float32
	// Subject taught.
	Subject Subject
	// Home is the index of the school that employs the teacher.
	Home int32
	// PostingEnds is the year in which a rotation posting ends and the
	// teacher returns home, or in which a transfer incentive's commitment
	// ends; -1 when neither. A teacher with PostingEnds ≥ 0 neither
	// leaves (TeacherAttrition) nor seeks a transfer (TeacherTransfer).
	PostingEnds int32
	// HomeShift is the change in Effectiveness that a posting away from
	// the home school made (PortableEffectiveness); the posting's end
	// takes it back. 0 when not posted.
	HomeShift float32
	// Ties are collaboration partners: the school where each partner teaches
	// and its ID. A slot with ID 0 is empty. Partners may teach elsewhere.
	TieSchool [TeacherTies]int32
	TieID     [TeacherTies]int64
}

// HasTie reports whether id is among the teacher's collaboration partners.
func (t *Teacher) HasTie(id int64) bool {
	for _, x := range t.TieID {
		if x == id {
			return true
		}
	}
	return false
}

// AddTie fills a free slot with a partner teaching at school. It reports
// false when every slot is taken or the partner is already a tie.
func (t *Teacher) AddTie(school int32, id int64) bool {
	if id == t.ID || t.HasTie(id) {
		return false
	}
	for k, x := range t.TieID {
		if x == 0 {
			t.TieSchool[k], t.TieID[k] = school, id
			return true
		}
	}
	return false
}
