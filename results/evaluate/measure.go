package evaluate

import (
	"math"
	"math/rand/v2"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim"
	"schoolnet/sim/fmath"
)

// test is the measurement model of the test a study reads: what it adds to
// each student's learning (in SD of the baseline grade) in one world and
// year,
//
//	y_isk = a_isk + I_s + η_s + e_isk,
//
// where a is the student's achievement in subject k, I_s the school's
// inflation on the exam (agents.School.TestPrep; only when the study reads
// the exam and the configuration has inflation), η_s ~ N(0, school_noise²)
// the school's shock of that year's testing and e ~ N(0, (1−ρ)/ρ) the
// student's error (ρ = reliability; only when the configuration has
// measurement error). The composite is the mean of the four measured
// subjects. The draws of one test, year and school come from their own
// stream, so every world and configuration that reads the same test sees
// the same errors where it has the same students in the same order:
// the measured pre-test a dip selects on is the study's pre-test.
type test struct {
	seed    uint64
	rep     int
	exam    bool    // the exam (else the audit test)
	noise   bool    // measurement error on
	sigma   float64 // SD of a student's error
	tau     float64 // SD of the school-year shock
	inflate bool    // add the school's TestPrep
}

// newTest returns the test of study st under sources, in replication rep
// of a run with seed.
func newTest(st *Study, src Sources, seed uint64, rep int) *test {
	sp := &st.Spec
	t := &test{seed: seed, rep: rep, exam: sp.Test == scenarios.TestExam,
		noise: src.Measurement, inflate: src.Inflation && sp.Test == scenarios.TestExam}
	if t.noise {
		t.sigma = math.Sqrt((1 - sp.Reliability) / sp.Reliability)
		t.tau = sp.SchoolNoise
	}
	return t
}

// maxSchoolsPerYear spaces the streams of one test and year: at least
// agents.MaxSchools.
const maxSchoolsPerYear = 1 << 20

// stream returns the random stream of this test's errors at school s in
// year y: PurposeStudy, entity 1 + s + 2^20·(y + 2048 + 4096·test).
func (t *test) stream(y int, s int32) int {
	kind := 0
	if !t.exam {
		kind = 1
	}
	return 1 + int(s) + maxSchoolsPerYear*(y+2048+4096*kind)
}

// measure returns the students of one world's tested grade in year y as
// the test sees them; prep holds each school's TestPrep that year. It
// returns students itself when the test adds nothing.
func (t *test) measure(students []Student, y int, prep []float64) []Student {
	if !t.noise && !t.inflate {
		return students
	}
	out := make([]Student, len(students))
	copy(out, students)
	for lo := 0; lo < len(out); {
		s := out[lo].School
		hi := lo
		for hi < len(out) && out[hi].School == s {
			hi++
		}
		var shift float64
		if t.inflate {
			shift = prep[s]
		}
		var r *rand.Rand
		if t.noise {
			r = sim.Stream(t.seed, t.rep, sim.PurposeStudy, t.stream(y, s))
			shift += float64(t.tau * fmath.NormFloat64(r))
		}
		for i := lo; i < hi; i++ {
			st := &out[i]
			st.Score[Composite] = 0
			for k := range agents.NumSubjects {
				z := st.Score[k] + shift
				if t.noise {
					z += float64(t.sigma * fmath.NormFloat64(r))
				}
				st.Score[k] = z
				// Rounded: /4 is a product, which must not fuse into the
				// sum (see package fmath).
				st.Score[Composite] += float64(z / agents.NumSubjects)
			}
		}
		lo = hi
	}
	return out
}

// schoolResults returns each school's mean composite among students (the
// tested grade of one year), standardised over the eligible schools
// (mean 0, SD 1; 0 for the others and for schools without students): the
// results a dip selects on. schools are the world's schools.
func (st *Study) schoolResults(students []Student, schools []agents.School) []float64 {
	n, mean := gradeMeans(students, len(schools))
	ok := func(i int) bool { return n[i] > 0 && st.eligible(schools[i].Tier, schools[i].District) }
	var xs []float64
	for i := range schools {
		if ok(i) {
			xs = append(xs, mean[i][Composite])
		}
	}
	out := make([]float64, len(schools))
	if len(xs) < 2 {
		return out
	}
	m, sd := fmath.MeanStdDev(xs)
	if sd == 0 {
		return out
	}
	for i := range schools {
		if ok(i) {
			out[i] = (mean[i][Composite] - m) / sd
		}
	}
	return out
}
