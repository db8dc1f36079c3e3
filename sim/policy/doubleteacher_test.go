package policy

import (
	"errors"
	"math"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

// weakSubjectMeans returns the weak schools' mean achievement per subject
// in year y's record, in SD of the reference grade.
func weakSubjectMeans(rec sim.YearRecord) [agents.NumSubjects]float64 {
	var sum [agents.NumSubjects]float64
	n := 0
	for _, r := range rec.Schools {
		if r.Tier != agents.Weak {
			continue
		}
		all := r.All()
		for k := range sum {
			sum[k] += all.Z[k]
		}
		n += all.N
	}
	for k := range sum {
		sum[k] /= float64(n)
	}
	return sum
}

// TestDoubleTeacherRaisesListedSubjects gives every weak school remote
// maths and English lessons for four years and compares it with its
// policy-free twin, averaged over four seeds: the listed subjects gain,
// the others do not, and only the weak schools pay licences and
// coordination time. With the tier's digital infrastructure at 0 the
// lessons cannot reach the classrooms: each run is identical to its twin
// and costs nothing.
func TestDoubleTeacherRaisesListedSubjects(t *testing.T) {
	const seeds = 4
	for _, tt := range []struct {
		name    string
		digital float64
		effect  bool
	}{
		{"connected", 1, true},
		{"no connectivity", 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := spec(t, "double-teacher").(*DoubleTeacherSpec)
			// A strong dose, so that the listed subjects' gain stands
			// out from the noise of intake draws, which differ between
			// the twins once their schools' streams diverge.
			d.RemoteShare, d.ExpertEffectiveness = 0.5, 0.8
			n := uint64(seeds)
			if !tt.effect {
				n = 1 // identical runs: one seed shows it
			}
			var diff [agents.NumSubjects]float64
			for seed := range n {
				cfg, twin := testConfig(13+seed, d), testConfig(13+seed)
				cfg.Population.Weak.Digital = tt.digital
				twin.Population.Weak.Digital = tt.digital
				_, recs := run(t, cfg, nil)
				_, base := run(t, twin, nil)
				got, want := weakSubjectMeans(recs[4]), weakSubjectMeans(base[4])
				for k := range diff {
					diff[k] += (got[k] - want[k]) / float64(n)
				}
				for _, r := range recs[4].Schools {
					paid := r.Cost.Money > 0 && r.Cost.TeacherHours > 0
					if r.Tier == agents.Weak && paid != tt.effect || r.Tier != agents.Weak && r.Cost != (agents.Costs{}) {
						t.Errorf("seed %d school %d (%s): costs %+v", 13+seed, r.School, r.Tier, r.Cost)
					}
				}
			}
			for k := range agents.Subject(agents.NumSubjects) {
				listed := k == agents.Maths || k == agents.English
				switch {
				case !tt.effect && diff[k] != 0:
					t.Errorf("%s: weak schools %+.4f SD vs the twin with no connectivity, want exactly 0", k, diff[k])
				case tt.effect && listed && diff[k] < 0.2:
					t.Errorf("%s (listed): weak schools %+.3f SD vs the twin after 4 years, want at least +0.2", k, diff[k])
				case tt.effect && !listed && math.Abs(diff[k]) > 0.08:
					t.Errorf("%s (not listed): weak schools %+.3f SD vs the twin, want about 0", k, diff[k])
				}
			}
		})
	}
}

