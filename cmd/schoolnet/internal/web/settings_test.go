package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
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
		{"a shorter run shows the scenario's first years, as run --years does", "shanghai-ssp", Settings{Years: ptr(2)}, func(t *testing.T, scn *scenarios.Scenario, notes []string) {
			// An audit found the lab moving the policies' ends, which
			// squeezed their three years' budget into two: the page's
			// numbers were not schoolnet run --years 2's.
			for _, p := range scn.Policies {
				if p.Base().End != 3 {
					t.Errorf("%s ends in year %d, want its own 3", name(p), p.Base().End)
				}
			}
			if len(notes) != 3 {
				t.Errorf("notes %q, want one per policy", notes)
			}
			cli, err := scenarios.Load("shanghai-ssp")
			if err != nil {
				t.Fatal(err)
			}
			cli.SetYears(2)
			a, _ := json.Marshal(scn)
			b, _ := json.Marshal(cli)
			if !bytes.Equal(a, b) {
				t.Errorf("the lab's scenario differs from schoolnet run --years 2's:\n%s\n%s", a, b)
			}
		}},
		{"a policy the lab adds to a shorter run keeps its own years too", "baseline", Settings{Years: ptr(2), FundingPerSchool: ptr(1e6)}, func(t *testing.T, scn *scenarios.Scenario, notes []string) {
			f := first[*policy.FundingSpec](scn)
			if f == nil || f.Start != 1 || f.End != 3 {
				t.Fatalf("added funding %+v, want years 1-3 as TEACHING.md says (a review found it squeezed into 2)", f)
			}
			if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "runs to year 3; this run stops at year 2") }) {
				t.Errorf("notes %q, want one that the run cuts the added policy short", notes)
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
		{"negative funding", "baseline", Settings{FundingPerSchool: ptr(-1.0)}, "funding per school must be between 0 and 1000000000, got -1", false},
		{"funding of 1e308", "baseline", Settings{FundingPerSchool: ptr(1e308)}, "funding per school must be between 0 and 1000000000, got 1e+308", false},
		{"unknown rule", "baseline", Settings{SelectionRule: ptr("list")}, `selection rule must be one of voluntary, lottery, rank, all, got "list"`, false},
		{"zero years", "baseline", Settings{Years: ptr(0)}, "years must be between 1 and 100, got 0", false},
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
	if got, want := scn.Population.PlannedStudents(), 82080.0; got != want {
		t.Errorf("planned students = %g, want %g", got, want)
	}
}

// TestSettingsJSON checks that the settings' JSON is strict: an unknown
// field or a value of the wrong type is refused with a message naming it.
func TestSettingsJSON(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     string // error, "" if accepted
	}{
		{"every control", `{"years":3,"replications":2,"seed":7,"funding_per_school":1e6,"rotation_share":0.1,"pairing_share":0.5,"mentoring_intensity":0.5,"selection_rule":"rank","alliance":"none"}`, ""},
		{"none", `{}`, ""},
		{"null", `null`, ""},
		{"misspelt control", `{"fundng_per_school":1}`, `settings: unknown field "fundng_per_school"; the fields are years, replications, seed, funding_per_school, rotation_share, pairing_share, mentoring_intensity, selection_rule, alliance`},
		{"a scenario key", `{"years":3,"model":{"growth_per_year":1}}`, `settings: unknown field "model"; the fields are years, `},
		{"string for a number", `{"years":"3"}`, "settings: years must be a whole number, got string"},
		{"fraction for a whole number", `{"replications":1.5}`, "settings: replications must be a whole number, got number 1.5"},
		{"seed over int64", `{"seed":1e30}`, "settings: seed must be a whole number, got number 1e30"},
		{"number over float64", `{"funding_per_school":1e400}`, "settings: funding_per_school must be a number, got number 1e400"},
		{"number for a string", `{"alliance":3}`, "settings: alliance must be a string, got number"},
		{"array", `[1,2]`, "settings must be a JSON object, got array"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var st Settings
			err := json.Unmarshal([]byte(tt.in), &st)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var se *settingsError
			if err != nil && !errors.As(err, &se) {
				t.Errorf("error %T, want a *settingsError", err)
			}
		})
	}
}
