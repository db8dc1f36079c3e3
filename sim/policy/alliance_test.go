package policy

import (
	"errors"
	"math"
	"testing"

	"schoolnet/sim"
)

// allianceStats returns, for one year's record, the number of schools in
// an alliance and their mean contribution.
func allianceStats(rec sim.YearRecord) (members int, mean float64) {
	for _, r := range rec.Schools {
		if r.Member.Alliance >= 0 {
			members++
			mean += float64(r.Member.Contribution)
		}
	}
	if members > 0 {
		mean /= float64(members)
	}
	return members, mean
}

// TestAllianceFormsByProximity forms the default alliances of all 20
// schools: three of six and one of the two left, ids 0-3, and members
// closer to each other than schools in general.
func TestAllianceFormsByProximity(t *testing.T) {
	w := world(t, 5)
	w.Clock = sim.Clock{Year: 1, WeeksPerYear: 20}
	a := spec(t, "curriculum-alliance").New(0)
	if err := a.Act(w); err != nil {
		t.Fatal(err)
	}
	size := map[int32]int{}
	for i := range w.Pop.Schools {
		size[w.Pop.Schools[i].Member.Alliance]++
	}
	want := map[int32]int{0: 6, 1: 6, 2: 6, 3: 2}
	for g, n := range want {
		if size[g] != n {
			t.Errorf("alliance %d has %d members, want %d (sizes %v)", g, size[g], n, size)
		}
	}
	dist := func(i, j int) float64 {
		a, b := &w.Pop.Schools[i], &w.Pop.Schools[j]
		return math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y))
	}
	var in, all, nin, nall float64
	for i := range w.Pop.Schools {
		for j := range i {
			d := dist(i, j)
			all, nall = all+d, nall+1
			if g := w.Pop.Schools[i].Member.Alliance; g < 3 && g == w.Pop.Schools[j].Member.Alliance {
				in, nin = in+d, nin+1
			}
		}
	}
	if in/nin > 0.5*all/nall {
		t.Errorf("mean distance inside the full alliances %.1f km, between all schools %.1f km; want less than half", in/nin, all/nall)
	}
}

// TestAllianceReviewRemovesFreeRiders makes contributions bimodal (a steep
// response to the latent motivation) and follows membership and the mean
// contribution over four years. Without review every member stays and
// contributions fall each year (the stall); with a yearly review the free
// riders leave in year 2, they are those that contributed least, and the
// members that stay contribute more than at the start.
func TestAllianceReviewRemovesFreeRiders(t *testing.T) {
	for _, tt := range []struct {
		name   string
		review bool
	}{
		{"loose", false},
		{"review", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := spec(t, "curriculum-alliance").(*AllianceSpec)
			a.Review = tt.review
			cfg := testConfig(7, a)
			cfg.Params.MotivationResponse = 4
			_, recs := run(t, cfg, nil)
			n := len(recs[1].Schools)
			var members [5]int
			var mean [5]float64
			for y := 1; y <= 4; y++ {
				members[y], mean[y] = allianceStats(recs[y])
			}
			if members[1] != n {
				t.Fatalf("year 1: %d members, want all %d schools", members[1], n)
			}
			if !tt.review {
				for y := 2; y <= 4; y++ {
					if members[y] != n {
						t.Errorf("year %d: %d members without review, want all %d to stay", y, members[y], n)
					}
					if mean[y] >= mean[y-1]-0.02 {
						t.Errorf("year %d: mean contribution %.3f, year before %.3f; want a fall of at least 0.02 (the stall)", y, mean[y], mean[y-1])
					}
				}
				return
			}
			if members[2] >= n || members[2] < n/2 {
				t.Errorf("year 2: %d of %d members after the first review; want some, not most, to leave", members[2], n)
			}
			var left, stayed, nl, ns float64
			for k, r := range recs[2].Schools {
				c1 := float64(recs[1].Schools[k].Member.Contribution)
				if r.Member.Alliance < 0 {
					if r.Member.Contribution != 0 {
						t.Errorf("school %d left but keeps contribution %.3f", k, r.Member.Contribution)
					}
					left, nl = left+c1, nl+1
				} else {
					if float64(r.Member.Contribution) < a.MinContribution {
						t.Errorf("school %d stays with contribution %.3f below the minimum %.2f", k, r.Member.Contribution, a.MinContribution)
					}
					stayed, ns = stayed+c1, ns+1
				}
			}
			if nl > 0 && left/nl >= stayed/ns {
				t.Errorf("leavers contributed %.3f in year 1, stayers %.3f; want the leavers to be the free riders", left/nl, stayed/ns)
			}
			for y := 3; y <= 4; y++ {
				if members[y] > members[y-1] {
					t.Errorf("year %d: %d members, more than %d the year before", y, members[y], members[y-1])
				}
			}
			if mean[4] < mean[1] {
				t.Errorf("year 4: members' mean contribution %.3f, below year 1's %.3f; want review to hold it up", mean[4], mean[1])
			}
		})
	}
}

