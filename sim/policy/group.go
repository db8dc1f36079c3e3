package policy

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// Structures of an education group.
const (
	StructureLoose = "loose" // an alliance: joint activities, staff exchange, light mentoring
	StructureTight = "tight" // a federation: shared governance and leadership as well
)

var structures = []string{StructureLoose, StructureTight}

// GroupSpec is a [[policy]] of kind "education-group": strong lead schools
// each take a few member schools into an education group, as in Chengdu
// (Liu 2021), loose (an alliance of joint activities, staff exchange and
// light mentoring) or tight (a federation that also shares governance and
// the lead's leadership, Croft 2015). A group lasts while its members
// trust it; trust grows with joint activity and good policy coordination
// and decays otherwise, and a member whose trust falls too low leaves
// (Liu 2021).
//
// The selected schools that are not strong are the members; every strong
// school may lead. All defaults not named otherwise are assumptions.
type GroupSpec struct {
	Common
	// Structure is "loose" or "tight". Default "loose": most Chengdu
	// groups were alliances of separately governed schools (Liu 2021).
	Structure string `toml:"structure"`
	// MembersPerGroup is the most members a lead takes, at least 1.
	// Default 3: assumption, a lead with several members (Liu 2021).
	MembersPerGroup int `toml:"members_per_group"`
	// JointActivities is the intensity, in [0,1], of joint activities per
	// unit of trust: a member's Reform.Activity is JointActivities × its
	// trust, the lead's JointActivities × its members' mean trust.
	// Default 0.4: assumption; building an educational community is a
	// city criterion for groups (Liu 2021).
	JointActivities float64 `toml:"joint_activities"`
	// Collaboration is the share, in [0,1], of a member's own teachers
	// who hold a collaboration tie to a lead teacher of their subject
	// (topped up each year). Default 0.25: assumption.
	Collaboration float64 `toml:"collaboration"`
	// StaffExchange is the share, in [0,1], of a member's teachers swapped
	// each year with lead teachers of the same subject for one year:
	// round(share × teachers), at least 1 when share > 0. Default 0.05:
	// assumption; exchange of staff is a city criterion (Liu 2021).
	StaffExchange float64 `toml:"staff_exchange"`
	// MentoringLoose and MentoringTight are the intensities, in [0,1] per
	// unit of trust, of the mentoring a member's principal gets from the
	// lead principal in a loose and in a tight group. Defaults 0.2 and
	// 0.5: assumption.
	MentoringLoose float64 `toml:"mentoring_loose"`
	MentoringTight float64 `toml:"mentoring_tight"`
	// SharedLeadership is, in a tight group, the weight in [0,1] per unit
	// of trust of the lead principal's effective leadership in a member's
	// (Reform.SharedWeight). Default 0.5: assumption; federations share
	// leadership (Croft 2015).
	SharedLeadership float64 `toml:"shared_leadership"`
	// InitialTrust is a member's trust, in [0,1], when the group forms,
	// plus a normal draw of SD TrustSD. Defaults 0.6 and 0.05: assumption.
	InitialTrust float64 `toml:"initial_trust"`
	TrustSD      float64 `toml:"trust_sd"`
	// TrustGrowth and TrustDecay, per year, drive a member's trust T:
	// dT/dt = TrustGrowth·Coordination·a·(1 − T) − TrustDecay·T, with a
	// the group's joint activity. Defaults 0.5 and 0.1: assumption.
	TrustGrowth float64 `toml:"trust_growth"`
	TrustDecay  float64 `toml:"trust_decay"`
	// ExitTrust is the trust, in [0,1], below which a member leaves its
	// group. Default 0.2: assumption; trust is the condition for a group
	// to last (Liu 2021).
	ExitTrust float64 `toml:"exit_trust"`
	// Coordination, in [0,1], is the quality of policy coordination inside
	// and beyond the reform; it multiplies trust growth. Default 1; Liu
	// (2021): poor coordination hinders interaction.
	Coordination float64 `toml:"coordination"`
	// MeetingHours is the time, in hours a week, each collaboration tie
	// between a member and a lead teacher takes from each of the two.
	// Default 1: assumption, a weekly hour of joint lesson study.
	MeetingHours float64 `toml:"meeting_hours"`
	// TravelSpeed, in km/h, turns distances into travel time. Default 30:
	// assumption, city traffic.
	TravelSpeed float64 `toml:"travel_speed_kmh"`
	// CommuteDays is the number of days a week, in [0,7], an exchanged
	// teacher makes the extra round trip. Default 5: assumption.
	CommuteDays float64 `toml:"commute_days"`
	// GovernanceCost is the money, in RMB per member per year, that a
	// tight group's shared governance costs. Default 50,000: assumption.
	GovernanceCost float64 `toml:"governance_cost"`
}

