package sim

import (
	"context"
	"fmt"
	"math"
	"testing"

	"schoolnet/agents"
)

// school makes a record of n students, all of whose composite is z.
func school(tier agents.Tier, local, migrant int, zLocal, zMigrant float64) agents.SchoolRecord {
	r := agents.SchoolRecord{Tier: tier, Teachers: 10, Leavers: 1}
	set := func(s *agents.StudentSums, n int, z float64) {
		s.N = n
		s.Composite = float64(n) * z
		s.CompositeSq = float64(n) * z * z
		for k := range s.Z {
			s.Z[k] = float64(n) * z
		}
	}
	set(&r.Students[agents.Local], local, zLocal)
	set(&r.Students[agents.Migrant], migrant, zMigrant)
	return r
}

func TestSummariseGroupsAndGaps(t *testing.T) {
	rec := YearRecord{Schools: []agents.SchoolRecord{
		school(agents.Strong, 100, 0, 1, 0),
		school(agents.Weak, 50, 50, -1, -1),
	}}
	m := Summarise(rec)
	const tol = 1e-12
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"all", m.Groups[0].Composite, 0},
		{"strong", m.Groups[1].Composite, 1},
		{"weak", m.Groups[3].Composite, -1},
		{"local", m.Groups[4].Composite, (100 - 50) / 150.0},
		{"migrant", m.Groups[5].Composite, -1},
		{"gap strong-weak", m.GapStrongWeak, 2},
		{"gap migrant-local", m.GapMigrantLocal, -1 - 1.0/3},
		// every student sits at the school mean: all variance is between schools
		{"between share", m.BetweenShare, 1},
		{"turnover", m.Groups[0].Turnover, 0.1},
	} {
		if math.Abs(tt.got-tt.want) > tol {
			t.Errorf("%s: got %.6f, want %.6f", tt.name, tt.got, tt.want)
		}
	}
	if m.Groups[2].Students != 0 {
		t.Errorf("average tier has %d students, want 0", m.Groups[2].Students)
	}
}

func TestBetweenShareWithinVariance(t *testing.T) {
	// Two schools with equal means: no between-school variance.
	a := school(agents.Average, 10, 10, 1, -1)
	b := school(agents.Average, 10, 10, 1, -1)
	m := Summarise(YearRecord{Schools: []agents.SchoolRecord{a, b}})
	if math.Abs(m.BetweenShare) > 1e-12 {
		t.Errorf("between share %.6f, want 0", m.BetweenShare)
	}
}

