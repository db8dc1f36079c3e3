package statistics

import "schoolnet/agents"

// levels returns the year's level statistics: for each grade and subject
// the between-school share of the variance of the standardised scores,
//
//	between_share = Σ_s n_s (z̄_s − z̄)² / Σ_i (z_i − z̄)²
//
// each tier's mean standardised score (tier_mean; the system's mean is 0)
// and the strong tier's mean minus the weak tier's (gap_strong_weak).
func levels(y *Year) []Value {
	sc := newScale(y)
	var out []Value
	for g := range y.Grades {
		grade := y.FirstGrade + g
		var share, gap [agents.NumSubjects]float64
		var tierMean [numTiers][agents.NumSubjects]float64
		var tierN [numTiers]int
		students := 0
		for k := range agents.NumSubjects {
			sum := make([]float64, len(y.Schools))
			n := make([]int, len(y.Schools))
			var tierSum [numTiers]float64
			var all float64
			var cnt int
			for i := range y.Students {
				st := &y.Students[i]
				if int(st.Grade) != g {
					continue
				}
				z := sc.z(st, k)
				sum[st.School] += z
				n[st.School]++
				all += z
				cnt++
				t := 1 + int(y.Schools[st.School].Tier)
				tierSum[0] += z
				tierSum[t] += z
				if k == 0 {
					tierN[0]++
					tierN[t]++
				}
			}
			students = cnt
			mean := all / float64(cnt)
			var between, total float64
			for s := range sum {
				if n[s] > 0 {
					d := sum[s]/float64(n[s]) - mean
					between += float64(float64(n[s]) * float64(d*d))
				}
			}
			for i := range y.Students {
				st := &y.Students[i]
				if int(st.Grade) == g {
					d := sc.z(st, k) - mean
					total += float64(d * d)
				}
			}
			share[k] = between / total
			for t := range Tiers {
				tierMean[t][k] = tierSum[t] / float64(tierN[t])
			}
			gap[k] = tierMean[1+int(agents.Strong)][k] - tierMean[1+int(agents.Weak)][k]
		}
		shares, _ := subjectsAndComposite(func(k int) (float64, int) { return share[k], students })
		gaps, _ := subjectsAndComposite(func(k int) (float64, int) { return gap[k], students })
		for k, subject := range Subjects {
			key := Key{Statistic: BetweenShare, Grade: grade, Subject: subject}
			out = append(out, yearly(key, y.Year, shares[k], students))
		}
		for t, tier := range Tiers {
			means, _ := subjectsAndComposite(func(k int) (float64, int) { return tierMean[t][k], tierN[t] })
			for k, subject := range Subjects {
				out = append(out, yearly(Key{Statistic: TierMean, Grade: grade, Tier: tier, Subject: subject}, y.Year, means[k], tierN[t]))
			}
		}
		for k, subject := range Subjects {
			n := tierN[1+int(agents.Strong)] + tierN[1+int(agents.Weak)]
			if tierN[1+int(agents.Strong)] == 0 || tierN[1+int(agents.Weak)] == 0 {
				n = 0 // the gap is undefined: no students on one side
			}
			out = append(out, yearly(Key{Statistic: GapStrongWeak, Grade: grade, Subject: subject}, y.Year, gaps[k], n))
		}
	}
	return out
}
