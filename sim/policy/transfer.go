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

// Where a transfer incentive's candidates teach.
const (
	SourceOther  = "other"  // any school the policy does not select
	SourceStrong = "strong" // strong-tier schools only
)

var transferSources = []string{SourceOther, SourceStrong}

// TransferSpec is a [[policy]] of kind "transfer-incentive": the most
// effective teachers of other schools are offered extra pay to move, for
// good, to vacancies in the selected (receiving) schools and to stay there
// for a number of years, as in the Talent Transfer Initiative (Glazerman,
// Protik, Teh, Bruch & Max 2013): the top 20% of a district's teachers by
// value added were offered $20,000 over two years to transfer to its
// lowest-achieving schools. Each teacher decides with agents.AcceptOffer,
// so take-up is low and selective; a mover carries only the portable part
// of its value added (agents.PortableEffectiveness).
type TransferSpec struct {
	Common
	// Amount is the extra pay, in RMB per mover per year of the
	// commitment. Default 22,000 RMB: the TTI's $10,000 a year was about a
	// fifth of a US teacher's pay; a fifth of the model's teacher_salary.
	Amount float64 `toml:"amount"`
	// CommitYears is the number of years a mover commits to the receiving
	// school, is paid, and neither leaves nor moves on. Default 2 (TTI).
	CommitYears int `toml:"commit_years"`
	// Posts is the most vacancies each receiving school offers in a year;
	// a vacancy is a slot its latest new hire fills. Default 1: the TTI
	// filled 90 vacancies in 86 schools.
	Posts int `toml:"posts"`
	// EligibleShare is the share of each subject's teachers, ranked by
	// effectiveness over all schools, who are offered the move if they
	// teach in a source school. Default 0.2: the TTI's top 20%.
	EligibleShare float64 `toml:"eligible_share"`
	// Source is "other" (any school the policy does not select, as in the
	// TTI) or "strong" (strong-tier schools only). Default "other".
	Source string `toml:"source"`
}

func init() {
	register("transfer-incentive", func() Spec {
		return &TransferSpec{
			// The weakest fifth of the schools by reputation: the TTI's
			// lowest-achieving schools.
			Common: Common{Start: 1, End: 0, Select: Selection{Rule: RuleRank, Tier: "any", Share: 0.2}},
			Amount: 22000, CommitYears: 2, Posts: 1, EligibleShare: 0.2, Source: SourceOther,
		}
	})
}

// Validate checks the transfer-incentive keys.
func (s *TransferSpec) Validate() error {
	if !slices.Contains(transferSources, s.Source) {
		return fieldErr("source", "unknown source %q; one of %s", s.Source, strings.Join(transferSources, ", "))
	}
	return nil
}

// Ranges returns the allowed range of each numeric key.
func (s *TransferSpec) Ranges() ranges.Table { return transferRanges }

var transferRanges = withCommon(
	ranges.Range{Key: "amount", Min: 0, Max: 1e7, Unit: "RMB per mover per year"},
	ranges.Range{Key: "commit_years", Min: 1, Max: 100, Unit: "years"},
	ranges.Range{Key: "posts", Min: 0, Max: 1000, Unit: "vacancies per receiving school per year"},
	ranges.Range{Key: "eligible_share", Min: 0, Max: 1, Unit: "share of each subject's teachers"},
)

// Exclusive: a transfer incentive stacks with every other policy.
func (s *TransferSpec) Exclusive() string { return "" }

// New returns the policy for one replication.
func (s *TransferSpec) New(index int) sim.Policy {
	return &Transfer{Spec: *s, treatment: treatment{index: index}}
}

// Transfer is the transfer-incentive policy of one replication.
type Transfer struct {
	Spec TransferSpec
	treatment
	// Offers are every offer made, in the order made: who was offered
	// which post, and whether the teacher accepted and moved.
	Offers []Offer
	// commits are the movers' commitments under way.
	commits []commitment
}

