package policy

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"schoolnet/agents"
	"schoolnet/results"
	"schoolnet/sim"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite the school-choice golden files in testdata/choice-golden from their pinned inputs.json (only at a commit whose behaviour they are to pin; remove an inputs.json to pin today's defaults instead)")

// goldenDir holds the output of two small school-choice scenarios with
// every key that made families' choices depend on SES, information, peers
// and an exit option switched off: yearly.csv and schools.csv, and the
// parameters, population and policy keys of the runs, pinned so that
// later moves of a default do not change what is compared. The code
// before those keys (commit 68c40ee) wrote them first; when admission
// rounds moved to a stream per school (issue 14), which draws the same
// things in another order, and when homes came to be drawn from the
// normal truncated to the catchment's box (residence), which draws them
// with fewer numbers and no longer puts a home at its school after 50
// failed draws, they were written again from the same inputs.
const goldenDir = "testdata/choice-golden"

// goldenCases are the scenarios of the golden files: the default keys
// (admission by score, district rule) and a lottery with open hukou and
// cross-district choice.
var goldenCases = []struct {
	name string
	edit func(c *ChoiceSpec)
}{
	{"score-district", nil},
	{"lottery-open", func(c *ChoiceSpec) {
		c.Admission, c.Hukou, c.CrossDistrict, c.DistanceWeight = AdmitLottery, HukouOpen, true, 0.1
	}},
}

// goldenInputs is what a golden run pins.
type goldenInputs struct {
	Params     agents.Params
	Population agents.PopulationSpec
	Choice     ChoiceSpec
}

// TestChoiceSwitchOffGolden: with every key that the SES-dependent choice
// added at 0 (the zero value of the keys the golden inputs do not name), a
// small school-choice scenario writes, column for column and row for row,
// the yearly.csv and schools.csv that the code wrote before those keys
// existed. Columns and groups added since are left out of the comparison;
// nothing else may differ.
//
// The inputs are pinned in the golden folder, so a change of a default
// elsewhere does not break the test, and a parameter added later is 0,
// which by convention switches its mechanism off. A mechanism added later
// whose switch-off value is not 0 breaks the test: regenerate the golden
// files (-update-golden) at a commit where the test passes with that
// mechanism switched off. -update-golden keeps a pinned inputs.json and
// the files' columns and groups, and writes their cells again.
func TestChoiceSwitchOffGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(goldenDir, tc.name)
			in := goldenInputs{Params: agents.DefaultParams(), Population: testConfig(1).Population,
				Choice: *choiceSpec(t, tc.edit)}
			b, err := os.ReadFile(filepath.Join(dir, "inputs.json"))
			pinned := err == nil
			if !pinned && !*updateGolden {
				t.Fatal(err)
			}
			if pinned {
				// Decoded over the defaults with every switchable
				// mechanism off (agents.Switches): the parameters the file
				// does not name come later, and are either switched off or
				// unused by the mechanisms the file pins; the policy keys
				// it does not name are 0, which turns choice's later
				// mechanisms off.
				in = goldenInputs{Params: agents.DefaultParams().SwitchedOff()}
				if err := json.Unmarshal(b, &in); err != nil {
					t.Fatal(err)
				}
			}
			cfg := testConfig(31, &in.Choice)
			cfg.Params, cfg.Population = in.Params, in.Population
			_, recs := run(t, cfg, nil)
			metrics := make([]sim.YearMetrics, len(recs))
			for i, r := range recs {
				metrics[i] = sim.Summarise(r)
			}
			var yearly, schools bytes.Buffer
			if err := results.WriteYearly(&yearly, results.CSV, results.RunID{}, [][]sim.YearMetrics{metrics}); err != nil {
				t.Fatal(err)
			}
			if err := results.WriteSchools(&schools, results.CSV, results.RunID{}, [][]sim.YearRecord{recs}); err != nil {
				t.Fatal(err)
			}
			if *updateGolden {
				b, err := json.MarshalIndent(in, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				files := map[string][]byte{"yearly.csv": yearly.Bytes(), "schools.csv": schools.Bytes()}
				if !pinned {
					files["inputs.json"] = b
				} else {
					// Pinned: the same columns and groups as before.
					files["yearly.csv"] = rewriteGolden(t, filepath.Join(dir, "yearly.csv"), yearly.Bytes(), "group")
					files["schools.csv"] = rewriteGolden(t, filepath.Join(dir, "schools.csv"), schools.Bytes(), "")
				}
				for name, data := range files {
					if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			compareGolden(t, filepath.Join(dir, "yearly.csv"), yearly.Bytes(), "group")
			compareGolden(t, filepath.Join(dir, "schools.csv"), schools.Bytes(), "")
		})
	}
}

// compareGolden compares got with the golden CSV file: got's columns are
// projected onto the golden header (by name) and, when key names a
// column, got's rows onto those whose key value the golden file has; the
// golden cells are read in today's format (newFormat).
func compareGolden(t *testing.T, path string, got []byte, key string) {
	t.Helper()
	want, proj := projectGolden(t, path, got, key)
	if len(proj) != len(want)-1 {
		t.Fatalf("%s: %d rows, want %d", path, len(proj), len(want)-1)
	}
	diffs := 0
	for i, r := range proj {
		for k := range r {
			if r[k] != newFormat(want[0][k], want[i+1][k]) && diffs < 10 {
				diffs++
				t.Errorf("%s row %d column %s: %s, want %s", path, i+1, want[0][k], r[k], want[i+1][k])
			}
		}
	}
}

// rewriteGolden returns the golden CSV file at path written again from
// got, with the file's columns and key values (see compareGolden); a cell
// whose value has not changed keeps its old format.
func rewriteGolden(t *testing.T, path string, got []byte, key string) []byte {
	t.Helper()
	want, proj := projectGolden(t, path, got, key)
	if len(proj) != len(want)-1 {
		t.Fatalf("%s: %d rows, want %d", path, len(proj), len(want)-1)
	}
	for i, r := range proj {
		for k := range r {
			if r[k] == newFormat(want[0][k], want[i+1][k]) {
				r[k] = want[i+1][k]
			}
		}
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	if err := cw.WriteAll(append([][]string{want[0]}, proj...)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// projectGolden returns the golden CSV file at path and got's rows
// projected onto its columns and key values (see compareGolden).
func projectGolden(t *testing.T, path string, got []byte, key string) (want, proj [][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err = csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]int, len(want[0]))
	for k, name := range want[0] {
		if cols[k] = slices.Index(rows[0], name); cols[k] < 0 {
			t.Fatalf("%s: column %q is gone", path, name)
		}
	}
	keys := map[string]bool{}
	if key != "" {
		kw := slices.Index(want[0], key)
		for _, r := range want[1:] {
			keys[r[kw]] = true
		}
	}
	kg := slices.Index(rows[0], key)
	for _, r := range rows[1:] {
		if key != "" && !keys[r[kg]] {
			continue
		}
		p := make([]string, len(cols))
		for k, c := range cols {
			p[k] = r[c]
		}
		proj = append(proj, p)
	}
	return want, proj
}

// newFormat writes a golden cell as today's files write the same value,
// after the changes of format docs/RESULTS.md lists ("Changes to the
// files"): booleans as 0/1, schools.csv's treated bit mask as 0/1 (any
// policy), NaN as an empty cell. Values are not touched.
func newFormat(column, cell string) string {
	switch {
	case cell == "true":
		return "1"
	case cell == "false":
		return "0"
	case cell == "NaN":
		return ""
	case column == "treated" && cell != "0":
		return "1"
	}
	return cell
}
