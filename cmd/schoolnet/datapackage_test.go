package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// dataPackage is the part of a datapackage.json that readers use.
type dataPackage struct {
	Profile   string
	Resources []struct {
		Name, Path, Format string
		Schema             struct {
			Fields []struct {
				Name, Type, Description string
				TrueValues              []string
			}
			MissingValues []string
		}
	}
}

func readDataPackage(t *testing.T, dir string) dataPackage {
	t.Helper()
	var p dataPackage
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "datapackage.json")), &p); err != nil {
		t.Fatal(err)
	}
	if p.Profile != "tabular-data-package" || len(p.Resources) == 0 {
		t.Fatalf("%s/datapackage.json: profile %q, %d resources", dir, p.Profile, len(p.Resources))
	}
	return p
}

// resultDirs runs a comparison of two scenarios (one with a policy) and
// an evaluation with --export-data, and returns the folders that hold a
// datapackage.json: the comparison, each scenario's and the evaluation's.
func resultDirs(t *testing.T) []string {
	t.Helper()
	root := t.TempDir()
	base := writeScenario(t, smallScenario)
	reform := writeScenario(t, strings.Replace(studyScenario, `"small"`, `"reform"`, 1))
	cmp := filepath.Join(root, "cmp")
	if code, _, stderr := run(t, "compare", base, reform, "--out", cmp, "--quiet", "--workers", "2"); code != 0 {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	eval := filepath.Join(root, "eval")
	// The bias sources off: in a world of six schools, volunteering after
	// a bad measured year (the dip) leaves no treated school a match, and
	// a column with no value (balance.csv's smd_after) has no type a
	// reader can guess.
	if code, _, stderr := run(t, "evaluate", reform, "--export-data", "--sources", "none", "--bootstrap", "10", "--out", eval, "--quiet", "--workers", "2"); code != 0 {
		t.Fatalf("evaluate: exit %d: %s", code, stderr)
	}
	return []string{cmp, filepath.Join(cmp, "small"), filepath.Join(cmp, "reform"), eval}
}

// TestDataPackageTypesParse checks every table that run, compare and
// evaluate write against its datapackage.json as a typed reader would:
// the header is the schema's fields, every integer cell parses as an
// integer, every number as a finite decimal (or is empty: missing),
// every boolean is 0 or 1, and nothing else is ever empty; and the run
// columns at the end name the scenario, its hash and the seed.
func TestDataPackageTypesParse(t *testing.T) {
	for _, dir := range resultDirs(t) {
		m := readManifest(t, dir)
		for _, r := range readDataPackage(t, dir).Resources {
			if !slices.Contains(m.Files, r.Path) {
				t.Errorf("%s: datapackage.json lists %s, which the manifest does not", dir, r.Path)
			}
			rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, r.Path)))).ReadAll()
			if err != nil {
				t.Fatalf("%s/%s: %v", dir, r.Path, err)
			}
			var names []string
			for _, f := range r.Schema.Fields {
				names = append(names, f.Name)
				if f.Description == "" {
					t.Errorf("%s: column %s has no description", r.Path, f.Name)
				}
			}
			if !slices.Equal(rows[0], names) {
				t.Fatalf("%s/%s: header %v, schema %v", dir, r.Path, rows[0], names)
			}
			if !slices.Equal(names[len(names)-2:], []string{"scenario_hash", "seed"}) || !slices.Contains(names, "scenario") {
				t.Errorf("%s: last columns %v, want ... scenario_hash, seed", r.Path, names[len(names)-3:])
			}
			for i, row := range rows[1:] {
				for j, f := range r.Schema.Fields {
					if err := parses(row[j], f.Type); err != nil {
						t.Errorf("%s/%s line %d, %s (%s): %v", dir, r.Path, i+2, f.Name, f.Type, err)
					}
				}
				if row[len(row)-2] != m.ScenarioHash && filepath.Base(dir) != "cmp" {
					t.Errorf("%s line %d: scenario_hash %q, the manifest's %q", r.Path, i+2, row[len(row)-2], m.ScenarioHash)
				}
			}
		}
	}
}

