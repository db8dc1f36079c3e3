package policy

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

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

	// Families and places (ChoiceUtility, the admission round). Each key
	// below switches its mechanism off at 0 (false), and with all of them
	// off every family weighs schools alike, considers every school it may
	// attend, chooses, pays nothing and has no exit, and every place goes
	// to whoever comes first: the choice before these keys existed. The
	// sources are in choiceRanges and docs/SCENARIOS.md.

	// SESReputation is the rise, per SD of a family's SES, of its weight
	// on reputation: ReputationWeight·max(0, 1 + SESReputation·SES).
	// Default 0.25.
	SESReputation float64 `toml:"ses_reputation"`
	// SESDistance is the fall, per SD of SES, of a family's weight on
	// distance: DistanceWeight·max(0, 1 − SESDistance·SES). Default 0.15.
	SESDistance float64 `toml:"ses_distance"`
	// Consider is the number of schools, the nearest it may attend, that a
	// choosing family of SES 0 weighs, and ConsiderSES the rise of its log
	// per SD of SES: round(Consider·exp(ConsiderSES·SES)), at least 1.
	// Consider 0 means every school it may attend. Defaults 4 and 0.3.
	Consider    float64 `toml:"consider"`
	ConsiderSES float64 `toml:"consider_ses"`
	// DefaultShare is the share of families of SES 0 who do not choose
	// and take the nearest school they may attend, ahead of those who
	// choose; DefaultSES is the fall of its log-odds per SD of SES:
	// odds = DefaultShare/(1 − DefaultShare)·exp(−DefaultSES·SES).
	// Defaults 0.5 and 0.5.
	DefaultShare float64 `toml:"default_share"`
	DefaultSES   float64 `toml:"default_ses"`
	// PeerWeight is the utility of one SD of the mean SES of an option's
	// students (peer composition). Default 0.5.
	PeerWeight float64 `toml:"peer_weight"`
	// ResidentPriority keeps at each selected school a place for every
	// child of its catchment who may attend it, until that child has
	// chosen: choice on top of a guaranteed local place, as under China's
	// rule of enrolment near home. Default true.
	ResidentPriority bool `toml:"resident_priority"`
	// ChoiceFee is the yearly fee, in RMB, for a place at a school other
	// than the child's catchment school (a school-selection fee,
	// zexiaofei). Default 0. The fee income is not modelled.
	ChoiceFee float64 `toml:"choice_fee"`

	// The exit (private) sector. ExitShare is its places in each district,
	// a share of the district's applicants; default 0, none. Children who
	// take a place leave the simulated schools (School.Exited counts them).
	ExitShare float64 `toml:"exit_share"`
	// ExitFee is its yearly fee in RMB; default 20,000.
	ExitFee float64 `toml:"exit_fee"`
	// ExitQuality is the reputation, in SD, families see in it; default
	// 0.7, a strong school's intake.
	ExitQuality float64 `toml:"exit_quality"`
	// FeeWeight is the utility of 10,000 RMB a year to a family of SES 0,
	// and FeeSES the fall of its log per SD of SES (income): a fee of F
	// RMB a year costs FeeWeight·(F/10,000)·exp(−FeeSES·SES). Defaults 1
	// and 0.5.
	FeeWeight float64 `toml:"fee_weight"`
	FeeSES    float64 `toml:"fee_ses"`
}

// feeUnit is the sum of money FeeWeight prices, in RMB a year.
const feeUnit = 10000

func init() {
	register("school-choice", func() Spec {
		return &ChoiceSpec{
			Common:           Common{Start: 1, Select: Selection{Rule: RuleAll, Tier: "any"}},
			ReputationWeight: 1, DistanceWeight: 0.3,
			Hukou: HukouDistrict, Admission: AdmitScore,
			ResidenceSD: 2, CommuteSpeed: 15,
			SESReputation: 0.25, SESDistance: 0.15, Consider: 4, ConsiderSES: 0.3,
			DefaultShare: 0.5, DefaultSES: 0.5, PeerWeight: 0.5, ResidentPriority: true,
			ExitShare: 0, ExitFee: 20000, ExitQuality: 0.7, FeeWeight: 1, FeeSES: 0.5,
		}
	})
}

