package statistics

import "math"

// peerEffect returns the year's linear-in-means peer effect for each
// subject and their composite: β of
//
//	z_it = λ·z_i,t−1 + β·z̄_(−i)c,t−1 + μ_sg + ε_it
//
// over the matched students, where z̄_(−i)c,t−1 is the mean prior score of
// the student's class-mates (the class excluding the student: those of
// them matched a year back) and μ_sg a school-by-grade fixed effect,
// estimated by the within (school-by-grade) transformation. Classes stay
// together across grades and are formed at random at intake in the
// model, so within a school and grade the class mean varies by chance:
// the design of the random-assignment studies Sacerdote (2011) reviews.
// The leave-one-out mean biases β down a little in small groups
// (Guryan, Kroft & Notowidigdo 2009), as it does in those studies.
func peerEffect(p *pair) []Value {
	beta, n := subjectsAndComposite(func(k int) (float64, int) { return peerSubject(p, k) })
	out := make([]Value, len(Subjects))
	for k, subject := range Subjects {
		out[k] = yearly(Key{Statistic: PeerEffect, Subject: subject}, p.Cur.Year, beta[k], n[k])
	}
	return out
}

// peerSubject returns subject k's peer coefficient and the number of
// students in the regression.
func peerSubject(p *pair, k int) (float64, int) {
	cur, prev := p.Cur, p.Prev
	type class struct{ school, grade, class int }
	type sgKey struct{ school, grade int }
	classOf := map[class]int{}
	sgOf := map[sgKey]int{}
	var classSum []float64
	var classN []int
	ci := make([]int, len(cur.Students))
	p.matched(func(i, j int) {
		st := &cur.Students[i]
		key := class{int(st.School), int(st.Grade), int(st.Class)}
		c, ok := classOf[key]
		if !ok {
			c = len(classSum)
			classOf[key] = c
			classSum, classN = append(classSum, 0), append(classN, 0)
		}
		ci[i] = c
		classSum[c] += p.sPrev.z(&prev.Students[j], k)
		classN[c]++
	})
	// The students with class-mates, their variables and their
	// school-by-grade group's means.
	type obs struct {
		y, x, peer float64
		g          int
	}
	var rows []obs
	var sums [][3]float64
	var counts []int
	p.matched(func(i, j int) {
		c := ci[i]
		if classN[c] < 2 {
			return
		}
		st := &cur.Students[i]
		x := p.sPrev.z(&prev.Students[j], k)
		o := obs{y: p.sCur.z(st, k), x: x, peer: (classSum[c] - x) / float64(classN[c]-1)}
		key := sgKey{int(st.School), int(st.Grade)}
		g, ok := sgOf[key]
		if !ok {
			g = len(sums)
			sgOf[key] = g
			sums, counts = append(sums, [3]float64{}), append(counts, 0)
		}
		o.g = g
		sums[g][0] += o.y
		sums[g][1] += o.x
		sums[g][2] += o.peer
		counts[g]++
		rows = append(rows, o)
	})
	// Normal equations of the demeaned regression on (x, peer).
	var sxx, sxp, spp, sxy, spy float64
	for _, o := range rows {
		n := float64(counts[o.g])
		y := o.y - sums[o.g][0]/n
		x := o.x - sums[o.g][1]/n
		pe := o.peer - sums[o.g][2]/n
		sxx += float64(x * x)
		sxp += float64(x * pe)
		spp += float64(pe * pe)
		sxy += float64(x * y)
		spy += float64(pe * y)
	}
	det := float64(sxx*spp) - float64(sxp*sxp)
	if len(rows) < 3 || !(det > 0) {
		return math.NaN(), len(rows)
	}
	return (float64(sxx*spy) - float64(sxp*sxy)) / det, len(rows)
}
