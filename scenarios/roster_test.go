package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim/ranges"
)

// goodRoster is a small roster: one school per tier in two districts.
const goodRoster = `# a comment line, as in the shipped roster
id,name,district,x_km,y_km,enrolment,teachers,tier,prior_achievement,migrant_share
A1,First,North,0.5,1.25,810,24,strong,0.8,0.1
A2,Second,North,1,-2,405,,average,,0.3
B1,Third,South,-3.5,0,270,12,,-0.9,
`

// writeScenario writes a roster and a scenario naming it into a fresh
// folder, and returns the scenario's path.
func writeScenario(t *testing.T, roster, scenario string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "schools.csv"), []byte(roster), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "mine.toml")
	if err := os.WriteFile(p, []byte(scenario), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const rosterScenario = "extends = \"baseline\"\n[population]\nroster = \"schools.csv\"\n"

func TestRosterScenario(t *testing.T) {
	s, err := Load(writeScenario(t, goodRoster, rosterScenario))
	if err != nil {
		t.Fatal(err)
	}
	pop := &s.Population
	if pop.NumSchools() != 3 || pop.Districts != 2 {
		t.Fatalf("%d schools in %d districts, want 3 in 2", pop.NumSchools(), pop.Districts)
	}
	r := pop.Roster
	if got := r.Schools[2]; got.District != 1 || got.Tier != "" || *got.PriorAchievement != -0.9 || got.MigrantShare != nil || got.Line != 5 {
		t.Errorf("row B1 read as %+v", got)
	}
	if r.SHA256 == "" || r.File != "schools.csv" {
		t.Errorf("roster file %q, sha256 %q", r.File, r.SHA256)
	}
	if len(r.Filled) == 0 || !strings.Contains(strings.Join(r.Filled, "\n"), "migrant_share: 1 of 3 schools") {
		t.Errorf("filled notes %q, want migrant_share filled for 1 of 3 schools", r.Filled)
	}
	pp, err := s.FirstPopulation()
	if err != nil {
		t.Fatal(err)
	}
	wantTiers := []agents.Tier{agents.Strong, agents.Average, agents.Weak}
	for i, sc := range pp.Schools {
		if sc.Tier != wantTiers[i] || float64(sc.X) != r.Schools[i].X {
			t.Errorf("school %d: tier %v at x %v, want %v at %v", i, sc.Tier, sc.X, wantTiers[i], r.Schools[i].X)
		}
	}
}

// TestBadRosters checks that each bad roster is refused with its file,
// line and column.
func TestBadRosters(t *testing.T) {
	const head = "id,district,x_km,y_km,enrolment,tier\n"
	tests := []struct {
		name, roster, want string
	}{
		{"negative enrolment", head + "a,N,0,0,500,weak\nb,N,0,0,-3,weak\n", `schools.csv:3: enrolment: must be a positive integer, got "-3"`},
		{"not a number", head + "a,N,0,0,many,weak\n", `schools.csv:2: enrolment: must be a positive integer, got "many"`},
		{"too large", head + "a,N,0,0,60000,weak\n", `schools.csv:2: enrolment: must be in [1,50000] (students), got 60000`},
		{"unknown tier", head + "a,N,0,0,500,elite\n", `schools.csv:2: tier: "elite" is not a tier`},
		{"duplicate id", head + "a,N,0,0,500,weak\na,N,0,0,500,weak\n", `schools.csv:3: id: "a" is also the id of the school on line 2`},
		{"bad id", head + "a b,N,0,0,500,weak\n", `schools.csv:2: id: "a b": an id has only letters`},
		{"missing district", head + "a,,0,0,500,weak\n", `schools.csv:2: district: missing`},
		{"position out of range", head + "a,N,9000,0,500,weak\n", `schools.csv:2: x_km: must be in [-5000,5000] (km east), got 9000`},
		{"missing position", head + "a,N,,0,500,weak\n", `schools.csv:2: x_km: missing`},
		{"share as percent", "id,district,x_km,y_km,enrolment,tier,migrant_share\na,N,0,0,500,weak,35\n", `schools.csv:2: migrant_share: must be in [0,1] (share of students), got 35 (a share: write 0.35 for 35%)`},
		{"unknown column", "id,district,x_km,y_km,enrollment,tier\n", `schools.csv:1: enrollment: unknown column (did you mean enrolment?)`},
		{"no id column", "district,x_km,y_km,enrolment,tier\n", `schools.csv:1: id: missing column`},
		{"both positions", "id,district,x_km,y_km,lat,lon,enrolment,tier\n", `schools.csv:1: x_km: give the position as lat and lon or as x_km and y_km, not both`},
		{"no tier column", "id,district,x_km,y_km,enrolment\n", `schools.csv:1: tier: missing column`},
		{"ragged row", head + "a,N,0,0,500\n", `schools.csv:2: a row has a different number of cells than the header`},
		{"no rows", head, `schools.csv:1: no schools`},
		{"neither tier nor prior", "id,district,x_km,y_km,enrolment,tier,prior_achievement\na,N,0,0,500,,\n", `schools.csv:2: tier: missing: give the school's tier or its prior_achievement`},
		{"too many classes", head + "a,N,0,0,45000,weak\n", `schools.csv:2: enrolment: 45000 students in 3 grades make 333 classes`},
		{"grades", "id,district,x_km,y_km,enrolment_g7,enrolment_g8,tier\na,N,0,0,100,100,weak\n", `schools.csv:2: enrolment_g: 2 grade columns, but the population has 3 grades`},
		// What spreadsheets save (an audit found the first two blamed on a
		// name's length and on an unknown column, the third on the file's
		// last line).
		{"GBK text", head + "a,\xb3\xc7\xb6\xab,0,0,500,weak\n", `schools.csv:2: the file is not UTF-8 text`},
		{"UTF-16 text", "\xff\xfei\x00d\x00\n\x00", `schools.csv:1: the file is UTF-16 text`},
		{"unclosed quote", head + "a,\"N,0,0,500,weak\nb,N,0,0,500,weak\nc,N,0,0,500,weak\n", `schools.csv:2: a quoted cell that starts on this line is not closed`},
		{"failed geocode", "id,district,lat,lon,enrolment,tier\na,N,31.1,121.4,500,weak\nb,N,0,0,500,weak\n", `schools.csv:3: lat: 0, 0 is no school's place`},
		{"position far away", "id,district,lat,lon,enrolment,tier\na,N,31.1,121.4,500,weak\nb,N,31.2,121.5,500,weak\nc,N,-40,-60,500,weak\n", `schools.csv:4: lat: school c lies`},
		{"control character", head + "a,\"Old\nTown\",0,0,500,weak\n", `schools.csv:2: district: "Old\nTown" holds a control character`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeScenario(t, tt.roster, rosterScenario))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestRosterGeoJSON checks that GeoJSON points read as the same roster as
// the CSV file with lat and lon, and that a bad feature is refused with
// its line.
func TestRosterGeoJSON(t *testing.T) {
	csv := "id,district,lat,lon,enrolment,tier,ses_mean\na,N,31.1,121.4,500,weak,-0.4\nb,S,31.12,121.43,700,strong,\n"
	geo := `{"type": "FeatureCollection", "features": [
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.4, 31.1]},
   "properties": {"id": "a", "district": "N", "enrolment": 500, "tier": "weak", "ses_mean": -0.4}},
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.43, 31.12]},
   "properties": {"id": "b", "district": "S", "enrolment": "700", "tier": "strong", "ses_mean": null}}
]}`
	a, err := ReadRoster("schools.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadRoster("schools.geojson", []byte(geo))
	if err != nil {
		t.Fatal(err)
	}
	// A byte order mark, as some tools write, is skipped (an audit found
	// it refused as JSON).
	if _, err := ReadRoster("schools.geojson", []byte("\xef\xbb\xbf"+geo)); err != nil {
		t.Errorf("GeoJSON with a byte order mark: %v", err)
	}
	if b.Schools[1].Line != 4 {
		t.Errorf("second feature on line %d, want 4", b.Schools[1].Line)
	}
	for i := range a.Schools {
		a.Schools[i].Line, b.Schools[i].Line = 0, 0
	}
	if !reflect.DeepEqual(a.Schools, b.Schools) || !reflect.DeepEqual(a.Districts, b.Districts) || *a.Origin != *b.Origin {
		t.Errorf("GeoJSON roster\n%+v\nwant the CSV's\n%+v", b.Schools, a.Schools)
	}
	bad := strings.Replace(geo, `"enrolment": "700"`, `"enrolment": -700`, 1)
	if _, err := ReadRoster("schools.geojson", []byte(bad)); err == nil || err.Error() != `schools.geojson:4: enrolment: must be a positive integer, got "-700"` {
		t.Errorf("bad feature: %v", err)
	}
	noPoint := strings.Replace(geo, `"Point", "coordinates": [121.43, 31.12]`, `"LineString", "coordinates": [[1,2],[3,4]]`, 1)
	if _, err := ReadRoster("schools.geojson", []byte(noPoint)); err == nil || !strings.Contains(err.Error(), "schools.geojson:4: geometry:") {
		t.Errorf("a line feature: %v", err)
	}
}

// TestRosterFiles checks the file limits: a roster is a regular file of at
// most MaxRosterBytes, next to the scenario.
func TestRosterFiles(t *testing.T) {
	p := writeScenario(t, goodRoster, rosterScenario)
	dir := filepath.Dir(p)
	big := filepath.Join(dir, "schools.csv")
	if err := os.Truncate(big, MaxRosterBytes+1); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "a roster file has at most") {
		t.Errorf("a roster over the limit: %v", err)
	}
	os.Remove(big)
	if err := mkfifo(big); err != nil {
		t.Skip("no FIFO:", err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO: %v", err)
	}
	os.Remove(big)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), `mine.toml:3: population.roster: cannot read roster "schools.csv"`) {
		t.Errorf("a missing roster: %v", err)
	}
}

// TestRosterUntrusted checks that a scenario from outside cannot read a
// roster from disk, while a shipped scenario's roster is read from the
// binary.
func TestRosterUntrusted(t *testing.T) {
	_, err := ParseUntrusted("up.toml", []byte(rosterScenario))
	if err == nil || !strings.Contains(err.Error(), "up.toml:3: population.roster: a scenario from outside") {
		t.Errorf("uploaded scenario with a roster: %v", err)
	}
	s, err := ParseUntrusted("up.toml", []byte("extends = \"district-ssp\"\nname = \"mine\"\n"))
	if err != nil {
		t.Fatalf("uploaded scenario extending a shipped roster scenario: %v", err)
	}
	if s.Population.NumSchools() != 48 {
		t.Errorf("%d schools, want the example district's 48", s.Population.NumSchools())
	}
}

// TestRosterKeysRefused checks that a scenario with a roster may not set
// what the roster sets.
func TestRosterKeysRefused(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{rosterScenario + "districts = 3\n", `mine.toml:4: population.districts: set by the roster schools.csv`},
		{rosterScenario + "[population.weak]\nshare = 0.5\n", `mine.toml:5: population.weak.share: set by the roster`},
		{rosterScenario + "roster = \"\"\n", `population.roster`},
	} {
		_, err := Load(writeScenario(t, goodRoster, tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %s", tt.src, err, tt.want)
		}
	}
	// Extending a roster scenario and setting districts is refused too.
	p := writeScenario(t, goodRoster, rosterScenario)
	ext := filepath.Join(filepath.Dir(p), "ext.toml")
	os.WriteFile(ext, []byte("extends = \"mine.toml\"\n[population]\ndistricts = 2\n"), 0o644)
	if _, err := Load(ext); err == nil || !strings.Contains(err.Error(), "ext.toml:3: population.districts: set by the roster") {
		t.Errorf("extending: %v", err)
	}
}

// TestSelectByRosterID checks select.ids and select.district_names.
func TestSelectByRosterID(t *testing.T) {
	policyOf := func(sel string) string {
		return rosterScenario + "[[policy]]\nkind = \"funding\"\nname = \"money\"\n[policy.select]\n" + sel
	}
	for _, tt := range []struct{ sel, want string }{
		{"rule = \"list\"\ntier = \"any\"\nids = [\"A2\", \"B1\"]\n", ""},
		{"rule = \"voluntary\"\ntier = \"any\"\ndistrict_names = [\"South\"]\n", ""},
		{"rule = \"list\"\ntier = \"any\"\nids = [\"A3\"]\n", `mine.toml:10: policy[1].select.ids: no school of the roster schools.csv has id "A3" (did you mean "A1"?)`},
		{"rule = \"all\"\nids = [\"A1\"]\n", `policy[1].select.ids: names the schools of rule list`},
		{"district_names = [\"East\"]\n", `policy[1].select.district_names: the roster schools.csv has no district "East"`},
	} {
		s, err := Load(writeScenario(t, goodRoster, policyOf(tt.sel)))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.sel, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: error %v, want %s", tt.sel, err, tt.want)
		case err == nil:
			pop, err := s.FirstPopulation()
			if err != nil {
				t.Fatal(err)
			}
			sel := &s.Policies[0].Base().Select
			var got []int32
			for i := range pop.Schools {
				if sel.Eligible(&pop.Schools[i]) {
					got = append(got, int32(i))
				}
			}
			if want := []int32{1, 2}; !strings.Contains(tt.sel, "district_names") && !reflect.DeepEqual(got, want) {
				t.Errorf("%q: eligible %v, want %v", tt.sel, got, want)
			} else if want := []int32{2}; strings.Contains(tt.sel, "district_names") && !reflect.DeepEqual(got, want) {
				t.Errorf("%q: eligible %v, want %v", tt.sel, got, want)
			}
		}
	}
	_, err := Parse("plain.toml", []byte("[[policy]]\nkind = \"funding\"\n[policy.select]\nrule = \"list\"\nids = [\"A1\"]\n"))
	if err == nil || !strings.Contains(err.Error(), "select.ids: needs a roster") {
		t.Errorf("ids without a roster: %v", err)
	}
}

// TestWriteRosterReadsBack checks that an exported roster reads back as
// the same values, and WithRoster puts it under any scenario.
func TestWriteRosterReadsBack(t *testing.T) {
	s, err := Load("district")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ExportRoster(s)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteRoster(&buf, r, []string{"exported, for a test"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "# exported; for a test\nid,name,district,lat,lon,enrolment,") {
		t.Errorf("export starts %.120q", buf.String())
	}
	back, err := ReadRoster("again.csv", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Schools {
		a, b := r.Schools[i], back.Schools[i]
		b.Line = 0
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("school %d reads back as\n%+v\nwant\n%+v", i, b, a)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "again.csv")
	os.WriteFile(p, buf.Bytes(), 0o644)
	base, _ := Load("shanghai-ssp")
	on, err := WithRoster(base, p)
	if err != nil {
		t.Fatal(err)
	}
	// Filled: the tenures the roster leaves empty, and the enrolments
	// rounded to whole classes, as for the roster the export came from.
	if on.Name != "shanghai-ssp" || on.Population.NumSchools() != 48 || len(on.Policies) != 3 || len(on.Population.Roster.Filled) != 2 {
		t.Errorf("WithRoster: %s with %d schools, %d policies, filled %q", on.Name, on.Population.NumSchools(), len(on.Policies), on.Population.Roster.Filled)
	}
}

// TestScenariosDocRosterColumns checks that docs/SCENARIOS.md's roster
// table has one row per column of agents.RosterColumns, with its unit,
// range, requirement, meaning and filling (go test ./scenarios -run
// ScenariosDocRosterColumns -update rewrites it).
func TestScenariosDocRosterColumns(t *testing.T) {
	const path = "../docs/SCENARIOS.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	const start, end = "| --- | --- | --- | --- | --- | --- |\n", "<!-- end of roster columns -->"
	i := strings.Index(doc, "<!-- roster columns:")
	if i < 0 {
		t.Fatal("docs/SCENARIOS.md has no roster columns table")
	}
	i += strings.Index(doc[i:], start) + len(start)
	j := i + strings.Index(doc[i:], end)
	var rows strings.Builder
	for _, c := range agents.RosterColumns {
		unit, rng := "–", "text"
		switch c.Kind {
		case "number", "integer":
			unit = c.Range.Unit
			rng = "[" + ranges.Format(c.Range.Min) + ", " + ranges.Format(c.Range.Max) + "]"
			if c.Kind == "integer" {
				rng += ", whole"
			}
		case "tier":
			rng = "`strong`, `average`, `weak`"
		}
		req, fill := c.Required, c.Fill
		if req == "" {
			req = "no"
		}
		if fill == "" {
			fill = "–"
		}
		fmt.Fprintf(&rows, "| `%s` | %s | %s | %s | %s | %s |\n", c.Name, unit, rng, req, c.Meaning, fill)
	}
	if got := doc[i:j]; got != rows.String() {
		if *updateDoc {
			if err := os.WriteFile(path, []byte(doc[:i]+rows.String()+doc[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("docs/SCENARIOS.md's roster table differs from agents.RosterColumns (go test ./scenarios -run ScenariosDocRosterColumns -update):\n%s\nwant\n%s", got, rows.String())
	}
}

// TestRosterSweeps checks that a sweep over a roster scenario runs on the
// roster, and that neither the roster nor the keys it sets can be swept.
func TestRosterSweeps(t *testing.T) {
	sweep := rosterScenario + "[sweep]\nreplications = 1\n[[sweep.param]]\nkey = \"%s\"\nvalues = [%s]\n"
	s, err := Load(writeScenario(t, goodRoster, fmt.Sprintf(sweep, "model.tie_accept", "0.4, 0.6")))
	if err != nil {
		t.Fatal(err)
	}
	points, err := s.SweepPoints()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range points {
		if p.Scenario.Population.NumSchools() != 3 {
			t.Errorf("a point has %d schools, want the roster's 3", p.Scenario.Population.NumSchools())
		}
	}
	for _, tt := range []struct{ key, values, want string }{
		{"population.roster", `"other.csv"`, "the roster cannot be swept"},
		{"population.districts", "2, 3", "sets population.districts = 2: set by the roster"},
	} {
		s, err := Load(writeScenario(t, goodRoster, fmt.Sprintf(sweep, tt.key, tt.values)))
		if err == nil {
			_, err = s.SweepPoints()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("sweeping %s: %v, want %q", tt.key, err, tt.want)
		}
	}
}

// TestWithRosterBlamesTheScenarioLine: a key of the scenario's own file
// that a roster given on the command line makes wrong (a school the
// roster lacks) is reported at the scenario file's line, with the roster
// named, not as an inherited key of no file.
func TestWithRosterBlamesTheScenarioLine(t *testing.T) {
	p := writeScenario(t, goodRoster, "[population]\ndistricts = 1\nschools_per_district = 6\n[[policy]]\nkind = \"funding\"\nselect.rule = \"list\"\nselect.schools = [5]\n")
	base, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = WithRoster(base, filepath.Join(filepath.Dir(p), "schools.csv"))
	var e *Error
	if !errors.As(err, &e) || e.File != filepath.Base(p) || e.Line != 7 || e.Key != "policy[1].select.schools" || !strings.Contains(err.Error(), "with the schools of roster") {
		t.Errorf("got %v, want %s:7: policy[1].select.schools … with the schools of roster", err, p)
	}
}
