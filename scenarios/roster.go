package scenarios

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"schoolnet/agents"
	"schoolnet/sim/fmath"
	"schoolnet/sim/ranges"
)

// shippedRosters are the rosters the shipped scenarios name.
//
//go:embed *.csv
var shippedRosters embed.FS

// MaxRosterBytes is the largest roster file read: [agents.MaxSchools]
// rows of 256 bytes, far more than any row needs.
const MaxRosterBytes = agents.MaxSchools * 256

// Limits of a roster's text cells, in characters.
const (
	maxRosterID   = 64
	maxRosterName = 200
	maxRosterCols = 64
)

// ReadRoster reads a roster: CSV (file ending .csv) or GeoJSON points
// (.geojson or .json). file names it in errors, which are *Error with the
// line and the column (as Key): "schools.csv:14: enrolment: must be a
// positive integer, got "-3"".
func ReadRoster(file string, data []byte) (*agents.Roster, error) {
	var (
		header []string
		rows   []rosterRow
		err    error
	)
	// A spreadsheet's "Unicode text" (UTF-16) or a Chinese locale's CSV
	// (GBK) is not UTF-8: say so, and how to save it, rather than fail on
	// a column or a name's length (a UTF-8 byte order mark is fine).
	raw := data // the file's hash is of its bytes as they are
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil, &Error{File: file, Line: 1, Err: errors.New("the file is UTF-16 text (a spreadsheet's \"Unicode text\"), not UTF-8"),
			Hint: "save it as \"CSV UTF-8\" (Excel: Save As, CSV UTF-8 (Comma delimited))"}
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return nil, &Error{File: file, Line: line, Err: errors.New("the file is not UTF-8 text (a Chinese-locale spreadsheet writes GBK)"),
			Hint: "save it as \"CSV UTF-8\" (Excel: Save As, CSV UTF-8 (Comma delimited))"}
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".csv":
		header, rows, err = readRosterCSV(file, data)
	case ".geojson", ".json":
		header, rows, err = readRosterGeoJSON(file, data)
	default:
		return nil, &Error{File: file, Err: errors.New("a roster is a .csv file or a .geojson file of points"),
			Hint: "columns in docs/SCENARIOS.md, \"Rosters\"; start from schoolnet roster export"}
	}
	if err != nil {
		return nil, err
	}
	r, err := buildRoster(file, header, rows)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	r.File, r.SHA256 = file, hex.EncodeToString(sum[:])
	return r, nil
}

// invalidUTF8At returns the offset of data's first byte that is not
// part of valid UTF-8 (len(data) if there is none).
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// rosterRow is one school's cells by column, and the line it starts on.
type rosterRow struct {
	line  int
	cells map[string]string
}

// readRosterCSV reads the header and rows of a CSV roster (ReadRoster
// has skipped a UTF-8 byte order mark). Lines starting with '#' are
// comments.
func readRosterCSV(file string, data []byte) ([]string, []rosterRow, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	syntax := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			e := &Error{File: file, Line: pe.Line, Err: pe.Err}
			if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line {
				// An unclosed quote: the error is found at the file's
				// end, the cause where the quoted cell starts.
				e.Line, e.Err = pe.StartLine, errors.New("a quoted cell that starts on this line is not closed")
			}
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				e.Err = errors.New("a row has a different number of cells than the header")
				e.Hint = "quote a cell that holds a comma: \"Pudong, No. 2\""
			}
			return e
		}
		return &Error{File: file, Err: err}
	}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, nil, &Error{File: file, Err: errors.New("empty: a roster has a header row and one row per school")}
	}
	if err != nil {
		return nil, nil, syntax(err)
	}
	headLine, _ := cr.FieldPos(0)
	header := make([]string, len(head))
	for i, h := range head {
		header[i] = strings.ToLower(strings.TrimSpace(h))
	}
	if err := checkHeader(file, headLine, header); err != nil {
		return nil, nil, err
	}
	var rows []rosterRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, syntax(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rows) == agents.MaxSchools {
			return nil, nil, &Error{File: file, Line: line, Err: fmt.Errorf("more than %d schools (a national system)", agents.MaxSchools)}
		}
		row := rosterRow{line: line, cells: make(map[string]string, len(rec))}
		for i, c := range rec {
			row.cells[header[i]] = strings.TrimSpace(c)
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}

