package policy

import (
	"math"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// TestGroupSharedLeadershipReachesMembers runs loose and tight groups of
// all weak schools for four years, with principal succession off so that
// the policy-free twin differs only by the policy. Mentoring by the lead
// principal raises the members' recorded effective leadership, more in a
// tight group; a tight group's shared leadership further raises the
// leadership the members act on, (1 − w)·L_eff + w·L_lead, which a loose
// group does not share.
func TestGroupSharedLeadershipReachesMembers(t *testing.T) {
	cfg := testConfig(6)
	cfg.Params.PrincipalTurnover = 0
	acting := func(s *agents.School, par *agents.Params) float64 {
		wt := float64(s.Reform.SharedWeight)
		return (1-wt)*s.Principal.EffectiveLeadership(s.Tier, par) + wt*float64(s.Reform.SharedLeadership)
	}
	var twinActing []float64
	_, brecs := run(t, cfg, func(e *sim.Engine, y int) {
		if y == cfg.Years {
			for i := range e.Population().Schools {
				twinActing = append(twinActing, acting(&e.Population().Schools[i], &cfg.Params))
			}
		}
	})
	type rise struct{ recorded, acting float64 }
	rises := map[string]rise{}
	for _, structure := range []string{StructureLoose, StructureTight} {
		g := spec(t, "education-group").(*GroupSpec)
		g.Structure = structure
		c := testConfig(6, g)
		c.Params.PrincipalTurnover = 0
		var r rise
		n := 0
		_, recs := run(t, c, func(e *sim.Engine, y int) {
			if y != c.Years {
				return
			}
			for i := range e.Population().Schools {
				s := &e.Population().Schools[i]
				if s.Member.Group >= 0 && !s.Member.GroupLead {
					r.acting += acting(s, &c.Params) - twinActing[i]
				}
			}
		})
		for i, rec := range recs[c.Years].Schools {
			if rec.Member.Group >= 0 && !rec.Member.GroupLead {
				r.recorded += rec.Leadership - brecs[c.Years].Schools[i].Leadership
				n++
			}
		}
		if n == 0 {
			t.Fatalf("%s: no member in a group at the end", structure)
		}
		r.recorded /= float64(n)
		r.acting /= float64(n)
		rises[structure] = r
		t.Logf("%s: members' leadership vs twin: recorded %+.4f, acting %+.4f", structure, r.recorded, r.acting)
	}
	loose, tight := rises[StructureLoose], rises[StructureTight]
	if !(loose.recorded > 0.005 && tight.recorded > loose.recorded+0.01) {
		t.Errorf("recorded leadership rise: loose %+.4f, tight %+.4f; want loose > 0 and tight well above", loose.recorded, tight.recorded)
	}
	// The record shows the leadership acting in the school, shared part included.
	for name, r := range rises {
		if math.Abs(r.acting-r.recorded) > 1e-9 {
			t.Errorf("%s: acting leadership %+.4f but recorded %+.4f", name, r.acting, r.recorded)
		}
	}
	if tight.recorded < loose.recorded+0.05 {
		t.Errorf("tight group: leadership %+.4f vs loose %+.4f; want the lead's shared leadership on top", tight.recorded, loose.recorded)
	}
}

// TestGroupFormation forms groups of at most two members from all
// non-strong schools in years 1-2 of a 4-year run: every member has one
// strong lead of its district, leads take no more than
// members_per_group, the weakest schools are placed first, only members
// carry the treated bit, and all memberships are cleared once the policy
// has ended.
func TestGroupFormation(t *testing.T) {
	g := spec(t, "education-group").(*GroupSpec)
	g.MembersPerGroup, g.Start, g.End = 2, 1, 2
	g.Select = Selection{Rule: RuleAll, Tier: "any"}
	_, recs := run(t, testConfig(7, g), func(e *sim.Engine, y int) {
		pop := e.Population()
		count := map[int32]int{}
		for i := range pop.Schools {
			s := &pop.Schools[i]
			mb := s.Member
			treatedBit := mb.Treated&1 != 0
			if y > g.End {
				if mb.Group != -1 || mb.GroupLead || mb.Trust != 0 {
					t.Errorf("year %d: school %d still has membership %+v after the policy ended", y, i, mb)
				}
				continue
			}
			switch {
			case mb.GroupLead:
				if s.Tier != agents.Strong || mb.Group != int32(i) || treatedBit {
					t.Errorf("year %d: lead %d (%s) has Group %d, treated %v", y, i, s.Tier, mb.Group, treatedBit)
				}
			case mb.Group >= 0:
				count[mb.Group]++
				lead := &pop.Schools[mb.Group]
				if s.Tier == agents.Strong || !lead.Member.GroupLead || lead.District != s.District {
					t.Errorf("year %d: %s member %d in district %d led by %d (lead %v, district %d)",
						y, s.Tier, i, s.District, mb.Group, lead.Member.GroupLead, lead.District)
				}
				if !treatedBit || mb.Trust <= 0 || mb.Trust > 1 {
					t.Errorf("year %d: member %d treated %v, trust %.3f", y, i, treatedBit, mb.Trust)
				}
			default:
				if s.Tier == agents.Weak {
					t.Errorf("year %d: weak school %d left out of the groups", y, i)
				}
				if treatedBit {
					t.Errorf("year %d: school %d outside the groups carries the treated bit", y, i)
				}
			}
		}
		for l, n := range count {
			if n > g.MembersPerGroup {
				t.Errorf("year %d: lead %d has %d members, at most %d allowed", y, l, n, g.MembersPerGroup)
			}
		}
		if y <= g.End && len(count) != 4 {
			t.Errorf("year %d: %d groups, want one per strong school (4)", y, len(count))
		}
	})
	if n := len(treated(recs[len(recs)-1], 0)); n != 8 {
		t.Errorf("%d schools ever treated, want 8 (4 leads × 2 members)", n)
	}
}

// TestGroupTrust: with the default settings most members trust their
// group and stay. Trust is the condition for a group to last and policy
// coordination the condition for trust to grow (Liu 2021): with intense
// joint activity, a trust decay of 0.3 a year and exit below 0.3, members
// settle at a trust of about 0.4 and stay when coordination is good, but
// when there is none their trust only decays and every one of them leaves
// within four years.
func TestGroupTrust(t *testing.T) {
	for _, tt := range []struct {
		name                       string
		joint, coordination, decay float64
		exit                       float64
		stayMin, stayMax           float64 // share of members still in a group in year 4
		trustLo, trustHi           float64 // their mean recorded trust in year 1
	}{
		{"defaults", 0.4, 1, 0.1, 0.2, 0.8, 1, 0.5, 0.7},
		{"good coordination", 1, 1, 0.3, 0.3, 1, 1, 0.5, 0.6},
		{"no coordination", 1, 0, 0.3, 0.3, 0, 0, 0.4, 0.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := spec(t, "education-group").(*GroupSpec)
			g.JointActivities, g.Coordination, g.TrustDecay, g.ExitTrust = tt.joint, tt.coordination, tt.decay, tt.exit
			_, recs := run(t, testConfig(8, g), nil)
			members := treated(recs[len(recs)-1], 0)
			if len(members) == 0 {
				t.Fatal("no members")
			}
			var trust float64
			stay := 0
			for i := range members {
				trust += float64(recs[1].Schools[i].Member.Trust)
				if recs[4].Schools[i].Member.Group >= 0 {
					stay++
				}
			}
			trust /= float64(len(members))
			share := float64(stay) / float64(len(members))
			t.Logf("year-1 mean trust %.3f; %.2f of members in a group in year 4", trust, share)
			if trust < tt.trustLo || trust > tt.trustHi {
				t.Errorf("year-1 mean trust %.3f, want in [%.2f,%.2f]", trust, tt.trustLo, tt.trustHi)
			}
			if share < tt.stayMin || share > tt.stayMax {
				t.Errorf("%.2f of members still in a group in year 4, want in [%.2f,%.2f]", share, tt.stayMin, tt.stayMax)
			}
		})
	}
}