// An Offer is one eligible teacher's offer in one year: the post it
// valued most, and what it did.
type Offer struct {
	Year     int
	Teacher  int64
	From, To int32   // the teacher's school; the school of the post it valued most, or of the post it got
	Distance float64 // km between the two
	Accepted bool    // the teacher accepted (take-up)
	Moved    bool    // and was given a post
}

// A commitment is a mover's promise to stay at school until year last.
type commitment struct {
	teacher int64
	school  int32
	last    int
}

var (
	_ sim.Policy = (*Transfer)(nil)
	_ sim.Quiet  = (*Transfer)(nil)
)

// Name returns the policy's name.
func (p *Transfer) Name() string { return p.Spec.Label() }

// TakeUp returns the share of offers accepted, over the policy's life (0
// before any offer).
func (p *Transfer) TakeUp() float64 {
	n := 0
	for _, o := range p.Offers {
		if o.Accepted {
			n++
		}
	}
	return float64(n) / float64(max(1, len(p.Offers)))
}

// Act runs one week of the incentive. At the start of each year from the
// policy's first on, commitments that ended the year before are released
// (the movers may leave or move on again); while the policy is active the
// year's offers are made. Every week the commitments under way are paid.
func (p *Transfer) Act(w *sim.World) error {
	c := &p.Spec.Common
	y := w.Clock.Year
	if y < c.Start {
		return nil
	}
	if w.Clock.YearStart() {
		p.release(w, y)
		if c.Active(y) {
			p.offer(w, p.selectOnce(w, c), y)
		}
	}
	for _, m := range p.commits {
		school(w, m.school).Cost.Money += p.Spec.Amount / weeksPerYear(w)
	}
	return nil
}

// QuietWeek reports whether the policy is quiet in week k (sim.Quiet):
// before its start year, and after the first week of a year, when it
// only pays the commitments' bonuses.
func (p *Transfer) QuietWeek(_ *sim.World, k sim.Clock) bool {
	return k.Year < p.Spec.Start || !k.YearStart()
}

// release ends the commitments whose last year is before y.
func (p *Transfer) release(w *sim.World, y int) {
	kept := p.commits[:0]
	for _, m := range p.commits {
		if m.last >= y {
			kept = append(kept, m)
			continue
		}
		s := school(w, m.school)
		if k := findTeacher(s, m.teacher); k >= 0 {
			s.Teachers[k].PostingEnds = -1
		}
	}
	p.commits = kept
}

// A post is a vacancy a receiving school offers.
type post struct {
	school int32
	slot   int
	filled bool
}

