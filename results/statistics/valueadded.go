package statistics

import (
	"math"

	"schoolnet/agents"
)

// teacherVA returns the year's teacher value-added SDs, for each subject
// and their composite: the spread of the teacher effects θ_j of
//
//	z_it = λ·z_i,t−1 + θ_j(i) + ε_it
//
// over the matched students, z the score standardised by grade, subject
// and year and j(i) the student's teacher of the subject this year,
// estimated by the within-teacher (fixed-effects) transformation:
//
//	λ = Σ_i (z_i,t−1 − z̄_j,t−1)(z_it − z̄_jt) / Σ_i (z_i,t−1 − z̄_j,t−1)²
//	θ_j = z̄_jt − λ·z̄_j,t−1,   σ² = Σ_i ε̂²_it / (n − J − 1)
//
// Teachers with at least minTeacherStudents students enter the spread.
// Each θ_j carries sampling error of variance v_j = σ²/n_j, which the SD
// removes: over all teachers
//
//	SD = √max(0, Σ_j (θ_j − θ̄)²/(J − 1) − Σ_j v_j/J)
//
// (teacher_va_sd), and within schools, θ_j against its school's mean θ̄_s
// over the schools with two teachers or more,
//
//	SD = √max(0, [Σ_s Σ_j (θ_j − θ̄_s)² − Σ_s (1 − 1/J_s) Σ_j v_j] / Σ_s (J_s − 1))
//
// (teacher_va_sd_within), the estimate with school fixed effects that
// most of the studies Hanushek & Rivkin (2010) review report.
func teacherVA(p *pair) []Value {
	var sd [agents.NumSubjects][2]float64
	var teachers [agents.NumSubjects]int
	for k := range agents.NumSubjects {
		sd[k][0], sd[k][1], teachers[k] = teacherVASubject(p, k)
	}
	total, nt := subjectsAndComposite(func(k int) (float64, int) { return sd[k][0], teachers[k] })
	within, nw := subjectsAndComposite(func(k int) (float64, int) { return sd[k][1], teachers[k] })
	var out []Value
	for k, subject := range Subjects {
		out = append(out,
			yearly(Key{Statistic: TeacherVA, Subject: subject}, p.Cur.Year, total[k], nt[k]),
			yearly(Key{Statistic: TeacherVAWithin, Subject: subject}, p.Cur.Year, within[k], nw[k]))
	}
	return out
}

// group is a fixed effect's students: count, sums and means of the
// prior and present scores.
type group struct {
	n            int
	sumP, sumC   float64
	meanP, meanC float64
	school       int32
}

// teacherVASubject returns subject k's teacher value-added SD over all
// teachers and within schools, and the number of teachers estimated.
func teacherVASubject(p *pair, k int) (total, within float64, teachers int) {
	cur, prev := p.Cur, p.Prev
	index := map[int64]int{}
	var groups []group
	of := make([]int, len(cur.Students))
	p.matched(func(i, j int) {
		st := &cur.Students[i]
		g, ok := index[st.Teacher[k]]
		if !ok {
			g = len(groups)
			index[st.Teacher[k]] = g
			groups = append(groups, group{school: st.School})
		}
		of[i] = g
		gr := &groups[g]
		gr.n++
		gr.sumP += p.sPrev.z(&prev.Students[j], k)
		gr.sumC += p.sCur.z(st, k)
	})
	var students int
	for g := range groups {
		gr := &groups[g]
		gr.meanP, gr.meanC = gr.sumP/float64(gr.n), gr.sumC/float64(gr.n)
		students += gr.n
	}
	var sxy, sxx float64
	p.matched(func(i, j int) {
		gr := &groups[of[i]]
		dp := p.sPrev.z(&prev.Students[j], k) - gr.meanP
		dc := p.sCur.z(&cur.Students[i], k) - gr.meanC
		sxy += float64(dp * dc)
		sxx += float64(dp * dp)
	})
	lambda := sxy / sxx
	var sse float64
	p.matched(func(i, j int) {
		gr := &groups[of[i]]
		dp := p.sPrev.z(&prev.Students[j], k) - gr.meanP
		e := p.sCur.z(&cur.Students[i], k) - gr.meanC - float64(lambda*dp)
		sse += float64(e * e)
	})
	df := students - len(groups) - 1
	if df < 1 {
		return math.NaN(), math.NaN(), 0
	}
	sigma2 := sse / float64(df)

	// The estimated effects and their sampling variances, by school.
	var theta, v []float64
	bySchool := make([][]int, len(cur.Schools))
	for g := range groups {
		gr := &groups[g]
		if gr.n < minTeacherStudents {
			continue
		}
		bySchool[gr.school] = append(bySchool[gr.school], len(theta))
		theta = append(theta, gr.meanC-float64(lambda*gr.meanP))
		v = append(v, sigma2/float64(gr.n))
	}
	total = spreadOfEffects(theta, v)
	within = spreadWithin(theta, v, bySchool)
	return total, within, len(theta)
}

// spreadOfEffects returns the SD of true effects whose estimates are x,
// each with sampling variance v: √max(0, s²(x) − mean(v)); NaN for fewer
// than two.
func spreadOfEffects(x, v []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	var mean, noise float64
	for i := range x {
		mean += x[i]
		noise += v[i]
	}
	mean /= float64(len(x))
	var ss float64
	for _, xi := range x {
		d := xi - mean
		ss += float64(d * d)
	}
	return correctedSD(ss/float64(len(x)-1), noise/float64(len(x)))
}

// spreadWithin returns the SD of true effects within groups (schools):
// the estimates x against their group's mean, of the groups in by (each
// a list of indices into x and v) with two or more, less the sampling
// variance that deviation carries, (1 − 1/J_s)·v_j; NaN if no group has
// two.
func spreadWithin(x, v []float64, by [][]int) float64 {
	var ss, noise float64
	df := 0
	for _, members := range by {
		m := len(members)
		if m < 2 {
			continue
		}
		var mean, vs float64
		for _, i := range members {
			mean += x[i]
			vs += v[i]
		}
		mean /= float64(m)
		for _, i := range members {
			d := x[i] - mean
			ss += float64(d * d)
		}
		noise += float64((1 - 1/float64(m)) * vs)
		df += m - 1
	}
	if df == 0 {
		return math.NaN()
	}
	return correctedSD(ss/float64(df), noise/float64(df))
}
