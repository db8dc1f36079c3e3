package agents

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"schoolnet/sim/ranges"
	"schoolnet/sim/ranges/rangestest"
)

// mechanisms are the functions docs/MODEL.md must describe, one
// subsection each, under the same name.
var mechanisms = []string{
	"LearningGrowth", "EngagementUpdate", "PeerTieUpdate", "LeadershipUpdate",
	"EffectiveLeadership", "ReformResponse", "ClimateUpdate", "MoraleUpdate",
	"ResourceUpdate", "ResourceTerm", "TrainingDose", "LabelResponse",
	"TeacherDevelopment", "TeacherAttrition", "Hire",
	"PrincipalSuccession", "ReputationUpdate", "SchoolYear",
	"MeasureReference", "Measure",
	"PortableEffectiveness", "TransferUtility", "AcceptOffer", "TeacherTransfer",
	"IntakeResponse", "TeachingToTheTest",
}

func readModelDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../docs/MODEL.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestModelDocCoversParameters checks that every parameter a scenario can
// set appears in docs/MODEL.md with its key in backticks.
func TestModelDocCoversParameters(t *testing.T) {
	doc := readModelDoc(t)
	keys := ParamKeys()
	for _, f := range reflect.VisibleFields(reflect.TypeFor[PopulationSpec]()) {
		if k := f.Tag.Get("toml"); f.Type.Kind() != reflect.Struct && k != "-" {
			keys = append(keys, k)
		}
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[TierSpec]()) {
		if f.IsExported() {
			keys = append(keys, f.Tag.Get("toml"))
		}
	}
	for _, k := range keys {
		if !strings.Contains(doc, "`"+k+"`") && !strings.Contains(doc, "."+k+"`") {
			t.Errorf("docs/MODEL.md does not document parameter `%s`", k)
		}
	}
}

// TestModelDocMatchesMechanisms checks both directions: every mechanism in
// the code has a submodel heading in docs/MODEL.md, and every Go name in a
// submodel heading exists in package agents.
func TestModelDocMatchesMechanisms(t *testing.T) {
	doc := readModelDoc(t)
	var headings []string
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "#") {
			headings = append(headings, line)
		}
	}
	joined := strings.Join(headings, "\n")
	for _, m := range mechanisms {
		if !regexp.MustCompile(`\b` + m + `\b`).MatchString(joined) {
			t.Errorf("docs/MODEL.md has no heading for mechanism %s", m)
		}
	}

	declared := map[string]bool{}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok {
					declared[fn.Name.Name] = true
				}
			}
		}
	}
	code := regexp.MustCompile("`([A-Z][A-Za-z]+)`")
	for _, h := range headings {
		for _, m := range code.FindAllStringSubmatch(h, -1) {
			if !declared[m[1]] {
				t.Errorf("docs/MODEL.md heading %q names %s, which package agents does not declare", h, m[1])
			}
		}
	}
}

var updateDoc = flag.Bool("update", false, "rewrite docs/MODEL.md's parameter rows from ParamRanges")

// paramRow is the row of docs/MODEL.md section 7.1 for parameter r with
// default x: ParamRanges is the source of truth, the doc its view.
func paramRow(r *ranges.Range, x float64) string {
	return fmt.Sprintf("| `%s` | %s | %s–%s | [%s, %s] | %s | %s |", r.Key, ranges.Format(x),
		ranges.Format(r.Low), ranges.Format(r.High), ranges.Format(r.Min), ranges.Format(r.Max), r.Unit, r.Source)
}

// TestModelDocParamTable checks that every parameter has exactly one row
// in docs/MODEL.md section 7.1 and that each row says what ParamRanges and
// DefaultParams say: default, plausible range, allowed range, unit and
// source. go test ./agents -run ModelDocParamTable -update rewrites the
// rows.
func TestModelDocParamTable(t *testing.T) {
	doc := readModelDoc(t)
	lines := strings.Split(doc, "\n")
	p := DefaultParams()
	rows := map[string]int{}
	in71 := false
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "### 7.1 "):
			in71 = true
		case strings.HasPrefix(line, "### ") && in71:
			in71 = false
		}
		if !in71 || !strings.HasPrefix(line, "| `") {
			continue
		}
		key := strings.TrimPrefix(line[:strings.Index(line[3:], "`")+3], "| `")
		r, ok := ParamRanges.Lookup(key)
		if !ok {
			t.Errorf("docs/MODEL.md 7.1 has a row for %s, which is no parameter", key)
			continue
		}
		rows[key]++
		x, _ := ranges.Get(&p, key)
		if want := paramRow(r, x); line != want {
			if *updateDoc {
				lines[i] = want
			} else {
				t.Errorf("docs/MODEL.md row of %s:\n got %s\nwant %s\n(go test ./agents -run ModelDocParamTable -update rewrites it)", key, line, want)
			}
		}
	}
	for _, r := range ParamRanges {
		if rows[r.Key] != 1 {
			t.Errorf("docs/MODEL.md 7.1 has %d rows for %s, want 1", rows[r.Key], r.Key)
		}
	}
	if *updateDoc {
		if err := os.WriteFile("../docs/MODEL.md", []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestModelDocPopulationRanges checks the allowed column of the population
// and tier key tables of docs/MODEL.md section 5 against
// PopulationRanges (-update rewrites it).
func TestModelDocPopulationRanges(t *testing.T) {
	rangestest.AllowedColumn(t, "../docs/MODEL.md", []string{"### Population keys", "### Tier keys"}, PopulationRanges, *updateDoc)
}