// TestSESQuartileGroups checks the SES groups on a small world: in the
// baseline year they split the students into four quarters of the
// population by SES (the cuts are measured on the same students), every
// student is in exactly one, mean SES and achievement rise from the
// bottom quartile to the top, and GapSES is the top minus the bottom.
func TestSESQuartileGroups(t *testing.T) {
	recs, err := Replicate(context.Background(), smallConfig(5), 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := Summarise(recs[0][0]) // year 0, the baseline
	all := m.Groups[GroupAll].Students
	var n int
	for q := range 4 {
		g := m.Groups[GroupSESQ1+q]
		if g.Group != fmt.Sprintf("ses_q%d", q+1) {
			t.Errorf("group %d is %q, want ses_q%d", GroupSESQ1+q, g.Group, q+1)
		}
		n += g.Students
		if share := float64(g.Students) / float64(all); share < 0.24 || share > 0.26 {
			t.Errorf("%s holds %.3f of the baseline's students, want a quarter", g.Group, share)
		}
		if q > 0 {
			prev := m.Groups[GroupSESQ1+q-1]
			if g.SES <= prev.SES || g.Composite <= prev.Composite {
				t.Errorf("%s: SES %.3f, composite %.3f; want both above %s's %.3f, %.3f", g.Group, g.SES, g.Composite, prev.Group, prev.SES, prev.Composite)
			}
		}
	}
	if n != all {
		t.Errorf("the SES quartiles hold %d students, want all %d", n, all)
	}
	if got, want := m.GapSES(), m.Groups[GroupSESQ1+3].Composite-m.Groups[GroupSESQ1].Composite; got != want || got <= 0 {
		t.Errorf("GapSES %.4f, want top minus bottom %.4f, > 0", got, want)
	}
}

// TestSESSegregation: on hand-made schools whose students' SES is listed
// one by one, the segregation index equals its formula computed from the
// students directly, Σ_s n_s(S̄_s − S̄)² / Σ_i (S_i − S̄)² (two passes over
// the students); the index with the exit sector counts each district's
// exited children as one more school; the exit share is exited over all.
func TestSESSegregation(t *testing.T) {
	type unit struct {
		district int32
		ses      []float64
	}
	sums := func(ses []float64) agents.StudentSums {
		s := agents.StudentSums{N: len(ses)}
		for _, x := range ses {
			s.SES += x
			s.SESSq += x * x
		}
		return s
	}
	// formula computes the index from the students of the given units.
	formula := func(units [][]float64) float64 {
		var all []float64
		for _, u := range units {
			all = append(all, u...)
		}
		var mean float64
		for _, x := range all {
			mean += x / float64(len(all))
		}
		var total, between float64
		for _, x := range all {
			total += (x - mean) * (x - mean)
		}
		for _, u := range units {
			var m float64
			for _, x := range u {
				m += x / float64(len(u))
			}
			between += float64(len(u)) * (m - mean) * (m - mean)
		}
		return between / total
	}
	schools := []unit{
		{0, []float64{1.2, 0.4, 2.0, 0.9}},
		{0, []float64{-0.5, 0.1, -1.3}},
		{1, []float64{0.3, -0.2, 0.8, -0.6, 0.0}},
		{1, []float64{-1.5, -0.9}},
	}
	exited := [][]float64{{2.5, 1.7}, nil, {1.1}, nil} // by catchment school
	rec := YearRecord{}
	for i, u := range schools {
		r := agents.SchoolRecord{District: u.district}
		// Split each school's students between local and migrant sums:
		// the index must not depend on the split.
		r.Students[agents.Local] = sums(u.ses[:1])
		r.Students[agents.Migrant] = sums(u.ses[1:])
		r.Exited = sums(exited[i])
		rec.Schools = append(rec.Schools, r)
	}
	m := Summarise(rec)
	var plain [][]float64
	for _, u := range schools {
		plain = append(plain, u.ses)
	}
	withExit := append(append([][]float64{}, plain...),
		append(append([]float64{}, exited[0]...), exited[1]...), // district 0's exit sector
		append(append([]float64{}, exited[2]...), exited[3]...)) // district 1's
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"ses_segregation", m.SESSegregation, formula(plain)},
		{"ses_segregation_all", m.SESSegregationAll, formula(withExit)},
		{"exit_share", m.ExitShare, 3.0 / 17},
	} {
		if math.Abs(tt.got-tt.want) > 1e-12 {
			t.Errorf("%s: got %.12f, want %.12f", tt.name, tt.got, tt.want)
		}
	}
	if !(m.SESSegregationAll > m.SESSegregation) {
		t.Errorf("the rich exit: the index with the exit sector %.4f should exceed %.4f", m.SESSegregationAll, m.SESSegregation)
	}
	// Bounds: equal school means give 0; schools each of one SES give 1.
	same := Summarise(YearRecord{Schools: []agents.SchoolRecord{
		{Students: [2]agents.StudentSums{sums([]float64{1, -1}), {}}},
		{Students: [2]agents.StudentSums{sums([]float64{-2, 2}), {}}},
	}})
	apart := Summarise(YearRecord{Schools: []agents.SchoolRecord{
		{Students: [2]agents.StudentSums{sums([]float64{1, 1}), {}}},
		{Students: [2]agents.StudentSums{sums([]float64{-2, -2, -2}), {}}},
	}})
	if math.Abs(same.SESSegregation) > 1e-12 || math.Abs(apart.SESSegregation-1) > 1e-12 || same.ExitShare != 0 {
		t.Errorf("equal means: %.6f (want 0); separated: %.6f (want 1); exit share %g (want 0)",
			same.SESSegregation, apart.SESSegregation, same.ExitShare)
	}
}

// TestSummariseEmptyGroupIsUndefined: a group without students (no weak
// school, no migrant, no treated school) has undefined means, NaN, not
// 0, and so does a gap to it; the groups that have students keep theirs.
func TestSummariseEmptyGroupIsUndefined(t *testing.T) {
	m := Summarise(YearRecord{Schools: []agents.SchoolRecord{school(agents.Strong, 100, 0, 1, 0)}})
	for _, g := range []int{GroupAverage, GroupWeak, GroupMigrant, GroupTreated} {
		gm := m.Groups[g]
		for name, x := range map[string]float64{"composite": gm.Composite, "maths": gm.Z[0], "peer relations": gm.PeerRelations,
			"engagement": gm.Engagement, "ses": gm.SES, "leadership": gm.Leadership, "climate": gm.Climate, "turnover": gm.Turnover, "movers": gm.Movers} {
			if !math.IsNaN(x) {
				t.Errorf("%s, no students: %s %v, want NaN", Groups[g], name, x)
			}
		}
	}
	if !math.IsNaN(m.GapStrongWeak) || !math.IsNaN(m.GapMigrantLocal) {
		t.Errorf("gaps to empty groups: %v and %v, want NaN", m.GapStrongWeak, m.GapMigrantLocal)
	}
	for _, g := range []int{GroupAll, GroupStrong, GroupLocal} {
		if gm := m.Groups[g]; gm.Composite != 1 || gm.Turnover != 0.1 {
			t.Errorf("%s: composite %v, turnover %v; want 1 and 0.1", Groups[g], gm.Composite, gm.Turnover)
		}
	}
}
