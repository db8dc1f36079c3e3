package policy

import (
	"context"
	"math"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// atYearOne runs cfg's spin-up and returns its world at the first week of
// year 1, before any policy has acted, for tests that call Act directly.
func atYearOne(t *testing.T, cfg sim.Config) *sim.World {
	t.Helper()
	cfg.Policies = nil
	e, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for y := 1 - cfg.SpinUpYears; y <= 0; y++ {
		if err := e.RunYear(context.Background(), y, nil); err != nil {
			t.Fatal(err)
		}
	}
	w := e.World()
	w.Clock = sim.Clock{Year: 1, Week: 0, WeeksPerYear: cfg.WeeksPerYear}
	return w
}

// act runs policy p for week 0 of year y.
func act(t *testing.T, p sim.Policy, w *sim.World, y int) {
	t.Helper()
	w.Clock.Year, w.Clock.Week = y, 0
	if err := p.Act(w); err != nil {
		t.Fatal(err)
	}
}

// guests returns the slots of school i's teachers employed elsewhere.
func guests(s *agents.School) []int {
	var out []int
	for k := range s.Teachers {
		if s.Teachers[k].Home != s.Index {
			out = append(out, k)
		}
	}
	return out
}

// checkStaff fails the test unless every school has the teacher count
// and subject mix of want, every class has a teacher of each subject, and
// no teacher or principal is in two places.
func checkStaff(t *testing.T, pop *agents.Population, want [][agents.NumSubjects]int, when string) {
	t.Helper()
	seen := map[int64]int32{}
	principals := map[int64]int32{}
	for i := range pop.Schools {
		s := &pop.Schools[i]
		var mix [agents.NumSubjects]int
		for k := range s.Teachers {
			tc := &s.Teachers[k]
			mix[tc.Subject]++
			if j, dup := seen[tc.ID]; dup {
				t.Fatalf("%s: teacher %d in schools %d and %d", when, tc.ID, j, i)
			}
			seen[tc.ID] = int32(i)
		}
		if mix != want[i] {
			t.Errorf("%s: school %d has subject mix %v, want %v", when, i, mix, want[i])
		}
		for c, slot := range s.Teaching {
			if sub := agents.Subject(c % agents.NumSubjects); s.Teachers[slot].Subject != sub {
				t.Fatalf("%s: school %d class %d: %s taught by a %s teacher", when, i, c/agents.NumSubjects, sub, s.Teachers[slot].Subject)
			}
		}
		if j, dup := principals[s.Principal.ID]; dup {
			t.Fatalf("%s: principal %d heads schools %d and %d", when, s.Principal.ID, j, i)
		}
		principals[s.Principal.ID] = int32(i)
	}
}

// subjectMix returns each school's number of teachers by subject.
func subjectMix(pop *agents.Population) [][agents.NumSubjects]int {
	out := make([][agents.NumSubjects]int, len(pop.Schools))
	for i := range pop.Schools {
		for k := range pop.Schools[i].Teachers {
			out[i][pop.Schools[i].Teachers[k].Subject]++
		}
	}
	return out
}

// TestRotationPostsAndReturns rotates teachers from strong to weak schools
// in years 1-2 of a 4-year run: each year every weak school receives
// round(share × teachers) teachers employed by a strong school of its own
// district, strong schools host the weak schools' teachers in exchange,
// average schools are untouched, the receivers' teaching staff is more
// effective than in the policy-free twin, and from year 3 every teacher is
// back at home and no longer posted.
func TestRotationPostsAndReturns(t *testing.T) {
	for _, tt := range []struct {
		name    string
		posting int
	}{
		{"one-year postings", 1},
		{"two-year postings", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := spec(t, "rotation").(*RotationSpec)
			r.Start, r.End, r.Share, r.PostingYears = 1, 2, 0.1, tt.posting
			_, brecs := run(t, testConfig(1), nil)
			_, recs := run(t, testConfig(1, r), func(e *sim.Engine, y int) {
				pop := e.Population()
				for i := range pop.Schools {
					s := &pop.Schools[i]
					g := guests(s)
					if y > r.End {
						if len(g) > 0 {
							t.Errorf("year %d: school %d still hosts %d teachers of other schools", y, i, len(g))
						}
						for k := range s.Teachers {
							if s.Teachers[k].PostingEnds != -1 {
								t.Errorf("year %d: school %d teacher %d still posted until %d", y, i, k, s.Teachers[k].PostingEnds)
							}
						}
						continue
					}
					want := 0
					switch s.Tier {
					case agents.Weak:
						// Postings made each year, minus those already over.
						want = postCount(r.Share, len(s.Teachers)) * min(y, tt.posting)
					case agents.Strong:
						want = -1 // hosts whatever its receivers sent
					}
					if want >= 0 && len(g) != want {
						t.Errorf("year %d: %s school %d hosts %d posted teachers, want %d", y, s.Tier, i, len(g), want)
					}
					for _, k := range g {
						tc := &s.Teachers[k]
						home := &pop.Schools[tc.Home]
						wantHome := map[agents.Tier]agents.Tier{agents.Weak: agents.Strong, agents.Strong: agents.Weak}[s.Tier]
						if home.Tier != wantHome || home.District != s.District {
							t.Errorf("year %d: %s school %d (district %d) hosts a teacher of %s school %d (district %d)",
								y, s.Tier, i, s.District, home.Tier, tc.Home, home.District)
						}
						if end := min(y+tt.posting-1, r.End); tc.PostingEnds != int32(end) {
							t.Errorf("year %d: posted teacher's posting ends %d, want %d", y, tc.PostingEnds, end)
						}
					}
				}
			})
			// Year 1 is measured before any turnover differs between the
			// twins: the swap is the only difference in the staff.
			var gain [agents.NumTiers]float64
			var n [agents.NumTiers]float64
			for i, rec := range recs[1].Schools {
				gain[rec.Tier] += rec.Effectiveness - brecs[1].Schools[i].Effectiveness
				n[rec.Tier]++
			}
			// The rise is the posted specialists' portable lead over the
			// weak schools' own teachers: about +0.004 at the defaults of
			// issue 11, when strong and weak schools' teachers differ by
			// 0.135 SD a year (0.22 with hire_reputation 0.08).
			if g := gain[agents.Weak] / n[agents.Weak]; g <= 0.002 {
				t.Errorf("weak schools' teacher effectiveness %+.4f vs twin, want a rise", g)
			}
			if g := gain[agents.Strong] / n[agents.Strong]; g >= 0 {
				t.Errorf("strong schools' teacher effectiveness %+.4f vs twin, want a fall", g)
			}
			if g := gain[agents.Average]; g != 0 {
				t.Errorf("average schools' teacher effectiveness changed by %g", g)
			}
		})
	}
}

