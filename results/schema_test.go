package results

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"

	"schoolnet/agents"
	"schoolnet/sim"
)

// tinyRun simulates a small world with no policies for two replications.
func tinyRun(t *testing.T) ([][]sim.YearRecord, [][]sim.YearMetrics) {
	t.Helper()
	pop := agents.DefaultPopulation()
	pop.Districts, pop.SchoolsPerDistrict = 1, 4
	pop.ClassSize, pop.StaffHistoryYears = 10, 2
	for tier := range agents.Tier(agents.NumTiers) {
		pop.Tier(tier).ClassesPerGrade = 1
	}
	cfg := sim.Config{Seed: 3, Years: 2, WeeksPerYear: 6, SpinUpYears: 1, Population: pop, Params: agents.DefaultParams()}
	recs, err := sim.Replicate(context.Background(), cfg, 2, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	mets := make([][]sim.YearMetrics, len(recs))
	for r := range recs {
		for _, y := range recs[r] {
			mets[r] = append(mets[r], sim.Summarise(y))
		}
	}
	return recs, mets
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestTreatmentsLongForm checks treatments.csv against the bit masks it
// replaces: a row for each school, year and policy whose bit is set, with
// the policy's name, and schools.csv's treated column 1 exactly where
// some bit is set.
func TestTreatmentsLongForm(t *testing.T) {
	recs, _ := tinyRun(t)
	// Policy 0 selects school 1 from year 1, policy 2 schools 1 and 3 from
	// year 2; school 2 left policy 0 in year 2.
	for r := range recs {
		for y := range recs[r] {
			s := recs[r][y].Schools
			if recs[r][y].Year >= 1 {
				s[1].Member.Treated |= 1
				s[2].Member.Treated |= 1
			}
			if recs[r][y].Year >= 2 {
				s[1].Member.Treated |= 4
				s[3].Member.Treated |= 4
				s[2].Member.Treated &^= 1
			}
		}
	}
	id := RunID{Scenario: "t", Hash: "abc", Seed: 3}
	var buf bytes.Buffer
	if err := WriteTreatments(&buf, CSV, id, []string{"pairs", "rotation", "money"}, recs); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if !slices.Equal(rows[0], TreatmentSchema.Names()) {
		t.Fatalf("header %v", rows[0])
	}
	var got []string
	for _, row := range rows[1:] {
		if row[0] == "0" { // replication 0
			got = append(got, row[1]+":"+row[2]+":"+row[3]+":"+row[4])
		}
		if row[5] != "t" || row[6] != "abc" || row[7] != "3" {
			t.Errorf("run columns %v", row[5:])
		}
	}
	want := []string{"1:1:pairs:0", "1:2:pairs:0", "2:1:pairs:0", "2:1:money:2", "2:3:money:2"}
	if !slices.Equal(got, want) {
		t.Errorf("replication 0's treatments %v, want %v", got, want)
	}

	buf.Reset()
	if err := WriteSchools(&buf, CSV, id, recs); err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, buf.Bytes())
	col := slices.Index(rows[0], "treated")
	lead := slices.Index(rows[0], "group_lead")
	for _, row := range rows[1:] {
		year, _ := strconv.Atoi(row[1])
		school, _ := strconv.Atoi(row[2])
		want := "0"
		if year >= 1 && school == 1 || year == 1 && school == 2 || year >= 2 && school == 3 {
			want = "1"
		}
		if row[col] != want {
			t.Errorf("year %d school %d: treated %s, want %s", year, school, row[col], want)
		}
		if row[lead] != "0" && row[lead] != "1" {
			t.Errorf("group_lead %q, want 0 or 1", row[lead])
		}
	}
}

// TestParquetHoldsTheCSVValues writes the yearly and school tables as
// CSV and as Parquet and reads the Parquet back: the same columns in the
// same order, typed as the schema says, and the same values (numbers
// equal to the CSV's six decimals).
func TestParquetHoldsTheCSVValues(t *testing.T) {
	recs, mets := tinyRun(t)
	id := RunID{Scenario: "tiny", Hash: "h", Seed: 3}
	for _, tt := range []struct {
		schema *Schema
		write  func(w io.Writer, f Format) error
	}{
		{&YearlySchema, func(w io.Writer, f Format) error { return WriteYearly(w, f, id, mets) }},
		{&SchoolSchema, func(w io.Writer, f Format) error { return WriteSchools(w, f, id, recs) }},
	} {
		t.Run(tt.schema.Name, func(t *testing.T) {
			var c, p bytes.Buffer
			if err := tt.write(&c, CSV); err != nil {
				t.Fatal(err)
			}
			if err := tt.write(&p, Parquet); err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, c.Bytes())
			f, err := parquet.OpenFile(bytes.NewReader(p.Bytes()), int64(p.Len()))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, col := range f.Schema().Fields() {
				names = append(names, col.Name())
			}
			if !slices.Equal(names, rows[0]) {
				t.Fatalf("parquet columns %v, csv %v", names, rows[0])
			}
			if f.NumRows() != int64(len(rows)-1) {
				t.Fatalf("parquet has %d rows, csv %d", f.NumRows(), len(rows)-1)
			}
			r := parquet.NewReader(bytes.NewReader(p.Bytes()))
			defer r.Close()
			buf := make([]parquet.Row, 64)
			line := 1
			for {
				n, err := r.ReadRows(buf)
				for _, row := range buf[:n] {
					for j, v := range row {
						if got, want := cellText(v, tt.schema.Fields[j].Type), rows[line][j]; got != want {
							t.Fatalf("row %d, %s: parquet %q, csv %q", line, names[j], got, want)
						}
					}
					line++
				}
				if errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			if line != len(rows) {
				t.Errorf("read %d parquet rows, want %d", line-1, len(rows)-1)
			}
		})
	}
}

// cellText formats a Parquet value as the CSV cell of its type.
func cellText(v parquet.Value, typ Type) string {
	switch {
	case v.IsNull():
		return ""
	case typ == Integer:
		return strconv.FormatInt(v.Int64(), 10)
	case typ == Number:
		return strconv.FormatFloat(v.Double(), 'f', 6, 64)
	case typ == Boolean:
		if v.Boolean() {
			return "1"
		}
		return "0"
	}
	return v.String()
}

// TestDataPackageJSON checks datapackage.json against the Tabular Data
// Package specification's required properties: a profile, a name of
// lower-case letters, digits and -._, and for each resource a name, a
// path, a format and a schema whose fields have a name and one of the
// specification's types, booleans with their true and false values.
func TestDataPackageJSON(t *testing.T) {
	files := RunFiles{ID: RunID{Scenario: "Shanghai SSP"}, Format: Parquet}
	var buf bytes.Buffer
	if err := files.DataPackage().Write(&buf); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Profile, Name string
		Resources     []struct {
			Name, Path, Profile, Format, MediaType string
			Schema                                 struct {
				Fields []struct {
					Name, Type              string
					TrueValues, FalseValues []string
				}
				MissingValues []string
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Profile != "tabular-data-package" || p.Name != "schoolnet-run-shanghai-ssp" {
		t.Errorf("profile %q, name %q", p.Profile, p.Name)
	}
	var paths []string
	for _, r := range p.Resources {
		paths = append(paths, r.Path)
		if r.Name == "" || r.Format == "" || len(r.Schema.Fields) == 0 || !slices.Equal(r.Schema.MissingValues, []string{""}) {
			t.Errorf("resource %+v lacks a required property", r)
		}
		for _, f := range r.Schema.Fields {
			if !slices.Contains([]string{"integer", "number", "string", "boolean"}, f.Type) {
				t.Errorf("%s.%s: type %q", r.Name, f.Name, f.Type)
			}
			if f.Type == "boolean" && (!slices.Equal(f.TrueValues, []string{"1"}) || !slices.Equal(f.FalseValues, []string{"0"})) {
				t.Errorf("%s.%s: a boolean without trueValues [1] and falseValues [0]", r.Name, f.Name)
			}
		}
	}
	if want := []string{"yearly.parquet", "schools.parquet", "treatments.parquet", "summary.csv"}; !slices.Equal(paths, want) {
		t.Errorf("resources %v, want %v", paths, want)
	}
}

// TestManifestRecordsTheMachine: the manifest names the operating system,
// architecture and cores, the SHA-256 of the running binary (which tells
// binaries apart when the commit is unknown) and the versions of the
// modules it was built with.
func TestManifestRecordsTheMachine(t *testing.T) {
	m, err := NewManifest(map[string]int{"x": 1}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if m.BinarySHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("binary_sha256 %q, want the executable's %x", m.BinarySHA256, sum)
	}
	if m.OS != runtime.GOOS || m.Arch != runtime.GOARCH || m.CPUs != runtime.NumCPU() {
		t.Errorf("os %q, arch %q, cpus %d", m.OS, m.Arch, m.CPUs)
	}
	if _, err := os.Stat("/proc/cpuinfo"); err == nil && m.CPU == "" {
		t.Error("no CPU model on a system with /proc/cpuinfo")
	}
	// A test binary lists no modules; a build's list as schoolnet's has it.
	bi := &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "gonum.org/v1/gonum", Version: "v0.17.0"},
		{Path: "example.org/fork", Version: "v1.0.0", Replace: &debug.Module{Path: "../fork"}},
	}}
	want := map[string]string{"gonum.org/v1/gonum": "v0.17.0", "example.org/fork": "v1.0.0 => ../fork"}
	if got := dependencies(bi); !maps.Equal(got, want) {
		t.Errorf("dependencies %v, want %v", got, want)
	}
}