// readRosterGeoJSON reads a GeoJSON FeatureCollection of Point features
// (RFC 7946: coordinates are longitude, latitude in WGS 84); each
// feature's properties are its columns. A feature's line is where it
// starts.
func readRosterGeoJSON(file string, data []byte) ([]string, []rosterRow, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	lineAt := func(off int64) int {
		off = min(max(off, 0), int64(len(data)))
		for off < int64(len(data)) && strings.ContainsRune(" \t\r\n,", rune(data[off])) {
			off++
		}
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
	fail := func(off int64, format string, args ...any) error {
		return &Error{File: file, Line: lineAt(off), Err: fmt.Errorf(format, args...)}
	}
	syntax := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fail(se.Offset-1, "%v", se)
		}
		return fail(dec.InputOffset(), "%v", err)
	}
	if t, err := dec.Token(); err != nil {
		return nil, nil, syntax(err)
	} else if t != json.Delim('{') {
		return nil, nil, fail(0, "a GeoJSON roster is a FeatureCollection object")
	}
	columns := map[string]bool{}
	var rows []rosterRow
	kind := ""
	for dec.More() {
		keyOff := dec.InputOffset()
		t, err := dec.Token()
		if err != nil {
			return nil, nil, syntax(err)
		}
		switch t {
		case "type":
			if err := dec.Decode(&kind); err != nil {
				return nil, nil, syntax(err)
			}
			if kind != "FeatureCollection" {
				return nil, nil, fail(keyOff, "type %q: a GeoJSON roster is a FeatureCollection", kind)
			}
		case "features":
			if t, err := dec.Token(); err != nil {
				return nil, nil, syntax(err)
			} else if t != json.Delim('[') {
				return nil, nil, fail(keyOff, "features must be an array")
			}
			for dec.More() {
				off := dec.InputOffset()
				var f struct {
					Type     string `json:"type"`
					Geometry *struct {
						Type        string          `json:"type"`
						Coordinates json.RawMessage `json:"coordinates"`
					} `json:"geometry"`
					Properties map[string]any `json:"properties"`
				}
				if err := dec.Decode(&f); err != nil {
					return nil, nil, syntax(err)
				}
				line := lineAt(off)
				if len(rows) == agents.MaxSchools {
					return nil, nil, &Error{File: file, Line: line, Err: fmt.Errorf("more than %d schools (a national system)", agents.MaxSchools)}
				}
				bad := func(col, format string, args ...any) error {
					return &Error{File: file, Line: line, Key: col, Err: fmt.Errorf(format, args...)}
				}
				if f.Type != "Feature" {
					return nil, nil, bad("type", "%q: each element of features is a Feature", f.Type)
				}
				var at []json.Number
				if f.Geometry == nil || f.Geometry.Type != "Point" || json.Unmarshal(f.Geometry.Coordinates, &at) != nil || len(at) < 2 {
					return nil, nil, bad("geometry", "each school is a Point with coordinates [longitude, latitude]")
				}
				row := rosterRow{line: line, cells: map[string]string{"lon": at[0].String(), "lat": at[1].String()}}
				keys := make([]string, 0, len(f.Properties))
				for k := range f.Properties {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				for _, k := range keys {
					col := strings.ToLower(strings.TrimSpace(k))
					switch col {
					case "lat", "lon", "x_km", "y_km":
						return nil, nil, bad(col, "a GeoJSON school's position is its geometry's coordinates, not a property")
					}
					if _, dup := row.cells[col]; dup {
						return nil, nil, bad(col, "given twice")
					}
					switch v := f.Properties[k].(type) {
					case nil:
						row.cells[col] = ""
					case string:
						row.cells[col] = strings.TrimSpace(v)
					case json.Number:
						row.cells[col] = v.String()
					default:
						return nil, nil, bad(col, "must be a number or text, got %v", v)
					}
					columns[col] = true
				}
				rows = append(rows, row)
			}
			if _, err := dec.Token(); err != nil {
				return nil, nil, syntax(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, nil, syntax(err)
			}
		}
	}
	if kind != "FeatureCollection" {
		return nil, nil, fail(0, `a GeoJSON roster is a FeatureCollection ("type": "FeatureCollection")`)
	}
	header := []string{"lat", "lon"}
	for c := range columns {
		header = append(header, c)
	}
	slices.Sort(header[2:])
	if err := checkHeader(file, 1, header); err != nil {
		return nil, nil, err
	}
	// A property a feature leaves out is an empty cell.
	for _, r := range rows {
		for _, c := range header {
			if _, ok := r.cells[c]; !ok {
				r.cells[c] = ""
			}
		}
	}
	return header, rows, nil
}

// checkHeader checks a roster's columns: each known and given once, the
// required ones present, one kind of position and one kind of enrolment.
func checkHeader(file string, line int, header []string) error {
	at := func(col, format string, args ...any) error {
		return &Error{File: file, Line: line, Key: col, Err: fmt.Errorf(format, args...)}
	}
	if len(header) > maxRosterCols {
		return &Error{File: file, Line: line, Err: fmt.Errorf("%d columns; a roster has at most %d", len(header), maxRosterCols)}
	}
	has := map[string]bool{}
	var names []string
	for _, c := range agents.RosterColumns {
		names = append(names, c.Name)
	}
	for _, h := range header {
		if h == "" {
			return at("", "a column has no name in the header")
		}
		if has[h] {
			return at(h, "two columns have this name")
		}
		has[h] = true
		if _, ok := agents.RosterColumnNamed(h); !ok {
			e := at(h, "unknown column").(*Error)
			if s := suggest(h, names); s != "" {
				e.Hint = "did you mean " + s + "?"
			} else {
				e.Hint = "the columns are " + strings.Join(names, ", ")
			}
			return e
		}
	}
	for _, c := range []string{"id", "district"} {
		if !has[c] {
			return at(c, "missing column: every roster has the columns id, district, a position and an enrolment")
		}
	}
	perGrade := false
	for h := range has {
		perGrade = perGrade || strings.HasPrefix(h, "enrolment_g")
	}
	switch {
	case has["lat"] != has["lon"]:
		return at("lon", "give lat and lon together")
	case has["x_km"] != has["y_km"]:
		return at("y_km", "give x_km and y_km together")
	case has["lat"] && has["x_km"]:
		return at("x_km", "give the position as lat and lon or as x_km and y_km, not both")
	case !has["lat"] && !has["x_km"]:
		return at("lat", "missing column: give each school's position as lat and lon (degrees) or x_km and y_km")
	case has["enrolment"] && perGrade:
		return at("enrolment", "give enrolment or enrolment per grade (enrolment_g<N>), not both")
	case !has["enrolment"] && !perGrade:
		return at("enrolment", "missing column: give each school's enrolment (or one enrolment_g<N> column per grade)")
	case !has["tier"] && !has["prior_achievement"]:
		return at("tier", "missing column: give each school's tier (strong, average, weak) or its prior_achievement")
	}
	return nil
}

// buildRoster turns rows into a roster: every cell checked against its
// column, districts numbered in order of first appearance, and lat/lon
// projected to km.
func buildRoster(file string, header []string, rows []rosterRow) (*agents.Roster, error) {
	if len(rows) == 0 {
		return nil, &Error{File: file, Line: 1, Err: errors.New("no schools: a roster has one row per school below its header")}
	}
	r := &agents.Roster{}
	district := map[string]int{}
	ids := map[string]int{}
	var grades []int // the national grade numbers of the enrolment_g<N> columns
	for _, h := range header {
		if g, ok := strings.CutPrefix(h, "enrolment_g"); ok {
			n, _ := strconv.Atoi(g)
			grades = append(grades, n)
		}
	}
	slices.Sort(grades)
	for k := 1; k < len(grades); k++ {
		if grades[k] != grades[k-1]+1 {
			return nil, &Error{File: file, Line: rows[0].line - 1, Key: fmt.Sprintf("enrolment_g%d", grades[k]),
				Err: fmt.Errorf("the grade columns must be consecutive grades (after enrolment_g%d)", grades[k-1])}
		}
	}
	var lats, lons []float64
	for _, row := range rows {
		bad := func(col, format string, args ...any) error {
			return &Error{File: file, Line: row.line, Key: col, Err: fmt.Errorf(format, args...)}
		}
		cell := func(col string) string { return row.cells[col] }
		s := agents.RosterSchool{Line: row.line}
		// Text.
		s.ID = cell("id")
		if err := checkRosterID(s.ID); err != nil {
			return nil, bad("id", "%v", err)
		}
		if first, dup := ids[s.ID]; dup {
			return nil, bad("id", "%q is also the id of the school on line %d; ids are unique", s.ID, first)
		}
		ids[s.ID] = row.line
		s.Name = cell("name")
		if n := utf8.RuneCountInString(s.Name); n > maxRosterName || !utf8.ValidString(s.Name) {
			return nil, bad("name", "at most %d characters of UTF-8 text, got %d", maxRosterName, n)
		}
		if hasControl(s.Name) {
			return nil, bad("name", "%q holds a control character (a line break, tab or escape): names are one line of text", s.Name)
		}
		d := cell("district")
		switch n := utf8.RuneCountInString(d); {
		case n == 0:
			return nil, bad("district", "missing: every school belongs to a district")
		case n > maxRosterID || !utf8.ValidString(d):
			return nil, bad("district", "at most %d characters of UTF-8 text, got %d", maxRosterID, n)
		case hasControl(d):
			return nil, bad("district", "%q holds a control character (a line break, tab or escape): names are one line of text", d)
		}
		k, ok := district[d]
		if !ok {
			k = len(r.Districts)
			district[d] = k
			r.Districts = append(r.Districts, d)
		}
		s.District = k
		s.Tier = cell("tier")
		if s.Tier != "" {
			s.Tier = strings.ToLower(s.Tier)
			if _, ok := agents.ParseTier(s.Tier); !ok {
				return nil, bad("tier", "%q is not a tier: strong, average or weak (or leave it empty and give prior_achievement)", cell("tier"))
			}
		} else if cell("prior_achievement") == "" {
			return nil, bad("tier", "missing: give the school's tier or its prior_achievement")
		}

		// Numbers.
		var err error
		number := func(col string, bits int) *float64 {
			if err != nil || cell(col) == "" {
				return nil
			}
			var x float64
			x, err = rosterNumber(col, cell(col), bits)
			if err != nil {
				err = bad(col, "%v", err)
				return nil
			}
			return &x
		}
		integer := func(col string) (int, bool) {
			if err != nil || cell(col) == "" {
				return 0, false
			}
			var n int
			n, err = rosterInteger(col, cell(col))
			if err != nil {
				err = bad(col, "%v", err)
			}
			return n, err == nil
		}
		if _, ok := row.cells["lat"]; ok {
			lat, lon := number("lat", 64), number("lon", 64)
			if err == nil && (lat == nil || lon == nil) {
				return nil, bad(map[bool]string{true: "lat", false: "lon"}[lat == nil], "missing: every school needs its position")
			}
			if err == nil && *lat == 0 && *lon == 0 {
				return nil, bad("lat", "0, 0 is no school's place but what a failed geocoding gives: give its lat and lon")
			}
			if err == nil {
				s.Lat, s.Lon = lat, lon
				lats, lons = append(lats, *lat), append(lons, *lon)
			}
		} else {
			// Parsed as the float32 the model keeps, so that an exported
			// roster makes the same schools again.
			x, y := number("x_km", 32), number("y_km", 32)
			if err == nil && (x == nil || y == nil) {
				return nil, bad(map[bool]string{true: "x_km", false: "y_km"}[x == nil], "missing: every school needs its position")
			}
			if err == nil {
				s.X, s.Y = *x, *y
			}
		}
		if len(grades) > 0 {
			for _, g := range grades {
				col := fmt.Sprintf("enrolment_g%d", g)
				n, ok := integer(col)
				if err == nil && !ok {
					return nil, bad(col, "missing: give the students of every grade (0 for none)")
				}
				s.ByGrade = append(s.ByGrade, n)
				s.Enrolment += n
			}
			if err == nil && s.Enrolment == 0 {
				return nil, bad(fmt.Sprintf("enrolment_g%d", grades[0]), "the school has no students in any grade")
			}
		} else if n, ok := integer("enrolment"); ok {
			s.Enrolment = n
		} else if err == nil {
			return nil, bad("enrolment", "missing: give the school's number of students")
		}
		if n, ok := integer("teachers"); ok {
			s.Teachers = &n
		}
		for _, c := range agents.RosterColumns {
			if p := s.Number(c.Name); p != nil {
				*p = number(c.Name, 64)
			}
		}
		if err != nil {
			return nil, err
		}
		r.Schools = append(r.Schools, s)
	}
	if lats != nil {
		origin, x, y := agents.ProjectLatLon(lats, lons)
		r.Origin = &origin
		xcol, _ := agents.RosterColumnNamed("x_km")
		span := xcol.Range
		far := false
		for i := range r.Schools {
			r.Schools[i].X, r.Schools[i].Y = x[i], y[i]
			far = far || !span.Contains(x[i]) || !span.Contains(y[i])
		}
		if far {
			// One stray position moves the centre for all: name the school
			// farthest from the others' median position.
			mx, my := median(x), median(y)
			k, dk := 0, -1.0
			for i := range x {
				if d := fmath.Hypot(x[i]-mx, y[i]-my); d > dk {
					k, dk = i, d
				}
			}
			return nil, &Error{File: file, Line: r.Schools[k].Line, Key: "lat",
				Err: fmt.Errorf("school %s lies %.0f km from the schools' median position, and the roster spans more than the ±%g km it may: check its lat and lon", r.Schools[k].ID, dk, span.Max)}
		}
	}
	return r, nil
}

// checkRosterID checks a school's id: 1 to 64 letters, digits, '-', '_'
// and '.'.
func checkRosterID(id string) error {
	if id == "" {
		return errors.New("missing: every school needs an id")
	}
	if n := utf8.RuneCountInString(id); n > maxRosterID {
		return fmt.Errorf("at most %d characters, got %d", maxRosterID, n)
	}
	for _, c := range id {
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%q: an id has only letters, digits, '-', '_' and '.'", id)
		}
	}
	return nil
}