// TestAllianceSharedCoursesRaiseResources compares alliance members with
// their policy-free twin: shared courses raise every member's resource
// index by half its shared-course stock, more with credit recognition
// than without, and members pay in teacher and travel hours.
func TestAllianceSharedCoursesRaiseResources(t *testing.T) {
	_, base := run(t, testConfig(11), nil)
	gain := map[bool]float64{}
	for _, credit := range []bool{true, false} {
		a := spec(t, "curriculum-alliance").(*AllianceSpec)
		a.CreditRecognition = credit
		_, recs := run(t, testConfig(11, a), nil)
		var sum float64
		for k, r := range recs[1].Schools {
			g := r.Resources - base[1].Schools[k].Resources
			if g <= 0 {
				t.Errorf("credit %v: member %d resource index +%.4f, want a gain", credit, k, g)
			}
			if r.Cost.TeacherHours <= 0 || r.Cost.TravelHours <= 0 {
				t.Errorf("credit %v: member %d costs %+v, want teacher and travel hours", credit, k, r.Cost)
			}
			sum += g
		}
		gain[credit] = sum / float64(len(recs[1].Schools))
	}
	// Year 1 shared courses: c ≈ 0.3, K ≈ 1, access ≈ 0.8 → K_shared ≈ 0.24,
	// resource index +0.12; without credit 0.3 times that.
	if g := gain[true]; g < 0.05 || g > 0.25 {
		t.Errorf("mean resource gain with credit recognition +%.3f, want about +0.12", g)
	}
	if r := gain[false] / gain[true]; math.Abs(r-0.3) > 0.02 {
		t.Errorf("gain without credit / with = %.3f, want no_credit_uptake 0.3", r)
	}
}

// TestAllianceDistanceLowersAccess puts two schools at increasing distance
// and checks each one's shared courses against c·K·exp(−d/20 km).
func TestAllianceDistanceLowersAccess(t *testing.T) {
	prev := math.Inf(1)
	for _, d := range []float64{0, 5, 20, 60} {
		w := world(t, 5)
		w.Clock = sim.Clock{Year: 1, WeeksPerYear: 20}
		a := spec(t, "curriculum-alliance").(*AllianceSpec)
		a.Select = Selection{Rule: RuleList, Tier: "any", Schools: []int{0, 1}}
		s0, s1 := &w.Pop.Schools[0], &w.Pop.Schools[1]
		s1.X, s1.Y = s0.X+float32(d), s0.Y
		if err := a.New(0).Act(w); err != nil {
			t.Fatal(err)
		}
		c1 := min(1, a.InitialContribution*s1.Principal.ReformResponse(w.Par))
		want := c1 * float64(s1.Courses) * math.Exp(-d/a.TravelScaleKm)
		got := float64(s0.Reform.SharedCourses)
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("d = %g km: shared courses %.5f, want %.5f", d, got, want)
		}
		if got >= prev {
			t.Errorf("d = %g km: shared courses %.5f, not below %.5f at a shorter distance", d, got, prev)
		}
		prev = got
	}
}

// TestAllianceDissolvesAtEnd: after the last year no school is in an
// alliance, contributes or receives shared courses.
func TestAllianceDissolvesAtEnd(t *testing.T) {
	a := spec(t, "curriculum-alliance").(*AllianceSpec)
	a.Start, a.End = 1, 2
	e, recs := run(t, testConfig(3, a), nil)
	if m, _ := allianceStats(recs[2]); m == 0 {
		t.Fatal("no members in year 2")
	}
	if m, _ := allianceStats(recs[3]); m != 0 {
		t.Errorf("year 3: %d schools still in an alliance after the policy ended", m)
	}
	for i, r := range recs[3].Schools {
		if c := r.Cost; c.TeacherHours != 0 || c.TravelHours != 0 || r.Member.Contribution != 0 {
			t.Errorf("school %d in year 3: contribution %.3f, costs %+v; want none after the end", i, r.Member.Contribution, c)
		}
	}
	for i, s := range e.Population().Schools {
		if s.Reform.SharedCourses != 0 {
			t.Errorf("school %d after the end: shared courses %.3f", i, s.Reform.SharedCourses)
		}
	}
}

func TestAllianceValidate(t *testing.T) {
	for _, tt := range []struct {
		key string
		set func(*AllianceSpec)
	}{
		{"", func(*AllianceSpec) {}},
		{"members_per_alliance", func(a *AllianceSpec) { a.MembersPerAlliance = 1 }},
		{"initial_contribution", func(a *AllianceSpec) { a.InitialContribution = 1.5 }},
		{"free_riding", func(a *AllianceSpec) { a.FreeRiding = -0.1 }},
		{"travel_scale_km", func(a *AllianceSpec) { a.TravelScaleKm = 0 }},
		{"sharing_scale", func(a *AllianceSpec) { a.SharingScale = math.NaN() }},
		{"course_hours", func(a *AllianceSpec) { a.CourseHours = -1 }},
		{"review_years", func(a *AllianceSpec) { a.ReviewYears = 0 }},
		{"min_contribution", func(a *AllianceSpec) { a.MinContribution = 2 }},
	} {
		a := spec(t, "curriculum-alliance").(*AllianceSpec)
		tt.set(a)
		err := check(a)
		var fe *FieldError
		switch {
		case tt.key == "" && err != nil:
			t.Errorf("defaults: %v", err)
		case tt.key != "" && (!errors.As(err, &fe) || fe.Key != tt.key):
			t.Errorf("bad %s: got error %v, want a FieldError for %s", tt.key, err, tt.key)
		}
	}
}
