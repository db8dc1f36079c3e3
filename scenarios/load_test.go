package scenarios

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"schoolnet/sim/policy"
	"schoolnet/sim/ranges/rangestest"
)

func TestShippedScenariosLoad(t *testing.T) {
	infos := Embedded()
	if len(infos) == 0 {
		t.Fatal("no shipped scenarios")
	}
	for _, info := range infos {
		s, err := Load(info.Name)
		if err != nil {
			t.Errorf("%s: %v", info.Name, err)
			continue
		}
		if s.Name != info.Name {
			t.Errorf("%s.toml has name %q, want the file's name", info.Name, s.Name)
		}
		if s.Description == "" {
			t.Errorf("%s has no description", info.Name)
		}
	}
	if _, err := Load(""); err != nil {
		t.Errorf("default scenario: %v", err)
	}
}

func TestOverridesKeepDefaults(t *testing.T) {
	s, err := Parse("x.toml", []byte("[model]\ngrowth_per_year = 0.5\n[population.weak]\nshare = 0.2\n[population.average]\nshare = 0.6\n"))
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if s.Model.GrowthPerYear != 0.5 {
		t.Errorf("growth_per_year = %g, want 0.5", s.Model.GrowthPerYear)
	}
	if s.Model.TeacherSD != def.Model.TeacherSD {
		t.Errorf("teacher_sd = %g, want the default %g", s.Model.TeacherSD, def.Model.TeacherSD)
	}
	if s.Population.Weak.IntakeMean != def.Population.Weak.IntakeMean {
		t.Errorf("weak.intake_mean lost its default")
	}
}

func TestBrokenScenarios(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		line      int
		key, msg  string
	}{
		{"unknown key with hint", "[run]\nyears = 3\nyaers = 4\n", 3, "run.yaers", "did you mean run.years?"},
		{"unknown model parameter", "[model]\ngrowth_per_yer = 0.3\n", 2, "model.growth_per_yer", "did you mean model.growth_per_year?"},
		{"unknown table", "[populaton]\ndistricts = 2\n", 1, "populaton", "did you mean population?"},
		{"wrong type", "[run]\nyears = \"ten\"\n", 2, "run.years", "must be a whole number, got text in quotes"},
		{"float for int", "[run]\nyears = 1.5\n", 2, "run.years", "must be a whole number, got a number with a decimal point"},
		{"array of tables for a table", "[[run]]\nyears = 2\n", 1, "run", "must be a table, written [run], not an array of tables, written [[run]]"},
		{"inline table out of range", "model = { tie_accept = 2 }\n", 1, "model.tie_accept", "must be in [0,1]"},
		{"bootstrap 0", "[sweep]\nmethod = \"morris\"\nbootstrap = 0\n[[sweep.param]]\nkey = \"model.tie_accept\"\n", 3, "sweep.bootstrap", "got 0 (leave the key out for 1000)"},
		{"syntax", "name = \"open\n", 1, "name", "newlines"},
		{"years zero", "[run]\nyears = 0\n", 2, "run.years", "must be in [1,100] (years), got"},
		{"negative seed", "[run]\nseed = -3\n", 2, "run.seed", "must be in [0,9007199254740991], got -3"},
		{"weeks too many", "[run]\nweeks_per_year = 60\n", 2, "run.weeks_per_year", "[1,52]"},
		{"no replications", "[run]\nreplications = 0\n", 2, "run.replications", "[1,10000]"},
		{"chance above one", "[model]\ntie_accept = 1.5\n", 2, "model.tie_accept", "[0,1]"},
		{"negative rate", "[model]\nclimate_rate = -1\n", 2, "model.climate_rate", "must be in [0,52] (per year), got -1"},
		{"zero scale", "\n[model]\nteacher_experience_scale = 0\n", 3, "model.teacher_experience_scale", "must be in [0.1,50] (years), got 0"},
		{"no schools", "[population]\ndistricts = 0\n", 2, "population.districts", "must be in [1,10000] (districts), got 0"},
		{"shares do not sum", "[population.strong]\nshare = 0.5\n", 2, "population.strong.share", "sum to 1"},
		{"migrant share", "[population.weak]\nmigrant_share = 2\n", 2, "population.weak.migrant_share", "[0,1]"},
		{"dotted key", "model.tie_accept = 7\n", 1, "model.tie_accept", "[0,1]"},
		{"study key misspelt", "[study]\nreliabilty = 0.9\n", 2, "study.reliabilty", "did you mean study.reliability?"},
		{"study test unknown", "[study]\ntest = \"exams\"\n", 2, "study.test", "unknown test \"exams\""},
		{"study reliability zero", "[study]\n\nreliability = 0\n", 3, "study.reliability", "must be in [0.1,1]"},
		{"study dip negative", "[study]\ndip = -1\n", 2, "study.dip", "must be in [0,20]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("broken.toml", []byte(tt.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *scenarios.Error", err)
			}
			if e.File != "broken.toml" || e.Line != tt.line || e.Key != tt.key {
				t.Errorf("got file %q line %d key %q, want broken.toml line %d key %q", e.File, e.Line, e.Key, tt.line, tt.key)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not say %q", err, tt.msg)
			}
			if want := "broken.toml:"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q does not start with %q", err, want)
			}
		})
	}
}

