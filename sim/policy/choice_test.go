package policy

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// choiceSpec returns the default school-choice spec with edit applied.
func choiceSpec(t *testing.T, edit func(c *ChoiceSpec)) *ChoiceSpec {
	t.Helper()
	c := spec(t, "school-choice").(*ChoiceSpec)
	if edit != nil {
		edit(c)
	}
	if err := check(c); err != nil {
		t.Fatal(err)
	}
	return c
}

// runChoice runs the test world with the single school-choice policy c
// and returns the policy (to read its placements), the records, and, for
// each simulated year y ≥ 1, each school's intake that enters year y+1
// (its grade-0 students just after the year end).
func runChoice(t *testing.T, seed uint64, c *ChoiceSpec, yearEnd func(e *sim.Engine, p *Choice, year int)) (*Choice, []sim.YearRecord) {
	t.Helper()
	cfg := testConfig(seed)
	var p *Choice
	cfg.Policies = func() []sim.Policy {
		p = c.New(0).(*Choice)
		p.Record = true
		return []sim.Policy{p}
	}
	var cb func(e *sim.Engine, year int)
	if yearEnd != nil {
		cb = func(e *sim.Engine, year int) { yearEnd(e, p, year) }
	}
	_, recs := run(t, cfg, cb)
	return p, recs
}

// intake is one school's grade-0 students: their number and mean latent
// achievement.
type intake struct {
	n    int
	mean float64
}

func intakes(pop *agents.Population) []intake {
	out := make([]intake, len(pop.Schools))
	for i := range pop.Schools {
		var sum float64
		for k := range pop.Schools[i].Students {
			if st := &pop.Schools[i].Students[k]; st.Grade == 0 {
				out[i].n++
				sum += st.MeanAchievement()
			}
		}
		if out[i].n > 0 {
			out[i].mean = sum / float64(out[i].n)
		}
	}
	return out
}

// tierIntakes returns, per tier, the mean over schools of the intake size
// and the student-weighted mean achievement of the intake.
func tierIntakes(pop *agents.Population, in []intake) (size, mean [agents.NumTiers]float64) {
	var schools, students [agents.NumTiers]float64
	for i, x := range in {
		t := pop.Schools[i].Tier
		schools[t]++
		size[t] += float64(x.n)
		students[t] += float64(x.n)
		mean[t] += x.mean * float64(x.n)
	}
	for t := range size {
		size[t] /= schools[t]
		mean[t] /= students[t]
	}
	return size, mean
}

// TestChoiceCapacityAndConservation: in every year and seed, under every
// admission and residence rule, no school's intake exceeds
// floor(Capacity/grades), the intake of the whole system equals the
// applicants (the planned intakes), and every applicant is placed once.
func TestChoiceCapacityAndConservation(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(c *ChoiceSpec)
	}{
		{"score district", nil},
		{"lottery", func(c *ChoiceSpec) { c.Admission = AdmitLottery }},
		{"open city-wide, distance cheap", func(c *ChoiceSpec) {
			c.Hukou, c.CrossDistrict, c.DistanceWeight = HukouOpen, true, 0.01
		}},
		{"local-only city-wide, reputation strong", func(c *ChoiceSpec) {
			c.Hukou, c.CrossDistrict, c.ReputationWeight, c.DistanceWeight = HukouLocalOnly, true, 5, 0.02
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := choiceSpec(t, tt.edit)
			for seed := uint64(1); seed <= 3; seed++ {
				full := 0
				runChoice(t, seed, c, func(e *sim.Engine, p *Choice, year int) {
					pop := e.Population()
					grades := pop.Spec.Grades
					total, planned := 0, 0
					for i, x := range intakes(pop) {
						s := &pop.Schools[i]
						places := int(s.Capacity) / grades
						if x.n > places {
							t.Errorf("seed %d year %d school %d: intake %d exceeds %d places", seed, year, i, x.n, places)
						}
						if x.n == places {
							full++
						}
						if s.Admitted != nil {
							t.Errorf("seed %d year %d school %d: Admitted not cleared by the year end", seed, year, i)
						}
						total += x.n
						planned += int(s.ClassesPerGrade * s.ClassSize)
					}
					if total != planned {
						t.Errorf("seed %d year %d: intake %d, want the %d applicants", seed, year, total, planned)
					}
					if len(p.Placements) != planned {
						t.Errorf("seed %d year %d: %d placements, want %d", seed, year, len(p.Placements), planned)
					}
				})
				if full == 0 {
					t.Errorf("seed %d: no school ever filled its places; capacity was never binding", seed)
				}
			}
		})
	}
}