func init() {
	register("education-group", func() Spec {
		return &GroupSpec{
			// Every weak school joins a group: groups link high-performing
			// leads with lower-performing members (Liu 2021).
			Common:          Common{Start: 1, End: 0, Select: Selection{Rule: RuleAll, Tier: "weak"}},
			Structure:       StructureLoose,
			MembersPerGroup: 3, JointActivities: 0.4, Collaboration: 0.25, StaffExchange: 0.05,
			MentoringLoose: 0.2, MentoringTight: 0.5, SharedLeadership: 0.5,
			InitialTrust: 0.6, TrustSD: 0.05, TrustGrowth: 0.5, TrustDecay: 0.1, ExitTrust: 0.2,
			Coordination: 1, MeetingHours: 1, TravelSpeed: 30, CommuteDays: 5,
			GovernanceCost: 50000,
		}
	})
}

// Validate checks the education-group keys.
func (s *GroupSpec) Validate() error {
	if !slices.Contains(structures, s.Structure) {
		return fieldErr("structure", "unknown structure %q; one of %s", s.Structure, strings.Join(structures, ", "))
	}
	return nil
}

// Ranges returns the allowed range of each numeric key.
func (s *GroupSpec) Ranges() ranges.Table { return groupRanges }

var groupRanges = withCommon(
	ranges.Range{Key: "members_per_group", Min: 1, Max: 100, Unit: "schools"},
	ranges.Range{Key: "joint_activities", Min: 0, Max: 1, Unit: "intensity per unit trust"},
	ranges.Range{Key: "collaboration", Min: 0, Max: 1, Unit: "share of teachers"},
	ranges.Range{Key: "staff_exchange", Min: 0, Max: 1, Unit: "share of teachers per year"},
	ranges.Range{Key: "mentoring_loose", Min: 0, Max: 1, Unit: "intensity per unit trust"},
	ranges.Range{Key: "mentoring_tight", Min: 0, Max: 1, Unit: "intensity per unit trust"},
	ranges.Range{Key: "shared_leadership", Min: 0, Max: 1, Unit: "weight per unit trust"},
	ranges.Range{Key: "initial_trust", Min: 0, Max: 1, Unit: "index 0–1"},
	ranges.Range{Key: "trust_sd", Min: 0, Max: 1, Unit: "index 0–1"},
	ranges.Range{Key: "trust_growth", Min: 0, Max: 52, Unit: "per year"},
	ranges.Range{Key: "trust_decay", Min: 0, Max: 52, Unit: "per year"},
	ranges.Range{Key: "exit_trust", Min: 0, Max: 1, Unit: "index 0–1"},
	ranges.Range{Key: "coordination", Min: 0, Max: 1, Unit: "index 0–1"},
	ranges.Range{Key: "meeting_hours", Min: 0, Max: 40, Unit: "hours per tie per week"},
	ranges.Range{Key: "travel_speed_kmh", Min: 1, Max: 200, Unit: "km/h"},
	ranges.Range{Key: "commute_days", Min: 0, Max: 7, Unit: "days a week"},
	ranges.Range{Key: "governance_cost", Min: 0, Max: 1e9, Unit: "RMB per member per year"},
)

// Exclusive: a school is in at most one pair, group or alliance.
func (s *GroupSpec) Exclusive() string { return ExclusiveMembership }

// New returns the policy for one replication.
func (s *GroupSpec) New(index int) sim.Policy {
	return &Group{Spec: *s, treatment: treatment{index: index}}
}

// Group is the education-group policy of one replication.
type Group struct {
	Spec GroupSpec
	treatment
	groups    []group
	formed    bool
	dissolved bool
	// posts are the staff exchanges under way.
	posts []posting
}

// group is one lead school and its current members, in index order.
type group struct {
	lead    int32
	members []int32
}

var (
	_ sim.Policy = (*Group)(nil)
	_ sim.Quiet  = (*Group)(nil)
)

// Name returns the policy's name.
func (g *Group) Name() string { return g.Spec.Label() }