// TestGroupStaffExchange swaps a quarter of each member's teachers with
// its lead's for a year, in years 1-2: every school keeps its teacher count
// and subject mix, members host lead teachers and leads member teachers
// while the policy runs, exchanges and meetings are charged, and from year
// 3 everyone is home.
func TestGroupStaffExchange(t *testing.T) {
	for _, structure := range []string{StructureLoose, StructureTight} {
		t.Run(structure, func(t *testing.T) {
			g := spec(t, "education-group").(*GroupSpec)
			g.Structure, g.StaffExchange, g.Start, g.End = structure, 0.25, 1, 2
			g.Select = Selection{Rule: RuleAll, Tier: "any"}
			want := subjectMix(world(t, 9).Pop)
			_, recs := run(t, testConfig(9, g), func(e *sim.Engine, y int) {
				pop := e.Population()
				checkStaff(t, pop, want, structure)
				for i := range pop.Schools {
					s := &pop.Schools[i]
					gs := guests(s)
					if y > g.End {
						if len(gs) > 0 {
							t.Errorf("year %d: school %d still hosts %d teachers of other schools", y, i, len(gs))
						}
						continue
					}
					mb := s.Member
					if mb.Group >= 0 && !mb.GroupLead {
						if n := postCount(g.StaffExchange, len(s.Teachers)); len(gs) != n {
							t.Errorf("year %d: member %d hosts %d exchanged teachers, want %d", y, i, len(gs), n)
						}
					}
					for _, k := range gs {
						tc := &s.Teachers[k]
						home := &pop.Schools[tc.Home].Member
						ok := (mb.GroupLead && home.Group == int32(i)) || (!mb.GroupLead && tc.Home == mb.Group)
						if !ok || tc.PostingEnds != int32(y) {
							t.Errorf("year %d: school %d (group %d) hosts a teacher of school %d (group %d) posted until %d",
								y, i, mb.Group, tc.Home, home.Group, tc.PostingEnds)
						}
					}
				}
			})
			for _, rec := range recs[1].Schools {
				mb := rec.Member
				if mb.Group >= 0 && !mb.GroupLead && (rec.Cost.TeacherHours <= 0 || rec.Cost.TravelHours <= 0) {
					t.Errorf("member %d: year-1 costs %+v, want meeting and travel hours", rec.School, rec.Cost)
				}
				if structure == StructureTight && mb.Group >= 0 && !mb.GroupLead && rec.Cost.Money < g.GovernanceCost*0.999 {
					t.Errorf("tight member %d: year-1 money %.0f, want the governance cost %.0f", rec.School, rec.Cost.Money, g.GovernanceCost)
				}
			}
			for _, rec := range recs[3].Schools {
				if rec.Cost != (agents.Costs{}) {
					t.Errorf("school %d: year-3 costs %+v after the policy ended", rec.School, rec.Cost)
				}
			}
		})
	}
}

func TestGroupValidate(t *testing.T) {
	for _, tt := range []struct {
		key string
		set func(*GroupSpec)
	}{
		{"structure", func(s *GroupSpec) { s.Structure = "chain" }},
		{"members_per_group", func(s *GroupSpec) { s.MembersPerGroup = 0 }},
		{"joint_activities", func(s *GroupSpec) { s.JointActivities = 2 }},
		{"coordination", func(s *GroupSpec) { s.Coordination = -0.1 }},
		{"trust_decay", func(s *GroupSpec) { s.TrustDecay = -1 }},
		{"governance_cost", func(s *GroupSpec) { s.GovernanceCost = math.Inf(1) }},
	} {
		s := spec(t, "education-group").(*GroupSpec)
		if err := check(s); err != nil {
			t.Fatalf("defaults: %v", err)
		}
		tt.set(s)
		err := check(s)
		if fe, ok := err.(*FieldError); !ok || fe.Key != tt.key {
			t.Errorf("bad %s: got %v, want a FieldError on %s", tt.key, err, tt.key)
		}
	}
}