// TestDoubleTeacherUptakeFallsWithMorale sets the morale of a weak
// school's maths teachers and checks the share of remote maths lessons,
//
//	u = remote_share · Digital · clamp01(uptake · M / M_ref),
//
// and the coordination hours, which scale with it.
func TestDoubleTeacherUptakeFallsWithMorale(t *testing.T) {
	prev := math.Inf(1)
	for _, ratio := range []float64{2, 1, 0.5, 0} {
		w := world(t, 5)
		w.Clock = sim.Clock{Year: 1, WeeksPerYear: 20}
		d := spec(t, "double-teacher").(*DoubleTeacherSpec)
		d.Subjects = []string{"maths"}
		var s *agents.School
		for i := range w.Pop.Schools {
			if w.Pop.Schools[i].Tier == agents.Weak {
				s = &w.Pop.Schools[i]
				break
			}
		}
		for k := range s.Teachers {
			if s.Teachers[k].Subject == agents.Maths {
				s.Teachers[k].Morale = float32(ratio * w.Ref.Morale)
			}
		}
		if err := d.New(0).Act(w); err != nil {
			t.Fatal(err)
		}
		want := d.RemoteShare * float64(s.Digital) * min(1, d.Uptake*ratio)
		got := float64(s.Reform.Remote[agents.Maths])
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("morale %.1f × reference: remote share %.4f, want %.4f", ratio, got, want)
		}
		if ratio < 2 && got >= prev {
			t.Errorf("morale %.1f × reference: remote share %.4f, not below %.4f at higher morale", ratio, got, prev)
		}
		prev = got
		hours := d.CoordinationHours * float64(s.NumClasses()) * got / d.RemoteShare
		if math.Abs(s.Cost.TeacherHours-hours) > 1e-4 {
			t.Errorf("morale %.1f × reference: %.3f coordination hours, want %.3f", ratio, s.Cost.TeacherHours, hours)
		}
		if s.Reform.Remote[agents.English] != 0 {
			t.Errorf("english is not listed but has remote share %.3f", s.Reform.Remote[agents.English])
		}
	}
}

// TestDoubleTeacherFullConnectivity: with connectivity "full" the policy
// pays once for the unconnected classrooms and then reaches every class.
func TestDoubleTeacherFullConnectivity(t *testing.T) {
	w := world(t, 5)
	w.Clock = sim.Clock{Year: 1, WeeksPerYear: 20}
	d := spec(t, "double-teacher").(*DoubleTeacherSpec)
	d.Connectivity = ConnectFull
	p := d.New(0)
	digital := map[int]float64{}
	for i := range w.Pop.Schools {
		digital[i] = float64(w.Pop.Schools[i].Digital)
	}
	if err := p.Act(w); err != nil {
		t.Fatal(err)
	}
	for i := range w.Pop.Schools {
		s := &w.Pop.Schools[i]
		if s.Tier != agents.Weak {
			continue
		}
		classes := float64(s.NumClasses())
		want := d.UpgradeCost*classes*(1-digital[i]) + d.LicenceCost*classes/20
		if s.Digital != 1 || math.Abs(s.Cost.Money-want) > 1e-6 {
			t.Errorf("school %d: digital %.2f, first-week cost %.0f; want 1 and %.0f", i, s.Digital, s.Cost.Money, want)
		}
	}
	w.Clock.Week = 1
	var spent float64
	for i := range w.Pop.Schools {
		spent -= w.Pop.Schools[i].Cost.Money
	}
	if err := p.Act(w); err != nil {
		t.Fatal(err)
	}
	for i := range w.Pop.Schools {
		spent += w.Pop.Schools[i].Cost.Money
	}
	var licences float64
	for i := range w.Pop.Schools {
		if s := &w.Pop.Schools[i]; s.Tier == agents.Weak {
			licences += d.LicenceCost * float64(s.NumClasses()) / 20
		}
	}
	if math.Abs(spent-licences) > 1e-6 {
		t.Errorf("second week: %.0f RMB spent, want only the licences %.0f", spent, licences)
	}
}

func TestDoubleTeacherValidate(t *testing.T) {
	for _, tt := range []struct {
		key string
		set func(*DoubleTeacherSpec)
	}{
		{"", func(*DoubleTeacherSpec) {}},
		{"subjects", func(d *DoubleTeacherSpec) { d.Subjects = nil }},
		{"subjects", func(d *DoubleTeacherSpec) { d.Subjects = []string{"maths", "art"} }},
		{"subjects", func(d *DoubleTeacherSpec) { d.Subjects = []string{"maths", "maths"} }},
		{"remote_share", func(d *DoubleTeacherSpec) { d.RemoteShare = 1.2 }},
		{"connectivity", func(d *DoubleTeacherSpec) { d.Connectivity = "fibre" }},
		{"uptake", func(d *DoubleTeacherSpec) { d.Uptake = -0.1 }},
		{"licence_cost", func(d *DoubleTeacherSpec) { d.LicenceCost = math.Inf(1) }},
		{"coordination_hours", func(d *DoubleTeacherSpec) { d.CoordinationHours = -1 }},
	} {
		d := spec(t, "double-teacher").(*DoubleTeacherSpec)
		tt.set(d)
		err := check(d)
		var fe *FieldError
		switch {
		case tt.key == "" && err != nil:
			t.Errorf("defaults: %v", err)
		case tt.key != "" && (!errors.As(err, &fe) || fe.Key != tt.key):
			t.Errorf("bad %s: got error %v, want a FieldError for %s", tt.key, err, tt.key)
		}
	}
}

