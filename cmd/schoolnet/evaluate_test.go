package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"schoolnet/results/evaluate"
)

// studyScenario is smallScenario with a policy to evaluate: funding for a
// voluntary half of all schools in years 1-2.
const studyScenario = smallScenario + `[[policy]]
kind = "funding"
per_school = 20000000
end = 2
[policy.select]
rule = "voluntary"
tier = "any"
share = 0.5
`

func TestEvaluateSameBytesForAnyWorkers(t *testing.T) {
	scn := writeScenario(t, studyScenario)
	dirs := map[string]string{}
	for _, w := range []string{"1", "3"} {
		dirs[w] = t.TempDir()
		code, stdout, stderr := run(t, "evaluate", scn, "--workers", w, "--out", dirs[w], "--quiet", "--bootstrap", "20")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
		for _, want := range []string{"Maths", "Chinese", "psm-did", "rct-did", "bias (selection and dip+measurement+intake+inflation)", "Bias by source", "+inflation", "Mediation", "peer_relations", "Balance", "evaluation.csv", "bias.csv"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("report lacks %q:\n%s", want, stdout)
			}
		}
	}
	files := map[string][]string{
		"evaluation.csv": evaluate.EvaluationSchema.Names(), "estimates.csv": evaluate.EstimateSchema.Names(),
		"truth.csv": evaluate.TruthSchema.Names(), "mediation.csv": evaluate.MediationSchema.Names(), "balance.csv": evaluate.BalanceSchema.Names(),
		"bias.csv": evaluate.BiasSchema.Names(),
	}
	for f, cols := range files {
		a, err := os.ReadFile(filepath.Join(dirs["1"], f))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dirs["3"], f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 3 workers", f)
		}
		rows, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !slices.Equal(rows[0], cols) || len(rows) < 2 {
			t.Errorf("%s: header %v and %d rows, want %v and some rows", f, rows[0], len(rows)-1, cols)
		}
	}
	if _, err := os.Stat(filepath.Join(dirs["1"], "manifest.json")); err != nil {
		t.Error("no manifest.json")
	}
}

func TestEvaluateBadInput(t *testing.T) {
	study := writeScenario(t, studyScenario)
	plain := writeScenario(t, smallScenario)
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no scenario", []string{"evaluate"}, "name one scenario"},
		{"unknown design", []string{"evaluate", study, "--design", "iv"}, `unknown design "iv"`},
		{"unknown outcome", []string{"evaluate", study, "--outcomes", "art"}, `unknown outcome "art"`},
		{"grade not taught", []string{"evaluate", study, "--grade", "12"}, "grade 12 is not taught"},
		{"no policies", []string{"evaluate", plain}, "no policies to evaluate"},
		{"unknown source", []string{"evaluate", study, "--sources", "dip,noise"}, `unknown bias source "noise"`},
		{"unknown test", []string{"evaluate", study, "--test", "oral"}, `unknown test "oral"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := run(t, append(tt.args, "--out", out)...)
			if code != 2 || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.msg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output directory was created")
			}
		})
	}
	if code, stdout, _ := run(t, "evaluate", "--help"); code != 0 || !strings.Contains(stdout, "Usage: schoolnet evaluate") {
		t.Errorf("evaluate --help: exit %d, output %q", code, stdout)
	}
}

// TestEvaluateSourcesNone: --sources none switches every bias source off,
// so the study is the lab's without them: with every source off, the
// decomposition's configurations are all the same study, and bias.csv
// shows no source adding any bias.
func TestEvaluateSourcesNone(t *testing.T) {
	scn := writeScenario(t, studyScenario)
	out := t.TempDir()
	code, stdout, stderr := run(t, "evaluate", scn, "--sources", "none", "--mediation=false", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "bias.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	added := slices.Index(evaluate.BiasSchema.Names(), "added_bias")
	sources := slices.Index(evaluate.BiasSchema.Names(), "sources")
	for _, r := range rows[1:] {
		if r[sources] != "none" || (r[added] != "0.000000" && r[added] != "-0.000000") {
			t.Fatalf("--sources none: row %v adds bias or has sources on", r)
		}
	}
	if !strings.Contains(stdout, "Bias by source") {
		t.Errorf("no bias table in the report:\n%s", stdout)
	}
}
