package results

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
)

// Type is a column's type, named as Frictionless Table Schema names it.
type Type string

// The column types. Booleans are written 0 and 1, so that Stata and R
// read them as numbers; an empty cell is a missing value.
const (
	Integer Type = "integer"
	Number  Type = "number"
	String  Type = "string"
	Boolean Type = "boolean"
)

// Field is one column of a result file: its name, type, unit ("" for
// none) and meaning. The fields of a file are the one source of its
// header, its datapackage.json schema and its table in docs/RESULTS.md.
type Field struct {
	Name        string
	Type        Type
	Unit        string
	Description string
}

// Schema describes one result file: its name without extension (the
// resource's name in datapackage.json), what one row is, and its columns.
type Schema struct {
	Name        string
	Description string
	Fields      []Field
}

// Names returns the column names, in order.
func (s *Schema) Names() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

// Markdown returns the schema's column table as docs/RESULTS.md shows it:
// one row per column with its type, unit and meaning.
func (s *Schema) Markdown() string {
	var b strings.Builder
	b.WriteString("| column | type | unit | meaning |\n| --- | --- | --- | --- |\n")
	for _, f := range s.Fields {
		unit := f.Unit
		if unit == "" {
			unit = "–"
		}
		typ := string(f.Type)
		if f.Type == Boolean {
			typ = "boolean (0/1)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Name, typ, unit, f.Description)
	}
	return b.String()
}

// RunID identifies the run whose rows a file holds: the last columns of
// every result file, so that the files of many runs stack into one
// table.
type RunID struct {
	// Scenario is the scenario's name, Hash the SHA-256 of the resolved
	// scenario (the manifest's scenario_hash), Seed the run seed.
	Scenario string
	Hash     string
	Seed     int64
}

// runFields are the columns that identify a run, at the end of every
// file.
var runFields = []Field{
	{"scenario", String, "", "the scenario's name, so that the files of several scenarios stack into one table"},
	{"scenario_hash", String, "", "SHA-256 of the resolved scenario (the manifest's `scenario_hash`): equal hashes, equal inputs"},
	{"seed", Integer, "", "the run seed (`run.seed`); replication r of any scenario with this seed shares its random streams"},
}

// RunFields returns the columns that identify a run: scenario,
// scenario_hash and seed.
func RunFields() []Field { return append([]Field(nil), runFields...) }

// RunColumns returns the columns that identify a run (scenario,
// scenario_hash, seed) of rows of type R, read through id: the last
// columns of every table.
func RunColumns[R any](id func(*R) *RunID) Columns[R] {
	return Columns[R]{
		{runFields[0], func(r *R) Cell { return Str(id(r).Scenario) }},
		{runFields[1], func(r *R) Cell { return Str(id(r).Hash) }},
		{runFields[2], func(r *R) Cell { return Int64(id(r).Seed) }},
	}
}

// Cell is one typed value of a row. A NaN or infinite number is missing:
// an empty CSV cell, a null in Parquet.
type Cell struct {
	kind Type
	i    int64
	f    float64
	s    string
}

// Int, Int64, Num, Str and Bool make cells.
func Int(i int) Cell     { return Cell{kind: Integer, i: int64(i)} }
func Int64(i int64) Cell { return Cell{kind: Integer, i: i} }
func Num(x float64) Cell { return Cell{kind: Number, f: x} }
func Str(s string) Cell  { return Cell{kind: String, s: s} }
func Bool(b bool) Cell {
	c := Cell{kind: Boolean}
	if b {
		c.i = 1
	}
	return c
}

// Missing reports whether the cell holds no value: a number that is NaN
// or infinite.
func (c Cell) Missing() bool {
	return c.kind == Number && (math.IsNaN(c.f) || math.IsInf(c.f, 0))
}

// Text returns the cell as CSV writes it: integers and booleans in
// decimal, numbers with six decimals, missing values empty.
func (c Cell) Text() string {
	switch {
	case c.Missing():
		return ""
	case c.kind == Number:
		return strconv.FormatFloat(c.f, 'f', 6, 64)
	case c.kind == String:
		return c.s
	}
	return strconv.FormatInt(c.i, 10)
}

// Column is a field and how to read its cell from a row of type R.
type Column[R any] struct {
	Field
	Get func(r *R) Cell
}

// Columns are the columns of a result file whose rows are of type R.
// Adding a column to a file is adding one entry (at the end, so that files
// of earlier versions and parallel changes line up).
type Columns[R any] []Column[R]

// Fields returns the columns' fields.
func (cs Columns[R]) Fields() []Field {
	out := make([]Field, len(cs))
	for i, c := range cs {
		out[i] = c.Field
	}
	return out
}

// Schema returns the schema of the file name whose rows are described.
func (cs Columns[R]) Schema(name, description string) Schema {
	return Schema{Name: name, Description: description, Fields: cs.Fields()}
}

// Names returns the column names.
func (cs Columns[R]) Names() []string {
	s := cs.Schema("", "")
	return s.Names()
}

// Write writes a header and the rows in format. It panics if a cell's
// kind is not its column's type (a programming error).
func (cs Columns[R]) Write(w io.Writer, format Format, rows iter.Seq[*R]) error {
	tw, err := newTableWriter(w, format, cs.Fields())
	if err != nil {
		return err
	}
	cells := make([]Cell, len(cs))
	for r := range rows {
		for i, c := range cs {
			cells[i] = c.Get(r)
			if cells[i].kind != c.Type {
				panic(fmt.Sprintf("results: column %s is %s, its cell %s", c.Name, c.Type, cells[i].kind))
			}
		}
		if err := tw.write(cells); err != nil {
			return err
		}
	}
	return tw.close()
}

// num formats x as a CSV number cell: six decimals, empty if missing.
func num(x float64) string { return Num(x).Text() }

// WithRunColumns returns a function that writes what write writes, a CSV
// table, with the run columns (scenario, scenario_hash, seed) of id
// appended to its header and to every row: for writers that do not know
// the run.
func WithRunColumns(id RunID, write func(io.Writer) error) func(io.Writer) error {
	return func(w io.Writer) error {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return err
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			return fmt.Errorf("results: %w", err)
		}
		cw := csv.NewWriter(w)
		for i, row := range rows {
			if i == 0 {
				row = append(row, "scenario", "scenario_hash", "seed")
			} else {
				row = append(row, id.Scenario, id.Hash, strconv.FormatInt(id.Seed, 10))
			}
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	}
}