// TestRotationSendsSubjectSpecialists: in a strong-to-weak rotation each
// posted teacher is at least as effective as every teacher of its subject
// left unposted at home; in a random rotation they are not chosen so.
func TestRotationSendsSubjectSpecialists(t *testing.T) {
	r := spec(t, "rotation").(*RotationSpec)
	r.Share = 0.25
	w := atYearOne(t, testConfig(2))
	act(t, r.New(0), w, 1)
	posted := 0
	for i := range w.Pop.Schools {
		s := &w.Pop.Schools[i]
		if s.Tier != agents.Weak {
			continue
		}
		for _, k := range guests(s) {
			posted++
			tc := &s.Teachers[k]
			home := &w.Pop.Schools[tc.Home]
			// Its value added at home, before the posting changed it
			// (agents.PortableEffectiveness).
			eff := tc.Effectiveness - tc.HomeShift
			for _, j := range unposted(home, tc.Subject) {
				if e := home.Teachers[j].Effectiveness; e > eff {
					t.Errorf("school %d received a %s teacher of effectiveness %.3f at home; one of %.3f stayed at home", i, tc.Subject, eff, e)
				}
			}
		}
	}
	if want := 6 * postCount(r.Share, 12); posted != want {
		t.Errorf("%d teachers posted to weak schools, want %d", posted, want)
	}
}

