package policy

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"schoolnet/agents"
	"schoolnet/sim"
	"schoolnet/sim/ranges"
)

// Whom a rotation moves.
const (
	WhoTeachers   = "teachers"
	WhoPrincipals = "principals"
	WhoBoth       = "both"
)

// Directions of a rotation.
const (
	DirStrongToWeak = "strong-to-weak" // sources are strong schools; they send their best teachers
	DirRandom       = "random"         // any other school is the source; teachers drawn at random
)

// Source rules of a strong-to-weak rotation: how each receiving school is
// paired with its strong source school.
const (
	SourceNearest = "nearest" // the nearest strong school, same district first
	SourceRank    = "rank"    // the weakest receiver with the strongest source, and so on
)

var (
	whoValues   = []string{WhoTeachers, WhoPrincipals, WhoBoth}
	directions  = []string{DirStrongToWeak, DirRandom}
	sourceRules = []string{SourceNearest, SourceRank}
)

// RotationSpec is a [[policy]] of kind "rotation": teachers and/or
// principals posted between schools for a number of years, as under
// China's 2014 policy of rotating school leaders and teachers between the
// schools of a county or district (Liu 2021) and the SSP's city-wide
// rotation of subject specialists (Wang & Liu 2025). The selected schools
// receive staff; each posting is a swap with a source school, so that
// every school keeps its staff numbers and subject mix.
type RotationSpec struct {
	Common
	// Who is "teachers", "principals" or "both". Default "teachers".
	Who string `toml:"who"`
	// Direction is "strong-to-weak" (sources are strong schools, which send
	// their most effective teacher of each subject: the SSP's subject
	// specialists, Wang & Liu 2025) or "random" (the source is any other
	// school, drawn each year, and the teachers are drawn at random).
	// Default "strong-to-weak".
	Direction string `toml:"direction"`
	// SourceRule pairs each receiving school with its strong source for
	// direction strong-to-weak: "nearest" (the nearest strong school of the
	// same district, else the nearest anywhere) or "rank" (receivers by
	// rising reputation with sources by falling reputation, city-wide, in
	// turn). Default "nearest": rotation is within a county or district
	// (Liu 2021).
	SourceRule string `toml:"source_rule"`
	// Share is the share, in [0,1], of a receiving school's teachers newly
	// posted to it each year: round(share × teachers), at least 1 when
	// share > 0, spread over the subjects in turn. Default 0.1: assumption.
	Share float64 `toml:"share"`
	// PostingYears is the length of a posting in years, at least 1; a
	// posting never outlasts the policy. Default 1: assumption.
	PostingYears int `toml:"posting_years"`
	// ReturnHome, when true, brings every posted teacher and principal back
	// to its home school at the start of the year after its posting ends.
	// When false the move is a transfer: the teacher's Home becomes the new
	// school at once and it is not posted. Default true (Liu 2021: rotation
	// postings are temporary).
	ReturnHome bool `toml:"return_home"`
	// Allowance is the money, in RMB per posted person per year of
	// posting, paid for hardship and transport. Default 20,000 RMB:
	// assumption.
	Allowance float64 `toml:"allowance"`
	// TravelSpeed is the commuting speed, in km/h, that turns the distance
	// between the two schools into travel time. Default 30 km/h:
	// assumption, city traffic.
	TravelSpeed float64 `toml:"travel_speed_kmh"`
	// CommuteDays is the number of days a week, in [0,7], a posted person
	// makes the extra round trip between home and host school. Default 5:
	// assumption, daily commuting.
	CommuteDays float64 `toml:"commute_days"`
	// Volunteers, when true, posts only source teachers who accept the
	// posting (agents.AcceptOffer, with the allowance as extra pay),
	// asked in the order the direction gives (most effective first under
	// strong-to-weak); a subject whose candidates all decline posts
	// nobody. Default false: China's 2014 rotation assigns teachers
	// (Liu 2021).
	Volunteers bool `toml:"volunteers"`
}

func init() {
	register("rotation", func() Spec {
		return &RotationSpec{
			// Every weak school receives: the 2014 rotation is a mandate
			// for all schools of a county or district (Liu 2021).
			Common: Common{Start: 1, End: 0, Select: Selection{Rule: RuleAll, Tier: "weak"}},
			Who:    WhoTeachers, Direction: DirStrongToWeak, SourceRule: SourceNearest,
			Share: 0.1, PostingYears: 1, ReturnHome: true,
			Allowance: 20000, TravelSpeed: 30, CommuteDays: 5,
		}
	})
}

