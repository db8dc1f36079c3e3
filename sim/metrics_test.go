package sim

import (
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
