package policy

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// Residence (hukou) rules of school choice: which schools a migrant child
// may apply to.
const (
	// HukouDistrict: migrant children apply only to schools of their home
	// district.
	HukouDistrict = "district"
	// HukouOpen: no hukou rule; migrant children have the same choice set
	// as local children.
	HukouOpen = "open"
	// HukouLocalOnly: migrant children apply only to the non-strong schools
	// of their home district (strong schools take local children only).
	HukouLocalOnly = "local-only"
)

var hukouRules = []string{HukouDistrict, HukouOpen, HukouLocalOnly}

// Admission rules of school choice: the order in which applicants take
// their places.
const (
	// AdmitScore: schools with autonomy admit by achievement; applicants
	// choose in order of decreasing mean achievement.
	AdmitScore = "score"
	// AdmitLottery: applicants choose in random order.
	AdmitLottery = "lottery"
)

var admissions = []string{AdmitScore, AdmitLottery}

// commuteDays is the number of school days a week; a commute is a round
// trip each school day.
const commuteDays = 5

// ChoiceSpec is a [[policy]] of kind "school-choice": families choose
// among the selected schools by reputation and distance, within capacity
// and the residence (hukou) rule, and the schools admit by score or by
// lottery. It is the competition that Croft (2015) names as the
// alternative to collaboration, whose effects must be separated from it.
type ChoiceSpec struct {
	Common
	// ReputationWeight is the utility of one SD of school reputation.
	// Range ≥ 0; default 1.0 (assumption). Utilities are on the scale of
	// the Gumbel taste noise, whose scale is 1.
	ReputationWeight float64 `toml:"reputation_weight"`
	// DistanceWeight is the disutility of one km between home and school.
	// Range ≥ 0; default 0.3 per km (assumption): one SD of reputation is
	// worth about 3.3 km of extra distance.
	DistanceWeight float64 `toml:"distance_weight"`
	// Hukou is the residence rule for migrant children: "district",
	// "open" or "local-only" (see HukouDistrict, HukouOpen,
	// HukouLocalOnly). Default "district" (assumption: compulsory
	// schooling is organised by the county or district, Liu 2021).
	Hukou string `toml:"hukou"`
	// CrossDistrict lets local children apply to any selected school of
	// the city; false keeps them in their own district. Default false.
	CrossDistrict bool `toml:"cross_district"`
	// Admission is "score" (serial dictatorship by mean achievement: the
	// selected schools get Autonomy 1 while the policy is active) or
	// "lottery" (random order). Default "score".
	Admission string `toml:"admission"`
	// ResidenceSD is the SD, in km per axis, of an applicant's home around
	// its catchment school. Range ≥ 0; default 2 km (assumption: about the
	// radius of a junior secondary catchment in a Chinese city).
	ResidenceSD float64 `toml:"residence_sd"`
	// CommuteSpeed is the door-to-door speed of the daily commute, in
	// km/h, used to cost extra travel. Range > 0; default 15 km/h
	// (assumption: bus and bicycle in city traffic).
	CommuteSpeed float64 `toml:"commute_speed"`
}

func init() {
	register("school-choice", func() Spec {
		return &ChoiceSpec{
			Common:           Common{Start: 1, Select: Selection{Rule: RuleAll, Tier: "any"}},
			ReputationWeight: 1, DistanceWeight: 0.3,
			Hukou: HukouDistrict, Admission: AdmitScore,
			ResidenceSD: 2, CommuteSpeed: 15,
		}
	})
}

// Validate checks the school-choice keys.
func (s *ChoiceSpec) Validate() error {
	switch {
	case !slices.Contains(hukouRules, s.Hukou):
		return fieldErr("hukou", "unknown rule %q; one of %v", s.Hukou, hukouRules)
	case !slices.Contains(admissions, s.Admission):
		return fieldErr("admission", "unknown admission %q; one of %v", s.Admission, admissions)
	}
	return nil
}

// Ranges returns the allowed range of each numeric key.
func (s *ChoiceSpec) Ranges() ranges.Table { return choiceRanges }