// Validate checks the rotation keys.
func (s *RotationSpec) Validate() error {
	switch {
	case !slices.Contains(whoValues, s.Who):
		return fieldErr("who", "unknown value %q; one of %s", s.Who, strings.Join(whoValues, ", "))
	case !slices.Contains(directions, s.Direction):
		return fieldErr("direction", "unknown direction %q; one of %s", s.Direction, strings.Join(directions, ", "))
	case !slices.Contains(sourceRules, s.SourceRule):
		return fieldErr("source_rule", "unknown rule %q; one of %s", s.SourceRule, strings.Join(sourceRules, ", "))
	}
	return nil
}

// Ranges returns the allowed range of each numeric key.
func (s *RotationSpec) Ranges() ranges.Table { return rotationRanges }

var rotationRanges = withCommon(
	ranges.Range{Key: "share", Min: 0, Max: 1, Unit: "share of teachers per year",
		Low: 0.05, High: 0.2, Evidence: ranges.Assumption,
		Source: "the 2014 national policy (Ministry of Education, Ministry of Finance and Ministry of Human Resources and Social Security, as summarised by Zhao 2014) requires at least 10% of the teachers of urban and high-quality schools to rotate each year, at least a fifth of them backbone teachers; implementation was uneven (Yan & Wang 2018), so the range reaches below the rule; 10% of the strong tier's teachers, swapped into the weak tier, is about 10% of a weak school's"},
	ranges.Range{Key: "posting_years", Min: 1, Max: 100, Unit: "years",
		Low: 1, High: 3, Evidence: ranges.Assumption,
		Source: "local rotation rules summarised by Zhao (2014): teachers typically rotate for two to three years; exchanges between paired schools last two years and attachments at least one"},
	ranges.Range{Key: "allowance", Min: 0, Max: 1e7, Unit: "RMB per person per year"},
	ranges.Range{Key: "travel_speed_kmh", Min: 1, Max: 200, Unit: "km/h"},
	ranges.Range{Key: "commute_days", Min: 0, Max: 7, Unit: "days a week"},
)

// Exclusive: two rotation schemes cannot post staff to the same schools.
func (s *RotationSpec) Exclusive() string { return ExclusiveRotation }

// New returns the policy for one replication.
func (s *RotationSpec) New(index int) sim.Policy {
	return &Rotation{Spec: *s, treatment: treatment{index: index}}
}

// Rotation is the rotation policy of one replication.
type Rotation struct {
	Spec RotationSpec
	treatment
	// sources gives the strong schools a chosen school takes staff from,
	// in order of preference (strong-to-weak only); paired is set once it
	// is made.
	sources *sources
	paired  bool
	// posts are the postings under way, in the order they were made.
	posts []posting
	// transferred marks the schools whose principal has been exchanged for
	// good (ReturnHome false); they take part in no further principal
	// exchange, which would only swap the two back.
	transferred map[int32]bool
}

var (
	_ sim.Policy = (*Rotation)(nil)
	_ sim.Quiet  = (*Rotation)(nil)
)

// Name returns the policy's name.
func (r *Rotation) Name() string { return r.Spec.Label() }

// Act runs one week of the rotation. At the start of each year from the
// policy's first on, postings that ended the year before come home; then,
// while the policy is active, new postings start, and every week the
// postings under way are paid for.
func (r *Rotation) Act(w *sim.World) error {
	c := &r.Spec.Common
	y := w.Clock.Year
	if y < c.Start {
		return nil
	}
	if w.Clock.YearStart() {
		r.posts = endPostings(w, r.posts, y)
	}
	if !c.Active(y) {
		return nil
	}
	chosen := r.selectOnce(w, c)
	if !r.paired {
		if r.Spec.Direction == DirStrongToWeak {
			r.sources = newSources(w, chosen, r.Spec.SourceRule)
		}
		r.paired = true
	}
	if w.Clock.YearStart() {
		r.post(w, chosen, y)
	}
	chargePostings(w, r.posts, y, r.Spec.Allowance, r.Spec.TravelSpeed, r.Spec.CommuteDays)
	return nil
}

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// before its start year, and after the first week of a year once it has
// chosen its sources or has ended; then it only charges the postings'
// allowances and travel.
func (r *Rotation) QuietWeek(_ *sim.World, k sim.Clock) bool {
	c := &r.Spec.Common
	return k.Year < c.Start || !k.YearStart() && (r.paired || !c.Active(k.Year))
}

