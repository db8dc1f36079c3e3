package main

import (
	"flag"
	"os"
	"regexp"
	"testing"

	"schoolnet/results"
	"schoolnet/results/ensemble"
	"schoolnet/results/evaluate"
)

var updateDoc = flag.Bool("update", false, "rewrite docs/RESULTS.md's column tables from the result files' schemas")

// docSchemas are the result files whose column tables docs/RESULTS.md
// shows, generated from their schemas.
var docSchemas = []*results.Schema{
	&results.YearlySchema, &results.SchoolSchema, &results.TreatmentSchema, &results.SummarySchema, &results.StatisticsSchema,
	&results.CompareSchema, &results.WinsSchema, &results.RankingSchema, &results.OutcomesSchema, &results.UncertaintySchema, &results.IndicesSchema, &ensemble.DiscoverySchema,
	&evaluate.EvaluationSchema, &evaluate.EstimateSchema, &evaluate.TruthSchema, &evaluate.MediationSchema,
	&evaluate.BalanceSchema, &evaluate.StudentPanelSchema, &evaluate.SchoolPanelSchema, &evaluate.BiasSchema,
}

// docColumns matches a generated column table of docs/RESULTS.md, between
// its two markers.
var docColumns = regexp.MustCompile(`(?s)(<!-- columns of ([a-z_]+):[^\n]*-->\n)(.*?)(<!-- end of columns -->)`)

// TestResultsDocColumnTables checks that each result file's column table
// in docs/RESULTS.md is the one its schema gives (name, type, unit,
// meaning of every column, in order), and that every file is there; with
// -update it rewrites the tables.
func TestResultsDocColumnTables(t *testing.T) {
	const path = "../../docs/RESULTS.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*results.Schema{}
	for _, s := range docSchemas {
		byName[s.Name] = s
	}
	seen := map[string]bool{}
	var stale []string
	out := docColumns.ReplaceAllFunc(doc, func(m []byte) []byte {
		g := docColumns.FindSubmatch(m)
		name := string(g[2])
		s, ok := byName[name]
		if !ok {
			t.Errorf("docs/RESULTS.md has a column table for %s, which no schema describes", name)
			return m
		}
		seen[name] = true
		want := s.Markdown()
		if string(g[3]) != want {
			stale = append(stale, name)
		}
		return []byte(string(g[1]) + want + string(g[4]))
	})
	for _, s := range docSchemas {
		if !seen[s.Name] {
			t.Errorf("docs/RESULTS.md has no column table for %s (add the markers `<!-- columns of %s: ... -->` and `<!-- end of columns -->` under its heading, then run with -update)", s.Name, s.Name)
		}
	}
	if len(stale) == 0 {
		return
	}
	if *updateDoc {
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the column tables of %v", stale)
		return
	}
	t.Errorf("docs/RESULTS.md's column tables of %v differ from their schemas; run go test ./cmd/schoolnet -run ResultsDoc -update", stale)
}