// rosterNumber parses a number cell and checks its range; bits 32 rounds
// it to the nearest float32.
func rosterNumber(col, cell string, bits int) (float64, error) {
	c, _ := agents.RosterColumnNamed(col)
	x, err := strconv.ParseFloat(cell, bits)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("must be a number, got %q", cell)
	}
	rg := c.Range
	rg.Key = col
	if !rg.Contains(x) {
		msg := (&ranges.Error{Key: col, Value: x, Range: rg}).Reason()
		if rg.Max == 1 && x > 1 && x <= 100 {
			msg += fmt.Sprintf(" (a share: write %s for %s%%)", ranges.Format(x/100), cell)
		}
		return 0, errors.New(msg)
	}
	return x, nil
}

// rosterInteger parses a whole-number cell and checks its range.
func rosterInteger(col, cell string) (int, error) {
	c, _ := agents.RosterColumnNamed(col)
	n, err := strconv.Atoi(cell)
	if err != nil || float64(n) < c.Range.Min {
		if c.Range.Min >= 1 {
			return 0, fmt.Errorf("must be a positive integer, got %q", cell)
		}
		return 0, fmt.Errorf("must be a whole number of at least %s, got %q", ranges.Format(c.Range.Min), cell)
	}
	if float64(n) > c.Range.Max {
		return 0, fmt.Errorf("must be in [%s,%s] (%s), got %d", ranges.Format(c.Range.Min), ranges.Format(c.Range.Max), c.Range.Unit, n)
	}
	return n, nil
}