// TestChoiceStrongFillWeakShrink: with choice, strong schools fill their
// places and weak schools' intakes fall below their policy-free twins';
// this holds under both admission rules.
func TestChoiceStrongFillWeakShrink(t *testing.T) {
	for _, adm := range []string{AdmitScore, AdmitLottery} {
		t.Run(adm, func(t *testing.T) {
			c := choiceSpec(t, func(c *ChoiceSpec) { c.Admission = adm })
			var got, twin [agents.NumTiers]float64
			places := 0.0
			runChoice(t, 4, c, func(e *sim.Engine, _ *Choice, year int) {
				if year == 4 {
					pop := e.Population()
					got, _ = tierIntakes(pop, intakes(pop))
					for i := range pop.Schools {
						if pop.Schools[i].Tier == agents.Strong {
							places = float64(pop.Schools[i].Capacity / int32(pop.Spec.Grades))
						}
					}
				}
			})
			run(t, testConfig(4), func(e *sim.Engine, year int) {
				if year == 4 {
					pop := e.Population()
					twin, _ = tierIntakes(pop, intakes(pop))
				}
			})
			strong, weak := agents.Strong, agents.Weak
			if got[strong] < 0.98*places || got[strong] <= twin[strong] {
				t.Errorf("strong intake %.1f per school (twin %.1f), want full: %.0f places", got[strong], twin[strong], places)
			}
			if got[weak] > 0.95*twin[weak] {
				t.Errorf("weak intake %.1f per school, twin %.1f; want at least 5%% fewer", got[weak], twin[weak])
			}
		})
	}
}

// TestChoiceCreamSkimming: when families weigh reputation strongly
// (reputation_weight 2), admission by score lets the strong schools take
// the ablest applicants: their intake is abler than the policy-free twin's,
// the weak schools' intake less able, and after three chosen cohorts the
// between-school share of variance has risen. A lottery with the same
// preferences does the opposite: ability no longer decides who gets the
// scarce places, so choice mixes the residentially sorted catchments.
// (At the default weight 1 the strong schools fill only after about half
// the applicants have chosen, and score admission skims little; see
// docs/SCENARIOS.md.) The test is of the admission rules alone, so every
// family chooses alike (uniformFamilies).
func TestChoiceCreamSkimming(t *testing.T) {
	const seeds = 3
	for _, tt := range []struct {
		admission string
		// bounds on the seed means of the strong and weak intakes' mean
		// latent achievement (SD) and the between-school share in year 4,
		// each minus the twin's
		strongMin, strongMax, weakMin, weakMax, betweenMin, betweenMax float64
	}{
		{AdmitScore, 0.2, math.Inf(1), math.Inf(-1), -0.2, 0.05, math.Inf(1)},
		{AdmitLottery, math.Inf(-1), -0.2, 0.2, math.Inf(1), math.Inf(-1), -0.05},
	} {
		t.Run(tt.admission, func(t *testing.T) {
			c := choiceSpec(t, func(c *ChoiceSpec) {
				uniformFamilies(c)
				c.Admission, c.ReputationWeight = tt.admission, 2
			})
			var strong, weak, between float64
			for seed := uint64(10); seed < 10+seeds; seed++ {
				var got, twin [agents.NumTiers]float64
				_, recs := runChoice(t, seed, c, func(e *sim.Engine, _ *Choice, year int) {
					if year == 4 {
						pop := e.Population()
						_, got = tierIntakes(pop, intakes(pop))
					}
				})
				_, brecs := run(t, testConfig(seed), func(e *sim.Engine, year int) {
					if year == 4 {
						pop := e.Population()
						_, twin = tierIntakes(pop, intakes(pop))
					}
				})
				strong += (got[agents.Strong] - twin[agents.Strong]) / seeds
				weak += (got[agents.Weak] - twin[agents.Weak]) / seeds
				last := len(recs) - 1
				between += (sim.Summarise(recs[last]).BetweenShare - sim.Summarise(brecs[last]).BetweenShare) / seeds
			}
			t.Logf("vs twin: strong intake %+.3f SD, weak intake %+.3f SD, between-school share %+.3f", strong, weak, between)
			for _, x := range []struct {
				what          string
				got, min, max float64
			}{
				{"strong intake (SD)", strong, tt.strongMin, tt.strongMax},
				{"weak intake (SD)", weak, tt.weakMin, tt.weakMax},
				{"between-school share", between, tt.betweenMin, tt.betweenMax},
			} {
				if x.got < x.min || x.got > x.max {
					t.Errorf("%s %+.3f vs twin, want in [%g, %g]", x.what, x.got, x.min, x.max)
				}
			}
		})
	}
}

