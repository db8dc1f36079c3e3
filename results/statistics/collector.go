package statistics

import (
	"cmp"
	"math"
	"slices"
)

// Collector computes one replication's statistics from its year-end
// snapshots, given in order of years. It keeps the last snapshot, the
// yearly values and the schools' yearly residual gains (for the pooled
// principal statistics), not every snapshot.
type Collector struct {
	prev   *Year
	values []Value
	years  []schoolYear
	gains  [2]int // the first and last year with a gain from the year before
}

// Add takes the snapshot of the next year end: its level statistics, and,
// when the year before was added, the gains, value added and peer effects
// of the year and the teachers' leaving and moving since the year before.
func (c *Collector) Add(y *Year) {
	c.values = append(c.values, levels(y)...)
	if c.prev != nil && c.prev.Year+1 == y.Year {
		p := newPair(c.prev, y)
		c.values = append(c.values, growth(p)...)
		c.values = append(c.values, teacherVA(p)...)
		c.values = append(c.values, peerEffect(p)...)
		c.values = append(c.values, staff(p)...)
		c.years = append(c.years, principalYears(p)...)
		if c.gains[1] == 0 {
			c.gains[0] = y.Year
		}
		c.gains[1] = y.Year
	}
	c.prev = y
}

// Values returns every yearly value of the years added, and each pooled
// statistic over the years with a gain, ordered by statistic (in the
// order of Statistics), first year, grade, tier and subject.
func (c *Collector) Values() []Value {
	out := slices.Clone(c.values)
	if c.gains[1] > 0 {
		out = append(out, principalVA(c.years, c.gains[0], c.gains[1])...)
	}
	order := func(list []string, x string) int { return slices.Index(list, x) }
	names := Names()
	slices.SortStableFunc(out, func(a, b Value) int {
		return cmp.Or(
			cmp.Compare(order(names, a.Statistic), order(names, b.Statistic)),
			cmp.Compare(a.FirstYear, b.FirstYear),
			cmp.Compare(a.Grade, b.Grade),
			cmp.Compare(order(Tiers, a.Tier), order(Tiers, b.Tier)),
			cmp.Compare(order(Subjects, a.Subject), order(Subjects, b.Subject)))
	})
	return out
}

// Get returns the value of key over the years from..to: for a yearly
// statistic the mean of its values in those years, for a pooled one the
// statistic computed over them. It is NaN if a year lacks its value (a
// gain in the first year, leavers in the last) or any value is NaN.
func (c *Collector) Get(key Key, from, to int) float64 {
	s, ok := Lookup(key.Statistic)
	if !ok {
		return math.NaN()
	}
	if s.Pooled {
		for _, v := range principalVA(c.years, from, to) {
			if v.Key == key {
				return v.Value
			}
		}
		return math.NaN()
	}
	var sum float64
	n := 0
	for _, v := range c.values {
		if v.Key == key && v.FirstYear >= from && v.FirstYear <= to {
			sum += v.Value
			n++
		}
	}
	if n != to-from+1 {
		return math.NaN()
	}
	return sum / float64(n)
}
