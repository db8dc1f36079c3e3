package policy

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/fmath"
)

// benchPolicies are the policies BenchmarkPolicy times: each kind whose
// cost grows with the number of schools, at its defaults, and school
// choice also across districts (every applicant may choose every school).
var benchPolicies = []struct {
	name string
	spec func() Spec
}{
	{"choice", func() Spec { s, _ := NewSpec("school-choice"); return s }},
	{"choice-city", func() Spec {
		s, _ := NewSpec("school-choice")
		c := s.(*ChoiceSpec)
		c.CrossDistrict, c.Hukou = true, HukouOpen
		return c
	}},
	{"rotation", func() Spec { s, _ := NewSpec("rotation"); return s }},
	{"pairing", func() Spec { s, _ := NewSpec("pairing"); return s }},
	{"education-group", func() Spec { s, _ := NewSpec("education-group"); return s }},
	{"alliance", func() Spec { s, _ := NewSpec("curriculum-alliance"); return s }},
}

// benchSchools are the school counts of BenchmarkPolicy: a district, a
// city (Sizes' 1,600) and a province (Sizes' 10,000). With -short only the
// smallest runs.
var benchSchools = []int{100, 1_600, 10_000}

// BenchmarkPolicy times one simulated year of each policy's own work (its
// Act in every week of year 1, admission rounds, postings and group
// forming included) at growing numbers of schools, and reports its CPU
// time per school: a policy linear in schools keeps cpu-ns/school flat. The schools
// are of the default tier mix with classes of 10 (choice draws a school's
// planned intake as applicants, so its cost grows with students too);
// the students' weekly steps are not timed.
func BenchmarkPolicy(b *testing.B) {
	for _, p := range benchPolicies {
		for _, n := range benchSchools {
			b.Run(p.name+"/schools="+strconv.Itoa(n), func(b *testing.B) {
				if n > benchSchools[0] && testing.Short() {
					b.Skip("only the smallest size runs with -short")
				}
				base := benchWorld(b, n)
				var total time.Duration
				for b.Loop() {
					total += policyYear(b, base, p.spec())
				}
				b.ReportMetric(float64(total.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/school")
			})
		}
	}
}

// BenchmarkPolicyScaling fails if a policy's yearly CPU time grows faster
// than S log S from 1,600 to 10,000 schools, with a margin of 2 for the
// caches a six times larger world misses (a quadratic policy grows 39
// times): the scaling check of make bench. It times each size three times
// and compares the fastest.
func BenchmarkPolicyScaling(b *testing.B) {
	if testing.Short() {
		b.Skip("the scaling check needs the city and province sizes")
	}
	small, large := benchSchools[1], benchSchools[2]
	bound := float64(large) * math.Log(float64(large)) / (float64(small) * math.Log(float64(small)))
	worlds := []benchBase{benchWorld(b, small), benchWorld(b, large)}
	for _, p := range benchPolicies {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				var best [2]time.Duration
				for k, e := range worlds {
					for r := range 3 {
						if d := policyYear(b, e, p.spec()); r == 0 || d < best[k] {
							best[k] = d
						}
					}
				}
				ratio := best[1].Seconds() / best[0].Seconds()
				b.ReportMetric(ratio, "growth")
				b.ReportMetric(bound, "SlogS-growth")
				if ratio > 2*bound {
					b.Fatalf("%s: %d→%d schools took %v→%v, %.1f times longer; S log S allows %.1f (×2)",
						p.name, small, large, best[0], best[1], ratio, bound)
				}
			}
		})
	}
}

// benchWorld returns an engine of n schools (districts of 25, classes of
// 10, 4 weeks a year) after its spin-up year, ready to fork. The circle
// the districts sit on grows with their number (the default's 15 km for
// 4 districts), so that schools keep the default's density: a province
// is a larger area than a district, not a denser one.
func benchWorld(b *testing.B, n int) benchBase {
	b.Helper()
	pop := agents.DefaultPopulation()
	pop.SchoolsPerDistrict = 25
	pop.Districts = max(1, n/pop.SchoolsPerDistrict)
	pop.ClassSize = 10
	pop.CityRadiusKm = max(pop.CityRadiusKm, float64(pop.CityRadiusKm*float64(pop.Districts))/4)
	pop.StaffHistoryYears = 2
	return spunUp(b, sim.Config{Seed: 1, Years: 4, WeeksPerYear: 4, SpinUpYears: 1, Workers: 2,
		Population: pop, Params: agents.DefaultParams()})
}

// spunUp returns an engine of cfg after its spin-up year, ready to fork.
func spunUp(b *testing.B, cfg sim.Config) benchBase {
	b.Helper()
	e, err := sim.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.RunYear(context.Background(), 0, nil); err != nil {
		b.Fatal(err)
	}
	return benchBase{e, cfg}
}

// benchBase is a spun-up engine and its configuration.
type benchBase struct {
	e   *sim.Engine
	cfg sim.Config
}