// TestRotationConservesStaff runs rotations of teachers and principals,
// in both directions and with and without return, and checks at every year
// end that no teacher is lost or duplicated, every school keeps its
// teacher count and subject mix and every class its teachers, and posted
// teachers (and only they) work away from home.
func TestRotationConservesStaff(t *testing.T) {
	for _, tt := range []struct {
		direction string
		home      bool
	}{
		{DirStrongToWeak, true},
		{DirRandom, true},
		{DirStrongToWeak, false},
		{DirRandom, false},
	} {
		name := tt.direction
		if !tt.home {
			name += "/transfers"
		}
		t.Run(name, func(t *testing.T) {
			r := spec(t, "rotation").(*RotationSpec)
			r.Direction, r.ReturnHome, r.Who = tt.direction, tt.home, WhoBoth
			r.Share, r.PostingYears, r.Start, r.End = 0.3, 2, 1, 3
			r.Select = Selection{Rule: RuleAll, Tier: "any"}
			want := subjectMix(world(t, 3).Pop)
			moved := 0
			_, recs := run(t, testConfig(3, r), func(e *sim.Engine, y int) {
				pop := e.Population()
				checkStaff(t, pop, want, "year end")
				for i := range pop.Schools {
					for k := range pop.Schools[i].Teachers {
						tc := &pop.Schools[i].Teachers[k]
						away := tc.Home != int32(i)
						if away != (tc.PostingEnds >= 0) {
							t.Errorf("year %d school %d: teacher of home %d has posting end %d", y, i, tc.Home, tc.PostingEnds)
						}
						if tc.ID>>32 != int64(i) {
							moved++ // hired by another school
						}
					}
				}
			})
			if moved == 0 {
				t.Error("no teacher ever worked in a school other than the one that hired it")
			}
			// Four strong sources cannot serve 20 receivers in full, so
			// only the total is checked.
			var cost agents.Costs
			for _, rec := range recs[1].Schools {
				cost.Add(rec.Cost)
			}
			if cost.Money <= 0 || cost.TravelHours <= 0 {
				t.Errorf("year-1 cost %+v, want allowances and travel", cost)
			}
		})
	}
}

// TestPrincipalRotationContextDiscount posts strong schools' principals
// to weak schools: each moved principal leads less effectively in the
// weak school than at home, its experience coming from another kind of
// school (Wang & Liu 2025), though the weak schools' leadership still
// rises and the strong schools' falls against the twin.
func TestPrincipalRotationContextDiscount(t *testing.T) {
	r := spec(t, "rotation").(*RotationSpec)
	r.Who = WhoPrincipals
	cfg := testConfig(4)
	w := atYearOne(t, cfg)
	atHome := map[int64]float64{}
	for i := range w.Pop.Schools {
		s := &w.Pop.Schools[i]
		atHome[s.Principal.ID] = s.Principal.EffectiveLeadership(s.Tier, w.Par)
	}
	act(t, r.New(0), w, 1)
	moved, strong, experienced := 0, 0, 0
	for i := range w.Pop.Schools {
		s := &w.Pop.Schools[i]
		if s.Tier == agents.Strong {
			strong++
		}
		if s.Tier != agents.Weak || s.Principal.ID>>32 == int64(i) {
			continue
		}
		moved++
		home := s.Principal.ID >> 32
		if w.Pop.Schools[home].Tier != agents.Strong {
			t.Errorf("weak school %d got the principal of %s school %d", i, w.Pop.Schools[home].Tier, home)
		}
		// A principal with x years, all in strong schools, keeps a share
		// 1 − c·x/(x+1) of its leadership: none lost by a novice.
		pr := &s.Principal
		x := float64(pr.Experience)
		if x >= 1 {
			experienced++
		}
		here := pr.EffectiveLeadership(s.Tier, w.Par)
		before := atHome[pr.ID]
		want := before * (1 - w.Par.ContextDiscount*x/(x+1))
		if math.Abs(here-want) > 1e-6 || (x >= 1 && here > before-0.05) {
			t.Errorf("principal from school %d with %.0f years: effective leadership %.3f at home, %.3f in weak school %d; want %.3f",
				home, x, before, here, i, want)
		}
	}
	if experienced < moved/2 {
		t.Errorf("only %d of %d moved principals have a year of experience; the test needs more", experienced, moved)
	}
	// Each strong school's principal can be in one weak school at a time.
	if moved != strong {
		t.Errorf("%d weak schools got a strong school's principal, want %d (one per strong school)", moved, strong)
	}

	cfg.Params.PrincipalTurnover = 0 // no succession noise between the twins
	_, brecs := run(t, cfg, nil)
	cfg = testConfig(4, r)
	cfg.Params.PrincipalTurnover = 0
	_, recs := run(t, cfg, nil)
	var diff [agents.NumTiers]float64
	for i, rec := range recs[1].Schools {
		diff[rec.Tier] += rec.Leadership - brecs[1].Schools[i].Leadership
	}
	if diff[agents.Weak] <= 0 || diff[agents.Strong] >= 0 {
		t.Errorf("year-1 leadership vs twin: weak %+.3f, strong %+.3f (sums); want weak up, strong down", diff[agents.Weak], diff[agents.Strong])
	}
}