// offer makes year y's offers. Each receiving school, in index order,
// offers up to Posts vacancies, the subjects taking turns from one drawn
// at random. The eligible teachers are those of a source school, not on
// a posting or commitment and with a year's experience or more, whose
// effectiveness is among the top EligibleShare of their subject over all
// schools. Each, in school and slot order, values the posts of its subject
// (agents.TransferUtility with Amount as extra pay) and accepts the one it
// values most with agents.AcceptOffer. The applicants then take posts, the
// most effective first (the receiving principals choose), each its best
// post still open; agents.Move makes the transfer and the mover commits
// for CommitYears.
func (p *Transfer) offer(w *sim.World, chosen []int32, y int) {
	sp := &p.Spec
	receiving := make(map[int32]bool, len(chosen))
	var posts [agents.NumSubjects][]post
	for _, a := range chosen {
		receiving[a] = true
		s := school(w, a)
		var open [agents.NumSubjects][]int
		for k := range s.Teachers {
			if t := &s.Teachers[k]; t.Experience == 0 && t.PostingEnds < 0 {
				open[t.Subject] = append(open[t.Subject], k)
			}
		}
		start := w.Rand.IntN(agents.NumSubjects)
		for n, k := 0, 0; n < sp.Posts && k < sp.Posts*agents.NumSubjects; k++ {
			sub := (start + k) % agents.NumSubjects
			if len(open[sub]) > 0 {
				posts[sub] = append(posts[sub], post{school: a, slot: open[sub][0]})
				open[sub] = open[sub][1:]
				n++
			}
		}
	}
	cut := p.thresholds(w)
	type applicant struct {
		school int32
		slot   int
		offer  int // index into p.Offers
	}
	var apps [agents.NumSubjects][]applicant
	for i := range w.Pop.Schools {
		s := &w.Pop.Schools[i]
		if receiving[s.Index] || (sp.Source == SourceStrong && s.Tier != agents.Strong) {
			continue
		}
		for k := range s.Teachers {
			t := &s.Teachers[k]
			ps := posts[t.Subject]
			if len(ps) == 0 || t.Experience < 1 || t.PostingEnds >= 0 || t.Effectiveness < cut[t.Subject] {
				continue
			}
			best := bestPost(w, s, ps, sp.Amount)
			to := school(w, ps[best].school)
			o := Offer{Year: y, Teacher: t.ID, From: s.Index, To: to.Index, Distance: distance(s, to),
				Accepted: agents.AcceptOffer(s, to, sp.Amount, w.Par, w.Rand)}
			p.Offers = append(p.Offers, o)
			if o.Accepted {
				apps[t.Subject] = append(apps[t.Subject], applicant{s.Index, k, len(p.Offers) - 1})
			}
		}
	}
	env := &agents.Env{Par: w.Par, Ref: w.Ref, WeeksPerYear: w.Clock.WeeksPerYear, Year: y}
	for sub := range apps {
		eff := func(a applicant) float32 { return school(w, a.school).Teachers[a.slot].Effectiveness }
		slices.SortStableFunc(apps[sub], func(a, b applicant) int { return cmp.Compare(eff(b), eff(a)) })
		for _, a := range apps[sub] {
			from := school(w, a.school)
			j := bestPost(w, from, posts[sub], sp.Amount)
			if j < 0 {
				break // every post of the subject is filled
			}
			ps := &posts[sub][j]
			ps.filled = true
			to := school(w, ps.school)
			id := from.Teachers[a.slot].ID
			agents.Move(from, a.slot, to, ps.slot, env, w.Rand)
			to.Teachers[ps.slot].PostingEnds = int32(y + sp.CommitYears - 1)
			p.commits = append(p.commits, commitment{teacher: id, school: to.Index, last: y + sp.CommitYears - 1})
			o := &p.Offers[a.offer]
			o.Moved, o.To, o.Distance = true, to.Index, distance(from, to)
		}
	}
}

// bestPost returns the index of the open post that a teacher of school s
// values most (agents.TransferUtility with extra pay amount; ties to the
// first), or −1 when every post is filled.
func bestPost(w *sim.World, s *agents.School, ps []post, amount float64) int {
	best, value := -1, math.Inf(-1)
	for j := range ps {
		if ps[j].filled {
			continue
		}
		if v := agents.TransferUtility(s, school(w, ps[j].school), amount, w.Par); v > value {
			best, value = j, v
		}
	}
	return best
}

// thresholds returns, per subject, the effectiveness of the last teacher
// in the top EligibleShare of the subject's teachers with a year's
// experience or more, over all schools: round(share × n) teachers, at
// least one when the share is positive; +Inf when none is eligible.
func (p *Transfer) thresholds(w *sim.World) [agents.NumSubjects]float32 {
	var effs [agents.NumSubjects][]float32
	for i := range w.Pop.Schools {
		for _, t := range w.Pop.Schools[i].Teachers {
			if t.Experience >= 1 {
				effs[t.Subject] = append(effs[t.Subject], t.Effectiveness)
			}
		}
	}
	var cut [agents.NumSubjects]float32
	for sub, e := range effs {
		n := postCount(p.Spec.EligibleShare, len(e))
		if n == 0 {
			cut[sub] = float32(math.Inf(1))
			continue
		}
		slices.SortFunc(e, func(a, b float32) int { return cmp.Compare(b, a) })
		cut[sub] = e[n-1]
	}
	return cut
}
