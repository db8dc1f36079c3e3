package statistics

import (
	"math"

	"schoolnet/agents"
)

// growth returns a year's growth values: for each grade above the first,
// each tier (all first) and each subject, the mean gain of the grade's
// matched students since the year before,
//
//	growth_latent = mean_i (a_i,t − a_i,t−1)
//	growth        = growth_latent / √((s²_{g−1,t−1} + s²_{g,t})/2)
//
// on the latent vertical scale, and as an effect size over the pooled SD
// of the two grades' scores across the system (Bloom, Hill, Black &
// Lipsey 2008: a year's gain over the pooled SD of the two grades). Every
// tier's gain is divided by the same system-wide SD. It also returns,
// per grade and subject, the strong tier's growth minus the weak tier's
// (growth_gap_strong_weak), of the students of both tiers; undefined
// where either tier has none.
func growth(p *pair) []Value {
	cur := p.Cur
	// sum[g][tier][k] and n[g][tier]: tier 0 is all, 1+t is tier t.
	sum := make([][numTiers][agents.NumSubjects]float64, cur.Grades)
	n := make([][numTiers]int, cur.Grades)
	p.matched(func(i, j int) {
		st, old := &cur.Students[i], &p.Prev.Students[j]
		tier := 1 + int(cur.Schools[st.School].Tier)
		for k := range agents.NumSubjects {
			d := float64(st.Score[k]) - float64(old.Score[k])
			sum[st.Grade][0][k] += d
			sum[st.Grade][tier][k] += d
		}
		n[st.Grade][0]++
		n[st.Grade][tier]++
	})
	var out []Value
	strong, weak := 1+int(agents.Strong), 1+int(agents.Weak)
	for g := 1; g < cur.Grades; g++ {
		var sizes [numTiers][agents.NumSubjects + 1]float64
		for t, tier := range Tiers {
			latent, cnt := subjectsAndComposite(func(k int) (float64, int) {
				if n[g][t] == 0 {
					return math.NaN(), 0
				}
				return sum[g][t][k] / float64(n[g][t]), n[g][t]
			})
			size, _ := subjectsAndComposite(func(k int) (float64, int) {
				a, b := p.sPrev.sd[g-1][k], p.sCur.sd[g][k]
				return latent[k] / math.Sqrt((float64(a*a)+float64(b*b))/2), 0
			})
			sizes[t] = size
			for k, subject := range Subjects {
				key := Key{Grade: cur.FirstGrade + g, Tier: tier, Subject: subject}
				key.Statistic = Growth
				out = append(out, yearly(key, cur.Year, size[k], cnt[k]))
				key.Statistic = GrowthLatent
				out = append(out, yearly(key, cur.Year, latent[k], cnt[k]))
			}
		}
		both := n[g][strong] + n[g][weak]
		if n[g][strong] == 0 || n[g][weak] == 0 {
			both = 0 // the gap is undefined (NaN): no students on one side
		}
		for k, subject := range Subjects {
			key := Key{Statistic: GrowthGap, Grade: cur.FirstGrade + g, Subject: subject}
			out = append(out, yearly(key, cur.Year, sizes[strong][k]-sizes[weak][k], both))
		}
	}
	return out
}

// yearly is the value of a yearly statistic in year y.
func yearly(k Key, y int, v float64, n int) Value {
	return Value{Key: k, FirstYear: y, LastYear: y, Value: v, N: n}
}
