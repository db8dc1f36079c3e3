package policy

import (
	"cmp"
	"slices"

	"schoolnet/sim"
	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// AllianceSpec is a [[policy]] of kind "curriculum-alliance": the selected
// schools form alliances of nearby members that open a share of their
// courses to each other (Yang & Huang 2023). Each member's contribution
// follows conditional cooperation with a drift towards free riding, so a
// loose alliance stalls; an optional contribution review removes members
// that contribute too little and makes building pay for the rest.
type AllianceSpec struct {
	Common
	// MembersPerAlliance is the size of each alliance, formed once by
	// proximity (greedy clustering on the schools' X/Y). Integer ≥ 2.
	// Default 6: assumption; Yang & Huang (2023) count more than 20
	// alliances among the colleges of two cities.
	MembersPerAlliance int `toml:"members_per_alliance"`
	// InitialContribution is the share of its courses an averagely
	// motivated member opens to its alliance when it joins; a member's
	// start is InitialContribution × its principal's ReformResponse
	// (mean about 1, range 0 to 2), clamped to [0,1]. Range [0,1].
	// Default 0.3: assumption; "high participation enthusiasm, low
	// construction enthusiasm" (Yang & Huang 2023).
	InitialContribution float64 `toml:"initial_contribution"`
	// Reciprocity is the yearly share of the gap to the mean contribution
	// of its alliance partners that a member closes (conditional
	// cooperation). Range [0,1]. Default 0.3 per year: assumption.
	Reciprocity float64 `toml:"reciprocity"`
	// FreeRiding is the yearly fall of every member's contribution: the
	// pull to take partners' courses without building one's own. Range
	// [0,1]. Default 0.05 per year: assumption, so that a loose alliance
	// stalls within the run (Yang & Huang 2023).
	FreeRiding float64 `toml:"free_riding"`
	// SharingScale converts the partners' opened courses into the member's
	// shared-course stock (Reform.SharedCourses, in units of the courses
	// index). ≥ 0. Default 1: assumption, a member's students can use about
	// one average partner's opened courses.
	SharingScale float64 `toml:"sharing_scale"`
	// TravelScaleKm is the distance at which access to a partner's courses
	// falls by a factor e, and the distance travelled in an hour. > 0.
	// Default 20 km: assumption, about an hour's urban travel; Yang & Huang
	// (2023) on colleges in two cities about an hour apart.
	TravelScaleKm float64 `toml:"travel_scale_km"`
	// CreditRecognition says whether members recognise each other's
	// alliance courses for credit. Default true: Yang & Huang (2023),
	// credits of alliance-certified courses are mutually recognised.
	CreditRecognition bool `toml:"credit_recognition"`
	// NoCreditUptake is the factor on access to partners' courses when
	// credits are not recognised. Range [0,1]. Default 0.3: assumption.
	NoCreditUptake float64 `toml:"no_credit_uptake"`
	// CourseHours is the time, in hours per teacher per week, a member
	// that opens all its courses (contribution 1) spends preparing shared
	// courses; a member with contribution c spends c × CourseHours. Range
	// ≥ 0. Default 1 hour: assumption.
	CourseHours float64 `toml:"course_hours"`
	// TripsPerStudent is the number of round trips per student per week to
	// a partner with contribution 1 and access 1; trips to partner j are
	// weighted by c_j × access. ≥ 0. Default 0.1: assumption, a tenth of
	// students attend a fully open neighbour's course each week.
	TripsPerStudent float64 `toml:"trips_per_student"`
	// Review switches on the contribution review of Yang & Huang's (2023)
	// remedies: a council evaluates each member's contribution and members
	// that do not improve leave. Default false.
	Review bool `toml:"review"`
	// ReviewYears is the number of years between reviews; the first review
	// opens year start + ReviewYears. Integer ≥ 1. Default 1 year:
	// assumption, "regular evaluation" (Yang & Huang 2023).
	ReviewYears int `toml:"review_years"`
	// MinContribution is the contribution below which a reviewed member
	// must leave. Range [0,1]. Default 0.15: assumption, half the initial
	// contribution.
	MinContribution float64 `toml:"min_contribution"`
	// ReviewBoost is the rise, at each review, of the contribution of the
	// members that stay: evaluation, a secretariat and agreed benefit
	// shares make building pay. Range [0,1]. Default 0.1: assumption.
	ReviewBoost float64 `toml:"review_boost"`
}

func init() {
	register("curriculum-alliance", func() Spec {
		return &AllianceSpec{
			Common:             Common{Start: 1, Select: Selection{Rule: RuleAll, Tier: "any"}},
			MembersPerAlliance: 6, InitialContribution: 0.3, Reciprocity: 0.3, FreeRiding: 0.05,
			SharingScale: 1, TravelScaleKm: 20, CreditRecognition: true, NoCreditUptake: 0.3,
			CourseHours: 1, TripsPerStudent: 0.1,
			ReviewYears: 1, MinContribution: 0.15, ReviewBoost: 0.1,
		}
	})
}

// Validate checks the alliance keys.
func (s *AllianceSpec) Validate() error { return nil }

// Ranges returns the allowed range of each numeric key.
func (s *AllianceSpec) Ranges() ranges.Table { return allianceRanges }

var allianceRanges = withCommon(
	ranges.Range{Key: "members_per_alliance", Min: 2, Max: 100, Unit: "schools"},
	ranges.Range{Key: "initial_contribution", Min: 0, Max: 1, Unit: "share of courses"},
	ranges.Range{Key: "reciprocity", Min: 0, Max: 1, Unit: "share of gap per year"},
	ranges.Range{Key: "free_riding", Min: 0, Max: 1, Unit: "per year"},
	ranges.Range{Key: "sharing_scale", Min: 0, Max: 10, Unit: "courses index per opened partner"},
	ranges.Range{Key: "travel_scale_km", Min: 0.1, Max: 1000, Unit: "km"},
	ranges.Range{Key: "no_credit_uptake", Min: 0, Max: 1, Unit: "factor"},
	ranges.Range{Key: "course_hours", Min: 0, Max: 40, Unit: "hours per teacher per week"},
	ranges.Range{Key: "trips_per_student", Min: 0, Max: 10, Unit: "round trips per student per week"},
	ranges.Range{Key: "review_years", Min: 1, Max: 100, Unit: "years"},
	ranges.Range{Key: "min_contribution", Min: 0, Max: 1, Unit: "share of courses"},
	ranges.Range{Key: "review_boost", Min: 0, Max: 1, Unit: "share of courses"},
)

// Exclusive: a school is in one pair, group or alliance at a time.
func (s *AllianceSpec) Exclusive() string { return ExclusiveMembership }

// New returns the policy for one replication.
func (s *AllianceSpec) New(index int) sim.Policy {
	return &Alliance{Spec: *s, treatment: treatment{index: index}}
}

// Alliance is the curriculum-alliance policy of one replication.
type Alliance struct {
	Spec AllianceSpec
	treatment
	// alliances[a] lists the current members of alliance a as positions
	// in chosen, in ascending order.
	alliances [][]int
	// of[k] is the alliance of chosen[k], or -1 once it has left;
	// contrib[k] its contribution.
	of      []int
	contrib []float64
	formed  int  // the year the alliances formed; 0 before
	ended   bool // memberships have been reset after the last year
}

var (
	_ sim.Policy = (*Alliance)(nil)
	_ sim.Quiet  = (*Alliance)(nil)
)

// Name returns the policy's name.
func (a *Alliance) Name() string { return a.Spec.Label() }

// Act runs one week of the alliances. In the first active week it selects
// the members, forms the alliances and sets the initial contributions. At
// the start of each later year it updates the contributions and, in a
// review year, removes the members below the minimum. Every week it sets
// each member's shared courses and charges the teachers' preparation time
// and the students' travel. After the last year it dissolves the
// alliances.
func (a *Alliance) Act(w *sim.World) error {
	c := &a.Spec.Common
	y := w.Clock.Year
	if !c.Active(y) {
		if a.standing() {
			a.dissolve(w)
		}
		return nil
	}
	if a.formed == 0 {
		a.form(w, a.selectOnce(w, c))
		a.formed = y
	} else if w.Clock.YearStart() {
		a.updateContributions()
		if a.Spec.Review && (y-a.formed)%a.Spec.ReviewYears == 0 {
			a.review()
		}
	}
	a.sync(w)
	a.share(w)
	return nil
}

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// outside its years, except for the week it dissolves the alliances.
func (a *Alliance) QuietWeek(_ *sim.World, k sim.Clock) bool {
	return !a.Spec.Active(k.Year) && !a.standing()
}

// standing reports whether the alliances are formed and not yet
// dissolved.
func (a *Alliance) standing() bool { return a.formed > 0 && !a.ended }

// form clusters the chosen schools into alliances by proximity and sets
// their initial contributions. Clustering is greedy and deterministic: the
// unassigned school farthest from the members' centroid (lowest index on
// ties) seeds an alliance and takes its nearest unassigned schools until
// the alliance has MembersPerAlliance members. A remainder of two or more
// schools forms a smaller alliance; a single remaining school joins the
// alliance of its nearest member.
func (a *Alliance) form(w *sim.World, chosen []int32) {
	n := len(chosen)
	a.of = make([]int, n)
	a.contrib = make([]float64, n)
	var cx, cy float64
	for _, i := range chosen {
		s := school(w, i)
		cx += float64(s.X) / float64(n)
		cy += float64(s.Y) / float64(n)
	}
	pos := func(k int) (float64, float64) {
		s := school(w, chosen[k])
		return float64(s.X), float64(s.Y)
	}
	// Seeds in turn: by falling distance from the centroid, ties by
	// position; members from a spatial index of the chosen schools, in
	// the order of a sort by distance from the seed, ties by position.
	// Both give what sorting every unassigned school for every alliance
	// gave, in O(S log S).
	byFar := make([]int, n)
	far := make([]float64, n)
	for k := range byFar {
		byFar[k] = k
		xk, yk := pos(k)
		far[k] = fmath.Hypot(xk-cx, yk-cy)
	}
	slices.SortStableFunc(byFar, func(k, l int) int { return cmp.Compare(far[l], far[k]) })
	g := newGrid(n, pos)
	var near nearest
	km := make([]float64, n)
	assigned := make([]bool, n)
	left := n
	for left > 0 {
		for assigned[byFar[0]] {
			byFar = byFar[1:]
		}
		seed := byFar[0]
		near.reset(g, g.x[seed], g.y[seed], km)
		if left == 1 && len(a.alliances) > 0 {
			// The last school joins the alliance of its nearest member
			// (the first of the nearest, by position).
			nearest := -1
			for l := range n {
				if l != seed && (nearest < 0 || g.dist(g.x[seed], g.y[seed], int32(l)) < g.dist(g.x[seed], g.y[seed], int32(nearest))) {
					nearest = l
				}
			}
			al := a.of[nearest]
			a.alliances[al] = append(a.alliances[al], seed)
			slices.Sort(a.alliances[al])
			a.of[seed] = al
			break
		}
		size := min(a.Spec.MembersPerAlliance, left)
		members := make([]int, 0, size)
		for r := 0; len(members) < size; r++ {
			l, _ := near.at(r)
			members = append(members, int(l))
			assigned[l] = true
		}
		for _, l := range members {
			g.remove(int32(l)) // assigned: later searches pass it by
		}
		left -= size
		slices.Sort(members)
		for _, k := range members {
			a.of[k] = len(a.alliances)
		}
		a.alliances = append(a.alliances, members)
	}
	for k, i := range chosen {
		s := school(w, i)
		a.contrib[k] = unit01(a.Spec.InitialContribution * s.Principal.ReformResponse(w.Par))
	}
}

// updateContributions runs a year of conditional cooperation, from every
// member's contribution at the end of the year before:
//
//	c_i ← clamp01( c_i + ρ·(mean_{j≠i} c_j − c_i) − φ )
//
// with ρ = Reciprocity, φ = FreeRiding and j over the partners in i's
// alliance. A member with no partners left only drifts by −φ.
func (a *Alliance) updateContributions() {
	old := slices.Clone(a.contrib)
	for _, members := range a.alliances {
		var sum float64
		for _, k := range members {
			sum += old[k]
		}
		for _, k := range members {
			c := old[k]
			if m := len(members); m > 1 {
				// float64(x*y) rounds a product before a sum, so that no
				// machine fuses the two into one multiply-add (see fmath).
				c += float64(a.Spec.Reciprocity * ((sum-old[k])/float64(m-1) - c))
			}
			a.contrib[k] = unit01(c - a.Spec.FreeRiding)
		}
	}
}

// review removes every member whose contribution is below
// MinContribution, dissolves alliances left with a single member, and
// raises the remaining members' contributions by ReviewBoost.
func (a *Alliance) review() {
	for g, members := range a.alliances {
		stay := members[:0]
		for _, k := range members {
			if a.contrib[k] < a.Spec.MinContribution {
				a.leave(k)
			} else {
				stay = append(stay, k)
			}
		}
		if len(stay) == 1 {
			a.leave(stay[0])
			stay = stay[:0]
		}
		for _, k := range stay {
			a.contrib[k] = unit01(a.contrib[k] + a.Spec.ReviewBoost)
		}
		a.alliances[g] = stay
	}
}

// leave takes chosen[k] out of its alliance's bookkeeping.
func (a *Alliance) leave(k int) {
	a.of[k] = -1
	a.contrib[k] = 0
}

// sync writes each chosen school's alliance and contribution to its
// Membership.
func (a *Alliance) sync(w *sim.World) {
	for k, i := range a.chosen {
		m := &school(w, i).Member
		m.Alliance = int32(a.of[k])
		m.Contribution = float32(a.contrib[k])
	}
}

// dissolve resets every chosen school's membership when the policy ends.
func (a *Alliance) dissolve(w *sim.World) {
	for k := range a.chosen {
		a.leave(k)
	}
	a.alliances = nil
	a.sync(w)
	a.ended = true
}

// share sets one week's shared courses of every member and charges its
// costs. For member i of an alliance of m members,
//
//	K_shared,i = σ · Σ_{j≠i} c_j·K_j·a_ij / (m − 1)
//	a_ij       = exp(−d_ij / d_0) · (1 if credits are recognised, else u_nc)
//
// with σ = SharingScale, K_j partner j's own courses, d_ij the distance in
// km, d_0 = TravelScaleKm and u_nc = NoCreditUptake. Each teacher of i
// spends c_i·CourseHours hours preparing shared courses (Load
// c_i·CourseHours/teaching_hours), and i's N_i students travel
//
//	N_i · τ · Σ_{j≠i} c_j·a_ij·(2·d_ij/d_0) / (m − 1)
//
// hours, τ = TripsPerStudent round trips at d_0 km an hour.
func (a *Alliance) share(w *sim.World) {
	sp := &a.Spec
	credit := 1.0
	if !sp.CreditRecognition {
		credit = sp.NoCreditUptake
	}
	for _, members := range a.alliances {
		m := len(members)
		for _, k := range members {
			s := school(w, a.chosen[k])
			var courses, travel float64
			for _, l := range members {
				if l == k {
					continue
				}
				p := school(w, a.chosen[l])
				d := distance(s, p)
				access := fmath.Exp(-d/sp.TravelScaleKm) * credit
				courses += float64(a.contrib[l] * float64(p.Courses) * access)
				travel += float64(a.contrib[l]*access) * 2 * d / sp.TravelScaleKm
			}
			if m > 1 {
				s.Reform.SharedCourses += float32(sp.SharingScale * courses / float64(m-1))
				s.Cost.TravelHours += float64(len(s.Students)) * sp.TripsPerStudent * travel / float64(m-1)
			}
			hours := a.contrib[k] * sp.CourseHours
			for t := range s.Teachers {
				takeTeacherTime(w, s, &s.Teachers[t], hours)
			}
		}
	}
}

// unit01 clamps x to [0,1].
func unit01(x float64) float64 { return min(1, max(0, x)) }