// post starts this year's postings to each chosen school, in index order.
func (r *Rotation) post(w *sim.World, chosen []int32, y int) {
	sp := &r.Spec
	last := min(y+sp.PostingYears-1, lastYear(&sp.Common, w))
	teachers := sp.Who == WhoTeachers || sp.Who == WhoBoth
	principals := sp.Who == WhoPrincipals || sp.Who == WhoBoth
	best := sp.Direction == DirStrongToWeak
	// busy marks the schools whose principal is on a posting or has been
	// transferred: they take part in no principal exchange.
	var busy []bool
	if principals {
		busy = make([]bool, len(w.Pop.Schools))
		for i := range r.transferred {
			busy[i] = true
		}
		for _, p := range r.posts {
			if p.principal {
				busy[p.a], busy[p.b] = true, true
			}
		}
	}
	for k, a := range chosen {
		var prefs func(yield func(int32) bool)
		if best {
			prefs = func(yield func(int32) bool) { r.sources.each(k, a, yield) }
		} else if n := int32(len(w.Pop.Schools)); n > 1 {
			b := int32(w.Rand.IntN(int(n - 1)))
			if b >= a {
				b++
			}
			prefs = func(yield func(int32) bool) { yield(b) }
		}
		if prefs == nil {
			continue
		}
		if teachers {
			for b := range prefs {
				n := postCount(sp.Share, len(school(w, a).Teachers))
				r.posts = append(r.posts, exchangeTeachers(w, a, b, n, best, y, last, sp.ReturnHome, r.volunteerPay())...)
				break
			}
		}
		if principals {
			r.postPrincipal(w, a, prefs, y, last, busy)
		}
	}
}

// postPrincipal exchanges the principals of receiving school a and of the
// first school of prefs whose principal is free: neither school may be
// busy (its principal on a posting already, or transferred).
func (r *Rotation) postPrincipal(w *sim.World, a int32, prefs func(yield func(int32) bool), y, last int, busy []bool) {
	if busy[a] {
		return
	}
	for b := range prefs {
		if busy[b] {
			continue
		}
		sa, sb := school(w, a), school(w, b)
		r.posts = append(r.posts, posting{a: a, b: b, idA: sa.Principal.ID, idB: sb.Principal.ID,
			principal: true, first: y, last: last, home: r.Spec.ReturnHome})
		busy[a], busy[b] = true, true
		sa.Principal, sb.Principal = sb.Principal, sa.Principal
		if !r.Spec.ReturnHome {
			if r.transferred == nil {
				r.transferred = map[int32]bool{}
			}
			r.transferred[a], r.transferred[b] = true, true
		}
		return
	}
}

// volunteerPay is the extra pay a source teacher weighs when asked to
// volunteer for a posting, or a negative number when postings are
// assigned.
func (r *Rotation) volunteerPay() float64 {
	if r.Spec.Volunteers {
		return r.Spec.Allowance
	}
	return -1
}

// postCount is the number of teachers of a school of n teachers posted
// each year: round(share·n), at least 1 when share > 0.
func postCount(share float64, n int) int {
	if share <= 0 || n == 0 {
		return 0
	}
	return max(1, int(math.Round(share*float64(n))))
}

// lastYear returns the last year the policy acts in.
func lastYear(c *Common, w *sim.World) int {
	if c.End == 0 {
		return w.Years
	}
	return c.End
}

// sources gives each chosen school's strong schools other than itself in
// its order of preference under a source rule, computed when asked: O(S)
// memory, where a list per chosen school would take O(S²).
type sources struct {
	rule string
	// near orders by distance (SourceNearest).
	near *nearFirst
	// byRep are the strong schools by falling reputation and first[k] the
	// position in it of chosen school k's first source (SourceRank).
	byRep []int32
	first []int
}