// TestChoiceHukou: the residence rule binds. Local children may choose
// across the city, distance is cheap, and district 1's schools are made
// unattractive (reputation −3 before each round), so its local children
// crowd into district 0 and the low scorers of district 0 would be pushed
// out. Without a rule migrants leave their district; under "district" none
// does (places are reserved for those who may choose nowhere else), and
// under "local-only" none enters a strong school either. Families choose
// alike among all the schools they may attend (uniformFamilies), with and
// without a place kept at home for each resident (resident_priority):
// the reserves must hold in both.
func TestChoiceHukou(t *testing.T) {
	for _, tt := range []struct {
		rule                        string
		priority                    bool
		wantOutside, wantStrongMigr bool // whether some migrants may be placed so
	}{
		{HukouOpen, false, true, true},
		{HukouDistrict, false, false, true},
		{HukouLocalOnly, false, false, false},
		{HukouOpen, true, true, true},
		{HukouDistrict, true, false, true},
		{HukouLocalOnly, true, false, false},
	} {
		name := tt.rule
		if tt.priority {
			name += " resident priority"
		}
		t.Run(name, func(t *testing.T) {
			c := choiceSpec(t, func(c *ChoiceSpec) {
				uniformFamilies(c)
				c.Hukou, c.CrossDistrict, c.DistanceWeight, c.ResidentPriority = tt.rule, true, 0.02, tt.priority
			})
			outside, strongMigr, localsOutside, migrants, fallback := 0, 0, 0, 0, 0
			runChoice(t, 5, c, func(e *sim.Engine, p *Choice, year int) {
				pop := e.Population()
				defer func() {
					for i := range pop.Schools {
						if pop.Schools[i].District == 1 {
							pop.Schools[i].Reputation = -3
						}
					}
				}()
				for _, pl := range p.Placements {
					home, at := &pop.Schools[pl.Home], &pop.Schools[pl.School]
					if pl.Choice < 0 {
						fallback++
					}
					if !pl.Migrant {
						if home.District != at.District {
							localsOutside++
						}
						continue
					}
					migrants++
					if home.District != at.District {
						outside++
					}
					if at.Tier == agents.Strong {
						strongMigr++
					}
				}
			})
			t.Logf("%d migrants: %d outside their district, %d in strong schools; %d locals outside", migrants, outside, strongMigr, localsOutside)
			if fallback > 0 {
				t.Errorf("%d applicants placed by the fallback; the reserves should keep everyone in their choice set", fallback)
			}
			if localsOutside == 0 {
				t.Error("no local child crossed a district; the test cannot tell the rules apart")
			}
			if (outside > 0) != tt.wantOutside {
				t.Errorf("%d of %d migrants placed outside their home district; want some: %v", outside, migrants, tt.wantOutside)
			}
			if (strongMigr > 0) != tt.wantStrongMigr {
				t.Errorf("%d migrants placed in strong schools; want some: %v", strongMigr, tt.wantStrongMigr)
			}
		})
	}
}

