package statistics

import (
	"math"

	"schoolnet/agents"
)

// schoolYear is one school's mean residual gain in one year, and the
// principal who led it that year.
type schoolYear struct {
	year      int
	school    int32
	principal int64
	resid     [agents.NumSubjects]float64
	n         int
}

// principalYears returns each school's mean residual gain of the year:
// the mean over its matched students of ε̂ of
//
//	z_it = λ·z_i,t−1 + μ_g + ε_it
//
// (grade fixed effects, one λ for the system), for each subject, with the
// principal who led the school that year.
func principalYears(p *pair) []schoolYear {
	cur, prev := p.Cur, p.Prev
	out := make([]schoolYear, len(cur.Schools))
	for s := range out {
		out[s] = schoolYear{year: cur.Year, school: int32(s), principal: cur.Schools[s].Principal}
	}
	for k := range agents.NumSubjects {
		sumP := make([]float64, cur.Grades)
		sumC := make([]float64, cur.Grades)
		n := make([]float64, cur.Grades)
		p.matched(func(i, j int) {
			g := cur.Students[i].Grade
			sumP[g] += p.sPrev.z(&prev.Students[j], k)
			sumC[g] += p.sCur.z(&cur.Students[i], k)
			n[g]++
		})
		var sxy, sxx float64
		p.matched(func(i, j int) {
			g := cur.Students[i].Grade
			dp := p.sPrev.z(&prev.Students[j], k) - sumP[g]/n[g]
			dc := p.sCur.z(&cur.Students[i], k) - sumC[g]/n[g]
			sxy += float64(dp * dc)
			sxx += float64(dp * dp)
		})
		lambda := sxy / sxx
		p.matched(func(i, j int) {
			st := &cur.Students[i]
			g := st.Grade
			dp := p.sPrev.z(&prev.Students[j], k) - sumP[g]/n[g]
			dc := p.sCur.z(st, k) - sumC[g]/n[g]
			out[st.School].resid[k] += dc - float64(lambda*dp)
			if k == 0 {
				out[st.School].n++
			}
		})
	}
	for s := range out {
		for k := range agents.NumSubjects {
			out[s].resid[k] /= float64(out[s].n)
		}
	}
	return out
}

// principalVA returns the principals' value-added SDs over the years
// from..to, for each subject and their composite. A spell is a principal
// at a school; its effect θ_p is the mean of the school's residual gains
// over the spell's years, and the year-to-year variation within spells,
//
//	σ²_w = Σ_p Σ_t (r_pt − θ_p)² / Σ_p (T_p − 1),
//
// is its sampling error: v_p = σ²_w/T_p. principal_va_sd is the spread
// of θ_p within schools, against the mean of the school's spells, over
// the schools with two principals or more in the span (school fixed
// effects, as Branch, Hanushek & Rivkin 2012 and the studies Grissom,
// Egalite & Lindsay 2021 review); principal_va_sd_total the spread over
// all spells, school effects included. Both remove the sampling error as
// teacherVA does.
func principalVA(years []schoolYear, from, to int) []Value {
	type spell struct {
		school int32
		r      [agents.NumSubjects][]float64
	}
	index := map[[2]int64]int{}
	var spells []spell
	for _, sy := range years {
		if sy.year < from || sy.year > to || sy.n == 0 {
			continue
		}
		key := [2]int64{int64(sy.school), sy.principal}
		i, ok := index[key]
		if !ok {
			i = len(spells)
			index[key] = i
			spells = append(spells, spell{school: sy.school})
		}
		for k := range agents.NumSubjects {
			spells[i].r[k] = append(spells[i].r[k], sy.resid[k])
		}
	}
	schools := 0
	for _, sp := range spells {
		schools = max(schools, int(sp.school)+1)
	}
	var sd [agents.NumSubjects][2]float64
	for k := range agents.NumSubjects {
		var ss float64
		df := 0
		theta := make([]float64, len(spells))
		for i, sp := range spells {
			r := sp.r[k]
			var m float64
			for _, x := range r {
				m += x
			}
			m /= float64(len(r))
			theta[i] = m
			for _, x := range r {
				d := x - m
				ss += float64(d * d)
			}
			df += len(r) - 1
		}
		sigma2 := math.NaN()
		if df > 0 {
			sigma2 = ss / float64(df)
		}
		v := make([]float64, len(spells))
		bySchool := make([][]int, schools)
		for i, sp := range spells {
			v[i] = sigma2 / float64(len(sp.r[k]))
			bySchool[sp.school] = append(bySchool[sp.school], i)
		}
		sd[k][0] = spreadWithin(theta, v, bySchool)
		sd[k][1] = spreadOfEffects(theta, v)
	}
	within, _ := subjectsAndComposite(func(k int) (float64, int) { return sd[k][0], 0 })
	total, _ := subjectsAndComposite(func(k int) (float64, int) { return sd[k][1], 0 })
	var out []Value
	for k, subject := range Subjects {
		out = append(out,
			Value{Key: Key{Statistic: PrincipalVA, Subject: subject}, FirstYear: from, LastYear: to, Value: within[k], N: len(spells)},
			Value{Key: Key{Statistic: PrincipalVATotal, Subject: subject}, FirstYear: from, LastYear: to, Value: total[k], N: len(spells)})
	}
	return out
}