// newSources returns the sources of the chosen schools under rule.
func newSources(w *sim.World, chosen []int32, rule string) *sources {
	var strong []int32
	for i := range w.Pop.Schools {
		if w.Pop.Schools[i].Tier == agents.Strong {
			strong = append(strong, int32(i))
		}
	}
	src := &sources{rule: rule}
	switch rule {
	case SourceNearest:
		src.near = newNearFirst(w, strong, true)
	case SourceRank:
		// Receivers by rising reputation meet sources by falling
		// reputation, in turn; the other strong schools follow, strongest
		// first.
		rep := func(i int32) float32 { return school(w, i).Reputation }
		src.byRep = slices.Clone(strong)
		slices.SortStableFunc(src.byRep, func(x, y int32) int { return cmp.Compare(rep(y), rep(x)) })
		order := make([]int, len(chosen))
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(rep(chosen[x]), rep(chosen[y])) })
		src.first = make([]int, len(chosen))
		for rank, k := range order {
			if len(src.byRep) > 0 {
				src.first[k] = rank % len(src.byRep)
			}
		}
	}
	return src
}

// each calls yield with chosen school k's (school a's) sources in order,
// until yield returns false.
func (s *sources) each(k int, a int32, yield func(int32) bool) {
	switch s.rule {
	case SourceNearest:
		s.near.each(a, yield)
	case SourceRank:
		if len(s.byRep) == 0 {
			return
		}
		first := s.byRep[s.first[k]]
		if first != a && !yield(first) {
			return
		}
		for _, b := range s.byRep {
			if b != a && b != first && !yield(b) {
				return
			}
		}
	}
}

// A posting is one exchange between receiving school a and source school
// b: of two teachers of the same subject, or of the two principals. idA
// started in a and works in b during the posting; idB the reverse.
type posting struct {
	a, b      int32
	idA, idB  int64
	principal bool
	// first and last are the years of the posting; home says whether the
	// two return at its end.
	first, last int
	home        bool
}

// exchangeTeachers posts up to n teachers of source school b to receiving
// school a for the years first..last, each swapped with a teacher of the
// same subject from a, so that both schools keep their staff numbers and
// subject mix and every class keeps a teacher (School.Teaching is
// untouched). The subjects take turns, from one drawn at random, until n
// are posted or no subject has candidates left. Candidates are the
// teachers not on a posting; b sends its most effective of the subject if
// best, else one at random; a sends one at random. With volunteer ≥ 0 the
// candidates of b are asked in that order and only those who accept a
// posting paying volunteer RMB a year more are sent (agents.AcceptOffer).
// Each swapped teacher's value added becomes what it carries to the other
// school (agents.PortableEffectiveness). A swapped teacher keeps its Home,
// has PostingEnds = last and keeps the change in HomeShift when home is
// true; when home is false it is transferred: Home becomes the new school,
// PostingEnds −1, and its school counts a mover. It returns the postings
// made.
func exchangeTeachers(w *sim.World, a, b int32, n int, best bool, first, last int, home bool, volunteer float64) []posting {
	if n <= 0 || a == b {
		return nil
	}
	sa, sb := school(w, a), school(w, b)
	var give, take [agents.NumSubjects][]int
	for sub := range agents.Subject(agents.NumSubjects) {
		give[sub] = unposted(sb, sub)
		take[sub] = unposted(sa, sub)
		if best {
			eff := func(i int) float32 { return sb.Teachers[i].Effectiveness }
			slices.SortStableFunc(give[sub], func(x, y int) int { return cmp.Compare(eff(y), eff(x)) })
		} else {
			shuffle(w, give[sub])
		}
		shuffle(w, take[sub])
	}
	var out []posting
	var sent [agents.NumSubjects]int
	start := w.Rand.IntN(agents.NumSubjects)
	for len(out) < n {
		progressed := false
		for k := 0; k < agents.NumSubjects && len(out) < n; k++ {
			sub := (start + k) % agents.NumSubjects
			if volunteer >= 0 && sent[sub] < len(take[sub]) {
				// Ask b's candidates in turn until one accepts.
				for sent[sub] < len(give[sub]) && !agents.AcceptOffer(sb, sa, volunteer, w.Par, w.Rand) {
					give[sub] = slices.Delete(give[sub], sent[sub], sent[sub]+1)
				}
			}
			j := sent[sub]
			if j >= len(give[sub]) || j >= len(take[sub]) {
				continue
			}
			sent[sub]++
			i, g := take[sub][j], give[sub][j]
			out = append(out, posting{a: a, b: b, idA: sa.Teachers[i].ID, idB: sb.Teachers[g].ID,
				first: first, last: last, home: home})
			swapTeachers(sa, i, sb, g)
			in, away := &sa.Teachers[i], &sb.Teachers[g]
			inShift := agents.PortableEffectiveness(in, sb, sa, w.Ref, w.Par, w.Rand)
			awayShift := agents.PortableEffectiveness(away, sa, sb, w.Ref, w.Par, w.Rand)
			if home {
				in.PostingEnds, away.PostingEnds = int32(last), int32(last)
				in.HomeShift, away.HomeShift = inShift, awayShift
			} else {
				in.PostingEnds, away.PostingEnds = -1, -1
				in.Home, away.Home = a, b
				sa.Movers++
				sb.Movers++
			}
			progressed = true
		}
		if !progressed {
			break
		}
	}
	return out
}