// TestChoiceSelectionAndCost: only the selected schools (district 0)
// compete; the other district's schools keep their catchment intakes and
// are identical to the twin. Selected schools are marked treated, pay no
// money, and are charged the extra commuting of the students they admitted,
// as 2 · extra km · 5 days · weeks / speed a year. Voluntary teacher
// transfers, which link the districts' schools through the teacher
// market, are off in both worlds.
func TestChoiceSelectionAndCost(t *testing.T) {
	c := choiceSpec(t, func(c *ChoiceSpec) { c.Select.Districts = []int{0} })
	extraY1 := map[int32]float64{}
	cfg := testConfig(6)
	cfg.Params.TransferSearch = 0
	var p *Choice
	cfg.Policies = func() []sim.Policy {
		p = c.New(0).(*Choice)
		p.Record = true
		return []sim.Policy{p}
	}
	_, recs := run(t, cfg, func(e *sim.Engine, year int) {
		if year != 1 {
			return
		}
		for _, pl := range p.Placements {
			if e.Population().Schools[pl.Home].District != 0 {
				t.Errorf("applicant from school %d of district 1 in the pool", pl.Home)
			}
			extraY1[pl.School] += max(0, pl.Distance-pl.HomeDistance)
		}
	})
	cfg.Policies = nil
	_, twin := run(t, cfg, nil)
	weeks := float64(testConfig(6).WeeksPerYear)
	last := len(recs) - 1
	on := treated(recs[last], 0)
	for i, r := range recs[last].Schools {
		want := r.District == 0
		if on[r.School] != want {
			t.Errorf("school %d of district %d: treated %v", i, r.District, on[r.School])
		}
		if !want && (r.All() != twin[last].Schools[i].All() || r.Cost != (agents.Costs{})) {
			t.Errorf("unselected school %d differs from its twin: %+v vs %+v", i, r.All(), twin[last].Schools[i].All())
		}
	}
	// Year 2 is the first year a chosen cohort is enrolled.
	for i, r := range recs[2].Schools {
		if r.Cost.Money != 0 || r.Cost.TeacherHours != 0 {
			t.Errorf("school %d: cost %+v, want travel only", i, r.Cost)
		}
		want := extraY1[r.School] * 2 * 5 * weeks / c.CommuteSpeed
		if math.Abs(r.Cost.TravelHours-want) > 1e-6*max(1, want) {
			t.Errorf("school %d year 2: %.2f travel hours, want %.2f", i, r.Cost.TravelHours, want)
		}
	}
	if recs[1].Schools[0].Cost.TravelHours != 0 {
		t.Errorf("year 1: travel %.2f h before any chosen cohort enrolled", recs[1].Schools[0].Cost.TravelHours)
	}
}

func TestChoiceValidate(t *testing.T) {
	for _, tt := range []struct {
		key  string
		edit func(c *ChoiceSpec)
	}{
		{"reputation_weight", func(c *ChoiceSpec) { c.ReputationWeight = -1 }},
		{"distance_weight", func(c *ChoiceSpec) { c.DistanceWeight = math.NaN() }},
		{"hukou", func(c *ChoiceSpec) { c.Hukou = "city" }},
		{"admission", func(c *ChoiceSpec) { c.Admission = "interview" }},
		{"residence_sd", func(c *ChoiceSpec) { c.ResidenceSD = -2 }},
		{"commute_speed", func(c *ChoiceSpec) { c.CommuteSpeed = 0 }},
	} {
		c := spec(t, "school-choice").(*ChoiceSpec)
		tt.edit(c)
		var fe *FieldError
		if err := check(c); !errors.As(err, &fe) || fe.Key != tt.key {
			t.Errorf("%s: got error %v, want one on key %s", tt.key, err, tt.key)
		}
	}
	if c := spec(t, "school-choice"); check(c) != nil || c.Exclusive() != ExclusiveChoice {
		t.Errorf("default spec: Validate %v, Exclusive %q", check(c), c.Exclusive())
	}
}

// TestChoiceEnds: a policy of years 1–2 runs admission rounds in those
// years only (the last one admits the intake of year 3); from then on
// every school takes its planned catchment intake again, the schools'
// autonomy (1 under admission by score) returns to 0, and the chosen
// cohorts still cost travel while they are enrolled.
func TestChoiceEnds(t *testing.T) {
	c := choiceSpec(t, func(c *ChoiceSpec) { c.End = 2 })
	_, recs := runChoice(t, 7, c, func(e *sim.Engine, _ *Choice, year int) {
		pop := e.Population()
		changed := 0
		for i, x := range intakes(pop) {
			s := &pop.Schools[i]
			if x.n != int(s.ClassesPerGrade*s.ClassSize) {
				changed++
			}
			if active := year <= 2; (s.Autonomy == 1) != active || (!active && s.Autonomy != 0) {
				t.Errorf("year %d school %d: autonomy %g while the policy is active: %v", year, i, s.Autonomy, active)
			}
		}
		if (changed > 0) != (year <= 2) {
			t.Errorf("year %d: %d schools' next intake differs from the planned catchment intake", year, changed)
		}
	})
	var travel [5]float64
	for y := 1; y <= 4; y++ {
		for _, r := range recs[y].Schools {
			travel[y] += r.Cost.TravelHours
		}
	}
	// Cohorts chosen in years 1 and 2 are enrolled in years 2–4 and 3–5
	// (3 grades): none in year 1, one in year 2, both in years 3 and 4.
	if !(travel[1] == 0 && travel[2] > 0 && travel[3] > 1.5*travel[2] && math.Abs(travel[4]-travel[3]) < 1e-6*travel[3]) {
		t.Errorf("travel hours by year %v; want 0, one cohort's, then two cohorts' twice", travel[1:])
	}
}