var choiceRanges = withCommon(
	ranges.Range{Key: "reputation_weight", Min: 0, Max: 20, Unit: "utility per SD"},
	ranges.Range{Key: "distance_weight", Min: 0, Max: 20, Unit: "utility per km"},
	ranges.Range{Key: "residence_sd", Min: 0, Max: 100, Unit: "km"},
	ranges.Range{Key: "commute_speed", Min: 1, Max: 200, Unit: "km/h"},
)

// Exclusive: a school takes part in one school-choice regime at a time.
func (s *ChoiceSpec) Exclusive() string { return ExclusiveChoice }

// New returns the policy for one replication.
func (s *ChoiceSpec) New(index int) sim.Policy {
	return &Choice{Spec: *s, treatment: treatment{index: index}}
}

// Choice is the school-choice policy of one replication.
type Choice struct {
	Spec ChoiceSpec
	treatment
	// Placements are the applicants of the latest admission round, in the
	// order they took their places; for reports and tests.
	Placements []Placement
	// extraKm[y][i] is the extra one-way distance, in km, summed over the
	// students admitted to school i in year y's round.
	extraKm [][]float64
	// autonomy holds the selected schools' Autonomy before the policy set
	// it; restored marks that the policy has given it back.
	autonomy []float32
	restored bool
}

// Placement is one applicant of an admission round and where it went.
type Placement struct {
	// Home is the applicant's catchment school and School the school that
	// admitted it (indices into the population).
	Home, School int32
	Migrant      bool
	// Choice is the position of School in the applicant's ranking (0 =
	// first choice), or -1 when the applicant was placed by the fallback.
	Choice int
	// Distance and HomeDistance are the km from the applicant's home to
	// School and to its catchment school.
	Distance, HomeDistance float64
}

var _ sim.Policy = (*Choice)(nil)

// Name returns the policy's name.
func (c *Choice) Name() string { return c.Spec.Label() }

// Act runs the policy for this week. Every week from the start year on
// (also after the end, while admitted cohorts are still enrolled) it
// charges the extra commuting of the students it placed. In its active
// years it selects the schools once, gives them autonomy under admission
// by score, and in the last week of each year runs the admission round
// whose intake agents.SchoolYear enrols at the year's end.
func (c *Choice) Act(w *sim.World) error {
	cm := &c.Spec.Common
	y := w.Clock.Year
	if y < cm.Start {
		return nil
	}
	c.chargeCommutes(w)
	if !cm.Active(y) {
		c.restoreAutonomy(w)
		return nil
	}
	chosen := c.selectOnce(w, cm)
	if c.autonomy == nil {
		c.autonomy = make([]float32, len(chosen))
		for k, i := range chosen {
			s := school(w, i)
			c.autonomy[k] = s.Autonomy
			if c.Spec.Admission == AdmitScore {
				s.Autonomy = 1
			}
		}
	}
	if w.Clock.Week != w.Clock.WeeksPerYear-1 {
		return nil
	}
	return c.admit(w, chosen)
}

// restoreAutonomy gives the selected schools back the autonomy they had
// before the policy.
func (c *Choice) restoreAutonomy(w *sim.World) {
	if c.restored || c.autonomy == nil {
		return
	}
	for k, i := range c.chosen {
		school(w, i).Autonomy = c.autonomy[k]
	}
	c.restored = true
}

// chargeCommutes charges each school this week's extra travel of the
// chosen students it enrols: a cohort admitted in year y is enrolled in
// years y+1 … y+grades, and each of its students travels
//
//	2 · extra_km · commuteDays / CommuteSpeed hours a week
//
// more than to its catchment school.
func (c *Choice) chargeCommutes(w *sim.World) {
	y := w.Clock.Year
	perKm := 2 * commuteDays / c.Spec.CommuteSpeed
	for a := max(0, y-w.Pop.Spec.Grades); a < y && a < len(c.extraKm); a++ {
		for i, km := range c.extraKm[a] {
			if km > 0 {
				// float64(x*y) rounds a product before a sum, so that no
				// machine fuses the two into one multiply-add (see fmath).
				w.Pop.Schools[i].Cost.TravelHours += float64(km * perKm)
			}
		}
	}
}

