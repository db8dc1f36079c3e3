package sim

import (
	"context"
	"testing"

	"schoolnet/agents"
)

// The realism checks of issue 11 (docs/MODEL.md, section 1, "Baseline
// patterns"): a baseline run must look like a real school system. The
// ranges and their sources are in docs/VALIDATION.md.
const (
	// BetweenShareLow and BetweenShareHigh bound the between-school share
	// of achievement variance: PISA puts it at about a third on average
	// across the OECD and higher in China's stratified urban systems
	// (OECD 2013, PISA 2012 Results vol. II; OECD 2020, Benchmarking the
	// Performance of China's Education System).
	betweenShareLow, betweenShareHigh = 0.30, 0.55
	// tierGapGuard bounds the strong–weak gap in yearly value added, in SD
	// of the grade. The evidence puts it at 0–0.15 (lotteries into Chinese
	// elite middle schools find little value added, Zhang 2013; growth is
	// weakly related to intake, Reardon 2019; observational studies of key
	// schools find some, Yang et al. 2014). The model at its defaults gives
	// about 0.27–0.28 on this small world (0.31–0.34 on the six-year
	// baseline), half of it from the teacher market's sorting
	// (docs/MODEL.md section 1, "Where the value-added gap comes from"):
	// this bound guards what issue 11 fixed (0.42 before), not the
	// evidence, which no calibration target holds yet.
	tierGapGuard = 0.30
)

// growthYear is what one simulated year of a baseline shows on the
// vertical (latent, unstandardised) scale: the mean yearly growth of the
// students present at both year ends, by tier and by tier and grade, the
// grade SD of the reference, and the year's between-school share.
type growthYear struct {
	year         int
	tier         [agents.NumTiers]float64
	byGrade      [agents.NumTiers][]float64
	allByGrade   []float64 // all students, by grade
	gradeSD      float64   // mean over grades and subjects of the reference SD
	betweenShare float64
}

// baselineGrowth runs a baseline of the default population cut to
// districts districts, with par, through the given simulated years, and
// follows every student from one year end to the next.
func baselineGrowth(t *testing.T, par agents.Params, seed uint64, districts, years int) []growthYear {
	t.Helper()
	pop := agents.DefaultPopulation()
	pop.Districts = districts
	cfg := Config{Seed: seed, Years: years, WeeksPerYear: 40, SpinUpYears: 3, Workers: 2,
		Population: pop, Params: par}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	grades := pop.Grades
	var out []growthYear
	prev := map[int64]float64{}
	for y := 1 - cfg.SpinUpYears; y <= cfg.Years; y++ {
		var rec *YearRecord
		if err := e.RunYear(context.Background(), y, func(r YearRecord) { rec = &r }); err != nil {
			t.Fatal(err)
		}
		// After the year end every continuing student has moved up a
		// grade: the growth measured is that of grade Grade−1.
		g := growthYear{year: y}
		var sum, n [agents.NumTiers]float64
		gsum := make([][]float64, agents.NumTiers)
		gn := make([][]float64, agents.NumTiers)
		for k := range gsum {
			gsum[k], gn[k] = make([]float64, grades), make([]float64, grades)
		}
		asum, an := make([]float64, grades), make([]float64, grades) // by grade, all tiers
		cur := map[int64]float64{}
		for i := range e.Population().Schools {
			s := &e.Population().Schools[i]
			for j := range s.Students {
				st := &s.Students[j]
				a := st.MeanAchievement()
				cur[st.ID] = a
				if p, ok := prev[st.ID]; ok {
					sum[s.Tier] += a - p
					n[s.Tier]++
					gsum[s.Tier][st.Grade-1] += a - p
					gn[s.Tier][st.Grade-1]++
					asum[st.Grade-1] += a - p
					an[st.Grade-1]++
				}
			}
		}
		prev = cur
		if rec == nil { // spin-up years before the baseline
			continue
		}
		for gr := range grades - 1 {
			g.allByGrade = append(g.allByGrade, asum[gr]/max(1, an[gr]))
		}
		for k := range sum {
			g.tier[k] = sum[k] / max(1, n[k])
			g.byGrade[k] = make([]float64, grades-1)
			for gr := range grades - 1 {
				g.byGrade[k][gr] = gsum[k][gr] / max(1, gn[k][gr])
			}
		}
		ref := e.Reference()
		for gr := range grades {
			for k := range agents.NumSubjects {
				g.gradeSD += ref.GradeSD[gr][k]
			}
		}
		g.gradeSD /= float64(grades * agents.NumSubjects)
		g.betweenShare = Summarise(*rec).BetweenShare
		out = append(out, g)
	}
	return out
}