// notWithRoster are the population keys a roster sets, which a scenario
// with a roster may not.
var notWithRoster = []string{"districts", "schools_per_district", "city_radius_km", "district_radius_km",
	"strong.share", "average.share", "weak.share",
	"strong.classes_per_grade", "average.classes_per_grade", "weak.classes_per_grade"}

// resolveRoster reads the roster a scenario file names in [population]
// (next to the file, or among the shipped rosters for a shipped
// scenario), and refuses the keys a roster sets. A scenario that came
// from outside (ParseUntrusted) never reads a roster.
func resolveRoster(s *Scenario, src source, md toml.MetaData) error {
	if md.IsDefined("population", "roster") {
		at := &Error{File: src.name, Line: locate(src.data, "population.roster"), Key: "population.roster"}
		r, err := openRoster(s.Population.RosterFile, src, at)
		if err != nil {
			return err
		}
		s.Population.Roster = r
		s.Population.Districts = len(r.Districts)
		// The largest district's schools: districts × schools_per_district
		// then bounds the roster's schools for whoever reads only those.
		per := make([]int, len(r.Districts))
		for _, sc := range r.Schools {
			per[sc.District]++
		}
		s.Population.SchoolsPerDistrict = slices.Max(per)
	}
	if s.Population.Roster == nil {
		return nil
	}
	for _, key := range notWithRoster {
		if md.IsDefined(append([]string{"population"}, strings.Split(key, ".")...)...) {
			return &Error{File: src.name, Line: locate(src.data, "population."+key), Key: "population." + key,
				Err: fmt.Errorf("set by the roster %s: leave it out (edit the roster to change the schools)", s.Population.Roster.File)}
		}
	}
	return nil
}