func TestLoadFileAndMissing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "mine.toml")
	os.WriteFile(p, []byte("name = \"mine\"\n[run]\nyears = 2\n"), 0o644)
	s, err := Load(p)
	if err != nil || s.Name != "mine" || s.Run.Years != 2 {
		t.Fatalf("Load(%s) = %+v, %v", p, s, err)
	}
	_, err = Load(filepath.Join(dir, "nope.toml"))
	if err == nil || !strings.Contains(err.Error(), "nope.toml") {
		t.Errorf("missing file: got %v, want an error naming it", err)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"years", "years", 0}, {"yaers", "years", 2}, {"year", "years", 1}, {"kitten", "sitting", 3}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// writeFiles writes name → content into a fresh directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBrokenPolicies(t *testing.T) {
	const funding = "[[policy]]\nkind = \"funding\"\n"
	for _, tt := range []struct {
		name  string
		files map[string]string // main.toml is loaded
		file  string
		line  int
		key   string
		msg   string
	}{
		{"unknown kind with hint", map[string]string{"main.toml": "[[policy]]\nkind = \"fundng\"\n"},
			"main.toml", 2, "policy[1].kind", `unknown policy kind "fundng" (did you mean funding?)`},
		{"default end after a short run", map[string]string{"main.toml": "[run]\nyears = 2\n[[policy]]\nkind = \"pairing\"\n"},
			"main.toml", 3, "policy[1].end", "got 3 (this file does not set it: the value is the policy's default"},
		{"kind not a string", map[string]string{"main.toml": "[[policy]]\nkind = [\"funding\"]\n"},
			"main.toml", 2, "policy[1].kind", `must be a string in quotes, such as kind = "funding"`},
		{"missing kind", map[string]string{"main.toml": "[[policy]]\nstart = 1\n"},
			"main.toml", 1, "policy[1].kind", "every policy needs a kind"},
		{"unknown policy key", map[string]string{"main.toml": funding + "per_scool = 5\n"},
			"main.toml", 3, "policy[1].per_scool", "did you mean policy[1].per_school?"},
		{"unknown selection key", map[string]string{"main.toml": funding + "[policy.select]\nrul = \"all\"\n"},
			"main.toml", 4, "policy[1].select.rul", "did you mean policy[1].select.rule?"},
		{"wrong policy type", map[string]string{"main.toml": funding + "per_school = \"a lot\"\n"},
			"main.toml", 3, "policy[1].per_school", "must be a number, got text in quotes"},
		{"policy after the run", map[string]string{"main.toml": "[run]\nyears = 4\n" + funding + "start = 6\nend = 7\n"},
			"main.toml", 5, "policy[1].start", "must be a year of the run, in [1,4]"},
		{"end before start", map[string]string{"main.toml": funding + "start = 3\nend = 2\n"},
			"main.toml", 4, "policy[1].end", "must be in [start,6]"},
		{"bad rule", map[string]string{"main.toml": funding + "[policy.select]\nrule = \"bribery\"\n"},
			"main.toml", 4, "policy[1].select.rule", `unknown rule "bribery"`},
		{"share above one", map[string]string{"main.toml": funding + "[policy.select]\nshare = 2\n"},
			"main.toml", 4, "policy[1].select.share", "must be in [0,1]"},
		{"district out of range", map[string]string{"main.toml": funding + "[policy.select]\ndistricts = [9]\n"},
			"main.toml", 4, "policy[1].select.districts", "district 9 is not in [0,4)"},
		{"shares do not sum", map[string]string{"main.toml": funding + "facilities = 0.9\n"},
			"main.toml", 3, "policy[1].facilities", "must be 1"},
		{"duplicate names", map[string]string{"main.toml": funding + funding},
			"main.toml", 3, "policy[2]", `two policies are named "funding"`},
		{"missing extends", map[string]string{"main.toml": "extends = \"nowhere.toml\"\n"},
			"main.toml", 1, "extends", `cannot find "nowhere.toml"`},
		{"circular extends", map[string]string{"main.toml": "extends = \"a.toml\"\n", "a.toml": "# a\nextends = \"main.toml\"\n"},
			"a.toml", 2, "extends", "circular extends: main.toml -> a.toml -> main.toml"},
		{"error in the base", map[string]string{"main.toml": "extends = \"a.toml\"\n", "a.toml": "[run]\nyears = -1\n"},
			"a.toml", 2, "run.years", "must be in [1,100] (years), got"},
		{"as names no earlier policy", map[string]string{"main.toml": funding + "[policy.select]\nrule = \"as\"\nas = \"later\"\n"},
			"main.toml", 5, "policy[1].select.as", `no earlier policy is named "later"`},
		{"as starts too early", map[string]string{"main.toml": funding + "name = \"a\"\nstart = 2\n" + funding + "name = \"b\"\nstart = 1\n[policy.select]\nrule = \"as\"\nas = \"a\"\n"},
			"main.toml", 8, "policy[2].start", `starts before "a"`},
		{"kind changed by override", map[string]string{"main.toml": "extends = \"a.toml\"\n[[policy]]\nname = \"f\"\nkind = \"other\"\n", "a.toml": funding + "name = \"f\"\n"},
			"main.toml", 4, "policy[1].kind", "kind cannot change"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			_, err := Load(filepath.Join(dir, "main.toml"))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *scenarios.Error", err)
			}
			if e.File != tt.file || e.Line != tt.line || e.Key != tt.key {
				t.Errorf("got %s line %d key %q, want %s line %d key %q", e.File, e.Line, e.Key, tt.file, tt.line, tt.key)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestExtendsOverridesAndAppends(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base.toml": "name = \"base\"\n[run]\nyears = 5\n[model]\ngrowth_per_year = 0.4\n[[policy]]\nkind = \"funding\"\nname = \"money\"\nper_school = 100\n",
		"main.toml": "extends = \"base.toml\"\n[run]\nreplications = 2\n[[policy]]\nname = \"money\"\nper_school = 300\n[[policy]]\nkind = \"funding\"\nname = \"more\"\n",
	})
	s, err := Load(filepath.Join(dir, "main.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "main" {
		t.Errorf("name %q, want the file's name when the file sets none", s.Name)
	}
	if s.Run.Years != 5 || s.Run.Replications != 2 || s.Model.GrowthPerYear != 0.4 {
		t.Errorf("run %+v, growth %g: want years and growth from the base, replications from main", s.Run, s.Model.GrowthPerYear)
	}
	if len(s.Policies) != 2 {
		t.Fatalf("%d policies, want the overridden one and the added one", len(s.Policies))
	}
	if got := s.Policies[0].Base().Name; got != "money" {
		t.Errorf("first policy %q, want the inherited money", got)
	}
	// The base's own value is untouched by the override.
	b, _ := Load(filepath.Join(dir, "base.toml"))
	var _ policy.Spec = s.Policies[0]
	if fmt.Sprint(b.Policies[0]) == fmt.Sprint(s.Policies[0]) {
		t.Error("override did not change the policy")
	}
	if !strings.Contains(fmt.Sprintf("%+v", s.Policies[0]), "PerSchool:300") || !strings.Contains(fmt.Sprintf("%+v", b.Policies[0]), "PerSchool:100") {
		t.Errorf("per_school: main %+v, base %+v; want 300 and 100", s.Policies[0], b.Policies[0])
	}
}

// TestUntrustedNeverReadsDisk checks that ParseUntrusted and Shipped take
// extends and names from the shipped scenarios only, even when the working
// directory holds a file of the same name.
func TestUntrustedNeverReadsDisk(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("baseline.toml", []byte("name = \"from-disk\"\n[run]\nyears = 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("secret.toml", []byte("name = \"secret\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ParseUntrusted("upload.toml", []byte("extends = \"baseline\"\nname = \"up\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Run.Years != 6 {
		t.Errorf("extends baseline: years = %d, want the shipped baseline's 6", s.Run.Years)
	}
	for _, ext := range []string{"secret.toml", filepath.Join(dir, "secret.toml"), "../baseline"} {
		_, err := ParseUntrusted("upload.toml", []byte(fmt.Sprintf("extends = %q\n", ext)))
		var e *Error
		if !errors.As(err, &e) || e.Key != "extends" || !strings.Contains(err.Error(), "among the shipped scenarios") {
			t.Errorf("extends %q: got %v, want an extends error", ext, err)
		}
	}
	b, err := Shipped("baseline")
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "baseline" || b.Run.Years != 6 {
		t.Errorf("Shipped(baseline) = %q with %d years, want the shipped file", b.Name, b.Run.Years)
	}
	for _, name := range []string{"secret", "secret.toml", "./baseline", "/etc/passwd", "nope"} {
		if _, err := Shipped(name); err == nil {
			t.Errorf("Shipped(%q): no error", name)
		}
	}
}

func TestLotteryKeepsEligibilityAndShare(t *testing.T) {
	s, err := Load("shanghai-ssp")
	if err != nil {
		t.Fatal(err)
	}
	l := Lottery(s)
	for k, p := range l.Policies {
		was, now := s.Policies[k].Base().Select, p.Base().Select
		want := was.Rule
		if want == "voluntary" || want == "rank" {
			want = "lottery"
		}
		if now.Rule != want || now.Tier != was.Tier || now.Share != was.Share || now.As != was.As {
			t.Errorf("policy %d: select %+v, want %+v with rule %s", k, now, was, want)
		}
	}
	if s.Policies[0].Base().Select.Rule != "voluntary" {
		t.Error("Lottery changed the scenario it copied")
	}
}

var updateDoc = flag.Bool("update", false, "rewrite the allowed column of docs/MODEL.md's run key table")

// TestModelDocRunRanges checks the allowed column of the run key table of
// docs/MODEL.md against RunRanges (-update rewrites it).
func TestModelDocRunRanges(t *testing.T) {
	rangestest.AllowedColumn(t, "../docs/MODEL.md", []string{"### Run keys"}, RunRanges, *updateDoc)
}

// TestStudyTable: a scenario without a [study] table has the zero
// StudySpec, left out of its JSON, and evaluate reads the defaults; a
// table sets the keys it names over the defaults (or over the table of
// the scenario it extends).
func TestStudyTable(t *testing.T) {
	s, err := Parse("x.toml", []byte("name = \"x\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Study.Defined() || s.StudyOrDefault() != DefaultStudy() {
		t.Errorf("no [study]: Study %+v, StudyOrDefault %+v", s.Study, s.StudyOrDefault())
	}
	js, _ := json.Marshal(s)
	if strings.Contains(string(js), "Study") {
		t.Errorf("a scenario without [study] has it in its JSON: %s", js)
	}
	s, err = Parse("x.toml", []byte("[study]\ndip = 0\ntest = \"audit\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultStudy()
	want.Dip, want.Test = 0, TestAudit
	if s.Study != want {
		t.Errorf("[study] dip = 0, test = audit: %+v, want %+v", s.Study, want)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("[study]\nreliability = 0.9\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.toml"), []byte("extends = \"base.toml\"\n[study]\nschool_noise = 0\n"), 0o644)
	s, err = Load(filepath.Join(dir, "main.toml"))
	if err != nil {
		t.Fatal(err)
	}
	want = DefaultStudy()
	want.Reliability, want.SchoolNoise = 0.9, 0
	if s.Study != want {
		t.Errorf("extended [study]: %+v, want %+v", s.Study, want)
	}
}

// TestDipped: Dipped gives the voluntary (or ranked) policy the results
// and their weight, shares nothing the original can see, and leaves a
// scenario whose policies choose otherwise as it is.
func TestDipped(t *testing.T) {
	s, err := Load("shanghai-ssp-study")
	if err != nil {
		t.Fatal(err)
	}
	results := []float64{1, 2, 3}
	d := Dipped(s, results, 2)
	i := Selector(s)
	if i != 0 {
		t.Fatalf("Selector(shanghai-ssp-study) = %d, want 0 (the voluntary pairing)", i)
	}
	if sel := d.Policies[i].Base().Select; sel.ResultWeight != 2 || len(sel.Results) != 3 {
		t.Errorf("dipped selection %+v", sel)
	}
	if sel := s.Policies[i].Base().Select; sel.Results != nil || sel.ResultWeight != 0 {
		t.Errorf("Dipped changed the original's selection: %+v", sel)
	}
	f, err := Load("funding-only")
	if err != nil {
		t.Fatal(err)
	}
	if Selector(f) >= 0 && f.Policies[Selector(f)].Base().Select.Rule != policy.RuleVoluntary && f.Policies[Selector(f)].Base().Select.Rule != policy.RuleRank {
		t.Errorf("Selector chose a policy that neither volunteers nor ranks")
	}
	l := Lottery(s)
	if Selector(l) != -1 || Dipped(l, results, 2) != l {
		t.Errorf("a lottery has no selection a dip acts on")
	}
}

// TestModelDocStudyRanges checks the allowed column of the [study] key
// table of docs/SCENARIOS.md against StudyRanges (-update rewrites it).
func TestModelDocStudyRanges(t *testing.T) {
	rangestest.AllowedColumn(t, "../docs/SCENARIOS.md", []string{"## The study table"}, StudyRanges, *updateDoc)
}

// TestNotSetHintOnlyWhereNotSet: the hint that a file does not set a
// policy's key appears for a default, not for a key set in an inline
// table or by a sweep point.
func TestNotSetHintOnlyWhereNotSet(t *testing.T) {
	const hint = "this file does not set it"
	_, err := Parse("inline.toml", []byte("[[policy]]\nkind = \"funding\"\nselect = { share = 2.0 }\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "inline.toml:3: policy[1].select.share: must be in [0,1]") || strings.Contains(err.Error(), hint) {
		t.Errorf("inline table: %v", err)
	}
	_, err = Parse("default.toml", []byte("[run]\nyears = 2\n[[policy]]\nkind = \"pairing\"\n"))
	if err == nil || !strings.Contains(err.Error(), hint) {
		t.Errorf("default: %v, want the hint", err)
	}
	s, err := Parse("sweep.toml", []byte("[run]\nyears = 3\n[[policy]]\nkind = \"funding\"\nname = \"p\"\nend = 2\n[sweep]\nmethod = \"grid\"\n[[sweep.param]]\nkey = \"policy.p.start\"\nvalues = [1, 3]\n"))
	if err == nil {
		_, err = s.SweepPoints()
	}
	if err == nil || strings.Contains(err.Error(), hint) {
		t.Errorf("sweep point: %v, want an error without the hint", err)
	}
}

// TestLimitOnSeveralKeysNamesOneTheFileSets: a system over the student
// limit, or tier shares that do not sum to 1, is blamed on a key the file
// sets and its line, not on a key it leaves at its default (a docs audit
// saw class_size blamed, on the [population] line, for districts = 10000).
func TestLimitOnSeveralKeysNamesOneTheFileSets(t *testing.T) {
	for _, c := range []struct {
		src, key string
		line     int
	}{
		{"name = \"big\"\n[population]\ndistricts = 10000\n", "population.districts", 3},
		{"name = \"big\"\n[population]\nclass_size = 60\ndistricts = 10000\n", "population.class_size", 3},
		{"name = \"sh\"\n[population]\nweak.share = 0.5\n", "population.weak.share", 3},
	} {
		_, err := Parse("f.toml", []byte(c.src))
		var e *Error
		if !errors.As(err, &e) || e.Key != c.key || e.Line != c.line {
			t.Errorf("%q: got %v, want %s on line %d", c.src, err, c.key, c.line)
		}
	}
}

// TestExtendsNameWithoutTOML: extends = "good" finds good.toml next to
// the file, as "baseline" finds the shipped baseline.toml (SCENARIOS.md;
// a docs audit found only "good.toml" worked).
func TestExtendsNameWithoutTOML(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"good.toml": "name = \"good\"\n[run]\nyears = 2\n",
		"e.toml":    "extends = \"good\"\nname = \"e\"\n",
	})
	s, err := Load(filepath.Join(dir, "e.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Run.Years != 2 {
		t.Errorf("years %d, want good.toml's 2", s.Run.Years)
	}
}