// Act runs one week of the groups. In the first active week the groups
// form. At the start of each year exchanged teachers come home, then,
// while the policy is active, new exchanges start and collaboration ties
// are topped up. Every active week sets the members' and leads' reform
// inputs, charges the costs and updates trust; members whose trust falls
// below ExitTrust leave. In the first week after the policy's last year
// the groups dissolve.
func (g *Group) Act(w *sim.World) error {
	c := &g.Spec.Common
	y := w.Clock.Year
	if y < c.Start {
		return nil
	}
	if w.Clock.YearStart() {
		g.posts = endPostings(w, g.posts, y)
	}
	if !c.Active(y) {
		if g.standing() {
			g.dissolve(w)
		}
		return nil
	}
	if !g.formed {
		g.form(w, g.selectOnce(w, c))
		g.formed = true
	}
	if w.Clock.YearStart() {
		g.exchange(w, y)
		g.collaborate(w)
	}
	g.week(w, y)
	return nil
}

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// before its start year, and, once it has ended and its groups are
// dissolved, after the first week of a year (when postings end).
func (g *Group) QuietWeek(_ *sim.World, k sim.Clock) bool {
	c := &g.Spec.Common
	return k.Year < c.Start || !k.YearStart() && !c.Active(k.Year) && !g.standing()
}

// standing reports whether the groups are formed and not yet dissolved.
func (g *Group) standing() bool { return g.formed && !g.dissolved }

// form builds the groups. Members, weakest reputation first, each join
// the nearest lead of their own district with room (members_per_group);
// then those left over, weakest first, the nearest lead with room in any
// district. A member with no lead left stays out and loses the
// policy's treated bit. Leads with members get Group = their own index and
// GroupLead; members Group = the lead's index and their initial trust.
func (g *Group) form(w *sim.World, chosen []int32) {
	var members, leads []int32
	for _, i := range chosen {
		if school(w, i).Tier != agents.Strong {
			members = append(members, i)
		}
	}
	for i := range w.Pop.Schools {
		if w.Pop.Schools[i].Tier == agents.Strong {
			leads = append(leads, int32(i))
		}
	}
	rep := func(i int32) float32 { return school(w, i).Reputation }
	slices.SortStableFunc(members, func(a, b int32) int { return cmp.Compare(rep(a), rep(b)) })
	// Two passes: first every member looks for room with a lead of its
	// own district, then those left over with any lead.
	byLead := map[int32][]int32{}
	placed := map[int32]bool{}
	near := newNearFirst(w, leads, true)
	for _, anyDistrict := range []bool{false, true} {
		for _, m := range members {
			if placed[m] {
				continue
			}
			for l := range near.from(m) {
				if !anyDistrict && school(w, l).District != school(w, m).District {
					break // near lists the own district first
				}
				if len(byLead[l]) < g.Spec.MembersPerGroup {
					byLead[l] = append(byLead[l], m)
					placed[m] = true
					if len(byLead[l]) == g.Spec.MembersPerGroup {
						near.remove(l) // full: no later search need pass it
					}
					break
				}
			}
		}
	}
	bit := uint64(1) << uint(g.index)
	for _, i := range chosen {
		school(w, i).Member.Treated &^= bit
	}
	for _, l := range leads { // index order
		ms := byLead[l]
		if len(ms) == 0 {
			continue
		}
		slices.Sort(ms)
		g.groups = append(g.groups, group{lead: l, members: ms})
		ls := school(w, l)
		ls.Member.Group, ls.Member.GroupLead = l, true
		for _, m := range ms {
			s := school(w, m)
			s.Member.Treated |= bit
			s.Member.Group, s.Member.GroupLead = l, false
			// float64(x*y) rounds a product before a sum, so that no
			// machine fuses the two into one multiply-add (see fmath).
			t := g.Spec.InitialTrust + float64(g.Spec.TrustSD*fmath.NormFloat64(w.Rand))
			s.Member.Trust = float32(min(1, max(0, t)))
		}
		ls.Member.Trust = meanTrust(w, ms)
	}
}

// exchange starts this year's one-year staff exchanges between each member
// and its lead. A tight group, focused on attainment, sends the lead's
// most effective teachers; a loose one teachers drawn at random.
func (g *Group) exchange(w *sim.World, y int) {
	best := g.Spec.Structure == StructureTight
	for _, gr := range g.groups {
		for _, m := range gr.members {
			n := postCount(g.Spec.StaffExchange, len(school(w, m).Teachers))
			g.posts = append(g.posts, exchangeTeachers(w, m, gr.lead, n, best, y, y, true, -1)...)
		}
	}
}

