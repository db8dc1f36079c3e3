package evaluate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"testing"

	"schoolnet/results"
	"schoolnet/scenarios"
)

// smallWorld is a quick school system for the lab's tests: one district of
// schools with one class of 12 per grade, three grades, 8 school weeks a
// year and two spin-up years. The funding policy it is tested with buys
// facilities and courses for half of the schools, which arrive after a
// week and matter four times as much as by default, so that the effect is
// clear in a small world; the test sets how the schools are chosen.
func smallWorld(t testing.TB, schools int, reps int, model string, money float64, selection string) *scenarios.Scenario {
	t.Helper()
	src := fmt.Sprintf(`name = "small-study"
[run]
seed = 11
years = 3
weeks_per_year = 8
spin_up_years = 2
replications = %d
[population]
districts = 1
schools_per_district = %d
class_size = 12
staff_history_years = 3
[population.strong]
classes_per_grade = 1
[population.average]
classes_per_grade = 1
[population.weak]
classes_per_grade = 1
[model]
resource_lag_weeks = 1
resource_effect = 0.2
%s
[[policy]]
kind = "funding"
start = 1
end = 3
per_school = %g
facilities = 0.5
courses = 0.5
training = 0
[policy.select]
tier = "any"
share = 0.5
%s
`, reps, schools, model, money, selection)
	s, err := scenarios.Parse("small-study.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// biasStats returns the mean over replications of a design's estimate
// minus the true effect on the composite, and the standard error of that
// mean.
func biasStats(res *Result, design string) (mean, se float64) {
	w := worldOf(design)
	xs := make([]float64, len(res.Reps))
	for i := range res.Reps {
		tr := res.Reps[i].Truth[w]
		xs[i] = res.Reps[i].Estimates[design][Composite].Value - tr[len(tr)-1][Composite]
	}
	m, h := results.MeanCI(xs)
	return m, h / 1.96 // the t quantile for n ≥ 200 is 1.97
}

// TestLotteryDesignsAreUnbiased: when treatment is assigned by lottery
// and the study faces no other source of bias, the mean DID and lottery
// (follow-up difference) estimates over 200 replications, each with its
// own random streams as 200 seeds would have, are within two standard
// errors of the mean true effect.
func TestLotteryDesignsAreUnbiased(t *testing.T) {
	s := smallWorld(t, 20, 200, "", 5e6, `rule = "lottery"`)
	if err := SwitchOff(s); err != nil { // a lottery does not remove them: TestInflationShiftsEveryDesign
		t.Fatal(err)
	}
	res, err := Run(context.Background(), s, Options{Designs: []string{DID, RCT}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var truth float64
	for i := range res.Reps {
		tr := res.Reps[i].Truth[worldScenario]
		truth += tr[len(tr)-1][Composite] / float64(len(res.Reps))
	}
	if truth < 0.02 {
		t.Fatalf("mean true effect %.4f SD: the test world's policy should have a clear effect", truth)
	}
	for _, d := range []string{DID, RCT} {
		m, se := biasStats(res, d)
		t.Logf("%s: mean estimate − true effect %+.4f (SE %.4f), true effect %.4f", d, m, se, truth)
		if math.Abs(m) > 2*se {
			t.Errorf("%s under a lottery: mean estimate − true effect %+.4f, more than two standard errors (%.4f) from 0", d, m, se)
		}
	}
}

// TestPSMDIDBiasGrowsWithSelection: when schools volunteer on the latent
// motivation, which also speeds their teachers' development, PSM-DID
// (which cannot see it) overstates the effect, and more so the stronger
// the selection. The test world's motivation effect is strong
// (motivation_development = 0.05) so that the bias stands out of the
// noise of few replications.
func TestPSMDIDBiasGrowsWithSelection(t *testing.T) {
	var bias, se [3]float64
	for k, strength := range []float64{0, 1, 8} {
		s := smallWorld(t, 40, 60, "motivation_development = 0.05", 5e6, fmt.Sprintf("rule = \"voluntary\"\nstrength = %g", strength))
		if err := SwitchOff(s); err != nil { // the motivation alone
			t.Fatal(err)
		}
		res, err := Run(context.Background(), s, Options{Designs: []string{PSMDID}, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		bias[k], se[k] = biasStats(res, PSMDID)
		t.Logf("strength %g: PSM-DID bias %+.4f (SE %.4f)", strength, bias[k], se[k])
	}
	if math.Abs(bias[0]) > 2.5*se[0] {
		t.Errorf("strength 0 (a lottery): bias %+.4f, want within 2.5 SE (%.4f) of 0", bias[0], se[0])
	}
	if bias[1] < 2*se[1] {
		t.Errorf("strength 1: bias %+.4f, want clearly positive (SE %.4f)", bias[1], se[1])
	}
	if d, s := bias[2]-bias[1], math.Hypot(se[1], se[2]); d < 2*s {
		t.Errorf("bias grows by %+.4f from strength 1 to 8, want clearly positive (SE %.4f)", d, s)
	}
}

// TestPolicyThatChangesNothingHasZeroEffect: a policy that selects schools
// but gives them nothing leaves the treated world identical to its twin
// (when families do not respond to the selection), so every true effect
// is exactly zero.
func TestPolicyThatChangesNothingHasZeroEffect(t *testing.T) {
	s := smallWorld(t, 10, 2, "", 0, `rule = "voluntary"`)
	// Families moving towards the selected schools would change
	// something: the children who moved learn elsewhere.
	if err := SwitchOff(s, SourceIntake); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), s, Options{Designs: []string{DID}, Mediation: true, Bootstrap: 5, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, rep := range res.Reps {
		for _, yr := range rep.Truth[worldScenario] {
			for k, x := range yr {
				if x != 0 {
					t.Errorf("replication %d: true effect on %s %g, want exactly 0", i, OutcomeName(k), x)
				}
			}
		}
		for _, st := range rep.Students {
			if st.Effect != [NumOutcomes]float64{} {
				t.Fatalf("replication %d: student %d has effect %v, want 0", i, st.ID, st.Effect)
			}
		}
		if rep.Treated[worldScenario] == 0 || len(rep.Students) == 0 {
			t.Errorf("replication %d: %d treated schools, %d students compared; the test needs some", i, rep.Treated[worldScenario], len(rep.Students))
		}
		for m := range rep.Held {
			if rep.Held[m] != [NumOutcomes]float64{} {
				t.Errorf("replication %d: effect with %s held %v, want 0", i, Mediators[m], rep.Held[m])
			}
		}
	}
}

// TestTruthPerStudentMatchesSchools: with the same students in both worlds
// the student-weighted mean of per-school effects is the mean of
// per-student effects.
func TestTruthPerStudentMatchesSchools(t *testing.T) {
	s := smallWorld(t, 10, 2, "", 2e7, `rule = "lottery"`)
	res, err := Run(context.Background(), s, Options{Designs: []string{DID}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, rep := range res.Reps {
		var sum float64
		for _, st := range rep.Students {
			sum += st.Effect[Composite]
		}
		tr := rep.Truth[worldScenario]
		if got, want := sum/float64(len(rep.Students)), tr[len(tr)-1][Composite]; math.Abs(got-want) > 1e-9 || got == 0 {
			t.Errorf("replication %d: mean per-student effect %.10f, per-school %.10f", i, got, want)
		}
	}
}

// TestRunSameForAnyWorkers: replications run side by side and schools in
// parallel give the same files as one worker, byte for byte, every bias
// source and the decomposition included.
func TestRunSameForAnyWorkers(t *testing.T) {
	s := smallWorld(t, 12, 3, "", 2e7, `rule = "voluntary"`)
	files := func(workers int) []string {
		res, err := Run(context.Background(), s, Options{Mediation: true, Bootstrap: 20, Workers: workers, Decompose: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, write := range []func(io.Writer) error{res.WriteEvaluation, res.WriteEstimates, res.WriteTruth, res.WriteMediation, res.WriteBalance, res.WriteBias} {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b.String())
		}
		return out
	}
	one, many := files(1), files(5)
	for i := range one {
		if one[i] != many[i] {
			t.Errorf("file %d differs between 1 and 5 workers", i)
		}
	}
}