// policyYear forks base with the policy of spec (untimed) and returns the
// CPU time the policy takes to act in every week of year 1: the CPU time
// of the process, on every thread (a policy hands its per-school work to
// the engine's workers, World.Each; nothing else runs meanwhile), which,
// unlike wall time, other programs competing for the cores do not
// inflate.
func policyYear(b *testing.B, base benchBase, spec Spec) time.Duration {
	b.Helper()
	b.StopTimer()
	cfg := base.cfg
	e, err := base.e.Fork(cfg)
	if err != nil {
		b.Fatal(err)
	}
	p := spec.New(0)
	w := e.World()
	runtime.GC() // the fork's garbage is not the policy's
	b.StartTimer()
	t0 := processCPU()
	for wk := range cfg.WeeksPerYear {
		w.Clock = sim.Clock{Year: 1, Week: wk, WeeksPerYear: cfg.WeeksPerYear}
		if err := p.Act(w); err != nil {
			b.Fatal(err)
		}
	}
	return processCPU() - t0
}

// processCPU returns the CPU time, user and system, of the process
// (sim.CPUTime), or the wall clock where that is not available.
func processCPU() time.Duration {
	if t := sim.CPUTime(); t > 0 {
		return t
	}
	return time.Duration(time.Now().UnixNano())
}

// BenchmarkChoiceCityYear times one simulated year of a city (64
// districts of 25 schools, the default classes of 45: 1,600 schools and
// about a million students; one worker) with the shipped school-choice
// policy and without any, both forked from one spun-up world, in turn,
// and reports the CPU seconds of each and the share the choice adds
// (medians over choiceRounds rounds an iteration, with the least and
// greatest share): issue 14's "a city year with school choice within 20%
// of one without". The year with choice includes its admission round and, as
// choice is quiet in every week (sim.Quiet), runs a school's weeks at a
// time, as the year without does; a third year, with a policy that acts
// every week, does nothing and does not say it is quiet (idlePolicy),
// runs week by week and shows what that costs. Skipped with -short.
func BenchmarkChoiceCityYear(b *testing.B) {
	if testing.Short() {
		b.Skip("a city takes a minute")
	}
	pop := agents.DefaultPopulation()
	pop.Districts, pop.SchoolsPerDistrict = 64, 25
	base := spunUp(b, sim.Config{Seed: 1, Years: 1, WeeksPerYear: 40, SpinUpYears: 1, Workers: 1,
		Population: pop, Params: agents.DefaultParams()})
	choice := func() []sim.Policy {
		s, _ := NewSpec("school-choice")
		s.(*ChoiceSpec).ChoiceFee = 20000 // as scenarios/school-choice.toml
		return []sim.Policy{s.New(0)}
	}
	idle := func() []sim.Policy { return []sim.Policy{idlePolicy{}} }
	// Three rounds of the three years an iteration, each round in turn,
	// and the medians over all rounds: the years are seconds of CPU on a
	// machine others may share, and one round's ratio can be off by a
	// tenth.
	var year [3][]float64 // CPU seconds: without, with a policy that does nothing, with choice
	var extra, overIdle []float64
	for b.Loop() {
		for range choiceRounds {
			var cpu [3]float64
			for k, policies := range []func() []sim.Policy{nil, idle, choice} {
				b.StopTimer()
				c := base.cfg
				c.Policies = policies
				f, err := base.e.Fork(c)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				b.StartTimer()
				t0 := processCPU()
				if err := f.RunYear(context.Background(), 1, nil); err != nil {
					b.Fatal(err)
				}
				cpu[k] = (processCPU() - t0).Seconds()
				year[k] = append(year[k], cpu[k])
			}
			extra = append(extra, 100*(cpu[2]/cpu[0]-1))
			overIdle = append(overIdle, 100*(cpu[2]/cpu[1]-1))
		}
	}
	b.ReportMetric(median(year[0]), "cpu-s/year-without")
	b.ReportMetric(median(year[1]), "cpu-s/year-idle")
	b.ReportMetric(median(year[2]), "cpu-s/year-with")
	b.ReportMetric(median(extra), "%extra")
	b.ReportMetric(slices.Min(extra), "%extra-min")
	b.ReportMetric(slices.Max(extra), "%extra-max")
	b.ReportMetric(median(overIdle), "%extra-over-idle")
}

// choiceRounds is the number of rounds of BenchmarkChoiceCityYear's
// three years in each iteration.
const choiceRounds = 3

// median returns the median of xs, leaving xs as it was.
func median(xs []float64) float64 {
	return fmath.Quantile(0.5, slices.Sorted(slices.Values(xs)))
}

// idlePolicy acts every week and does nothing, and does not say it is
// quiet (sim.Quiet): a year with it runs week by week, as a year with a
// policy that acts on what the steps read does, so that
// BenchmarkChoiceCityYear can tell what stepping week by week costs.
type idlePolicy struct{}

func (idlePolicy) Name() string         { return "idle" }
func (idlePolicy) Act(*sim.World) error { return nil }