// collaborate tops up each member's collaboration with its lead: until
// round(collaboration × own teachers) of the member's own teachers hold a
// tie to a lead teacher, teachers drawn at random without one get a tie
// to a lead teacher of their subject, drawn from the lead's upper half by
// effectiveness in a tight group and from all in a loose one. The ties
// are mutual; a teacher with no free slot drops a partner drawn at random.
func (g *Group) collaborate(w *sim.World) {
	tight := g.Spec.Structure == StructureTight
	for _, gr := range g.groups {
		ls := school(w, gr.lead)
		var partners [agents.NumSubjects][]int
		for sub := range agents.Subject(agents.NumSubjects) {
			p := ownUnposted(ls, gr.lead, sub)
			if tight {
				eff := func(i int) float32 { return ls.Teachers[i].Effectiveness }
				slices.SortStableFunc(p, func(x, y int) int { return cmp.Compare(eff(y), eff(x)) })
				p = p[:(len(p)+1)/2]
			}
			partners[sub] = p
		}
		for _, m := range gr.members {
			s := school(w, m)
			var own, without []int
			tied := 0
			for i := range s.Teachers {
				t := &s.Teachers[i]
				if t.Home != m {
					continue
				}
				own = append(own, i)
				if tiesTo(t, gr.lead) > 0 {
					tied++
				} else {
					without = append(without, i)
				}
			}
			want := int(math.Round(g.Spec.Collaboration * float64(len(own))))
			shuffle(w, without)
			for _, i := range without {
				if tied >= want {
					break
				}
				t := &s.Teachers[i]
				p := partners[t.Subject]
				if len(p) == 0 {
					continue
				}
				c := &ls.Teachers[p[w.Rand.IntN(len(p))]]
				forceTie(w, t, gr.lead, c.ID)
				forceTie(w, c, m, t.ID)
				tied++
			}
		}
	}
}

// ownUnposted returns the slots of school s's own teachers (Home = i) of
// subject sub who are not on a posting.
func ownUnposted(s *agents.School, i int32, sub agents.Subject) []int {
	var out []int
	for k := range s.Teachers {
		if t := &s.Teachers[k]; t.Subject == sub && t.Home == i && t.PostingEnds < 0 {
			out = append(out, k)
		}
	}
	return out
}

// tiesTo counts teacher t's collaboration ties to teachers of school i.
func tiesTo(t *agents.Teacher, i int32) int {
	n := 0
	for k, id := range t.TieID {
		if id != 0 && t.TieSchool[k] == i {
			n++
		}
	}
	return n
}

// forceTie gives t a tie to teacher id of school i: in a free slot, or
// else in place of a partner drawn at random.
func forceTie(w *sim.World, t *agents.Teacher, i int32, id int64) {
	if t.HasTie(id) || t.AddTie(i, id) {
		return
	}
	k := w.Rand.IntN(agents.TeacherTies)
	t.TieSchool[k], t.TieID[k] = i, id
}

// cutTies ends the collaboration ties of school s's own teachers (Home =
// i) to teachers of school j.
func cutTies(s *agents.School, i, j int32) {
	for k := range s.Teachers {
		t := &s.Teachers[k]
		if t.Home != i {
			continue
		}
		for q := range t.TieID {
			if t.TieID[q] != 0 && t.TieSchool[q] == j {
				t.TieSchool[q], t.TieID[q] = 0, 0
			}
		}
	}
}

