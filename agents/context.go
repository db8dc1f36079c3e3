package agents

import (
	"math"
	"math/rand/v2"

	"schoolnet/sim/fmath"
)

// Level is a school's level. How much of a teacher's value added moves
// with the teacher to another school differs by level
// (PortableEffectiveness).
type Level uint8

// The levels.
const (
	JuniorSecondary Level = iota // national grades 7–9: the default population
	Primary                      // national grades 1–6
)

var levelNames = [...]string{"junior-secondary", "primary"}

// String returns the level's name.
func (l Level) String() string { return levelNames[l] }

// LevelOf returns the level of a school whose first grade is the national
// grade firstGrade: primary for grades 1–6, junior secondary from grade 7.
func LevelOf(firstGrade int) Level {
	if firstGrade <= 6 {
		return Primary
	}
	return JuniorSecondary
}

// contextShare returns the share of value added that belongs to a school
// of level l (ContextSharePrimary or ContextShareJunior).
func contextShare(l Level, p *Params) float64 {
	if l == Primary {
		return p.ContextSharePrimary
	}
	return p.ContextShareJunior
}

// PortableShare returns the share of a teacher's value added, its
// deviation from the reference mean, that moves with it from school from
// to school to:
//
//	π = max(0, 1 − s_L·(1 + κ·|SES_from − SES_to|))
//
// where s_L is the context share of the receiving school's level
// (ContextShareJunior or ContextSharePrimary), κ ContextMismatch and SES
// the schools' mean intake SES.
func PortableShare(from, to *School, p *Params) float64 {
	s := contextShare(to.Level, p)
	if s == 0 {
		return 1
	}
	gap := math.Abs(float64(from.SESMean) - float64(to.SESMean))
	// float64(x*y) rounds a product before a sum, so that no machine fuses
	// the two into one multiply-add: the same bits everywhere (see fmath).
	return max(0, 1-float64(s*(1+float64(p.ContextMismatch*gap))))
}

// PortableEffectiveness gives teacher t, moving from school from to
// school to, its value added in the new school:
//
//	E' = Ē + π·(E − Ē) + √(1 − π²)·σ·ε
//
// with Ē the reference mean effectiveness, π the PortableShare, σ
// TeacherSD and ε a standard normal draw from r: the portable part of the
// teacher's deviation from the mean moves, the rest is replaced by a
// fresh match with the new school, so that movers chosen for their value
// added regress towards the mean by 1 − π on average and a random mover
// keeps the spread of value added. It returns the change E' − E. A
// teacher who has not taught yet (Experience 0) and a move with π = 1
// carry everything and draw nothing.
func PortableEffectiveness(t *Teacher, from, to *School, ref *Reference, p *Params, r *rand.Rand) float32 {
	if t.Experience == 0 {
		return 0
	}
	pi := PortableShare(from, to, p)
	if pi == 1 {
		return 0
	}
	mean := ref.Effectiveness
	dev := float64(t.Effectiveness) - mean
	noise := math.Sqrt(1-float64(pi*pi)) * p.TeacherSD
	e := float32(mean + float64(pi*dev) + float64(noise*fmath.NormFloat64(r)))
	shift := e - t.Effectiveness
	t.Effectiveness = e
	return shift
}