// TestSortByKeyIsStableSort checks the applicants' option sort against
// the stable sort it replaced, then [:n], on keys with ties, NaN and both
// zeros, in both directions.
func TestSortByKeyIsStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	values := []float64{0, math.Copysign(0, -1), 1, 1, 2, -3, math.NaN(), math.Inf(1)}
	for trial := range 2000 {
		m := r.IntN(30)
		if trial%10 == 0 {
			m = 30 + r.IntN(70) // past the insertion sort's length
		}
		key := make([]float64, m+3)
		for i := range key {
			key[i] = values[r.IntN(len(values))]
			if r.IntN(2) == 0 {
				key[i] = r.NormFloat64()
			}
		}
		list := r.Perm(len(key))[:m]
		desc := trial%2 == 1
		for _, n := range []int{0, 1, 3, m, m + 1} {
			want := slices.Clone(list)
			slices.SortStableFunc(want, func(p, q int) int {
				if desc {
					return cmp.Compare(key[q], key[p])
				}
				return cmp.Compare(key[p], key[q])
			})
			if n > 0 && n < m {
				want = want[:n]
			}
			if got := sortByKey(slices.Clone(list), key, desc, n); !slices.Equal(got, want) {
				t.Fatalf("keys %v of %v, desc %v, n %d: %v, the stable sort gives %v", key, list, desc, n, got, want)
			}
		}
	}
}

// TestChoiceSameForAnyWorkers: an admission round draws and ranks each
// school's applicants on the workers, every school from its own stream,
// and places them in one sequence, so the records and every placement are
// the same for any number of workers; and the same when an applicant
// keeps only its best one or two options, the rest of its ranking made
// again from its draws when they are full.
func TestChoiceSameForAnyWorkers(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(c *ChoiceSpec)
	}{
		{"score district", nil},
		{"lottery city-wide, every school weighed, exit", func(c *ChoiceSpec) {
			c.Admission, c.Hukou, c.CrossDistrict, c.Consider, c.ExitShare = AdmitLottery, HukouOpen, true, 0, 0.1
		}},
		{"local-only city-wide, no kept places", func(c *ChoiceSpec) {
			c.Hukou, c.CrossDistrict, c.ResidentPriority, c.DefaultShare = HukouLocalOnly, true, false, 0.3
		}},
		{"city-wide, nearly all passive, a third of the schools small", func(c *ChoiceSpec) {
			c.Hukou, c.CrossDistrict, c.ResidentPriority, c.DefaultShare = HukouOpen, true, false, 0.95
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := choiceSpec(t, tt.edit)
			type result struct {
				recs       []sim.YearRecord
				placements [][]Placement
			}
			runWith := func(workers, keep int) result {
				cfg := testConfig(3)
				cfg.Workers = workers
				var p *Choice
				cfg.Policies = func() []sim.Policy {
					p = c.New(0).(*Choice)
					p.Record = true
					p.keep = keep
					return []sim.Policy{p}
				}
				e, err := sim.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if c.DefaultShare > 0.9 {
					// Families who take the nearest school find it full,
					// and look farther out than the options kept.
					for i := range e.Population().Schools {
						if s := &e.Population().Schools[i]; i%3 == 0 {
							s.Capacity /= 2
						} else {
							s.Capacity += s.Capacity / 2
						}
					}
				}
				var res result
				for y := 1 - cfg.SpinUpYears; y <= cfg.Years; y++ {
					if err := e.RunYear(context.Background(), y, func(r sim.YearRecord) { res.recs = append(res.recs, r) }); err != nil {
						t.Fatal(err)
					}
					if y >= 1 {
						res.placements = append(res.placements, slices.Clone(p.Placements))
					}
				}
				return res
			}
			want := runWith(1, 0)
			beyond := 0 // placements past an applicant's first two options
			for _, round := range want.placements {
				for _, pl := range round {
					if pl.Choice >= 2 {
						beyond++
					}
				}
			}
			if beyond == 0 {
				t.Fatal("no applicant went past its first two options: keeping fewer tests nothing")
			}
			for _, v := range []struct{ workers, keep int }{{2, 0}, {4, 0}, {1, 1}, {3, 2}} {
				if got := runWith(v.workers, v.keep); !reflect.DeepEqual(got, want) {
					t.Errorf("%d workers, %d options kept: the records or placements differ from 1 worker's", v.workers, v.keep)
				}
			}
		})
	}
}

