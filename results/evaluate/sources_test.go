package evaluate

import (
	"context"
	"fmt"
	"math"
	"testing"

	"schoolnet/scenarios"
)

// decomposition runs s with the bias decomposition and returns, per
// configuration name, the mean over replications of a design's estimate
// minus the same replication's estimate with every source off, on the
// composite, with the standard error of that mean.
func decomposition(t *testing.T, s *scenarios.Scenario, designs ...string) (*Result, func(config, design string) (mean, se float64)) {
	t.Helper()
	res, err := Run(context.Background(), s, Options{Designs: designs, Workers: 2, Decompose: true})
	if err != nil {
		t.Fatal(err)
	}
	added := func(config, design string) (float64, float64) {
		ci := -1
		for k, c := range res.Configs {
			if c.Name == config {
				ci = k
			}
		}
		if ci < 0 {
			t.Fatalf("no configuration %s", config)
		}
		w := worldOf(design)
		xs := make([]float64, len(res.Reps))
		for i := range res.Reps {
			c, none := &res.Reps[i].Bias[ci], &res.Reps[i].Bias[0]
			xs[i] = (c.Estimates[design][Composite].Value - c.Truth[w][Composite]) -
				(none.Estimates[design][Composite].Value - none.Truth[w][Composite])
		}
		m, lo, _ := res.ci(xs) // studies that could not be estimated left out
		return m, (m - lo) / 1.96
	}
	return res, added
}

// withSources returns the small test world with every bias source off
// but intake_response and test_inflation as given and the [study] table
// study (keys over the defaults).
func withSources(t *testing.T, schools, reps int, selection string, intake, inflation float64, study string) *scenarios.Scenario {
	t.Helper()
	s := smallWorld(t, schools, reps, "", 5e6, selection)
	if err := SwitchOff(s); err != nil {
		t.Fatal(err)
	}
	s.Model.IntakeResponse, s.Model.TestInflation = intake, inflation
	over, err := scenarios.Parse("study.toml", []byte("[study]\n"+study))
	if err != nil {
		t.Fatal(err)
	}
	s.Study = over.Study
	return s
}

// TestInflationShiftsEveryDesign: teaching to the test raises a treated
// school's exam scores above its learning by test_inflation a year, so
// every design that reads the exam, a lottery's included, overstates the
// effect by exactly that much: the true effect does not change and the
// pre-test precedes the policy. A study that reads an audit test sees
// none of it.
func TestInflationShiftsEveryDesign(t *testing.T) {
	const rate = 0.05
	for _, test := range []string{scenarios.TestExam, scenarios.TestAudit} {
		s := withSources(t, 16, 3, `rule = "voluntary"`, 0, rate,
			fmt.Sprintf("test = %q\nreliability = 1\nschool_noise = 0\ndip = 0", test))
		res, added := decomposition(t, s)
		want := 3 * rate // three treated years at the follow-up
		if test == scenarios.TestAudit {
			want = 0
		}
		for _, d := range Designs {
			got, _ := added(SourceInflation, d)
			if math.Abs(got-want) > 1e-4 {
				t.Errorf("%s, %s: inflation adds %+.5f to the bias, want %+.5f", test, d, got, want)
			}
		}
		for i := range res.Reps {
			if b := res.Reps[i].Bias; b[0].Truth != b[len(b)-1].Truth {
				t.Errorf("%s: the true effect changed with teaching to the test", test)
			}
		}
	}
}

// TestDipMakesDIDOverstate: when schools volunteer after a bad measured
// year and the study's pre-test is that measurement, the treated schools'
// pre-test is low by its transitory part, which the follow-up does not
// repeat: DID overstates the effect (regression to the mean, Chay, McEwan
// & Urquiola 2005). A lottery's DID, whose schools were not chosen on the
// pre-test, stays unbiased; measurement error alone adds no bias to DID.
func TestDipMakesDIDOverstate(t *testing.T) {
	s := withSources(t, 40, 60, "rule = \"voluntary\"\nstrength = 0", 0, 0,
		"reliability = 1\nschool_noise = 0.3\ndip = 3")
	_, added := decomposition(t, s, DID, PSMDID, RCTDID)
	did, didSE := added(ConfigAll, DID)
	psm, psmSE := added(ConfigAll, PSMDID)
	lot, lotSE := added(ConfigAll, RCTDID)
	meas, measSE := added(SourceMeasurement, DID)
	t.Logf("added bias: DID %+.4f (SE %.4f), PSM-DID %+.4f (SE %.4f), lottery DID %+.4f (SE %.4f); measurement alone, DID %+.4f (SE %.4f)",
		did, didSE, psm, psmSE, lot, lotSE, meas, measSE)
	if did < 3*didSE {
		t.Errorf("dip with a noisy pre-test: DID's added bias %+.4f, want clearly positive (SE %.4f)", did, didSE)
	}
	if math.Abs(lot) > 2.5*lotSE {
		t.Errorf("a lottery's DID: added bias %+.4f, want within 2.5 SE (%.4f) of 0", lot, lotSE)
	}
	if math.Abs(meas) > 2.5*measSE {
		t.Errorf("measurement error alone: DID's added bias %+.4f, want within 2.5 SE (%.4f) of 0", meas, measSE)
	}
}

// TestIntakeResponseReadAsEffect: when families move towards the treated
// schools, their intakes improve and the comparison schools' fall, which
// a comparison of school means reads as an effect: DID overstates. The
// true effect follows the students, so it still equals the mean of the
// students' own effects at every treated school.
func TestIntakeResponseReadAsEffect(t *testing.T) {
	s := withSources(t, 40, 40, `rule = "lottery"`, 0.2, 0,
		"reliability = 1\nschool_noise = 0\ndip = 0")
	res, added := decomposition(t, s, DID, RCTDID)
	did, se := added(SourceIntake, DID)
	t.Logf("intake response adds %+.4f (SE %.4f) to DID's bias", did, se)
	if did < 3*se {
		t.Errorf("intake response: DID's added bias %+.4f, want clearly positive (SE %.4f)", did, se)
	}
	for i, rep := range res.Reps {
		sum := map[int32]float64{}
		n := map[int32]int{}
		for _, st := range rep.Students {
			sum[st.School] += st.Effect[Composite]
			n[st.School]++
		}
		for _, e := range rep.Schools {
			if e.World != worldScenario {
				continue
			}
			if got := sum[e.School] / float64(n[e.School]); math.Abs(got-e.Effect[Composite]) > 1e-9 {
				t.Fatalf("replication %d school %d: true effect %.6f, mean of its students' effects %.6f", i, e.School, e.Effect[Composite], got)
			}
		}
	}
}