// applicant is a child of an admission round.
type applicant struct {
	st   agents.Student
	home int // position of the catchment school in chosen
	x, y float64
	// district is the district the applicant may choose in, or -1 for the
	// whole city; nonStrong limits it to the district's non-strong schools.
	district  int
	nonStrong bool
}

// admit runs one admission round over the chosen schools and sets each
// one's Admitted.
//
// Applicants are every chosen school's planned intake, drawn from its
// catchment (agents.DrawStudent from w.Rand), living at the school's
// location plus N(0, ResidenceSD²) km per axis. Applicant a's utility of
// allowed school j is
//
//	U_aj = ReputationWeight·rep_j − DistanceWeight·d_aj + ε_aj,  ε ~ Gumbel(0, 1)
//
// and applicants, in order of decreasing mean achievement (score) or in
// random order (lottery), take the best-ranked school with a free place
// (serial dictatorship). Each school has floor(Capacity / grades) places.
// Places are reserved for residence: an applicant takes a place only if
// enough free places remain in that district (and in its non-strong
// schools) for the applicants still to come who may choose nowhere else.
// Whenever those applicants fit in their allowed schools at the start (as
// they do under the default capacity, which has spare places), this keeps
// every applicant inside its allowed set. An applicant left without a
// place goes to the nearest chosen school with a free place in its home
// district, or else in the city; total places always cover the applicants.
func (c *Choice) admit(w *sim.World, chosen []int32) error {
	if len(chosen) == 0 {
		return nil
	}
	sp := &c.Spec
	grades := w.Pop.Spec.Grades
	nd := w.Pop.Spec.Districts
	free := make([]int, len(chosen))
	freeD := make([]int, nd)  // free places per district
	freeNS := make([]int, nd) // free places in non-strong schools per district
	hasNS := make([]bool, nd)
	totalFree, planned := 0, 0
	for k, i := range chosen {
		s := school(w, i)
		free[k] = int(s.Capacity) / grades
		planned += int(s.ClassesPerGrade * s.ClassSize)
		totalFree += free[k]
		freeD[s.District] += free[k]
		if s.Tier != agents.Strong {
			freeNS[s.District] += free[k]
			hasNS[s.District] = true
		}
	}
	if totalFree < planned {
		return fmt.Errorf("policy: school choice has %d places for %d applicants", totalFree, planned)
	}

	// Applicants, school by school, and who may choose where.
	apps := make([]applicant, 0, planned)
	pendD := make([]int, nd)
	pendNS := make([]int, nd)
	for k, i := range chosen {
		s := school(w, i)
		d := int(s.District)
		for range s.ClassesPerGrade * s.ClassSize {
			a := applicant{st: agents.DrawStudent(s, w.Rand), home: k, district: -1}
			a.x, a.y = c.residence(w, i)
			switch {
			case a.st.Migrant && sp.Hukou == HukouLocalOnly && hasNS[d]:
				a.district, a.nonStrong = d, true
			case a.st.Migrant && sp.Hukou != HukouOpen:
				a.district = d
			case !sp.CrossDistrict:
				a.district = d
			}
			if a.district >= 0 {
				pendD[d]++
				if a.nonStrong {
					pendNS[d]++
				}
			}
			apps = append(apps, a)
		}
	}

	// The order of choosing.
	order := make([]int, len(apps))
	for k := range order {
		order[k] = k
	}
	switch sp.Admission {
	case AdmitScore:
		mean := make([]float64, len(apps))
		for k := range apps {
			mean[k] = apps[k].st.MeanAchievement()
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(mean[b], mean[a]) })
	case AdmitLottery:
		w.Rand.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
	}

	admitted := make([][]agents.Student, len(chosen))
	for k, i := range chosen {
		s := school(w, i)
		admitted[k] = make([]agents.Student, 0, min(free[k], 2*int(s.ClassesPerGrade*s.ClassSize)))
	}
	extra := make([]float64, len(w.Pop.Schools))
	c.Placements = c.Placements[:0]
	var ranking []int
	utility := make([]float64, len(chosen))
	dist := func(a *applicant, k int) float64 {
		s := school(w, chosen[k])
		return fmath.Hypot(a.x-float64(s.X), a.y-float64(s.Y))
	}
	strong := func(k int) bool { return school(w, chosen[k]).Tier == agents.Strong }
	district := func(k int) int { return int(school(w, chosen[k]).District) }
	for _, ai := range order {
		a := &apps[ai]
		if a.district >= 0 {
			pendD[a.district]--
			if a.nonStrong {
				pendNS[a.district]--
			}
		}
		// Rank the allowed schools by utility.
		ranking = ranking[:0]
		for k := range chosen {
			d := district(k)
			if a.district >= 0 && (d != a.district || a.nonStrong && strong(k)) {
				continue
			}
			ranking = append(ranking, k)
			u := max(w.Rand.Float64(), 1e-300)
			utility[k] = float64(sp.ReputationWeight*float64(school(w, chosen[k]).Reputation)) -
				float64(sp.DistanceWeight*dist(a, k)) - fmath.Log(-fmath.Log(u))
		}
		slices.SortStableFunc(ranking, func(p, q int) int { return cmp.Compare(utility[q], utility[p]) })
		// The best-ranked school with a place the reserves allow.
		got, pos := -1, -1
		for r, k := range ranking {
			d := district(k)
			if free[k] > 0 && freeD[d]-1 >= pendD[d] && (strong(k) || freeNS[d]-1 >= pendNS[d]) {
				got, pos = k, r
				break
			}
		}
		if got < 0 {
			got = nearestFree(a, free, dist, district, district(a.home))
		}
		if got < 0 {
			got = nearestFree(a, free, dist, district, -1)
		}
		d := district(got)
		free[got]--
		freeD[d]--
		if !strong(got) {
			freeNS[d]--
		}
		admitted[got] = append(admitted[got], a.st)
		p := Placement{Home: chosen[a.home], School: chosen[got], Migrant: a.st.Migrant, Choice: pos,
			Distance: dist(a, got), HomeDistance: dist(a, a.home)}
		extra[chosen[got]] += max(0, p.Distance-p.HomeDistance)
		c.Placements = append(c.Placements, p)
	}
	for k, i := range chosen {
		school(w, i).Admitted = admitted[k]
	}
	y := w.Clock.Year
	if len(c.extraKm) <= y {
		c.extraKm = append(c.extraKm, make([][]float64, y+1-len(c.extraKm))...)
	}
	c.extraKm[y] = extra
	return nil
}

