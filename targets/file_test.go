package targets

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"schoolnet/scenarios"
)

// TestShippedTargetsLoad checks every shipped target file: it loads, every
// target has a source and an interval, and its parameters resolve to
// plausible ranges.
func TestShippedTargetsLoad(t *testing.T) {
	for _, name := range Embedded() {
		f, err := Load(name, "")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(f.Targets) < 5 || len(f.Params) == 0 {
			t.Errorf("%s: %d targets and %d parameters", name, len(f.Targets), len(f.Params))
		}
		for _, tg := range f.Targets {
			if tg.Sigma <= 0 || tg.Source == "" {
				t.Errorf("%s: target %s has no uncertainty or source", name, tg.Name)
			}
		}
	}
}

// TestQuickWorldShrinksEveryScenario: the quick preset's world replaces
// the scenarios' populations and calendars, and changes the file's hash.
func TestQuickWorldShrinksEveryScenario(t *testing.T) {
	full, err := Load("default", "")
	if err != nil {
		t.Fatal(err)
	}
	quick, err := Load("default", QuickWorld)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range quick.Groups {
		pop := &g.Scenario.Population
		if pop.NumSchools() != 50 || pop.ClassSize != 20 || g.Scenario.Run.WeeksPerYear != 20 {
			t.Errorf("%s: %d schools, classes of %d, %d weeks; want the quick world", g.Scenario.Name, pop.NumSchools(), pop.ClassSize, g.Scenario.Run.WeeksPerYear)
		}
		if len(g.Scenario.Policies) != len(full.Groups[i].Scenario.Policies) {
			t.Errorf("%s lost its policies", g.Scenario.Name)
		}
	}
	if quick.Hash() == full.Hash() {
		t.Error("the quick world does not change the hash")
	}
}

const good = `params = ["model.teacher_sd"]
[[target]]
name = "va"
statistic = "teacher_va_sd"
scenario = "baseline"
years = [1, 3]
subject = "maths"
value = 0.15
se = 0.03
evidence = "meta-analysis"
source = "Hanushek & Rivkin (2010)"
`

// TestBadTargetFiles checks that each mistake is refused with the file,
// line and key, and a message that says what to fix.
func TestBadTargetFiles(t *testing.T) {
	for _, tt := range []struct {
		name, old, new, want string
	}{
		{"unknown key", `se = 0.03`, "se = 0.03\nsee = 1", "bad.toml:10: target[1].see: unknown key (did you mean target[1].se?)"},
		{"unknown statistic", `"teacher_va_sd"`, `"teacher_va"`, "bad.toml:4: target[1].statistic: unknown statistic \"teacher_va\" (did you mean teacher_va_sd?)"},
		{"no uncertainty", "se = 0.03\n", "", "target[1].se: missing: the published value's standard error"},
		{"both se and interval", "se = 0.03", "se = 0.03\ninterval = [0.1, 0.2]", "target[1].se: give either se or interval"},
		{"interval not around value", "se = 0.03", "interval = [0.2, 0.3]", "bad.toml:9: target[1].interval: must be [low, high] around the value"},
		{"no value", "value = 0.15\n", "", "target[1].value: missing"},
		{"no source", `source = "Hanushek & Rivkin (2010)"`, `source = " "`, "target[1].source: missing"},
		{"bad evidence", `"meta-analysis"`, `"hearsay"`, "target[1].evidence: must be measured, meta-analysis or assumption"},
		{"grade of a statistic without", `subject = "maths"`, "subject = \"maths\"\ngrade = 8", "target[1].grade: teacher_va_sd is not by grade"},
		{"grade not taught", `statistic = "teacher_va_sd"`, "statistic = \"growth\"\ngrade = 7\ntier = \"all\"", "target[1].grade: must be a grade the schools teach, above the first (a gain needs the grade below) (grades 7-9)"},
		{"gain from year 0", "years = [1, 3]", "years = [0, 3]", "bad.toml:6: target[1].years: teacher_va_sd needs the year before"},
		{"years reversed", "years = [1, 3]", "years = [3, 1]", "target[1].years: the last year 1 is before the first 3"},
		{"unknown scenario", `"baseline"`, `"nowhere"`, "bad.toml:5: target[1].scenario: nowhere: not a shipped scenario"},
		{"estimate with years", `statistic = "teacher_va_sd"`, "statistic = \"estimate\"\ndesign = \"did\"", "target[1].scenario"},
		{"bad setting", "source = \"Hanushek & Rivkin (2010)\"", "source = \"Hanushek & Rivkin (2010)\"\n[calibration]\nalpha = 1.5", "bad.toml:13: calibration.alpha: must be in [0.05,0.95]"},
		{"world years", "source = \"Hanushek & Rivkin (2010)\"", "source = \"Hanushek & Rivkin (2010)\"\n[run]\nyears = 9", "bad.toml:13: run.years: set by the calibration"},
		{"unknown parameter", "model.teacher_sd", "model.teacher_sdd", "bad.toml:1: params: \"model.teacher_sdd\": no such model parameter (did you mean model.teacher_sd?)"},
		{"policy of no scenario", "model.teacher_sd", "policy.ssp-funding.per_school", "params: \"policy.ssp-funding.per_school\": no target scenario has a policy of that name"},
		{"two targets of a name", "", "", "target[2].name: two targets are named \"va\""},
		{"unknown world key", "source = \"Hanushek & Rivkin (2010)\"", "source = \"Hanushek & Rivkin (2010)\"\n[population]\nclas_size = 9", "bad.toml:13: population.clas_size: unknown key (did you mean population.class_size?)"},
		{"world value out of range", "source = \"Hanushek & Rivkin (2010)\"", "source = \"Hanushek & Rivkin (2010)\"\n[population]\nclass_size = 1", "population.class_size: must be in [2,200]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(good, tt.old, tt.new, 1)
			if tt.name == "two targets of a name" {
				text += strings.SplitN(good, "\n", 2)[1]
			}
			if tt.name == "estimate with years" {
				text = strings.Replace(text, `"baseline"`, `"shanghai-ssp-study"`, 1)
				tt.want = "bad.toml:7: target[1].years: an estimate is at the study's follow-up"
			}
			_, err := Parse(filepath.Join(t.TempDir(), "bad.toml"), []byte(text))
			var e *scenarios.Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a *scenarios.Error containing %q\n%s", err, tt.want, text)
			}
		})
	}
}

