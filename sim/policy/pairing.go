package policy

import (
	"cmp"
	"slices"
	"strings"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/ranges"
)

// Partner rules of pairing: how a target finds its partner.
const (
	PartnerRank    = "rank"    // the partner of highest reputation still free
	PartnerNearest = "nearest" // the nearest partner still free
	PartnerRandom  = "random"  // a partner drawn at random among those still free
)

var partnerRules = []string{PartnerRank, PartnerNearest, PartnerRandom}

// Mentoring sources of pairing.
const (
	MentorPartner = "partner" // the partner school's principal
	MentorExpert  = "expert"  // an outside expert of fixed leadership
	MentorNone    = "none"
)

var mentorSources = []string{MentorPartner, MentorExpert, MentorNone}

// Focus of a pairing.
const (
	// FocusAttainment is the SSP's partnership aimed at student learning:
	// mentoring, teacher collaboration and joint student activities.
	FocusAttainment = "attainment"
	// FocusGeneral is general cooperation without an attainment focus:
	// meetings and visits of staff, with little that reaches students.
	FocusGeneral = "general"
)

var focuses = []string{FocusAttainment, FocusGeneral}

// generalActivityShare is the share of the joint-activity intensity a
// partnership of focus general delivers to students: its meetings are
// among staff. Assumption, after Croft (2015) and Armstrong (2015), who
// find partnerships without an attainment focus cost time and deliver
// little.
const generalActivityShare = 0.2

// PairingSpec is a [[policy]] of kind "pairing": each selected (target)
// school is paired with a partner school of another tier, usually a strong
// one, as in Shanghai's Strong School Project (Wang & Liu 2025). The
// partnership brings principal mentoring, collaboration ties between the
// two schools' teachers and joint student activities, and costs meeting
// time and travel.
type PairingSpec struct {
	Common
	// PartnerTier is the tier partners are drawn from: strong, average,
	// weak or any. Default "strong" (SSP: elite schools paired with weaker
	// ones, Wang & Liu 2025). Targets are never partners.
	PartnerTier string `toml:"partner_tier"`
	// PartnerRule matches targets, in index order, to partners at the start
	// of the policy: rank (highest reputation first), nearest (shortest
	// distance), or random. Default "rank": assumption.
	PartnerRule string `toml:"partner_rule"`
	// MaxPartners is the most targets one partner school takes, ≥ 1.
	// Default 2: assumption. A target left without a free partner stays
	// unpaired and untreated.
	MaxPartners int `toml:"max_partners"`
	// Mentoring is who mentors the target's principal: partner (the
	// partner's principal, at their effective leadership in the partner's
	// tier), expert (an outside expert of leadership ExpertLeadership) or
	// none. Default "partner" (SSP principals mentored by accomplished
	// principals and university experts, Wang & Liu 2025).
	Mentoring string `toml:"mentoring"`
	// MentoringIntensity is the target principal's Mentoring, in [0,1].
	// Default 0.5: assumption.
	MentoringIntensity float64 `toml:"mentoring_intensity"`
	// ExpertLeadership is the leadership index, in [0,1], of an outside
	// expert mentor. Default 0.8: assumption, above the strong tier's mean
	// principal.
	ExpertLeadership float64 `toml:"expert_leadership"`
	// TeacherTies is the number of collaboration ties, in [0,4], each
	// target teacher keeps with same-subject teachers of the partner; they
	// are topped up at the start of each active year. Default 1:
	// assumption.
	TeacherTies int `toml:"teacher_ties"`
	// JointActivities is the intensity, in [0,1], of joint student
	// activities (Reform.Activity of the target). Default 0.5: assumption;
	// peer relationships are the SSP's largest mediator (Wang & Liu 2025).
	JointActivities float64 `toml:"joint_activities"`
	// MeetingHours is the time, in hours per teacher per week, that each
	// teacher of the target and of the partner spends on the partnership,
	// ≥ 0. Default 0.5: assumption; Croft (2015) and
	// Armstrong (2015) on the time cost of partnerships.
	MeetingHours float64 `toml:"meeting_hours"`
	// TravelSpeed is the speed of travel between the paired schools, in
	// km/h, > 0. Default 30: assumption, city traffic.
	TravelSpeed float64 `toml:"travel_speed_kmh"`
	// Travellers is the number of staff, ≥ 0, who make the weekly visit
	// between the paired schools. Default 2: assumption.
	Travellers int `toml:"travellers"`
	// Focus is attainment (mentoring, teacher ties and joint activities)
	// or general (none of these; activity at a fifth of JointActivities;
	// the same time and travel). Default "attainment". General cooperation
	// stands for the loose partnerships Croft (2015) and Armstrong (2015)
	// describe.
	Focus string `toml:"focus"`
	// InitialTrust is the trust, in [0,1], of each paired school towards
	// the other when the pair forms. Default 0.5: assumption.
	InitialTrust float64 `toml:"initial_trust"`
	// TrustGrowth is the yearly rate, ≥ 0, at which trust closes its gap
	// to 1 while the pair is active. Default 0.5 per year: assumption;
	// trust as the condition for lasting collaboration (Liu 2021).
	TrustGrowth float64 `toml:"trust_growth"`
}

