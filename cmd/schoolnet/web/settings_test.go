package web

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"schoolnet/scenarios"
	"schoolnet/sim/policy"
)

func ptr[T any](v T) *T { return &v }

func shipped(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Shipped(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOwnSettingsChangeNothing checks that every shipped scenario, given
// the control values the page shows for it, runs exactly as shipped.
func TestOwnSettingsChangeNothing(t *testing.T) {
	for _, info := range scenarios.Embedded() {
		t.Run(info.Name, func(t *testing.T) {
			scn := shipped(t, info.Name)
			want, _ := json.Marshal(scn)
			st := ReadSettings(scn)
			notes, err := st.Apply(scn)
			if err != nil {
				t.Fatal(err)
			}
			if len(notes) > 0 {
				t.Errorf("notes %q, want none", notes)
			}
			if got, _ := json.Marshal(scn); string(got) != string(want) {
				t.Errorf("applying its own settings changed the scenario:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestApplySettings(t *testing.T) {
	for _, tt := range []struct {
		name, scenario string
		st             Settings
		check          func(t *testing.T, scn *scenarios.Scenario, notes []string)
	}{
		{"funding added to the baseline", "baseline", Settings{FundingPerSchool: ptr(2e6)}, func(t *testing.T, scn *scenarios.Scenario, notes []string) {
			f := first[*policy.FundingSpec](scn)
			if f == nil || f.Name != addedFunding || f.PerSchool != 2e6 || f.Select.Rule != policy.RuleVoluntary {
				t.Fatalf("funding policy = %+v, want lab-funding of 2M chosen by voluntary selection", f)
			}
			if len(notes) != 1 || !strings.Contains(notes[0], `added a funding policy "lab-funding"`) {
				t.Errorf("notes = %q", notes)
			}
		}},
		{"funding 0 keeps the policy and spends nothing", "shanghai-ssp", Settings{FundingPerSchool: ptr(0.0)}, func(t *testing.T, scn *scenarios.Scenario, notes []string) {
			if f := first[*policy.FundingSpec](scn); f == nil || f.PerSchool != 0 || f.Name != "ssp-funding" {
				t.Errorf("funding = %+v, want ssp-funding with 0 RMB", f)
			}
			if len(scn.Policies) != 3 {
				t.Errorf("%d policies, want the SSP's 3", len(scn.Policies))
			}
		}},
		{"pairing and mentoring", "shanghai-ssp", Settings{PairingShare: ptr(0.3), MentoringIntensity: ptr(0.9), RotationShare: ptr(0.2)}, func(t *testing.T, scn *scenarios.Scenario, _ []string) {
			p := first[*policy.PairingSpec](scn)
			if p.Select.Share != 0.3 || p.MentoringIntensity != 0.9 {
				t.Errorf("pairing share %g, mentoring %g; want 0.3, 0.9", p.Select.Share, p.MentoringIntensity)
			}
			if r := first[*policy.RotationSpec](scn); r.Share != 0.2 {
				t.Errorf("rotation share %g, want 0.2", r.Share)
			}
		}},
		{"added funding takes the added pairing's schools", "baseline", Settings{PairingShare: ptr(0.5), FundingPerSchool: ptr(1e6)}, func(t *testing.T, scn *scenarios.Scenario, _ []string) {
			f := first[*policy.FundingSpec](scn)
			if f.Select.Rule != policy.RuleAs || f.Select.As != addedPairing {
				t.Errorf("funding selects %+v, want the schools of %s", f.Select, addedPairing)
			}
		}},
		{"selection rule spares rule as", "shanghai-ssp", Settings{SelectionRule: ptr("lottery")}, func(t *testing.T, scn *scenarios.Scenario, _ []string) {
			rules := []string{}
			for _, p := range scn.Policies {
				rules = append(rules, p.Base().Select.Rule)
			}
			if strings.Join(rules, ",") != "lottery,as,as" {
				t.Errorf("rules %v, want lottery,as,as", rules)
			}
		}},
		{"a shorter run ends policies by its last year", "shanghai-ssp", Settings{Years: ptr(2)}, func(t *testing.T, scn *scenarios.Scenario, notes []string) {
			for _, p := range scn.Policies {
				if p.Base().End != 2 {
					t.Errorf("%s ends in year %d, want 2", name(p), p.Base().End)
				}
			}
			if len(notes) != 3 {
				t.Errorf("notes %q, want one per policy", notes)
			}
		}},
		{"alliance review", "curriculum-alliance", Settings{Alliance: ptr("review")}, func(t *testing.T, scn *scenarios.Scenario, _ []string) {
			if a := first[*policy.AllianceSpec](scn); a == nil || !a.Review {
				t.Errorf("alliance = %+v, want review on", a)
			}
		}},
		{"alliance none removes it", "curriculum-alliance-review", Settings{Alliance: ptr("none")}, func(t *testing.T, scn *scenarios.Scenario, notes []string) {
			if len(scn.Policies) != 0 || len(notes) != 1 {
				t.Errorf("policies %d, notes %q; want none left and a note", len(scn.Policies), notes)
			}
		}},
		{"run settings", "baseline", Settings{Years: ptr(3), Replications: ptr(2), Seed: ptr(int64(9))}, func(t *testing.T, scn *scenarios.Scenario, _ []string) {
			if r := scn.Run; r.Years != 3 || r.Replications != 2 || r.Seed != 9 {
				t.Errorf("run = %+v", r)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			scn := shipped(t, tt.scenario)
			notes, err := tt.st.Apply(scn)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, scn, notes)
		})
	}
}

func TestApplySettingsErrors(t *testing.T) {
	for _, tt := range []struct {
		name, scenario string
		st             Settings
		want           string
		validator      bool
	}{
		{"rotation share out of range", "baseline", Settings{RotationShare: ptr(1.5)}, "rotation share must be between 0 and 1, got 1.5", false},
		{"mentoring out of range", "baseline", Settings{MentoringIntensity: ptr(-0.1)}, "principal mentoring must be between 0 and 1, got -0.1", false},
		{"negative funding", "baseline", Settings{FundingPerSchool: ptr(-1.0)}, "funding per school must be a non-negative amount of RMB, got -1", false},
		{"unknown rule", "baseline", Settings{SelectionRule: ptr("list")}, `selection rule must be one of [voluntary lottery rank all], got "list"`, false},
		{"zero years", "baseline", Settings{Years: ptr(0)}, "years must be at least 1, got 0", false},
		{"alliance beside the SSP's pairs", "shanghai-ssp", Settings{Alliance: ptr("loose")}, `policy "lab-alliance" (curriculum-alliance): conflicts with policy "ssp-pairs" (pairing)`, true},
		{"pairing beside education groups", "chengdu-education-groups", Settings{PairingShare: ptr(0.5)}, `policy "lab-pairing" (pairing): conflicts with policy`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.st.Apply(shipped(t, tt.scenario))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var se *scenarios.Error
			if got := errors.As(err, &se); got != tt.validator {
				t.Errorf("validator error: %v, want %v", got, tt.validator)
			}
		})
	}
}

func TestPlannedStudents(t *testing.T) {
	scn := shipped(t, "baseline")
	// Per district 5 strong × 8 + 12 average × 6 + 8 weak × 5 = 152 classes
	// a grade, × 3 grades × 45 students × 4 districts.
	if got, want := plannedStudents(&scn.Population), 82080.0; got != want {
		t.Errorf("planned students = %g, want %g", got, want)
	}
}