// Validate checks the school-choice keys.
func (s *ChoiceSpec) Validate() error {
	switch {
	case !slices.Contains(hukouRules, s.Hukou):
		return fieldErr("hukou", "unknown rule %q; one of %s", s.Hukou, strings.Join(hukouRules, ", "))
	case !slices.Contains(admissions, s.Admission):
		return fieldErr("admission", "unknown admission %q; one of %s", s.Admission, strings.Join(admissions, ", "))
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
	ranges.Range{Key: "ses_reputation", Min: 0, Max: 5, Unit: "rise of the reputation weight per SD of SES",
		Low: 0.1, High: 0.5, Evidence: ranges.Assumption,
		Source: "direction: Hastings, Kane & Staiger (2005, 2009), the weight on a school's mean test score rises with income and own ability; Burgess, Greaves, Vignoles & Wilson (2015), more advantaged parents weigh academic performance more, though most of the SES gap in choices comes from the schools within reach. Size assumed: at 0.25 a family at the 90th SES percentile weighs reputation about 1.8 times one at the 10th"},
	ranges.Range{Key: "ses_distance", Min: 0, Max: 5, Unit: "fall of the distance weight per SD of SES",
		Low: 0, High: 0.3, Evidence: ranges.Assumption,
		Source: "direction: Hastings, Kane & Staiger (2005), preferences for academics and for proximity are strongly negatively correlated, and income raises the first. Size assumed: at 0.15 the 90th SES percentile minds distance about 30% less than the 10th"},
	ranges.Range{Key: "consider", Min: 0, Max: 1000, Unit: "schools a family of SES 0 considers (0: all)",
		Low: 2, High: 6, Evidence: ranges.Assumption,
		Source: "families weigh a handful of nearby schools: Hastings, Kane & Staiger (2005) model parents' top three choices and find proximity highly valued; English parents may name three to six preferences and mostly name nearby schools (Burgess et al. 2015). Assumed: 4"},
	ranges.Range{Key: "consider_ses", Min: 0, Max: 5, Unit: "rise of log(schools considered) per SD of SES",
		Low: 0, High: 0.5, Evidence: ranges.Assumption,
		Source: "better-off, better-informed families consider more and farther schools (Hastings & Weinstein 2008; Burgess et al. 2015: the quality of accessible schools explains most of the SES gap in choices). Assumed: at 0.3, 3 schools at SES −1 and 5 at SES +1"},
	ranges.Range{Key: "default_share", Min: 0, Max: 1, Unit: "share of families of SES 0 who take the nearest school",
		Low: 0.25, High: 0.75, Evidence: ranges.Assumption,
		Source: "Hastings & Weinstein (2008): low-income families given a sheet of school test scores chose schools other than their guaranteed neighbourhood school more often, and higher-scoring ones, so many had defaulted to it; Hastings, Kane & Staiger (2005): parents value proximity highly; nearly three-quarters of US children attend their assigned school (NCES, reported by Brookings 2016). Size assumed: half the families of average SES do not choose"},
	ranges.Range{Key: "default_ses", Min: 0, Max: 5, Unit: "fall of the log-odds of not choosing per SD of SES",
		Low: 0.25, High: 1, Evidence: ranges.Assumption,
		Source: "Hastings & Weinstein (2008), Hastings, Kane & Staiger (2005): lower-income families choose less often and with less information. Size assumed: at 0.5 the share not choosing is 62% at SES −1 and 38% at SES +1"},
	ranges.Range{Key: "peer_weight", Min: 0, Max: 20, Unit: "utility per SD of a school's mean student SES",
		Low: 0, High: 1, Evidence: ranges.Assumption,
		Source: "Burgess et al. (2015): parents value a school's socio-economic composition (fewer poor children) besides its results and distance; Hastings, Kane & Staiger (2005): composition (racial match) matters. Size assumed: at 0.5 the strong-weak difference in mean SES (about 1.1 SD) is worth about a third of their difference in reputation"},
	ranges.Range{Key: "exit_share", Min: 0, Max: 1, Unit: "private places per district, share of its applicants",
		Low: 0, High: 0.25, Evidence: ranges.Assumption,
		Source: "off by default: the generated system has no private schools, so an exit sector is a reform of its own. When on: private schools taught about 10% of China's compulsory-education students in 2019 (Ministry of Education, reported by Caixin 2021), and the 2021 policy caps the share at 5% (Beijing: 15% in any district); Chile's 1981 voucher raised private enrolment by 20 points (Hsieh & Urquiola 2006)"},
	ranges.Range{Key: "exit_fee", Min: 0, Max: 1e7, Unit: "RMB/year",
		Low: 10000, High: 50000, Evidence: ranges.Assumption,
		Source: "private junior secondary tuition in Chinese cities; school-selection fees (zexiaofei) of tens of thousands of yuan, about ten times ordinary tuition (China.org.cn 2003)"},
	ranges.Range{Key: "choice_fee", Min: 0, Max: 1e7, Unit: "RMB/year for a place outside the catchment",
		Low: 0, High: 50000, Evidence: ranges.Assumption,
		Source: "off by default. School-selection fees (zexiaofei) for a place at a key school outside the catchment were usually tens of thousands of yuan, about ten times ordinary tuition, the record 120,000 (China.org.cn 2003), when urban incomes were a fifth of 2019's (NBS); banned for compulsory education from 2014"},
	ranges.Range{Key: "exit_quality", Min: -5, Max: 5, Unit: "SD (reputation families see in the private sector)",
		Low: 0, High: 1, Evidence: ranges.Assumption,
		Source: "0.7 is a strong public school's intake; Hsieh & Urquiola (2006): Chile's private schools drew the best public students without raising achievement, so their appeal was largely who attended them"},
	ranges.Range{Key: "fee_weight", Min: 0, Max: 100, Unit: "utility per 10,000 RMB a year at SES 0",
		Low: 0.5, High: 2, Evidence: ranges.Assumption,
		Source: "a fee of 20,000 RMB is about a sixth of a median urban household's disposable income (2019: 42,359 RMB a person, NBS); at 1 it weighs as much as 2 SD of reputation for an average family"},
	ranges.Range{Key: "fee_ses", Min: 0, Max: 5, Unit: "fall of log(fee weight) per SD of SES",
		Low: 0.3, High: 0.8, Evidence: ranges.Assumption,
		Source: "the fee weighs by its share of income: log household income rises about 0.5 per SD of an SES index that correlates about 0.7 with it (assumption)"},
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
	// order they took their places, when Record is set (72 bytes an
	// applicant: 3.6 GB a year at national scale); no output reads them,
	// so a run leaves Record off and keeps none. Tests set it.
	Placements []Placement
	Record     bool
	// extraKm[y][i] is the extra one-way distance, in km, summed over the
	// students admitted to school i in year y's round.
	extraKm [][]float64
	// exits[y][i] counts the children of school i's catchment who left
	// for the exit sector in year y's round (N, SES, SESSq); nil in years
	// without exits.
	exits [][]agents.StudentSums
	// autonomy holds the selected schools' Autonomy before the policy set
	// it; restored marks that the policy has given it back.
	autonomy []float32
	restored bool
	// keep is the number of best-ranked options a round keeps per
	// applicant, at most headLen (0: headLen); tests lower it so that the
	// rankings are made again more often.
	keep int
	// oneSequence makes every round place its applicants in one sequence
	// even where the districts could be placed apart, and apart counts
	// the rounds placed district by district: for tests.
	oneSequence bool
	apart       int
}

// Placement is one applicant of an admission round and where it went.
type Placement struct {
	// Home is the applicant's catchment school and School the school that
	// admitted it (indices into the population), or −1 when the applicant
	// took the exit (Exit).
	Home, School int32
	Migrant      bool
	// Choice is the position of School (or of the exit) in the
	// applicant's ranking (0 = first choice), or -1 when the applicant was
	// placed by the fallback.
	Choice int
	// Distance and HomeDistance are the km from the applicant's home to
	// School (0 for an exit) and to its catchment school.
	Distance, HomeDistance float64
	// HomeChoice is the position of the catchment school in the
	// applicant's ranking, or -1 when it was not ranked.
	HomeChoice int
	// SES is the applicant's socio-economic status and Mean its mean
	// latent achievement; Exit marks an applicant who left for the exit
	// (private) sector and Passive one whose family did not choose.
	SES, Mean     float64
	Exit, Passive bool
}

// record keeps applicant a's placement, the j-th in the order of
// choosing, when the policy records them (Record): at school (−1: the
// exit), its option of rank pos, km from home and homeKm from its
// catchment school (positions of chosen).
func (c *Choice) record(j int, a *applicant, chosen []int32, school int32, pos int, km, homeKm float64) {
	if !c.Record {
		return
	}
	c.Placements[j] = Placement{Home: chosen[a.home], School: school, Migrant: a.st.Migrant,
		Choice: pos, Distance: km, HomeDistance: homeKm, HomeChoice: int(a.homeRank),
		SES: float64(a.st.SES), Mean: a.st.MeanAchievement(), Exit: school < 0, Passive: a.passive}
}

// districtsApart returns the positions in the order of choosing of each
// district's applicants, in that order, when the districts' placements
// can run apart, or nil. They can when every applicant chooses in its own
// district (the district rule: cross_district off) and every district
// has at least as many places as applicants (applicantsD): then an
// applicant who finds its whole ranking full always finds a place not
// kept in its district (the places there, less those taken and those
// kept for applicants still to come, outnumber the applicants still to
// come), so no placement reads or changes another district's places, and
// each district's applicants, placed in their order, are placed as in
// the one sequence.
func (r *round) districtsApart(apps []applicant, order, freeD, applicantsD []int) [][]int {
	if r.c.Spec.CrossDistrict {
		return nil
	}
	byDistrict := make([][]int, len(freeD))
	for d, n := range applicantsD {
		if freeD[d] < n {
			return nil
		}
		byDistrict[d] = make([]int, 0, n)
	}
	for j, ai := range order {
		d := apps[ai].district
		byDistrict[d] = append(byDistrict[d], j)
	}
	return byDistrict
}

var (
	_ sim.Policy = (*Choice)(nil)
	_ sim.Quiet  = (*Choice)(nil)
)

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
	c.countExits(w)
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

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// before its start year, and, once the schools are selected and given
// their autonomy or once it is given back, in every week. Besides the
// commutes and exits it charges and counts, its admission round in a
// year's last week reads only what a year's weeks leave as they are
// (reputations, places, positions, intakes, the enrolled students' SES)
// and writes only the intake that SchoolYear enrols at the year's end.
func (c *Choice) QuietWeek(_ *sim.World, k sim.Clock) bool {
	cm := &c.Spec.Common
	switch {
	case k.Year < cm.Start:
		return true
	case !cm.Active(k.Year):
		return !c.holdsAutonomy()
	}
	return c.autonomy != nil
}

// holdsAutonomy reports whether the policy has set the selected schools'
// autonomy and not yet given it back.
func (c *Choice) holdsAutonomy() bool { return c.autonomy != nil && !c.restored }

// restoreAutonomy gives the selected schools back the autonomy they had
// before the policy.
func (c *Choice) restoreAutonomy(w *sim.World) {
	if !c.holdsAutonomy() {
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
	perKm := 2 * commuteDays / c.Spec.CommuteSpeed
	from, to := enrolled(w, len(c.extraKm))
	for a := from; a < to; a++ {
		for i, km := range c.extraKm[a] {
			if km > 0 {
				// float64(x*y) rounds a product before a sum, so that no
				// machine fuses the two into one multiply-add (see fmath).
				w.Pop.Schools[i].Cost.TravelHours += float64(km * perKm)
			}
		}
	}
}

// enrolled returns the rounds [from, to) whose cohorts are at school this
// year, of the n rounds recorded: a cohort admitted in year a's round is
// enrolled in years a+1 … a+grades.
func enrolled(w *sim.World, n int) (from, to int) {
	y := w.Clock.Year
	return max(0, y-w.Pop.Spec.Grades), min(y, n)
}

// countExits sets each selected school's Exited to the children of its
// catchment in the exit sector this year: the exits of the rounds whose
// cohorts are still of school age.
func (c *Choice) countExits(w *sim.World) {
	if len(c.exits) == 0 {
		return
	}
	from, to := enrolled(w, len(c.exits))
	for _, i := range c.chosen {
		var sum agents.StudentSums
		for a := from; a < to; a++ {
			if c.exits[a] != nil {
				sum.Add(&c.exits[a][i])
			}
		}
		school(w, i).Exited = sum
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
	// passive marks a family that does not choose: it takes the nearest
	// school it may attend, before those who choose. reserved marks an
	// applicant whose catchment school keeps a place for it
	// (ResidentPriority).
	passive, reserved bool
	// lot is the applicant's lottery number (admission by lottery).
	lot uint64
	// The applicant's ranking of its options (positions in chosen, and
	// the exit): its first nhead in head, n in all, the catchment school
	// at rank homeRank (−1: not ranked; found only when the round records
	// its placements, Choice.Record). draws is its school's stream as
	// it was before the applicant's taste draws, from which the rest of
	// the ranking is made again if every option in head is full.
	head        [headLen]int32
	nhead       uint8
	n, homeRank int32
	draws       rand.PCG
}

// placeBlock is the number of applicants place copies in the order of
// choosing at a time.
const placeBlock = 1024

// headLen is the number of an applicant's best-ranked options a round
// keeps; passiveHead the number it keeps of a family that does not
// choose, whose ranking (the schools by distance) is found again if
// these are full, which is rare: the nearest is its catchment school,
// where it has a place unless it may not choose a strong school.
const (
	headLen     = 8
	passiveHead = 2
)

// round is what one admission round's schools share while each draws and
// ranks its own applicants on the workers: read-only until the
// placements, which run in one sequence or district by district
// (districtsApart).
type round struct {
	c      *Choice
	w      *sim.World
	chosen []int32
	hasNS  []bool // hasNS[d]: district d has a selected non-strong school
	opts   options
	exitK  int // the exit's position among the options: len(chosen)
	keep   int // options kept per applicant (Choice.keep)
	// inDistrict[d] are the positions of district d's chosen schools;
	// city indexes every chosen school, for applicants who may choose in
	// the whole city (nil when none may); schools indexes every school of
	// the city (residence).
	inDistrict [][]int
	city       *grid
	schools    *grid
	// What the round reads of chosen school k, at hand: x[k], y[k] its
	// location, rep[k] its reputation, districtOf[k] its district and
	// isStrong[k] whether it is strong.
	x, y, rep  []float64
	districtOf []int32
	isStrong   []bool
	// scratch holds one scratch per worker.
	scratch sync.Pool
}

// scratch is a worker's room for ranking one applicant at a time.
type scratch struct {
	km, utility []float64 // by position in chosen (and the exit)
	ranking     []int
	near        nearest
	kmAll       []float64 // a place per school of the city
	home        catchment // the catchment of the school whose applicants are drawn
}

func (r *round) school(k int) *agents.School { return school(r.w, r.chosen[k]) }
func (r *round) strong(k int) bool           { return r.isStrong[k] }
func (r *round) district(k int) int          { return int(r.districtOf[k]) }

// dist is the distance from a's home to chosen school k.
func (r *round) dist(a *applicant, k int) float64 {
	return fmath.Hypot(a.x-r.x[k], a.y-r.y[k])
}

// admit runs one admission round over the chosen schools and sets each
// one's Admitted.
//
// Applicants are every chosen school's planned intake, drawn from its
// catchment (agents.DrawStudent), living at the school's location plus
// N(0, ResidenceSD²) km per axis within its catchment. Each applicant
// ranks the schools it may choose, and the exit if there is one, by
// ChoiceUtility, and applicants, in order of decreasing mean achievement
// (score) or in random order (lottery), take the best-ranked option with
// a free place (serial dictatorship). Each school has
// floor(Capacity / grades) places, and the exit sector of each district
// floor(ExitShare × the district's applicants). Places are reserved for
// residence: an applicant takes a place only if enough free places remain
// in that district (and in its non-strong schools) for the applicants
// still to come who may choose nowhere else. Whenever those applicants
// fit in their allowed schools at the start (as they do under the default
// capacity, which has spare places), this keeps every applicant inside
// its allowed set. An applicant left without a place goes to the nearest
// chosen school with a free place in its home district, or else in the
// city; total places always cover the applicants. Applicants who take the
// exit are admitted nowhere: they leave the simulated schools.
//
// Each school's applicants are drawn and rank their options on the
// workers (World.Each), every school from its own stream for the round
// (sim.Derive of one draw of w.Rand and the school's index): their
// students, homes, whether they choose, lottery numbers and tastes. The
// placements then run in one sequence, since each applicant's place
// depends on the places taken before it, or, where no applicant's place
// depends on another district's, district by district (districtsApart).
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
	applicantsD := make([]int, nd)      // applicants per district
	first := make([]int, len(chosen)+1) // school k's applicants are apps[first[k]:first[k+1]]
	totalFree, planned := 0, 0
	for k, i := range chosen {
		s := school(w, i)
		free[k] = int(s.Capacity) / grades
		first[k] = planned
		planned += int(s.ClassesPerGrade * s.ClassSize)
		applicantsD[s.District] += int(s.ClassesPerGrade * s.ClassSize)
		totalFree += free[k]
		freeD[s.District] += free[k]
		if s.Tier != agents.Strong {
			freeNS[s.District] += free[k]
			hasNS[s.District] = true
		}
	}
	first[len(chosen)] = planned
	if totalFree < planned {
		return fmt.Errorf("policy: school choice has %d places for %d applicants", totalFree, planned)
	}

	r := &round{c: c, w: w, chosen: chosen, hasNS: hasNS, exitK: len(chosen), keep: headLen,
		inDistrict: make([][]int, nd), schools: schoolGrid(w)}
	if c.keep > 0 {
		r.keep = min(c.keep, headLen)
	}
	n := len(chosen)
	r.x, r.y, r.rep = make([]float64, n), make([]float64, n), make([]float64, n)
	r.districtOf, r.isStrong = make([]int32, n), make([]bool, n)
	for k := range chosen {
		s := r.school(k)
		r.x[k], r.y[k], r.rep[k] = float64(s.X), float64(s.Y), float64(s.Reputation)
		r.districtOf[k], r.isStrong[k] = s.District, s.Tier == agents.Strong
		r.inDistrict[s.District] = append(r.inDistrict[s.District], k)
	}
	if sp.CrossDistrict {
		r.city = newGrid(n, func(k int) (float64, float64) { return r.x[k], r.y[k] })
	}
	r.scratch.New = func() any {
		return &scratch{km: make([]float64, len(chosen)), utility: make([]float64, len(chosen)+1),
			kmAll: make([]float64, len(w.Pop.Schools))}
	}
	r.opts = c.options(w, chosen, applicantsD)
	key := w.Rand.Uint64()
	apps := make([]applicant, planned)
	w.Each(len(chosen), func(k int) { r.draw(k, apps[first[k]:first[k+1]], key) })
	c.place(r, apps, free, freeD, freeNS, applicantsD)
	return nil
}

// draw draws chosen school k's applicants into apps from the school's
// stream for the round (key), and ranks each one's options.
func (r *round) draw(k int, apps []applicant, key uint64) {
	sp := &r.c.Spec
	i := r.chosen[k]
	s := school(r.w, i)
	d := int(s.District)
	src := sim.Derive(key, int(i))
	rng := rand.New(src)
	sc := r.scratch.Get().(*scratch)
	defer r.scratch.Put(sc)
	sc.home.set(r.schools, i, sp.ResidenceSD, &sc.near, sc.kmAll)
	for j := range apps {
		a := &apps[j]
		*a = applicant{st: agents.DrawStudent(s, rng), home: k, district: -1}
		a.x, a.y = sc.home.residence(r.schools, rng)
		switch {
		case a.st.Migrant && sp.Hukou == HukouLocalOnly && r.hasNS[d]:
			a.district, a.nonStrong = d, true
		case a.st.Migrant && sp.Hukou != HukouOpen:
			a.district = d
		case !sp.CrossDistrict:
			a.district = d
		}
		a.reserved = sp.ResidentPriority && !(a.nonStrong && s.Tier == agents.Strong)
		if sp.DefaultShare > 0 {
			a.passive = rng.Float64() < sp.passive(float64(a.st.SES))
		}
		if sp.Admission == AdmitLottery {
			a.lot = rng.Uint64()
		}
		a.draws = *src
		a.homeRank = -1
		if a.district < 0 && a.passive {
			// Every chosen school by distance, from the index, as far as
			// the head; the rest is found again if needed (place).
			sc.near.reset(r.city, a.x, a.y, sc.km)
			for p := range min(r.keep, passiveHead) {
				q, ok := sc.near.at(p)
				if !ok {
					break
				}
				a.head[p] = q
				a.nhead++
			}
			a.n = int32(len(r.chosen))
			if r.c.Record {
				a.homeRank = int32(sc.near.index(int32(a.home)))
			}
			continue
		}
		// Only the head is sorted, unless the placements are recorded
		// with the catchment school's rank.
		head := r.keep
		switch {
		case r.c.Record:
			head = 0
		case a.passive:
			head = min(r.keep, passiveHead)
		}
		ranking, n := r.ranking(a, rng, sc, head)
		a.n = int32(n)
		for p, k := range ranking {
			if p < r.keep {
				a.head[p] = int32(k)
				a.nhead++
			}
			if k == a.home {
				a.homeRank = int32(p)
			}
		}
	}
}

// ranking returns applicant a's options in its order of preference
// (positions in chosen, and exitK for the exit), drawing its tastes from
// rng: by ChoiceUtility for a family that chooses, by distance for one
// that does not (in its district; one that may go anywhere is ranked by
// the index in draw and place). Equal utilities keep the order of rank.
// It returns the first head options (all for head = 0) and the number of
// options.
func (r *round) ranking(a *applicant, rng *rand.Rand, sc *scratch, head int) ([]int, int) {
	sp := &r.c.Spec
	ses := float64(a.st.SES)
	ranking, n := r.rank(a, sp.considered(ses), head, sc)
	if a.passive {
		sc.ranking = ranking
		return ranking, n // by distance (rank)
	}
	fam := sp.family(ses)
	var fee float64
	if sp.ChoiceFee > 0 {
		fee = sp.fee(ses, sp.ChoiceFee)
	}
	for _, k := range ranking {
		sc.utility[k] = fam.utility(rng, r.rep[k], sc.km[k], r.opts.peer[k])
		if sp.ChoiceFee > 0 && k != a.home {
			sc.utility[k] -= fee
		}
	}
	if r.opts.exitFree != nil {
		ranking = append(ranking, r.exitK)
		sc.utility[r.exitK] = fam.utility(rng, sp.ExitQuality, 0, r.opts.exitPeer[r.district(a.home)]) - sp.fee(ses, sp.ExitFee)
		n++
	}
	ranking = sortByKey(ranking, sc.utility, true, head)
	sc.ranking = ranking
	return ranking, n
}

// place runs the round's placements: applicants in the order of choosing
// take the best-ranked option with a place the reserves allow, and each
// chosen school's Admitted is set. free, freeD and freeNS are the places
// per chosen school, per district and in each district's non-strong
// schools, and applicantsD the applicants per district.
func (c *Choice) place(r *round, apps []applicant, free, freeD, freeNS, applicantsD []int) {
	sp := &c.Spec
	w, chosen, nd := r.w, r.chosen, len(freeD)
	// The places kept for residents: reserved[k] at chosen school k,
	// reservedD[d] in district d and reservedNS[d] in its non-strong
	// schools. pendD and pendNS count the applicants yet to choose,
	// without a kept place, who may choose only in district d and only
	// its non-strong schools.
	pendD := make([]int, nd)
	pendNS := make([]int, nd)
	reserved := make([]int, len(chosen))
	reservedD := make([]int, nd)
	reservedNS := make([]int, nd)
	for j := range apps {
		a := &apps[j]
		d := r.district(a.home)
		if a.reserved {
			reserved[a.home]++
			reservedD[d]++
			if !r.strong(a.home) {
				reservedNS[d]++
			}
		}
		if a.district >= 0 && !a.reserved {
			pendD[d]++
			if a.nonStrong {
				pendNS[d]++
			}
		}
	}

	// The order of choosing: by decreasing mean achievement or by lottery
	// number, ties in applicant order.
	key := make([]uint64, len(apps))
	passive := make([]bool, len(apps)) // at hand, in applicant order
	for k := range apps {
		passive[k] = apps[k].passive
		switch sp.Admission {
		case AdmitScore:
			key[k] = ^floatOrder(apps[k].st.MeanAchievement())
		case AdmitLottery:
			key[k] = apps[k].lot
		}
	}
	order := orderBy(key)
	if sp.DefaultShare > 0 {
		// Residents who do not choose go first: their local school's
		// place is theirs.
		order = passiveFirst(order, passive)
	}

	admitted := make([][]agents.Student, len(chosen))
	for k := range chosen {
		s := r.school(k)
		admitted[k] = make([]agents.Student, 0, min(free[k], 2*int(s.ClassesPerGrade*s.ClassSize)))
	}
	extra := make([]float64, len(w.Pop.Schools))
	c.Placements = c.Placements[:0]
	if c.Record {
		c.Placements = slices.Grow(c.Placements, len(apps))[:len(apps)]
	}
	// This round's exit counts by catchment school: kept (exitRound)
	// only if someone takes the exit.
	var exits []agents.StudentSums
	if r.opts.exitFree != nil {
		exits = make([]agents.StudentSums, len(w.Pop.Schools))
	}
	opts, exitK := &r.opts, r.exitK
	// open reports whether chosen school k has a place the reserves
	// allow for an applicant who keeps none there.
	open := func(k int) bool {
		d := r.district(k)
		return free[k]-reserved[k] > 0 && freeD[d]-reservedD[d]-1 >= pendD[d] &&
			(r.strong(k) || freeNS[d]-reservedNS[d]-1 >= pendNS[d])
	}
	// takes reports whether applicant a may take option k now.
	takes := func(a *applicant, k int) bool {
		if k == exitK {
			return opts.exitFree[r.district(a.home)] > 0
		}
		return a.reserved && k == a.home || open(k)
	}
	// placeAll places the applicants at positions js of the order of
	// choosing, in turn; within is true when they all choose in one
	// district, whose places no other district's applicants take.
	placeAll := func(js []int, within bool) {
		sc := r.scratch.Get().(*scratch)
		defer r.scratch.Put(sc)
		// The order of choosing reads the applicants far apart in apps,
		// each a cache miss. They are copied in that order a block at a
		// time first: the copies' misses overlap, where the placements'
		// would not.
		block := make([]applicant, min(len(js), placeBlock))
		for n, j := range js {
			if n%placeBlock == 0 {
				for b := range block[:min(placeBlock, len(js)-n)] {
					block[b] = apps[order[js[n+b]]]
				}
			}
			a := &block[n%placeBlock]
			if a.district >= 0 && !a.reserved {
				pendD[a.district]--
				if a.nonStrong {
					pendNS[a.district]--
				}
			}
			// The applicant's own place at home, if kept, is now its to take.
			if a.reserved {
				reserved[a.home]--
				reservedD[r.district(a.home)]--
				if !r.strong(a.home) {
					reservedNS[r.district(a.home)]--
				}
			}
			// The best-ranked option with a place the reserves allow: in the
			// head, or else in the rest of the ranking, made again.
			got, pos := -1, -1
			for p, k := range a.head[:a.nhead] {
				if takes(a, int(k)) {
					got, pos = int(k), p
					break
				}
			}
			if got < 0 && a.n > int32(a.nhead) {
				got, pos = r.rest(a, sc, takes)
			}
			ses := float64(a.st.SES)
			home := r.district(a.home)
			homeKm := r.dist(a, a.home)
			if got == exitK {
				opts.exitFree[home]--
				e := &exits[chosen[a.home]]
				e.N++
				e.SES += ses
				e.SESSq += float64(ses * ses)
				c.record(j, a, chosen, -1, pos, 0, homeKm)
				continue
			}
			if got < 0 {
				// The nearest school with a place not kept: in the
				// district, which always has one when the districts
				// are placed apart (districtsApart), or else anywhere.
				open := make([]int, len(free))
				for _, k := range r.inDistrict[home] {
					open[k] = free[k] - reserved[k]
				}
				if got = r.nearestFree(a, open, home); got < 0 && !within {
					for k := range free {
						open[k] = free[k] - reserved[k]
					}
					got = r.nearestFree(a, open, -1)
				}
			}
			d := r.district(got)
			free[got]--
			freeD[d]--
			if !r.strong(got) {
				freeNS[d]--
			}
			admitted[got] = append(admitted[got], a.st)
			km := r.dist(a, got)
			extra[chosen[got]] += max(0, km-homeKm)
			c.record(j, a, chosen, chosen[got], pos, km, homeKm)
		}
	}
	if byDistrict := r.districtsApart(apps, order, freeD, applicantsD); byDistrict != nil && !c.oneSequence {
		c.apart++
		w.Each(nd, func(d int) { placeAll(byDistrict[d], true) })
	} else {
		all := make([]int, len(order))
		for j := range all {
			all[j] = j
		}
		placeAll(all, false)
	}
	for k, i := range chosen {
		school(w, i).Admitted = admitted[k]
	}
	if slices.ContainsFunc(exits, func(e agents.StudentSums) bool { return e.N > 0 }) {
		round := c.exitRound(w)
		for i := range exits {
			round[i].Add(&exits[i])
		}
	}
	y := w.Clock.Year
	if len(c.extraKm) <= y {
		c.extraKm = append(c.extraKm, make([][]float64, y+1-len(c.extraKm))...)
	}
	c.extraKm[y] = extra
}

// rest returns the first option, and its rank, past the head of a's
// ranking that takes allows, or −1, −1: the ranking made again, from the
// applicant's own draws (its school's stream as it was before them), so
// the same as draw made.
func (r *round) rest(a *applicant, sc *scratch, takes func(*applicant, int) bool) (int, int) {
	if a.district < 0 && a.passive {
		sc.near.reset(r.city, a.x, a.y, sc.km)
		for p := int(a.nhead); ; p++ {
			k, ok := sc.near.at(p)
			if !ok {
				return -1, -1
			}
			if takes(a, int(k)) {
				return int(k), p
			}
		}
	}
	src := a.draws
	ranking, _ := r.ranking(a, rand.New(&src), sc, 0)
	for p := int(a.nhead); p < len(ranking); p++ {
		if takes(a, ranking[p]) {
			return ranking[p], p
		}
	}
	return -1, -1
}

// rank returns the chosen schools (positions) applicant a ranks, before
// their utilities order them, and their number: the allowed schools, in
// position order, or, for a choosing family that considers n of them, the
// n nearest, by distance and then position. Applicants of a district take
// its schools from inDistrict; applicants of the whole city take the
// nearest from the index r.city, or else every chosen school. sc.km
// receives the distances of the schools returned. A district's family
// that does not choose ranks them by distance alone: rank orders them so
// and returns the first head of them (all for head = 0), with the number
// of all.
//
// Schools are put in order of distance by their squared distances, the
// same order but for ties within rounding, and fmath.Hypot is taken only
// of those returned, which for a district's families who choose or not
// is a few of its dozens of schools.
func (r *round) rank(a *applicant, n, head int, sc *scratch) ([]int, int) {
	ranking := sc.ranking[:0]
	if a.district < 0 && !a.passive && n > 0 && n < len(r.chosen) {
		sc.near.reset(r.city, a.x, a.y, sc.km)
		for p := range n {
			k, _ := sc.near.at(p)
			ranking = append(ranking, int(k))
		}
		return ranking, n
	}
	if a.district >= 0 {
		for _, k := range r.inDistrict[a.district] {
			if !(a.nonStrong && r.strong(k)) {
				ranking = append(ranking, k)
			}
		}
	} else {
		for k := range r.chosen {
			ranking = append(ranking, k)
		}
	}
	all := len(ranking)
	for _, k := range ranking {
		dx, dy := a.x-r.x[k], a.y-r.y[k]
		sc.km[k] = float64(dx*dx) + float64(dy*dy)
	}
	switch {
	case a.passive:
		ranking = sortByKey(ranking, sc.km, false, head)
	case n > 0 && n < len(ranking):
		ranking = sortByKey(ranking, sc.km, false, n)
		all = n
	}
	for _, k := range ranking {
		sc.km[k] = r.dist(a, k)
	}
	return ranking, all
}

// sortByKey sorts list stably by key[list[i]], increasing, or decreasing
// with desc, and returns its first n (all for n = 0): what
// slices.SortStableFunc with cmp.Compare of the keys, then [:n], gives
// (NaN least: first when increasing, last when decreasing). A short list
// (an applicant's few options) is sorted by insertion into a sorted
// prefix of at most n, faster than a general sort; a long one (every
// school of a city) by the general sort.
func sortByKey(list []int, key []float64, desc bool, n int) []int {
	if n <= 0 || n > len(list) {
		n = len(list)
	}
	if len(list) > 32 {
		slices.SortStableFunc(list, func(p, q int) int {
			if desc {
				return cmp.Compare(key[q], key[p])
			}
			return cmp.Compare(key[p], key[q])
		})
		return list[:n]
	}
	for i, v := range list {
		j := min(i, n-1) // where v goes if nothing before it is after it
		if i >= n && !keyBefore(key[v], key[list[j]], desc) {
			continue // not among the first n
		}
		for j > 0 && keyBefore(key[v], key[list[j-1]], desc) {
			list[j] = list[j-1]
			j--
		}
		list[j] = v
	}
	return list[:n]
}

// keyBefore reports whether key a sorts before key b: a < b, or a > b
// with desc, as cmp.Compare orders them (NaN least).
func keyBefore(a, b float64, desc bool) bool {
	if desc {
		return cmp.Less(b, a)
	}
	return cmp.Less(a, b)
}

// orderBy returns the indices of key by increasing key, ties by index: a
// stable sort's order. It sorts the pairs of key and index by the key's
// bytes, least significant first (a radix sort): each pass is stable, so
// that ties keep their index order, and a byte that every key shares is
// skipped. A round's hundreds of thousands of applicants sort several
// times faster this way than by comparisons.
func orderBy(key []uint64) []int {
	type pair struct {
		key uint64
		i   int
	}
	if len(key) == 0 {
		return nil
	}
	pairs, next := make([]pair, len(key)), make([]pair, len(key))
	for i, k := range key {
		pairs[i] = pair{k, i}
	}
	for shift := 0; shift < 64; shift += 8 {
		var count [256]int
		for _, p := range pairs {
			count[byte(p.key>>shift)]++
		}
		if count[byte(key[0]>>shift)] == len(key) {
			continue
		}
		start := 0
		for b, c := range count {
			count[b] = start
			start += c
		}
		for _, p := range pairs {
			b := byte(p.key >> shift)
			next[count[b]] = p
			count[b]++
		}
		pairs, next = next, pairs
	}
	order := make([]int, len(key))
	for j, p := range pairs {
		order[j] = p.i
	}
	return order
}

// floatOrder maps x to a key that sorts as cmp.Compare sorts x: NaN
// least, −0 equal to +0, and otherwise by value.
func floatOrder(x float64) uint64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x == 0:
		x = 0 // −0 is +0
	}
	b := math.Float64bits(x)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// passiveFirst returns order with the applicants whose family does not
// choose (passive[k]) first, each group in its order in order.
func passiveFirst(order []int, passive []bool) []int {
	out := make([]int, 0, len(order))
	for _, pass := range []bool{true, false} {
		for _, k := range order {
			if passive[k] == pass {
				out = append(out, k)
			}
		}
	}
	return out
}

// options are what a round's families know of their options besides
// reputation and distance.
type options struct {
	// peer[k] is the mean SES of chosen school k's students (all zero
	// without PeerWeight).
	peer []float64
	// exitFree[d] is the free places of district d's exit sector and
	// exitPeer[d] the mean SES of the district's children now in it; both
	// nil without an exit sector.
	exitFree []int
	exitPeer []float64
}

// options returns the peer composition of the chosen schools (each
// school's sum on the workers) and the exit sector's places and peers for
// a round with applicants[d] applicants in district d.
func (c *Choice) options(w *sim.World, chosen []int32, applicants []int) options {
	sp := &c.Spec
	o := options{peer: make([]float64, len(chosen))}
	if sp.PeerWeight != 0 {
		w.Each(len(chosen), func(k int) {
			s := school(w, chosen[k])
			var sum float64
			for j := range s.Students {
				sum += float64(s.Students[j].SES)
			}
			if len(s.Students) > 0 {
				o.peer[k] = sum / float64(len(s.Students))
			}
		})
	}
	if sp.ExitShare == 0 {
		return o
	}
	nd := w.Pop.Spec.Districts
	in := make([]agents.StudentSums, nd)
	for _, i := range chosen {
		s := school(w, i)
		in[s.District].Add(&s.Exited)
	}
	o.exitFree, o.exitPeer = make([]int, nd), make([]float64, nd)
	for d := range nd {
		o.exitFree[d] = int(sp.ExitShare * float64(applicants[d]))
		o.exitPeer[d] = in[d].Mean(in[d].SES)
	}
	return o
}

// exitRound returns this year's exit counts by catchment school, made on
// first use (a round's first exit).
func (c *Choice) exitRound(w *sim.World) []agents.StudentSums {
	y := w.Clock.Year
	if len(c.exits) <= y {
		c.exits = append(c.exits, make([][]agents.StudentSums, y+1-len(c.exits))...)
	}
	if c.exits[y] == nil {
		c.exits[y] = make([]agents.StudentSums, len(w.Pop.Schools))
	}
	return c.exits[y]
}

// family is what a family of a given SES brings to its choice: its
// weights on reputation, distance and peer composition.
type family struct {
	rep, dist, peer float64
}

// family returns the preferences of a family of SES ses:
//
//	β = ReputationWeight·max(0, 1 + SESReputation·ses)
//	δ = DistanceWeight·max(0, 1 − SESDistance·ses)
//
// With SESReputation and SESDistance 0 every family has ReputationWeight
// and DistanceWeight exactly.
func (sp *ChoiceSpec) family(ses float64) family {
	return family{
		rep:  float64(sp.ReputationWeight * max(0, 1+float64(sp.SESReputation*ses))),
		dist: float64(sp.DistanceWeight * max(0, 1-float64(sp.SESDistance*ses))),
		peer: sp.PeerWeight,
	}
}

// passive returns the chance that a family of SES ses does not choose:
//
//	odds = DefaultShare/(1 − DefaultShare) · exp(−DefaultSES·ses)
//	p = odds / (1 + odds)
func (sp *ChoiceSpec) passive(ses float64) float64 {
	if sp.DefaultShare >= 1 {
		return 1
	}
	odds := float64(float64(sp.DefaultShare/(1-sp.DefaultShare)) * fmath.Exp(float64(-sp.DefaultSES*ses)))
	return odds / (1 + odds)
}

// considered returns the number of schools a choosing family of SES ses
// considers, round(Consider·exp(ConsiderSES·ses)) and at least 1, or 0
// (all) when Consider is 0.
func (sp *ChoiceSpec) considered(ses float64) int {
	if sp.Consider == 0 {
		return 0
	}
	n := float64(sp.Consider*fmath.Exp(float64(sp.ConsiderSES*ses))) + 0.5
	return max(1, int(min(n, 1e6)))
}

// b2i is 1 for true and 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// utility is ChoiceUtility: a family's utility of an option of reputation
// rep, at km from home, whose students' mean SES is peer:
//
//	U = β·rep − δ·km + π·peer + ε,   ε ~ Gumbel(0, 1)
//
// drawing ε from r; the peer term is left out when π = 0, so that with
// every family key 0 the utility is that of the choice before families
// differed.
func (f family) utility(r *rand.Rand, rep, km, peer float64) float64 {
	u := max(r.Float64(), 1e-300)
	v := float64(f.rep*rep) - float64(f.dist*km)
	if f.peer != 0 {
		v += float64(f.peer * peer)
	}
	return v - fmath.Log(-fmath.Log(u))
}

// fee returns the utility cost of a yearly fee of rmb to a family of SES
// ses: FeeWeight·(rmb/10,000)·exp(−FeeSES·ses).
func (sp *ChoiceSpec) fee(ses, rmb float64) float64 {
	// Rounded: a caller subtracts it, and no product may fuse into a sum
	// (see package fmath).
	return float64(float64(sp.FeeWeight*rmb/feeUnit) * fmath.Exp(float64(-sp.FeeSES*ses)))
}

// schoolGrid returns a spatial index of all of w's schools.
func schoolGrid(w *sim.World) *grid {
	return newGrid(len(w.Pop.Schools), func(i int) (float64, float64) {
		s := &w.Pop.Schools[i]
		return float64(s.X), float64(s.Y)
	})
}

// nearestFree returns the position of the chosen school nearest to a
// with a free place (free[k] > 0), in district d (or anywhere for d = −1),
// or −1 if there is none.
func (r *round) nearestFree(a *applicant, free []int, d int) int {
	best, bestKm := -1, math.Inf(1)
	for k := range free {
		if free[k] == 0 || d >= 0 && r.district(k) != d {
			continue
		}
		if km := r.dist(a, k); km < bestKm {
			best, bestKm = k, km
		}
	}
	return best
}