func init() {
	register("pairing", func() Spec {
		return &PairingSpec{
			Common:      Common{Start: 1, End: 3, Select: DefaultSelection()},
			PartnerTier: "strong", PartnerRule: PartnerRank, MaxPartners: 2,
			Mentoring: MentorPartner, MentoringIntensity: 0.5, ExpertLeadership: 0.8,
			TeacherTies: 1, JointActivities: 0.5,
			MeetingHours: 0.5, TravelSpeed: 30, Travellers: 2,
			Focus: FocusAttainment, InitialTrust: 0.5, TrustGrowth: 0.5,
		}
	})
}

// Validate checks the pairing keys.
func (s *PairingSpec) Validate() error {
	if _, _, ok := parseTier(s.PartnerTier); !ok {
		return fieldErr("partner_tier", "unknown tier %q; one of strong, average, weak, any", s.PartnerTier)
	}
	switch {
	case !slices.Contains(partnerRules, s.PartnerRule):
		return fieldErr("partner_rule", "unknown rule %q; one of %s", s.PartnerRule, strings.Join(partnerRules, ", "))
	case !slices.Contains(mentorSources, s.Mentoring):
		return fieldErr("mentoring", "unknown mentoring %q; one of %s", s.Mentoring, strings.Join(mentorSources, ", "))
	case !slices.Contains(focuses, s.Focus):
		return fieldErr("focus", "unknown focus %q; one of %s", s.Focus, strings.Join(focuses, ", "))
	}
	return nil
}

// Ranges returns the allowed range of each numeric key.
func (s *PairingSpec) Ranges() ranges.Table { return pairingRanges }

var pairingRanges = withCommon(
	ranges.Range{Key: "max_partners", Min: 1, Max: 100, Unit: "targets per partner"},
	ranges.Range{Key: "mentoring_intensity", Min: 0, Max: 1, Unit: "intensity"},
	ranges.Range{Key: "expert_leadership", Min: 0, Max: 1, Unit: "index 0–1"},
	ranges.Range{Key: "teacher_ties", Min: 0, Max: agents.TeacherTies, Unit: "ties per teacher"},
	ranges.Range{Key: "joint_activities", Min: 0, Max: 1, Unit: "intensity"},
	ranges.Range{Key: "meeting_hours", Min: 0, Max: 40, Unit: "hours per teacher per week"},
	ranges.Range{Key: "travel_speed_kmh", Min: 1, Max: 200, Unit: "km/h"},
	ranges.Range{Key: "travellers", Min: 0, Max: 1000, Unit: "staff"},
	ranges.Range{Key: "initial_trust", Min: 0, Max: 1, Unit: "index 0–1"},
	ranges.Range{Key: "trust_growth", Min: 0, Max: 52, Unit: "per year"},
)

