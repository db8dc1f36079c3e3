package statistics

// staff returns the teachers' leaving and moving between a year and the
// next, labelled with the first year (the year at whose end they left,
// as yearly.csv's turnover): of the teachers in post at the end of the
// first year, by the tier of their home school, the share who teach
// nowhere the next year (teacher_leavers) and the share whose home
// school is another one (teacher_movers). A teacher on a rotation
// posting keeps its home school and is neither.
func staff(p *pair) []Value {
	home := make(map[int64]int32, len(p.Cur.Teachers))
	for _, t := range p.Cur.Teachers {
		home[t.ID] = t.Home
	}
	var n, left, moved [numTiers]int
	for _, t := range p.Prev.Teachers {
		tier := 1 + int(p.Prev.Schools[t.Home].Tier)
		h, stayed := home[t.ID]
		for _, k := range []int{0, tier} {
			n[k]++
			switch {
			case !stayed:
				left[k]++
			case h != t.Home:
				moved[k]++
			}
		}
	}
	var out []Value
	for t, tier := range Tiers {
		share := func(x int) float64 { return float64(x) / float64(n[t]) }
		out = append(out,
			yearly(Key{Statistic: TeacherLeavers, Tier: tier}, p.Prev.Year, share(left[t]), n[t]),
			yearly(Key{Statistic: TeacherMovers, Tier: tier}, p.Prev.Year, share(moved[t]), n[t]))
	}
	return out
}
