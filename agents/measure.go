package agents

// Local and Migrant index the student groups of a SchoolRecord.
const (
	Local   = 0
	Migrant = 1
)

// StudentSums are sums over a group of students, in SD of the reference
// grade for achievement. Sums, not means, so that groups and schools add up.
type StudentSums struct {
	N int
	// Z sums each subject's standardised score; Composite sums each
	// student's mean over subjects, and CompositeSq its square.
	Z                      [NumSubjects]float64
	Composite, CompositeSq float64
	PeerRelations          float64
	Engagement             float64
	// SES sums the students' socio-economic status (population SD) and
	// SESSq its square.
	SES, SESSq float64
}

// Add adds o into s.
func (s *StudentSums) Add(o *StudentSums) {
	s.N += o.N
	for k := range s.Z {
		s.Z[k] += o.Z[k]
	}
	s.Composite += o.Composite
	s.CompositeSq += o.CompositeSq
	s.PeerRelations += o.PeerRelations
	s.Engagement += o.Engagement
	s.SES += o.SES
	s.SESSq += o.SESSq
}

// Mean returns x/N, or 0 for an empty group.
func (s *StudentSums) Mean(x float64) float64 {
	if s.N == 0 {
		return 0
	}
	return x / float64(s.N)
}

// SchoolRecord is what one school looks like at the end of a year: the
// observable outcomes and mediators that reports and evaluations use. It
// holds nothing latent.
type SchoolRecord struct {
	School   int32
	District int32
	Tier     Tier
	Teachers int
	// Students holds the sums for local and migrant students.
	Students [2]StudentSums
	// SES holds the same students' sums by SES quartile of the reference
	// population (Reference.SESQuartile), bottom first.
	SES [4]StudentSums
	// Leadership is the leadership acting in the school (School.Leadership):
	// effective leadership after the context discount, blended with a
	// federation lead's where shared.
	Leadership                   float64
	Style, Morale, Effectiveness float64 // teacher means
	Climate, Resources           float64
	Leavers                      int
	// Movers is the number of the school's teachers who moved to another
	// school for good this year (filled in by the engine).
	Movers int
	// Member is the school's place in reform structures and Cost its
	// reform costs this year.
	Member Membership
	Cost   Costs
	// Exited is School.Exited: the school's catchment children of school
	// age who left the simulated schools for a school-choice policy's exit
	// (private) sector. Only N, SES and SESSq are set; their achievement
	// is not simulated.
	Exited StudentSums
}

// All returns the sums over all the school's students.
func (r *SchoolRecord) All() StudentSums {
	all := r.Students[Local]
	all.Add(&r.Students[Migrant])
	return all
}

// Measure records school s's outcomes against the reference.
func Measure(s *School, env *Env) SchoolRecord {
	ref := env.Ref
	rec := SchoolRecord{
		School: s.Index, District: s.District, Tier: s.Tier,
		Teachers:   len(s.Teachers),
		Leadership: s.Leadership(env.Par),
		Climate:    float64(s.Climate), Resources: s.Resources(),
		Member: s.Member, Cost: s.Cost, Exited: s.Exited,
	}
	for i := range s.Students {
		st := &s.Students[i]
		g := &rec.Students[Local]
		if st.Migrant {
			g = &rec.Students[Migrant]
		}
		var z [NumSubjects]float64
		var comp float64
		for k, a := range st.Achievement {
			z[k] = ref.Z(st.Grade, k, a)
			comp += z[k]
		}
		comp /= NumSubjects
		// The student counts in their hukou group and their SES quartile.
		for _, g := range [2]*StudentSums{g, &rec.SES[ref.SESQuartile(st.SES)]} {
			g.N++
			for k := range z {
				g.Z[k] += z[k]
			}
			// Rounded: comp/4 is a product to the compiler, and no product
			// may fuse into a sum (multiply-add), so the bits are the same on
			// every machine (see package fmath).
			g.Composite += float64(comp)
			g.CompositeSq += float64(comp * comp)
			g.PeerRelations += float64(st.PeerRelations)
			g.Engagement += float64(st.Engagement)
			ses := float64(st.SES)
			g.SES += ses
			g.SESSq += float64(ses * ses)
		}
	}
	for i := range s.Teachers {
		t := &s.Teachers[i]
		rec.Style += float64(t.Style)
		rec.Morale += float64(t.Morale)
		rec.Effectiveness += float64(t.Effectiveness)
	}
	m := float64(max(1, len(s.Teachers)))
	rec.Style /= m
	rec.Morale /= m
	rec.Effectiveness /= m
	return rec
}