// TestRotationTransfers: with return_home false the posted teachers
// become staff of their new school at once and stay after the policy ends.
func TestRotationTransfers(t *testing.T) {
	for _, home := range []bool{true, false} {
		r := spec(t, "rotation").(*RotationSpec)
		r.Start, r.End, r.Share, r.ReturnHome = 1, 1, 0.25, home
		w := atYearOne(t, testConfig(5))
		p := r.New(0)
		before := map[int64]int32{} // teacher → school before the policy
		for i := range w.Pop.Schools {
			for _, tc := range w.Pop.Schools[i].Teachers {
				before[tc.ID] = int32(i)
			}
		}
		act(t, p, w, 1)
		movers := map[int64]int32{} // teacher → school it moved to
		for i := range w.Pop.Schools {
			for k := range w.Pop.Schools[i].Teachers {
				tc := &w.Pop.Schools[i].Teachers[k]
				if from := before[tc.ID]; from != int32(i) {
					movers[tc.ID] = int32(i)
					wantHome, wantEnd := from, int32(1)
					if !home {
						wantHome, wantEnd = int32(i), -1
					}
					if tc.Home != wantHome || tc.PostingEnds != wantEnd {
						t.Errorf("return_home %v: teacher moved to %d has Home %d and PostingEnds %d, want %d and %d",
							home, i, tc.Home, tc.PostingEnds, wantHome, wantEnd)
					}
				}
			}
		}
		if len(movers) == 0 {
			t.Fatalf("return_home %v: nobody moved", home)
		}
		act(t, p, w, 2) // the policy has ended
		stayed := 0
		for id, i := range movers {
			if findTeacher(&w.Pop.Schools[i], id) >= 0 {
				stayed++
			}
		}
		if want := map[bool]int{true: 0, false: len(movers)}[home]; stayed != want {
			t.Errorf("return_home %v: %d of %d movers still in their new school in year 2, want %d", home, stayed, len(movers), want)
		}
	}
}

