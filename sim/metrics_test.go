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