// residenceTries is the number of draws residence makes before it puts
// the home at the school itself.
const residenceTries = 50

// residence draws the home of a child of school i's catchment: the
// school's location plus N(0, ResidenceSD²) km per axis, redrawn until
// school i is the nearest school of the city (the catchment is the area
// nearest the school, as in China's rule of enrolment near home), and at
// the school itself if residenceTries draws all fall nearer another
// school.
func (c *Choice) residence(w *sim.World, i int32) (x, y float64) {
	s := school(w, i)
	sx, sy := float64(s.X), float64(s.Y)
	for range residenceTries {
		x = sx + float64(c.Spec.ResidenceSD*fmath.NormFloat64(w.Rand))
		y = sy + float64(c.Spec.ResidenceSD*fmath.NormFloat64(w.Rand))
		own := fmath.Hypot(x-sx, y-sy)
		nearest := true
		for j := range w.Pop.Schools {
			o := &w.Pop.Schools[j]
			if int32(j) != i && fmath.Hypot(x-float64(o.X), y-float64(o.Y)) < own {
				nearest = false
				break
			}
		}
		if nearest {
			return x, y
		}
	}
	return sx, sy
}

// nearestFree returns the position of the chosen school nearest to a with
// a free place, in district d (or anywhere for d = −1), or −1 if there is
// none.
func nearestFree(a *applicant, free []int, dist func(*applicant, int) float64, district func(int) int, d int) int {
	best, bestKm := -1, math.Inf(1)
	for k := range free {
		if free[k] == 0 || d >= 0 && district(k) != d {
			continue
		}
		if km := dist(a, k); km < bestKm {
			best, bestKm = k, km
		}
	}
	return best
}