func TestRotationValidate(t *testing.T) {
	for _, tt := range []struct {
		key string
		set func(*RotationSpec)
	}{
		{"who", func(s *RotationSpec) { s.Who = "janitors" }},
		{"direction", func(s *RotationSpec) { s.Direction = "weak-to-strong" }},
		{"source_rule", func(s *RotationSpec) { s.SourceRule = "farthest" }},
		{"share", func(s *RotationSpec) { s.Share = 1.5 }},
		{"posting_years", func(s *RotationSpec) { s.PostingYears = 0 }},
		{"allowance", func(s *RotationSpec) { s.Allowance = -1 }},
		{"travel_speed_kmh", func(s *RotationSpec) { s.TravelSpeed = 0 }},
		{"commute_days", func(s *RotationSpec) { s.CommuteDays = 8 }},
	} {
		s := spec(t, "rotation").(*RotationSpec)
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

// TestRotationCarriesPortableValueAdded: a specialist posted from a strong
// to a weak school raises its new class's yearly growth by about the
// portable share of its lead over the mean teacher (agents.PortableShare),
// less in junior secondary than in primary schools, where more of value
// added is portable (Glazerman et al. 2013); when the posting ends it has
// its home value added back.
func TestRotationCarriesPortableValueAdded(t *testing.T) {
	ratio := map[string]float64{}
	for _, lv := range levels {
		t.Run(lv.name, func(t *testing.T) {
			var here, home, want float64
			for seed := range uint64(16) {
				r := spec(t, "rotation").(*RotationSpec)
				r.Start, r.End, r.Share = 1, 1, 0.25
				w := atYearOne(t, lv.config(30+seed))
				mean := w.Ref.Effectiveness
				p := r.New(0)
				act(t, p, w, 1)
				before := map[int64]float32{}
				for i := range w.Pop.Schools {
					s := &w.Pop.Schools[i]
					for _, k := range guests(s) {
						tc := &s.Teachers[k]
						before[tc.ID] = tc.Effectiveness - tc.HomeShift
						if s.Tier != agents.Weak {
							continue
						}
						lead := float64(before[tc.ID]) - mean
						here += float64(tc.Effectiveness) - mean
						home += lead
						want += agents.PortableShare(&w.Pop.Schools[tc.Home], s, w.Par) * lead
					}
				}
				act(t, p, w, 2) // the postings end
				for i := range w.Pop.Schools {
					for _, tc := range w.Pop.Schools[i].Teachers {
						if e, ok := before[tc.ID]; ok && (tc.Home != int32(i) || tc.HomeShift != 0 || math.Abs(float64(tc.Effectiveness-e)) > 1e-6) {
							t.Errorf("back home in school %d: teacher %d has Home %d, effectiveness %.4f (had %.4f), HomeShift %g",
								i, tc.ID, tc.Home, tc.Effectiveness, e, tc.HomeShift)
						}
					}
				}
			}
			if home < 1 {
				t.Fatalf("specialists' lead over the mean sums to %.2f; the test needs more", home)
			}
			ratio[lv.name] = here / home
			t.Logf("specialists keep %.2f of their lead (portable share %.2f)", here/home, want/home)
			if got, pi := here/home, want/home; math.Abs(got-pi) > 0.15 {
				t.Errorf("specialists keep %.2f of their lead in the weak schools, want the portable share %.2f", got, pi)
			}
		})
	}
	if !(ratio["junior secondary"] < ratio["primary"] && ratio["junior secondary"] < 0.8) {
		t.Errorf("specialists keep %.2f of their lead in junior secondary and %.2f in primary schools; want less in junior secondary", ratio["junior secondary"], ratio["primary"])
	}
}

// TestRotationVolunteers: with volunteers = true only source teachers who
// accept are posted, and more accept the larger the allowance; assigned
// postings fill every place.
func TestRotationVolunteers(t *testing.T) {
	posted := func(volunteers bool, allowance float64) int {
		r := spec(t, "rotation").(*RotationSpec)
		r.Share, r.Volunteers, r.Allowance = 0.25, volunteers, allowance
		w := atYearOne(t, testConfig(12))
		act(t, r.New(0), w, 1)
		n := 0
		for i := range w.Pop.Schools {
			if w.Pop.Schools[i].Tier == agents.Weak {
				n += len(guests(&w.Pop.Schools[i]))
			}
		}
		return n
	}
	assigned, unpaid, paid := posted(false, 20000), posted(true, 0), posted(true, 200000)
	if !(unpaid < paid && paid <= assigned) {
		t.Errorf("posted: %d volunteers unpaid, %d with 200,000 RMB a year, %d assigned; want unpaid < paid ≤ assigned", unpaid, paid, assigned)
	}
}

// A level is a school level, as a population's first grade and number of
// grades set it.
type level struct {
	name          string
	first, grades int
}

// levels are junior secondary and primary schools.
var levels = []level{{"junior secondary", 7, 3}, {"primary", 1, 6}}

// config returns testConfig(seed) for schools of the level.
func (lv level) config(seed uint64) sim.Config {
	cfg := testConfig(seed)
	cfg.Population.FirstGrade, cfg.Population.Grades = lv.first, lv.grades
	return cfg
}