// week sets one week's reform inputs, charges its costs and updates trust.
//
// With T_m a member's trust and a = JointActivities·mean_m T_m the group's
// joint activity: member Activity += JointActivities·T_m, lead Activity
// += a (both capped at 1); member principal Mentoring = μ·T_m with μ the
// structure's mentoring intensity and MentorLeadership the lead
// principal's effective leadership L_lead; in a tight group also
// SharedWeight = SharedLeadership·T_m and SharedLeadership = L_lead, and
// GovernanceCost/W RMB. Each collaboration tie between a member's and the
// lead's own teachers costs each end MeetingHours a week (Load
// MeetingHours/teaching_hours per tie, at most 1) and the member 2d/speed
// travel hours; exchanged teachers commute as rotated ones do. Then, for
// every member, T ← T + (1/W)·[TrustGrowth·Coordination·a·(1 − T) −
// TrustDecay·T], and a member below ExitTrust leaves.
func (g *Group) week(w *sim.World, y int) {
	sp := &g.Spec
	wk := weeksPerYear(w)
	tight := sp.Structure == StructureTight
	mentoring := sp.MentoringLoose
	if tight {
		mentoring = sp.MentoringTight
	}
	chargePostings(w, g.posts, y, 0, sp.TravelSpeed, sp.CommuteDays)
	for k := range g.groups {
		gr := &g.groups[k]
		if len(gr.members) == 0 {
			continue
		}
		ls := school(w, gr.lead)
		lead := ls.Principal.EffectiveLeadership(ls.Tier, w.Par)
		trust := float64(meanTrust(w, gr.members))
		activity := float64(sp.JointActivities * trust)
		ls.Member.Trust = float32(trust)
		ls.Reform.Activity = float32(min(1, float64(ls.Reform.Activity)+activity))
		g.meetings(w, ls, gr.lead, gr.members)
		for _, m := range gr.members {
			s := school(w, m)
			tm := float64(s.Member.Trust)
			s.Reform.Activity = float32(min(1, float64(s.Reform.Activity)+float64(sp.JointActivities*tm)))
			pr := &s.Principal
			pr.Mentoring = float32(min(1, float64(pr.Mentoring)+float64(mentoring*tm)))
			pr.MentorLeadership = float32(lead)
			if tight {
				s.Reform.SharedWeight = float32(sp.SharedLeadership * tm)
				s.Reform.SharedLeadership = float32(lead)
				s.Cost.Money += sp.GovernanceCost / wk
			}
			pairs := g.meetings(w, s, m, []int32{gr.lead})
			s.Cost.TravelHours += float64(pairs) * 2 * distance(s, ls) / sp.TravelSpeed
		}
		// Trust, then exits.
		kept := gr.members[:0]
		for _, m := range gr.members {
			s := school(w, m)
			t := float64(s.Member.Trust)
			t += (float64(sp.TrustGrowth*sp.Coordination*activity*(1-t)) - float64(sp.TrustDecay*t)) / wk
			s.Member.Trust = float32(min(1, max(0, t)))
			if t < sp.ExitTrust {
				leave(w, m, gr.lead)
				continue
			}
			kept = append(kept, m)
		}
		gr.members = kept
		if len(kept) == 0 {
			ls.Member = clearGroup(ls.Member)
		} else {
			ls.Member.Trust = meanTrust(w, kept)
		}
	}
}

// meetings charges this week's collaboration meetings of school s's own
// teachers (Home = i) with teachers of the partner schools: each tie takes
// MeetingHours of the teacher's week (takeTeacherTime). It returns the
// number of ties.
func (g *Group) meetings(w *sim.World, s *agents.School, i int32, partners []int32) int {
	sp := &g.Spec
	total := 0
	for k := range s.Teachers {
		t := &s.Teachers[k]
		if t.Home != i {
			continue
		}
		n := 0
		for _, p := range partners {
			n += tiesTo(t, p)
		}
		if n == 0 {
			continue
		}
		takeTeacherTime(w, s, t, float64(n)*sp.MeetingHours)
		total += n
	}
	return total
}

// meanTrust is the mean trust of the schools ms, or 0 if there are none.
func meanTrust(w *sim.World, ms []int32) float32 {
	if len(ms) == 0 {
		return 0
	}
	var sum float64
	for _, m := range ms {
		sum += float64(school(w, m).Member.Trust)
	}
	return float32(sum / float64(len(ms)))
}

// leave takes member m out of lead's group: its membership is cleared and
// the collaboration ties between the two schools' own teachers end.
// Exchanged teachers finish their year.
func leave(w *sim.World, m, lead int32) {
	s, ls := school(w, m), school(w, lead)
	s.Member = clearGroup(s.Member)
	cutTies(s, m, lead)
	cutTies(ls, lead, m)
}

// clearGroup returns mb without a group: Group −1, GroupLead false, Trust
// 0; the treated bits stay ("ever treated").
func clearGroup(mb agents.Membership) agents.Membership {
	mb.Group, mb.GroupLead, mb.Trust = -1, false, 0
	return mb
}

// dissolve ends every group when the policy ends.
func (g *Group) dissolve(w *sim.World) {
	for k := range g.groups {
		gr := &g.groups[k]
		for _, m := range gr.members {
			leave(w, m, gr.lead)
		}
		gr.members = nil
		ls := school(w, gr.lead)
		ls.Member = clearGroup(ls.Member)
	}
	g.dissolved = true
}