// unposted returns the slots of school s's teachers of subject sub who are
// not on a posting, in slot order.
func unposted(s *agents.School, sub agents.Subject) []int {
	var out []int
	for i := range s.Teachers {
		if t := &s.Teachers[i]; t.Subject == sub && t.PostingEnds < 0 {
			out = append(out, i)
		}
	}
	return out
}

// shuffle permutes x with the policy stream.
func shuffle[T any](w *sim.World, x []T) {
	w.Rand.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
}

// swapTeachers exchanges the teacher in slot i of school a with the one in
// slot j of school b. The slots, and so School.Teaching, stay valid as long
// as the two teach the same subject.
func swapTeachers(a *agents.School, i int, b *agents.School, j int) {
	if a.Teachers[i].Subject != b.Teachers[j].Subject {
		panic("policy: swap of teachers of different subjects")
	}
	a.Teachers[i], b.Teachers[j] = b.Teachers[j], a.Teachers[i]
}

// findTeacher returns the slot of teacher id in school s, or -1.
func findTeacher(s *agents.School, id int64) int {
	for i := range s.Teachers {
		if s.Teachers[i].ID == id {
			return i
		}
	}
	return -1
}

// endPostings ends the postings whose last year is before year y and
// returns the rest. A posting with home set is undone: the two teachers,
// found by ID where they were posted, swap back and are no longer posted;
// if only one is still there it stays and becomes staff of that school.
// Two principals swap back if at least one of them is still in post there
// (a successor appointed in the other's place moves with the swap).
func endPostings(w *sim.World, posts []posting, y int) []posting {
	kept := posts[:0]
	for _, p := range posts {
		if p.last >= y {
			kept = append(kept, p)
			continue
		}
		if p.home {
			returnHome(w, p)
		}
	}
	clear(posts[len(kept):])
	return kept
}

// returnHome undoes posting p.
func returnHome(w *sim.World, p posting) {
	sa, sb := school(w, p.a), school(w, p.b)
	if p.principal {
		if sa.Principal.ID == p.idB || sb.Principal.ID == p.idA {
			sa.Principal, sb.Principal = sb.Principal, sa.Principal
		}
		return
	}
	i, j := findTeacher(sa, p.idB), findTeacher(sb, p.idA)
	switch {
	case i >= 0 && j >= 0:
		swapTeachers(sa, i, sb, j)
		comeHome(&sa.Teachers[i])
		comeHome(&sb.Teachers[j])
	case i >= 0:
		stay(&sa.Teachers[i], p.a)
		sb.Movers++
	case j >= 0:
		stay(&sb.Teachers[j], p.b)
		sa.Movers++
	}
}

// comeHome ends teacher t's posting at its home school: the value added
// it had there comes back (HomeShift is taken back).
func comeHome(t *agents.Teacher) {
	t.Effectiveness -= t.HomeShift
	t.PostingEnds, t.HomeShift = -1, 0
}

// stay ends teacher t's posting by making it staff of school i, where it
// keeps the value added it has there.
func stay(t *agents.Teacher, i int32) {
	t.PostingEnds, t.HomeShift, t.Home = -1, 0, i
}

// chargePostings charges this week's cost of the postings under way in
// year y to their receiving schools: each posting moves two people, and
// each is paid allowance/W and commutes days × 2d/speed hours a week, d
// being the distance between the two schools.
func chargePostings(w *sim.World, posts []posting, y int, allowance, speed, days float64) {
	wk := weeksPerYear(w)
	for _, p := range posts {
		if y < p.first || y > p.last {
			continue
		}
		sa := school(w, p.a)
		sa.Cost.Money += 2 * allowance / wk
		sa.Cost.TravelHours += 2 * days * 2 * distance(sa, school(w, p.b)) / speed
	}
}