// Exclusive: a school is in at most one pair, group or alliance at a time.
func (s *PairingSpec) Exclusive() string { return ExclusiveMembership }

// New returns the policy for one replication.
func (s *PairingSpec) New(index int) sim.Policy {
	return &Pairing{Spec: *s, treatment: treatment{index: index}}
}

// Pairing is the pairing policy of one replication.
type Pairing struct {
	Spec PairingSpec
	treatment
	// pairs are the matched pairs, in target index order.
	pairs   []pair
	matched bool
	ended   bool
	// ties holds the cross-school collaboration ties the policy made, as
	// (teacher ID, partner teacher ID), one entry per direction.
	ties map[[2]int64]bool
}

// pair is one target and its partner.
type pair struct {
	target, partner int32
	km              float64 // distance between the two schools
	trust           float64 // trust between the two, the same both ways
}

var (
	_ sim.Policy = (*Pairing)(nil)
	_ sim.Quiet  = (*Pairing)(nil)
)

// Name returns the policy's name.
func (p *Pairing) Name() string { return p.Spec.Label() }

// Act runs one week of the pairing. At the start of the first year it
// selects the targets and matches them to partners; in every active week
// it sets mentoring, joint activities and the teachers' collaboration load,
// charges meeting and travel time and grows trust; at the start of each
// active year it ties target teachers to partner teachers. In the first
// week after the end year it dissolves the pairs.
func (p *Pairing) Act(w *sim.World) error {
	c := &p.Spec.Common
	if !c.Active(w.Clock.Year) {
		if p.dissolves(w.Clock.Year) {
			p.dissolve(w)
		}
		return nil
	}
	if !p.matched {
		p.match(w, p.selectOnce(w, c))
		p.matched = true
	}
	sp := &p.Spec
	wk := weeksPerYear(w)
	attain := sp.Focus == FocusAttainment
	activity := sp.JointActivities
	if !attain {
		activity *= generalActivityShare
	}
	for k := range p.pairs {
		pr := &p.pairs[k]
		t, s := school(w, pr.target), school(w, pr.partner)
		if attain {
			p.mentor(w, t, s)
			if w.Clock.YearStart() {
				p.tie(w, t, s)
			}
		}
		t.Reform.Activity = max(t.Reform.Activity, float32(activity))
		for _, sc := range [2]*agents.School{t, s} {
			for i := range sc.Teachers {
				takeTeacherTime(w, sc, &sc.Teachers[i], sp.MeetingHours)
			}
		}
		// One return trip a week; the schools take turns to host, so each
		// bears half.
		// float64(x*y) rounds a product before a sum, so that no machine
		// fuses the two into one multiply-add (see package fmath).
		trip := float64(2 * pr.km / sp.TravelSpeed * float64(sp.Travellers))
		t.Cost.TravelHours += float64(trip / 2)
		s.Cost.TravelHours += float64(trip / 2)
		// ΔT = (1/W)·g·(1 − T)
		pr.trust = min(1, pr.trust+float64(sp.TrustGrowth/wk*(1-pr.trust)))
	}
	p.setTrust(w)
	return nil
}

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// outside its years, except for the week it dissolves the pairs.
func (p *Pairing) QuietWeek(_ *sim.World, k sim.Clock) bool {
	return !p.Spec.Active(k.Year) && !p.dissolves(k.Year)
}

// dissolves reports whether the policy, in a year y outside its years,
// dissolves its pairs: after its end, once.
func (p *Pairing) dissolves(y int) bool {
	c := &p.Spec.Common
	return c.End != 0 && y > c.End && p.matched && !p.ended
}