// TestParamsOfPolicies: a policy key of a target scenario resolves to its
// kind's plausible range; one without a plausible range is refused, and
// setting a policy parameter leaves the scenario's own policy as it was.
func TestParamsOfPolicies(t *testing.T) {
	text := strings.Replace(good, `"baseline"`, `"shanghai-ssp"`, 1)
	f, err := Parse(filepath.Join(t.TempDir(), "t.toml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Param("policy.ssp-funding.per_school")
	if err != nil {
		t.Fatal(err)
	}
	if p.Default != 1e6 || p.Range.Low != 8e5 || p.Range.High != 1.2e6 {
		t.Errorf("per_school: default %g, plausible [%g, %g]; want 1e6 in [8e5, 1.2e6]", p.Default, p.Range.Low, p.Range.High)
	}
	if _, err := f.Param("policy.ssp-pairs.mentoring_intensity"); err == nil || !strings.Contains(err.Error(), "no plausible range") {
		t.Errorf("mentoring_intensity: got %v, want a refusal for want of a plausible range", err)
	}
	r, err := f.Param("policy.ssp-rotation.posting_years")
	if err != nil || !r.Integer {
		t.Errorf("posting_years: %+v, %v; want an integer parameter", r, err)
	}
	scn := f.Groups[0].Scenario
	changed := p.Set(scn, 9e5)
	var got, orig float64
	for k, s := range changed.Policies {
		if s.Base().Label() == "ssp-funding" {
			got = reflectGet(t, s, "per_school")
			orig = reflectGet(t, scn.Policies[k], "per_school")
		}
	}
	if got != 9e5 || orig != 1e6 {
		t.Errorf("after Set: %g in the copy and %g in the scenario; want 900000 and 1000000", got, orig)
	}
	if err := scenarios.Check(changed); err != nil {
		t.Errorf("the changed scenario is refused: %v", err)
	}
}

func reflectGet(t *testing.T, v any, key string) float64 {
	t.Helper()
	x, ok := getNumber(v, key)
	if !ok {
		t.Fatalf("no key %s", key)
	}
	return x
}

// TestTargetFileNextToScenarioFile: a target names a scenario file next to
// it before a shipped scenario of the same name.
func TestTargetFileNextToScenarioFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "baseline"), []byte("name = \"mine\"\n[run]\nseed = 5\n"), 0o644)
	p := filepath.Join(dir, "t.toml")
	os.WriteFile(p, []byte(good), 0o644)
	f, err := Load(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Groups[0].Scenario; s.Name != "mine" || s.Run.Seed != 5 {
		t.Errorf("scenario %s, seed %d; want the file next to the targets", s.Name, s.Run.Seed)
	}
}

// TestShippedCalibrationIsOfTheDefaultTargets: the shipped calibration
// (targets/calibration, whose medians are the defaults) was run on the
// default target file as it is: the same parameters, targets and settings.
// Changing the file's parameters or settings without running the
// calibration again, and shipping its files, fails here.
func TestShippedCalibrationIsOfTheDefaultTargets(t *testing.T) {
	f, err := Load(DefaultName, "")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("calibration", "calibration.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Targets  string   `json:"targets"`
		Params   []string `json:"params"`
		Settings Settings `json:"settings"`
	}
	if err := json.Unmarshal(data, &plan); err != nil {
		t.Fatal(err)
	}
	if plan.Targets != DefaultName+".toml" || !slices.Equal(plan.Params, f.Params) || plan.Settings != f.Calibration {
		t.Errorf("targets/calibration ran %s on %v with %+v; targets/default.toml now has %v with %+v: run schoolnet calibrate targets/default.toml again and ship its files",
			plan.Targets, plan.Params, plan.Settings, f.Params, f.Calibration)
	}
	fit, err := os.ReadFile(filepath.Join("calibration", "fit.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range f.Targets {
		if !strings.Contains(string(fit), "\n"+tg.Name+",") {
			t.Errorf("targets/calibration/fit.csv has no row for target %s", tg.Name)
		}
	}
}
