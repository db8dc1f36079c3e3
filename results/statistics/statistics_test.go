package statistics

import (
	"math"
	"math/rand/v2"
	"testing"

	"schoolnet/agents"
)

// same sets every subject of a score to x.
func same(x float64) [agents.NumSubjects]float32 {
	return [agents.NumSubjects]float32{float32(x), float32(x), float32(x), float32(x)}
}

// get returns the value of key among values in year y.
func get(t *testing.T, values []Value, key Key, y int) Value {
	t.Helper()
	for _, v := range values {
		if v.Key == key && v.FirstYear == y {
			return v
		}
	}
	t.Fatalf("no value of %+v in year %d", key, y)
	return Value{}
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestGrowthOfKnownGains: four students of grade 7 scoring 0, 1, 2, 3
// each gain 0.5 (strong school) or 1.5 (weak school) by grade 8. The
// gain is the mean of their differences; the effect size divides it by
// the pooled SD of the two grades' scores.
func TestGrowthOfKnownGains(t *testing.T) {
	prev := &Year{Year: 0, FirstGrade: 7, Grades: 2, Schools: []School{{Tier: agents.Strong}, {Tier: agents.Weak}}}
	cur := &Year{Year: 1, FirstGrade: 7, Grades: 2, Schools: prev.Schools}
	for i, x := range []float64{0, 1, 2, 3} {
		school := int32(i / 2)
		gain := []float64{0.5, 1.5}[school]
		prev.Students = append(prev.Students,
			Student{ID: int64(i + 1), School: school, Grade: 0, Score: same(x)},
			Student{ID: int64(i + 100), School: school, Grade: 1, Score: same(x + 1)}) // graduates
		cur.Students = append(cur.Students,
			Student{ID: int64(i + 1), School: school, Grade: 1, Score: same(x + gain)},
			Student{ID: int64(i + 200), School: school, Grade: 0, Score: same(x)}) // new intake
	}
	values := growth(newPair(prev, cur))
	// Grade 7 in year 0: 0 1 2 3, variance 1.25. Grade 8 in year 1: 0.5
	// 1.5 3.5 4.5, variance 2.5.
	pooled := math.Sqrt((1.25 + 2.5) / 2)
	for _, tt := range []struct {
		tier   string
		latent float64
	}{{"all", 1}, {"strong", 0.5}, {"weak", 1.5}, {"average", math.NaN()}} {
		for _, subject := range []string{"maths", "composite"} {
			lat := get(t, values, Key{GrowthLatent, 8, tt.tier, subject}, 1)
			size := get(t, values, Key{Growth, 8, tt.tier, subject}, 1)
			if math.IsNaN(tt.latent) {
				if !math.IsNaN(lat.Value) || lat.N != 0 {
					t.Errorf("%s %s: gain %g of %d students, want NaN of none", tt.tier, subject, lat.Value, lat.N)
				}
				continue
			}
			if !near(lat.Value, tt.latent, 1e-6) || !near(size.Value, tt.latent/pooled, 1e-6) {
				t.Errorf("%s %s: gain %g (%g SD), want %g (%g SD)", tt.tier, subject, lat.Value, size.Value, tt.latent, tt.latent/pooled)
			}
		}
	}
	// The strong–weak gap in value added: the strong school's students
	// gained 1 less than the weak school's, over the same pooled SD.
	for _, subject := range []string{"maths", "composite"} {
		gap := get(t, values, Key{GrowthGap, 8, "", subject}, 1)
		if !near(gap.Value, (0.5-1.5)/pooled, 1e-6) || gap.N != 4 {
			t.Errorf("%s: growth gap %g of %d students, want %g of 4", subject, gap.Value, gap.N, -1/pooled)
		}
	}
	// Without weak-school students the gap is undefined.
	for i := range prev.Students {
		prev.Students[i].School, cur.Students[i].School = 0, 0
	}
	if gap := get(t, growth(newPair(prev, cur)), Key{GrowthGap, 8, "", "composite"}, 1); !math.IsNaN(gap.Value) || gap.N != 0 {
		t.Errorf("one tier only: growth gap %g of %d students, want NaN of none", gap.Value, gap.N)
	}
}

// vaWorld draws a year pair from the value-added model: students' prior
// scores N(0,1), then z_t = 0.7·z_t−1 + μ_s + θ_j + ε with teacher
// effects θ of SD tsd, school effects μ of SD ssd and noise ε of SD 0.6,
// 8 teachers of maths per school and per students per teacher, all in
// grade 8. Classes hold one teacher's students.
func vaWorld(seed uint64, schools, per int, tsd, ssd float64) (*Year, *Year) {
	r := rand.New(rand.NewPCG(seed, 1))
	prev := &Year{Year: 3, FirstGrade: 7, Grades: 2, Schools: make([]School, schools)}
	cur := &Year{Year: 4, FirstGrade: 7, Grades: 2, Schools: prev.Schools}
	id := int64(0)
	for s := range schools {
		mu := ssd * r.NormFloat64()
		for j := range 8 {
			theta := tsd * r.NormFloat64()
			teacher := int64(s*8 + j + 1)
			for range per {
				id++
				x := r.NormFloat64()
				y := 0.7*x + mu + theta + 0.6*r.NormFloat64()
				var tch [agents.NumSubjects]int64
				for k := range tch {
					tch[k] = teacher
				}
				prev.Students = append(prev.Students, Student{ID: id, School: int32(s), Grade: 0, Class: uint8(j), Score: same(x)})
				cur.Students = append(cur.Students, Student{ID: id, School: int32(s), Grade: 1, Class: uint8(j), Score: same(y), Teacher: tch})
			}
		}
	}
	return prev, cur
}

// TestTeacherVARecoversTheSpreadOfTrueEffects: in a world drawn from the
// value-added model, the corrected SD of the estimated teacher effects is
// the SD of the true effects (in SD of the year's scores), not the larger
// spread of the noisy estimates; the within-school SD leaves out the
// school effects, the total one keeps them.
func TestTeacherVARecoversTheSpreadOfTrueEffects(t *testing.T) {
	const tsd, ssd = 0.15, 0.2
	prev, cur := vaWorld(1, 60, 12, tsd, ssd)
	sd := math.Sqrt(0.49 + tsd*tsd + ssd*ssd + 0.36) // SD of this year's scores
	values := teacherVA(newPair(prev, cur))
	within := get(t, values, Key{TeacherVAWithin, 0, "", "maths"}, 4)
	total := get(t, values, Key{TeacherVA, 0, "", "maths"}, 4)
	if want := tsd / sd; !near(within.Value, want, 0.035) {
		t.Errorf("within-school SD %.3f, want %.3f (noisy estimates alone spread by about %.3f)", within.Value, want, math.Sqrt(tsd*tsd+0.36/12)/sd)
	}
	if want := math.Hypot(tsd, ssd) / sd; !near(total.Value, want, 0.05) {
		t.Errorf("total SD %.3f, want %.3f", total.Value, want)
	}
	if within.N != 480 {
		t.Errorf("%d teachers estimated, want 480", within.N)
	}
	// No teacher effects: the SD is (close to) zero, not the noise.
	prev, cur = vaWorld(2, 60, 12, 0, 0)
	if v := get(t, teacherVA(newPair(prev, cur)), Key{TeacherVAWithin, 0, "", "composite"}, 4); v.Value > 0.04 {
		t.Errorf("without teacher effects the SD is %.3f, want about 0", v.Value)
	}
}

// peerWorld draws a year pair where each student's score is
// 0.7·prior + beta·(class-mates' mean prior) + a school-grade effect +
// noise, classes of 25 formed at random within each school and grade.
func peerWorld(seed uint64, beta float64) (*Year, *Year) {
	r := rand.New(rand.NewPCG(seed, 2))
	prev := &Year{Year: 1, FirstGrade: 7, Grades: 3, Schools: make([]School, 100)}
	cur := &Year{Year: 2, FirstGrade: 7, Grades: 3, Schools: prev.Schools}
	id := int64(0)
	for s := range prev.Schools {
		for g := range uint8(2) {
			mu := 0.3 * r.NormFloat64()
			for c := range uint8(4) {
				x := make([]float64, 25)
				var sum float64
				for i := range x {
					x[i] = r.NormFloat64()
					sum += x[i]
				}
				for i := range x {
					id++
					peers := (sum - x[i]) / 24
					y := 0.7*x[i] + beta*peers + mu + 0.5*r.NormFloat64()
					prev.Students = append(prev.Students, Student{ID: id, School: int32(s), Grade: g, Class: c, Score: same(x[i])})
					cur.Students = append(cur.Students, Student{ID: id, School: int32(s), Grade: g + 1, Class: c, Score: same(y)})
				}
			}
		}
	}
	return prev, cur
}

// TestPeerEffectOfRandomClasses: with classes formed at random, the
// linear-in-means regression with school-by-grade effects recovers the
// peer coefficient (rescaled to the standardised scores), and finds none
// where there is none.
func TestPeerEffectOfRandomClasses(t *testing.T) {
	for _, beta := range []float64{0, 0.3} {
		prev, cur := peerWorld(3, beta)
		p := newPair(prev, cur)
		got := get(t, peerEffect(p), Key{PeerEffect, 0, "", "chinese"}, 2)
		// The regression is on standardised scores: β·sd_prior/sd_cur,
		// here by grade 8 (grade 9 has the same spread).
		want := beta * p.sPrev.sd[0][1] / p.sCur.sd[1][1]
		if !near(got.Value, want, 0.07) {
			t.Errorf("β = %g: estimated %.3f, want %.3f", beta, got.Value, want)
		}
		if got.N != 20000 {
			t.Errorf("β = %g: %d students in the regression, want 20000", beta, got.N)
		}
	}
}

// TestPrincipalVAWithinAndAcrossSchools: 400 schools each led by two
// principals over six years (three years each), principal effects of SD
// 0.1, school effects of SD 0.2 and year-to-year noise of SD 0.05 in the
// schools' residual gains. Within schools the SD is the principals' 0.1;
// across all spells it includes the schools', √(0.1² + 0.2²).
func TestPrincipalVAWithinAndAcrossSchools(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	var years []schoolYear
	for s := range int32(400) {
		mu := 0.2 * r.NormFloat64()
		theta := [2]float64{0.1 * r.NormFloat64(), 0.1 * r.NormFloat64()}
		for y := 1; y <= 6; y++ {
			sy := schoolYear{year: y, school: s, principal: int64(s)*10 + int64((y-1)/3), n: 100}
			for k := range sy.resid {
				sy.resid[k] = mu + theta[(y-1)/3] + 0.05*r.NormFloat64()
			}
			years = append(years, sy)
		}
	}
	values := principalVA(years, 1, 6)
	var within, total Value
	for _, v := range values {
		switch v.Key {
		case Key{PrincipalVA, 0, "", "science"}:
			within = v
		case Key{PrincipalVATotal, 0, "", "science"}:
			total = v
		}
	}
	if !near(within.Value, 0.1, 0.015) || !near(total.Value, math.Hypot(0.1, 0.2), 0.03) {
		t.Errorf("within-school SD %.3f (want 0.1), total %.3f (want %.3f)", within.Value, total.Value, math.Hypot(0.1, 0.2))
	}
	if within.N != 800 {
		t.Errorf("%d spells, want 800", within.N)
	}
	// One principal per school: no within-school comparison.
	if v := principalVA(years, 1, 3)[0]; !math.IsNaN(v.Value) {
		t.Errorf("years 1-3 (one principal each): within-school SD %g, want NaN", v.Value)
	}
}

// TestLevelsOfAKnownYear: grade 9 of two schools, a strong one scoring 0
// and 2 and a weak one scoring 4 and 6: the between-school share of the
// variance is 16/20; the strong tier's mean is (1 − 3)/√5 SD, the weak
// tier's (5 − 3)/√5.
func TestLevelsOfAKnownYear(t *testing.T) {
	y := &Year{Year: 5, FirstGrade: 9, Grades: 1, Schools: []School{{Tier: agents.Strong}, {Tier: agents.Weak}}}
	for i, x := range []float64{0, 2, 4, 6} {
		y.Students = append(y.Students, Student{ID: int64(i + 1), School: int32(i / 2), Score: same(x)})
	}
	values := levels(y)
	for _, tt := range []struct {
		key  Key
		want float64
	}{
		{Key{BetweenShare, 9, "", "english"}, 0.8},
		{Key{TierMean, 9, "strong", "english"}, -2 / math.Sqrt(5)},
		{Key{TierMean, 9, "weak", "composite"}, 2 / math.Sqrt(5)},
		{Key{TierMean, 9, "all", "maths"}, 0},
		{Key{GapStrongWeak, 9, "", "maths"}, -4 / math.Sqrt(5)},
	} {
		if v := get(t, values, tt.key, 5); !near(v.Value, tt.want, 1e-6) {
			t.Errorf("%+v = %g, want %g", tt.key, v.Value, tt.want)
		}
	}
	if v := get(t, values, Key{TierMean, 9, "average", "maths"}, 5); !math.IsNaN(v.Value) || v.N != 0 {
		t.Errorf("no average school: tier mean %g over %d, want NaN over 0", v.Value, v.N)
	}
	// Without a weak school the gap is undefined, over no students.
	y.Schools[1].Tier = agents.Average
	if v := get(t, levels(y), Key{GapStrongWeak, 9, "", "maths"}, 5); !math.IsNaN(v.Value) || v.N != 0 {
		t.Errorf("no weak school: gap %g over %d, want NaN over 0", v.Value, v.N)
	}
}

// TestStaffLeaversAndMovers: of a strong school's ten teachers, two are
// gone the next year, one works for another school, and one is posted to
// another school but still employed at home: leavers 0.2, movers 0.1.
// A weak school keeps both its teachers.
func TestStaffLeaversAndMovers(t *testing.T) {
	prev := &Year{Year: 2, Schools: []School{{Tier: agents.Strong}, {Tier: agents.Weak}}}
	cur := &Year{Year: 3, Schools: prev.Schools}
	for id := range int64(10) {
		prev.Teachers = append(prev.Teachers, Teacher{ID: id + 1, School: 0, Home: 0})
		switch id {
		case 0, 1: // left
		case 2:
			cur.Teachers = append(cur.Teachers, Teacher{ID: id + 1, School: 1, Home: 1})
		case 3:
			cur.Teachers = append(cur.Teachers, Teacher{ID: id + 1, School: 1, Home: 0})
		default:
			cur.Teachers = append(cur.Teachers, Teacher{ID: id + 1, School: 0, Home: 0})
		}
	}
	for id := int64(20); id < 22; id++ {
		prev.Teachers = append(prev.Teachers, Teacher{ID: id, School: 1, Home: 1})
		cur.Teachers = append(cur.Teachers, Teacher{ID: id, School: 1, Home: 1})
	}
	values := staff(newPair(prev, cur))
	for _, tt := range []struct {
		key  Key
		want float64
	}{
		{Key{TeacherLeavers, 0, "strong", ""}, 0.2},
		{Key{TeacherMovers, 0, "strong", ""}, 0.1},
		{Key{TeacherLeavers, 0, "weak", ""}, 0},
		{Key{TeacherLeavers, 0, "all", ""}, 2.0 / 12},
		{Key{TeacherMovers, 0, "all", ""}, 1.0 / 12},
	} {
		// Labelled with the year at whose end they left.
		if v := get(t, values, tt.key, 2); !near(v.Value, tt.want, 1e-12) {
			t.Errorf("%+v = %g, want %g", tt.key, v.Value, tt.want)
		}
	}
}

// TestCollectorGetAveragesYears: a yearly statistic over a span of years
// is the mean of its yearly values, and NaN when a year lacks one.
func TestCollectorGetAveragesYears(t *testing.T) {
	var c Collector
	for y := range 4 {
		prev, cur := vaWorld(uint64(10+y), 10, 12, 0.1, 0)
		cur.Year = y
		_ = prev
		c.Add(cur)
	}
	key := Key{Statistic: BetweenShare, Grade: 8, Subject: "maths"}
	var sum float64
	for y := 1; y <= 3; y++ {
		sum += c.Get(key, y, y)
	}
	if got := c.Get(key, 1, 3); !near(got, sum/3, 1e-12) {
		t.Errorf("years 1-3: %g, want the mean of the yearly values %g", got, sum/3)
	}
	if got := c.Get(Key{Statistic: TeacherLeavers, Tier: "all"}, 1, 3); !math.IsNaN(got) {
		t.Errorf("leavers of year 3 need year 4: got %g, want NaN", got)
	}
	if got := c.Get(key, 2, 9); !math.IsNaN(got) {
		t.Errorf("years after the last: got %g, want NaN", got)
	}
}

// TestKeyCheck: a key's grade, tier and subject must fit its statistic.
func TestKeyCheck(t *testing.T) {
	for _, tt := range []struct {
		key Key
		dim string
	}{
		{Key{Growth, 8, "all", "maths"}, ""},
		{Key{Growth, 7, "all", "maths"}, "grade"}, // no grade below
		{Key{BetweenShare, 7, "", "maths"}, ""},
		{Key{BetweenShare, 10, "", "maths"}, "grade"},
		{Key{TeacherVA, 9, "", "maths"}, "grade"},
		{Key{TeacherVA, 0, "", "physics"}, "subject"},
		{Key{TeacherLeavers, 0, "strong", ""}, ""},
		{Key{TeacherLeavers, 0, "", ""}, "tier"},
		{Key{TeacherLeavers, 0, "all", "maths"}, "subject"},
		{Key{"iq", 0, "", ""}, "statistic"},
	} {
		if dim, _ := tt.key.Check(7, 3); dim != tt.dim {
			t.Errorf("%+v: problem with %q, want %q", tt.key, dim, tt.dim)
		}
	}
}
