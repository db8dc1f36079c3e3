package statistics

import (
	"math"

	"schoolnet/agents"
)

// scale holds a year's mean and SD of the scores by grade and subject,
// over every student of the system: the standardisation of test scores by
// grade, subject and year.
type scale struct {
	mean, sd [][agents.NumSubjects]float64
}

// newScale measures y's scores. An SD of a grade without students, or
// whose students all score the same, is NaN, and so is every standardised
// score of that grade.
func newScale(y *Year) scale {
	sc := scale{mean: make([][agents.NumSubjects]float64, y.Grades), sd: make([][agents.NumSubjects]float64, y.Grades)}
	n := make([]float64, y.Grades)
	for i := range y.Students {
		st := &y.Students[i]
		n[st.Grade]++
		for k, a := range st.Score {
			sc.mean[st.Grade][k] += float64(a)
		}
	}
	for g := range sc.mean {
		for k := range agents.NumSubjects {
			sc.mean[g][k] /= n[g]
		}
	}
	for i := range y.Students {
		st := &y.Students[i]
		for k, a := range st.Score {
			d := float64(a) - sc.mean[st.Grade][k]
			sc.sd[st.Grade][k] += float64(d * d)
		}
	}
	for g := range sc.sd {
		for k := range agents.NumSubjects {
			sd := math.Sqrt(sc.sd[g][k] / n[g])
			if !(sd > 0) {
				sd = math.NaN()
			}
			sc.sd[g][k] = sd
		}
	}
	return sc
}

// z returns student st's standardised score in subject k.
func (sc *scale) z(st *Student, k int) float64 {
	return (float64(st.Score[k]) - sc.mean[st.Grade][k]) / sc.sd[st.Grade][k]
}

// pair is two consecutive year ends of one replication with the students
// of the later one matched to themselves a year before: prev[i] is the
// index in Prev of Cur's student i, or −1 if the student is new (an
// intake) or was not in the grade below in the same school.
type pair struct {
	Prev, Cur   *Year
	prev        []int32
	sPrev, sCur scale
}

func newPair(prev, cur *Year) *pair {
	p := &pair{Prev: prev, Cur: cur, prev: make([]int32, len(cur.Students)), sPrev: newScale(prev), sCur: newScale(cur)}
	at := make(map[int64]int32, len(prev.Students))
	for i := range prev.Students {
		at[prev.Students[i].ID] = int32(i)
	}
	for i := range cur.Students {
		st := &cur.Students[i]
		j, ok := at[st.ID]
		if !ok || prev.Students[j].Grade+1 != st.Grade || prev.Students[j].School != st.School {
			j = -1
		}
		p.prev[i] = j
	}
	return p
}

// matched calls f for every matched student of Cur, in order, with its
// index in Cur and in Prev.
func (p *pair) matched(f func(i, j int)) {
	for i, j := range p.prev {
		if j >= 0 {
			f(i, int(j))
		}
	}
}

// subjectsAndComposite returns the five values of a statistic by subject:
// f(k) for each subject and their mean (NaN if any is NaN).
func subjectsAndComposite(f func(k int) (float64, int)) (v [agents.NumSubjects + 1]float64, n [agents.NumSubjects + 1]int) {
	var sum float64
	for k := range agents.NumSubjects {
		v[k], n[k] = f(k)
		sum += v[k]
		n[agents.NumSubjects] = max(n[agents.NumSubjects], n[k])
	}
	v[agents.NumSubjects] = sum / agents.NumSubjects
	return v, n
}

// correctedSD returns √max(0, observed − noise), the SD of true effects
// whose estimates vary by the observed variance, noise of it sampling
// error; NaN if either is.
func correctedSD(observed, noise float64) float64 {
	if math.IsNaN(observed) || math.IsNaN(noise) {
		return math.NaN()
	}
	return math.Sqrt(max(0, observed-noise))
}