// weakTeacherMean is the mean effectiveness of the weak schools' teachers
// of subject sub.
func weakTeacherMean(e *sim.Engine, sub agents.Subject) float64 {
	var sum float64
	n := 0
	for i := range e.Population().Schools {
		s := &e.Population().Schools[i]
		if s.Tier != agents.Weak {
			continue
		}
		for _, t := range s.Teachers {
			if t.Subject == sub {
				sum += float64(t.Effectiveness)
				n++
			}
		}
	}
	return sum / float64(n)
}

// TestDoubleTeacherTwoChannels gives every weak school a well-run
// double-teacher programme in maths (every classroom connected, the whole
// subject taught remotely where teachers take it up) in years 1-2 and
// follows it to year 4, against the policy-free twin, over four seeds.
//
//   - The direct channel reaches the magnitudes reported for well-run
//     programmes: about 0.21 SD after a year of live remote lessons in
//     Ghana (Johnston & Ksoll 2022), 0.26-0.33 after two, 0.33 a year in
//     China's Dual-Teacher programme (Li, Liu, Yang & Yu 2023).
//   - The indirect channel: the local maths teachers' effectiveness rises
//     (not the Chinese teachers'; not at all with remote_learning 0).
//   - After the programme, the teachers keep most of what they learned,
//     so part of the effect persists; without the indirect channel it
//     fades much faster as the taught cohorts leave.
func TestDoubleTeacherTwoChannels(t *testing.T) {
	type result struct{ maths, chinese, achievement [5]float64 }
	runAll := func(lambda float64) (r result) {
		const seeds = 4
		for seed := range uint64(seeds) {
			d := spec(t, "double-teacher").(*DoubleTeacherSpec)
			d.Start, d.End = 1, 2
			d.Subjects = []string{"maths"}
			d.RemoteShare, d.Uptake, d.Connectivity = 1, 1, ConnectFull
			cfg := testConfig(20+seed, d)
			cfg.Params.RemoteLearning = lambda
			holdTeacherMarket(&cfg.Params)
			twin := cfg
			twin.Policies = nil
			var got, want [5][2]float64
			measure := func(into *[5][2]float64) func(e *sim.Engine, y int) {
				return func(e *sim.Engine, y int) {
					into[y] = [2]float64{weakTeacherMean(e, agents.Maths), weakTeacherMean(e, agents.Chinese)}
				}
			}
			_, recs := run(t, cfg, measure(&got))
			_, base := run(t, twin, measure(&want))
			for y := 1; y <= 4; y++ {
				r.maths[y] += (got[y][0] - want[y][0]) / seeds
				r.chinese[y] += (got[y][1] - want[y][1]) / seeds
				r.achievement[y] += (weakSubjectMeans(recs[y])[agents.Maths] - weakSubjectMeans(base[y])[agents.Maths]) / seeds
			}
		}
		return r
	}
	on, off := runAll(agents.DefaultParams().RemoteLearning), runAll(0)
	if a := on.achievement; a[1] < 0.1 || a[1] > 0.45 || a[2] < 0.2 || a[2] > 0.8 {
		t.Errorf("well-run programme: maths %+.3f SD after a year, %+.3f after two; want 0.1-0.45 and 0.2-0.8", a[1], a[2])
	}
	if on.maths[2] < 0.04 || math.Abs(on.chinese[2]) > 0.015 || math.Abs(off.maths[2]) > 0.015 {
		t.Errorf("teachers after two years: maths %+.4f, Chinese %+.4f, maths without remote learning %+.4f SD/year; want maths > 0.04 and the others about 0",
			on.maths[2], on.chinese[2], off.maths[2])
	}
	if on.maths[4] < 0.5*on.maths[2] {
		t.Errorf("maths teachers two years after the programme: %+.4f, at its end %+.4f; want at least half kept", on.maths[4], on.maths[2])
	}
	if a := on.achievement; a[4] >= a[2] || a[4] < 2*off.achievement[4] {
		t.Errorf("maths two years after the programme: %+.3f (at its end %+.3f), without the indirect channel %+.3f; want it lower than at the end but at least twice the direct channel's remainder",
			a[4], a[2], off.achievement[4])
	}
}