// match pairs each target, in index order, with a free school of the
// partner tier by the partner rule, and records the pairs on the schools.
// Schools already in another pair, group or alliance are not partners.
// Targets left without a partner lose their treated bit.
func (p *Pairing) match(w *sim.World, targets []int32) {
	sp := &p.Spec
	tier, anyTier, _ := parseTier(sp.PartnerTier)
	isTarget := make([]bool, len(w.Pop.Schools))
	for _, ti := range targets {
		isTarget[ti] = true
	}
	var free []int32
	for i := range w.Pop.Schools {
		s := &w.Pop.Schools[i]
		if (anyTier || s.Tier == tier) && !isTarget[i] &&
			s.Member.Pair < 0 && s.Member.Group < 0 && s.Member.Alliance < 0 {
			free = append(free, s.Index)
		}
	}
	// The partners in the rule's order of preference, found without
	// scanning every free school for every target: by rank, the free
	// schools sorted once; nearest, a spatial index. gone marks the
	// partners that have all the targets they may take.
	var byRep []int32
	var near *nearFirst
	switch sp.PartnerRule {
	case PartnerRank: // highest reputation, then lowest index
		byRep = slices.Clone(free)
		slices.SortStableFunc(byRep, func(a, b int32) int {
			return cmp.Compare(school(w, b).Reputation, school(w, a).Reputation)
		})
	case PartnerNearest: // shortest distance, then lowest index
		near = newNearFirst(w, free, false)
	}
	gone := make([]bool, len(w.Pop.Schools))
	left := len(free)
	taken := map[int32]int{}
	for _, ti := range targets {
		t := school(w, ti)
		if left == 0 {
			t.Member.Treated &^= 1 << uint(p.index)
			continue
		}
		var si int32
		switch sp.PartnerRule {
		case PartnerRank:
			for len(byRep) > 0 && gone[byRep[0]] {
				byRep = byRep[1:]
			}
			si = byRep[0]
		case PartnerNearest:
			for b := range near.from(ti) {
				if !gone[b] {
					si = b
					break
				}
			}
		case PartnerRandom:
			si = free[w.Rand.IntN(len(free))]
		}
		s := school(w, si)
		p.pairs = append(p.pairs, pair{target: ti, partner: si, km: distance(t, s), trust: sp.InitialTrust})
		t.Member.Pair = si
		if taken[si] == 0 {
			s.Member.Pair = ti
		}
		if taken[si]++; taken[si] >= sp.MaxPartners {
			gone[si] = true
			left--
			switch sp.PartnerRule {
			case PartnerNearest:
				near.remove(si)
			case PartnerRandom:
				k := slices.Index(free, si)
				free = slices.Delete(free, k, k+1)
			}
		}
	}
	p.setTrust(w)
}

// mentor sets this week's mentoring of target t's principal.
func (p *Pairing) mentor(w *sim.World, t, s *agents.School) {
	var lead float64
	switch p.Spec.Mentoring {
	case MentorPartner:
		lead = s.Principal.EffectiveLeadership(s.Tier, w.Par)
	case MentorExpert:
		lead = p.Spec.ExpertLeadership
	default:
		return
	}
	pr := &t.Principal
	if m := float32(p.Spec.MentoringIntensity); m > pr.Mentoring {
		pr.Mentoring, pr.MentorLeadership = m, float32(lead)
	}
}