// parses checks one cell against its Table Schema type.
func parses(cell, typ string) error {
	switch typ {
	case "integer":
		_, err := strconv.ParseInt(cell, 10, 64)
		return err
	case "number":
		if cell == "" {
			return nil // missing
		}
		x, err := strconv.ParseFloat(cell, 64)
		if err == nil && (math.IsNaN(x) || math.IsInf(x, 0) || strings.ContainsAny(cell, "eEnN")) {
			err = fmt.Errorf("%q is not a plain decimal", cell)
		}
		return err
	case "boolean":
		if cell != "0" && cell != "1" {
			return fmt.Errorf("%q is not 0 or 1", cell)
		}
	case "string":
		if cell == "" {
			return fmt.Errorf("empty string")
		}
	default:
		return fmt.Errorf("unknown type %s", typ)
	}
	return nil
}

// readerCheck is the script that pandas and R run: for every table of
// the data package, stack the files of both scenarios (or read the one)
// and check each column's type as the reader sees it. It gets lines
// "path|glob|column|type" on standard input and prints one line per
// mismatch.
const pandasCheck = `
import sys, glob, pandas as pd
kinds = {"integer": "i", "boolean": "i", "number": "f", "string": "O"}
bad = 0
tables = {}
for line in sys.stdin.read().splitlines():
    pattern, col, typ = line.split("|")
    if pattern not in tables:
        files = sorted(glob.glob(pattern))
        tables[pattern] = pd.concat(map(pd.read_csv, files), ignore_index=True)
    df = tables[pattern]
    if df[col].dtype.kind != kinds[typ]:
        print(pattern, col, typ, "read as", df[col].dtype); bad += 1
sys.exit(1 if bad else 0)
`

const rCheck = `
spec <- read.table(file("stdin"), sep = "|", col.names = c("pattern", "col", "type"), stringsAsFactors = FALSE, quote = "")
classes <- c(integer = "integer", boolean = "integer", number = "numeric", string = "character")
bad <- 0
for (p in unique(spec$pattern)) {
  df <- do.call(rbind, lapply(Sys.glob(p), read.csv, check.names = FALSE))
  s <- spec[spec$pattern == p, ]
  for (i in seq_len(nrow(s))) {
    x <- df[[s$col[i]]]
    got <- class(x)
    # R's integers have 32 bits: larger integers (students' identifiers) read as exact doubles.
    if (got == "numeric" && s$type[i] == "integer" && max(abs(x)) > .Machine$integer.max) next
    if (got != classes[[s$type[i]]]) { cat(p, s$col[i], s$type[i], "read as", got, "\n"); bad <- bad + 1 }
  }
}
quit(status = if (bad > 0) 1 else 0)
`

// TestReadersGetTheTypes reads the tables with pandas (Debian's
// python3-pandas) and R (r-base-core), as a researcher would: each run
// table stacked over both scenarios of a comparison with one call, and
// checks that every column reads with the type its schema gives (integer
// and boolean as integers, numbers as doubles, strings as text). Without
// the reader the test is skipped, except under CI, where .ci/run installs
// them.
func TestReadersGetTheTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs pandas and R")
	}
	readers := []struct {
		name string
		cmd  []string
	}{
		{"pandas", []string{"/usr/bin/python3", "-c", pandasCheck}},
		{"R", []string{"Rscript", "-e", rCheck}},
	}
	dirs := resultDirs(t)
	var spec strings.Builder
	for _, dir := range []string{dirs[0], dirs[1], dirs[3]} { // cmp, a scenario (stacked with the other), eval
		for _, r := range readDataPackage(t, dir).Resources {
			pattern := filepath.Join(dir, r.Path)
			if dir == dirs[1] && r.Name != "treatments" {
				// Stacked over both scenarios. The baseline's treatments
				// table has no rows, which readers cannot type: the
				// reform's alone (docs/RESULTS.md says so).
				pattern = filepath.Join(filepath.Dir(dir), "*", r.Path)
			} else if dir == dirs[1] {
				pattern = filepath.Join(dirs[2], r.Path)
			}
			for _, f := range r.Schema.Fields {
				fmt.Fprintf(&spec, "%s|%s|%s\n", pattern, f.Name, f.Type)
			}
		}
	}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			if _, err := exec.LookPath(rd.cmd[0]); err != nil || (rd.name == "pandas" && exec.Command(rd.cmd[0], "-c", "import pandas").Run() != nil) {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s is not installed; .ci/run installs it", rd.name)
				}
				t.Skipf("%s is not installed", rd.name)
			}
			cmd := exec.Command(rd.cmd[0], rd.cmd[1:]...)
			cmd.Stdin = strings.NewReader(spec.String())
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", rd.name, err, out)
			}
		})
	}
}
