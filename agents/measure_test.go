package agents

import (
	"math"
	"testing"
)

// TestMeasureSES: a school's record sums its students' SES and its square
// by hukou group, as the SES segregation index needs, and carries the
// school's exit-sector counts unchanged.
func TestMeasureSES(t *testing.T) {
	w := newWorld(t, testSpec(3, 1), DefaultParams(), 3)
	for i := range w.pop.Schools {
		s := &w.pop.Schools[i]
		s.Exited = StudentSums{N: 7, SES: 4.2, SESSq: 9.1}
		var want [2]StudentSums
		for k := range s.Students {
			st := &s.Students[k]
			g := &want[Local]
			if st.Migrant {
				g = &want[Migrant]
			}
			g.N++
			g.SES += float64(st.SES)
			g.SESSq += float64(st.SES) * float64(st.SES)
		}
		rec := Measure(s, &w.env)
		for g := range want {
			got := rec.Students[g]
			if got.N != want[g].N || math.Abs(got.SES-want[g].SES) > 1e-9 || math.Abs(got.SESSq-want[g].SESSq) > 1e-9 {
				t.Errorf("school %d group %d: N %d, SES %.6f, SES² %.6f; want %d, %.6f, %.6f",
					i, g, got.N, got.SES, got.SESSq, want[g].N, want[g].SES, want[g].SESSq)
			}
		}
		if rec.Exited != s.Exited {
			t.Errorf("school %d: record's exit counts %+v, want the school's %+v", i, rec.Exited, s.Exited)
		}
	}
}