// tie tops up each teacher of target t to TeacherTies collaboration ties
// with same-subject teachers of partner s, drawn at random; the tie is
// mutual where the partner teacher has a free slot. A teacher whose slots
// are all taken drops a random tie to a colleague of its own school (at
// both ends) to make room: the partnership displaces some collaboration
// at home (assumption).
func (p *Pairing) tie(w *sim.World, t, s *agents.School) {
	want := p.Spec.TeacherTies
	if want == 0 {
		return
	}
	if p.ties == nil {
		p.ties = map[[2]int64]bool{}
	}
	bySubject := [agents.NumSubjects][]int{}
	here := make(map[int64]bool, len(s.Teachers))
	for j := range s.Teachers {
		sub := s.Teachers[j].Subject
		bySubject[sub] = append(bySubject[sub], j)
		here[s.Teachers[j].ID] = true
	}
	for i := range t.Teachers {
		tc := &t.Teachers[i]
		cands := bySubject[tc.Subject]
		// Ties to partner teachers who have left since (the year end looks
		// colleagues up before the leavers go) end now.
		have := 0
		for k := range tc.TieID {
			if tc.TieID[k] != 0 && tc.TieSchool[k] == s.Index {
				if here[tc.TieID[k]] {
					have++
				} else {
					tc.TieID[k], tc.TieSchool[k] = 0, 0
				}
			}
		}
		for tries := 0; have < want && tries < 2*want; tries++ {
			if len(cands) == 0 {
				break
			}
			pc := &s.Teachers[cands[w.Rand.IntN(len(cands))]]
			if tc.HasTie(pc.ID) {
				continue
			}
			if !tc.AddTie(s.Index, pc.ID) {
				makeRoom(w, t, tc)
				if !tc.AddTie(s.Index, pc.ID) {
					break
				}
			}
			p.ties[[2]int64{tc.ID, pc.ID}] = true
			if pc.AddTie(t.Index, tc.ID) {
				p.ties[[2]int64{pc.ID, tc.ID}] = true
			}
			have++
		}
	}
}

// makeRoom frees one of teacher tc's slots by dropping a random tie to a
// colleague in its own school t, at both ends.
func makeRoom(w *sim.World, t *agents.School, tc *agents.Teacher) {
	var own []int
	for k := range tc.TieID {
		if tc.TieID[k] != 0 && tc.TieSchool[k] == t.Index {
			own = append(own, k)
		}
	}
	if len(own) == 0 {
		return
	}
	k := own[w.Rand.IntN(len(own))]
	id := tc.TieID[k]
	tc.TieID[k], tc.TieSchool[k] = 0, 0
	for j := range t.Teachers {
		if c := &t.Teachers[j]; c.ID == id {
			dropTie(c, tc.ID)
		}
	}
}

// dropTie clears teacher c's tie to id, if it has one.
func dropTie(c *agents.Teacher, id int64) {
	for k := range c.TieID {
		if c.TieID[k] == id {
			c.TieID[k], c.TieSchool[k] = 0, 0
		}
	}
}

// setTrust sets each paired school's Member.Trust: the target's trust in
// its partner, and the partner's mean trust over its targets.
func (p *Pairing) setTrust(w *sim.World) {
	sum := map[int32]float64{}
	n := map[int32]int{}
	for _, pr := range p.pairs {
		school(w, pr.target).Member.Trust = float32(pr.trust)
		sum[pr.partner] += pr.trust
		n[pr.partner]++
	}
	for _, pr := range p.pairs {
		school(w, pr.partner).Member.Trust = float32(sum[pr.partner] / float64(n[pr.partner]))
	}
}

// dissolve ends every pair: Pair back to -1, trust to 0, and the
// cross-school teacher ties the policy made dropped at both ends, wherever
// the teachers now teach.
func (p *Pairing) dissolve(w *sim.World) {
	for _, pr := range p.pairs {
		for _, i := range [2]int32{pr.target, pr.partner} {
			m := &school(w, i).Member
			m.Pair, m.Trust = -1, 0
		}
	}
	if len(p.ties) > 0 {
		for i := range w.Pop.Schools {
			ts := w.Pop.Schools[i].Teachers
			for j := range ts {
				tc := &ts[j]
				for k := range tc.TieID {
					if tc.TieID[k] != 0 && p.ties[[2]int64{tc.ID, tc.TieID[k]}] {
						tc.TieID[k], tc.TieSchool[k] = 0, 0
					}
				}
			}
		}
	}
	p.ties = nil
	p.ended = true
}