// TestBaselineLooksLikeASchoolSystem checks the baseline patterns of issue
// 11 on a two-district baseline: weak-school students grow on the vertical
// scale in every year, the strong–weak gap in yearly value added stays
// within its guard, and the between-school share of achievement variance
// lies in the range PISA reports.
func TestBaselineLooksLikeASchoolSystem(t *testing.T) {
	years := baselineGrowth(t, agents.DefaultParams(), 20260101, 2, 2)
	if len(years) != 3 {
		t.Fatalf("got %d measured years, want 3 (baseline and two simulated)", len(years))
	}
	for _, y := range years {
		weak, strong := y.tier[agents.Weak], y.tier[agents.Strong]
		if weak <= 0 {
			t.Errorf("year %d: weak-school students' mean growth %+.3f on the vertical scale, want > 0", y.year, weak)
		}
		for gr, x := range y.byGrade[agents.Weak] {
			if x <= 0 {
				t.Errorf("year %d: weak-school students in grade %d grew %+.3f, want > 0", y.year, 7+gr, x)
			}
		}
		gap := (strong - weak) / y.gradeSD
		if gap <= 0 || gap > tierGapGuard {
			t.Errorf("year %d: strong–weak gap in yearly value added %.3f SD of the grade, want in (0, %.2f]", y.year, gap, tierGapGuard)
		}
		if y.betweenShare < betweenShareLow || y.betweenShare > betweenShareHigh {
			t.Errorf("year %d: between-school share %.3f, want in [%.2f, %.2f]", y.year, y.betweenShare, betweenShareLow, betweenShareHigh)
		}
		t.Logf("year %d: growth strong %+.3f average %+.3f weak %+.3f (latent SD/year); tier gap %.3f SD of the grade; between share %.3f",
			y.year, strong, y.tier[agents.Average], weak, gap, y.betweenShare)
	}
}

// TestNoFirstGradeDip checks what the grade-centred reference
// (reference_grade_weight 1) is for: students grow as much in their first
// grade, where they start with no peer ties, as in the next, so that
// growth_per_year is every grade's growth of the average student. Centred
// on the population's year-end means (weight 0, the centring before issue
// 11), first-graders grow clearly less than second-graders.
func TestNoFirstGradeDip(t *testing.T) {
	par := agents.DefaultParams()
	for _, weight := range []float64{1, 0} {
		par.ReferenceGradeWeight = weight
		y := baselineGrowth(t, par, 7, 2, 1)[0] // the baseline year
		first, second := y.allByGrade[0], y.allByGrade[1]
		t.Logf("reference_grade_weight %g: all students' growth in grade 7 %+.3f, grade 8 %+.3f (growth_per_year %.2f)", weight, first, second, par.GrowthPerYear)
		switch dip := second - first; {
		case weight == 1 && (dip < -0.03 || dip > 0.03):
			t.Errorf("weight 1: grade 7 grows %+.3f, grade 8 %+.3f; want them within 0.03", first, second)
		case weight == 0 && dip < 0.04:
			t.Errorf("weight 0: grade 7 grows %+.3f, not clearly less than grade 8's %+.3f; the first-grade dip the weight removes is gone", first, second)
		}
	}
}