// openRoster reads the roster named in a scenario file: a shipped roster
// for a shipped scenario, else a file next to the scenario file.
func openRoster(name string, src source, at *Error) (*agents.Roster, error) {
	switch {
	case name == "":
		at.Err = errors.New("empty: name a roster file (.csv or .geojson)")
		return nil, at
	case src.embedded:
		data, err := shippedRosters.ReadFile(name)
		if err != nil || strings.ContainsAny(name, `/\`) {
			at.Err = fmt.Errorf("no shipped roster %q", name)
			return nil, at
		}
		return ReadRoster(name, data)
	case src.shippedOnly:
		at.Err = errors.New("a scenario from outside (uploaded to the teaching lab) cannot read a roster from disk")
		at.Hint = "run a roster on your own machine: schoolnet run or compare with the scenario file"
		return nil, at
	}
	data, err := readBeside(name, src, MaxRosterBytes, "a roster is a CSV or GeoJSON text file", "roster", at)
	if err != nil {
		return nil, err
	}
	return ReadRoster(name, data)
}

// readBeside reads a file a scenario file names (a roster, a design),
// relative to the scenario file, at most limit bytes; what says what the
// file must be and noun what it is, in errors, which at locates.
func readBeside(name string, src source, limit int64, what, noun string, at *Error) ([]byte, error) {
	p := name
	if !filepath.IsAbs(p) {
		dir := "."
		if src.path != "" {
			dir = filepath.Dir(src.path)
		}
		p = filepath.Join(dir, name)
	}
	data, err := readBounded(p, limit, what)
	if err != nil {
		var fe *fileError
		if errors.As(err, &fe) {
			return nil, &Error{File: name, Err: errors.New(fe.msg)}
		}
		at.Err = fmt.Errorf("cannot read %s %q: %w", noun, name, unwrapPath(err))
		at.Hint = "the path is relative to the scenario file"
		return nil, at
	}
	return data, nil
}

// checkRoster checks the roster against the resolved scenario's
// population (grades and class size make its classes), and records what
// the tier profiles fill in.
func checkRoster(s *Scenario) error {
	r := s.Population.Roster
	if r == nil {
		return nil
	}
	if err := r.Check(&s.Population); err != nil {
		var re *agents.RosterError
		if errors.As(err, &re) {
			return &Error{File: r.File, Line: re.Line, Key: re.Column, Err: errors.New(re.Err)}
		}
		return err
	}
	// A copy: the roster may be shared with the scenario this one extends.
	c := *r
	c.Filled = r.Fill(&s.Population)
	s.Population.Roster = &c
	return nil
}

// WithRoster returns the scenario as if a file extending it set
// [population] roster = path (relative to the working directory): the
// command line's --roster.
func WithRoster(s *Scenario, path string) (*Scenario, error) {
	var buf bytes.Buffer
	err := toml.NewEncoder(&buf).Encode(map[string]any{
		"extends": s.src.name, "name": s.Name,
		"population": map[string]any{"roster": path},
	})
	if err != nil {
		return nil, err
	}
	base := s.src
	r, err := parse(source{name: "--roster", data: buf.Bytes(), base: &base}, nil)
	var e *Error
	if errors.As(err, &e) && e.File == "--roster" && strings.Contains(e.Key, inheritedMark) {
		// A key of the scenario's own file that the roster's schools make
		// wrong (a school number the roster lacks): the file's line.
		key := strings.Replace(e.Key, inheritedMark, "", 1)
		e.File, e.Key, e.Line = s.src.name, key, locate(s.src.data, key)
		e.Hint = "with the schools of roster " + path
	}
	return r, err
}

// ExportRoster returns the school system of the scenario's first
// replication as a roster, every value filled in: run from it with one
// replication, it makes the same schools (see docs/DISTRICT.md).
func ExportRoster(s *Scenario) (*agents.Roster, error) {
	pop, err := s.FirstPopulation()
	if err != nil {
		return nil, err
	}
	return agents.RosterOf(pop, &s.Population), nil
}

// WriteRoster writes a roster as CSV with the columns of
// agents.RosterColumns (lat and lon if the roster has them, else x_km
// and y_km; enrolment in total), after comment lines saying where it came
// from. Numbers are written in the shortest form that reads back
// exactly.
func WriteRoster(w io.Writer, r *agents.Roster, comments []string) error {
	for _, c := range comments {
		// A spreadsheet splits a line at commas: keep comments to one cell.
		c = strings.NewReplacer(",", ";", "\"", "'", "\n", " ").Replace(c)
		if _, err := fmt.Fprintf(w, "# %s\n", c); err != nil {
			return err
		}
	}
	latlon := r.Origin != nil
	var cols []string
	for _, c := range agents.RosterColumns {
		switch c.Name {
		case "lat", "lon":
			if !latlon {
				continue
			}
		case "x_km", "y_km":
			if latlon {
				continue
			}
		case "enrolment_g<N>":
			continue
		}
		cols = append(cols, c.Name)
	}
	cw := csv.NewWriter(w)
	cw.Write(cols)
	f64 := func(x *float64) string {
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'g', -1, 64)
	}
	for _, s := range r.Schools {
		row := make([]string, 0, len(cols))
		for _, c := range cols {
			var v string
			switch c {
			case "id":
				v = s.ID
			case "name":
				v = s.Name
			case "district":
				v = r.Districts[s.District]
			case "lat":
				v = f64(s.Lat)
			case "lon":
				v = f64(s.Lon)
			case "x_km":
				v = strconv.FormatFloat(s.X, 'g', -1, 32)
			case "y_km":
				v = strconv.FormatFloat(s.Y, 'g', -1, 32)
			case "enrolment":
				v = strconv.Itoa(s.Enrolment)
			case "teachers":
				if s.Teachers != nil {
					v = strconv.Itoa(*s.Teachers)
				}
			case "tier":
				v = s.Tier
			default:
				if p := s.Number(c); p != nil {
					v = f64(*p)
				}
			}
			row = append(row, v)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// hasControl reports whether s holds a control character.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// median returns the median of xs (the mean of the middle two for an even
// count); xs is not changed.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