// TestChoiceDistrictsApartSameAsOneSequence: where every applicant
// chooses in its own district and each district has the places for its
// applicants, the rounds place the districts apart, on the workers; the
// records and every placement are those of the one sequence, with kept
// local places or not, passive families, an exit sector, migrants held
// to non-strong schools, admission by lottery, and rankings made again
// from one option kept.
func TestChoiceDistrictsApartSameAsOneSequence(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(c *ChoiceSpec)
	}{
		{"score district", nil},
		{"lottery, exit, one option kept", func(c *ChoiceSpec) {
			c.Admission, c.ExitShare = AdmitLottery, 0.1
		}},
		{"local-only, no kept places, few passive", func(c *ChoiceSpec) {
			c.Hukou, c.ResidentPriority, c.DefaultShare = HukouLocalOnly, false, 0.1
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := choiceSpec(t, tt.edit)
			runWith := func(oneSequence bool) ([]sim.YearRecord, [][]Placement, int) {
				cfg := testConfig(5)
				cfg.Workers = 3
				var p *Choice
				var placements [][]Placement
				cfg.Policies = func() []sim.Policy {
					p = c.New(0).(*Choice)
					p.Record, p.oneSequence = true, oneSequence
					if tt.edit != nil {
						p.keep = 1
					}
					return []sim.Policy{p}
				}
				_, recs := run(t, cfg, func(*sim.Engine, int) {
					placements = append(placements, slices.Clone(p.Placements))
				})
				return recs, placements, p.apart
			}
			wantRecs, want, _ := runWith(true)
			gotRecs, got, apart := runWith(false)
			if apart == 0 {
				t.Fatal("no round placed the districts apart; the test tests nothing")
			}
			if !reflect.DeepEqual(got, want) {
				t.Error("the placements differ from the one sequence's")
			}
			if !reflect.DeepEqual(gotRecs, wantRecs) {
				t.Error("the records differ from the one sequence's")
			}
		})
	}
}

// TestOrderByIsAStableSort: orderBy gives the order of a stable sort of
// the keys, ties by index, for keys of every width, with many ties and
// none, and for none and one.
func TestOrderByIsAStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, v := range []struct {
		n    int
		mask uint64
	}{{0, 0}, {1, ^uint64(0)}, {500, 0}, {500, 7}, {2000, 0xff00}, {2000, 0xffff_0000_0000_00ff}, {3000, ^uint64(0)}} {
		key := make([]uint64, v.n)
		for i := range key {
			key[i] = r.Uint64() & v.mask
		}
		want := make([]int, v.n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
		if got := orderBy(key); !slices.Equal(got, want) {
			t.Errorf("%d keys under mask %#x: orderBy differs from a stable sort", v.n, v.mask)
		}
	}
}

// TestFloatOrderIsCompare: the order of choosing by score sorts keys made
// by floatOrder; they must sort as cmp.Compare sorts the values (NaN
// least, both zeros equal).
func TestFloatOrderIsCompare(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	values := []float64{math.NaN(), math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64,
		math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 1, math.MaxFloat64, math.Inf(1)}
	for range 200 {
		values = append(values, r.NormFloat64()*3)
	}
	for _, a := range values {
		for _, b := range values {
			if got, want := cmp.Compare(floatOrder(a), floatOrder(b)), cmp.Compare(a, b); got != want {
				t.Fatalf("%g against %g: the keys compare %d, the values %d", a, b, got, want)
			}
		}
	}
}

// TestChoiceRecordsOnlyWhenAsked checks that a run keeps no placements
// unless Record is set (they cost 72 bytes an applicant), and that
// keeping them changes no record.
func TestChoiceRecordsOnlyWhenAsked(t *testing.T) {
	c := spec(t, "school-choice").(*ChoiceSpec)
	recorded, withRecs := runChoice(t, 3, c, nil)
	if len(recorded.Placements) == 0 {
		t.Fatal("Record set, but no placements kept")
	}
	cfg := testConfig(3, c)
	var p *Choice
	fresh := cfg.Policies
	cfg.Policies = func() []sim.Policy { ps := fresh(); p = ps[0].(*Choice); return ps }
	_, recs := run(t, cfg, nil)
	if p.Record || len(p.Placements) != 0 || cap(p.Placements) != 0 {
		t.Errorf("a run without Record kept %d placements (capacity %d)", len(p.Placements), cap(p.Placements))
	}
	if !reflect.DeepEqual(recs, withRecs) {
		t.Error("records differ with and without Record")
	}
}
