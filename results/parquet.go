package results

import (
	"fmt"
	"io"
	"reflect"

	"github.com/parquet-go/parquet-go"
)

// parquetTable writes rows as a Parquet file: integers as INT64, numbers
// as DOUBLE, strings as UTF-8 byte arrays, booleans as BOOLEAN, each column
// optional (a missing number is a null), Zstandard-compressed, in one
// row group per 64k rows. The file is the same bytes on every machine and
// for every build: its created_by says "schoolnet", not the build, and
// its codec is Zstandard because the Snappy encoder parquet-go uses
// (klauspost/compress) runs assembly on amd64 that compresses to other
// bytes than its Go code on arm64 (.ci/arm64-check found it), while its
// Zstandard encoder gives the same bytes on both.
type parquetTable struct {
	w    *parquet.Writer
	row  parquet.Row
	rows []parquet.Row
}

// parquetRowsPerGroup is how many rows go into one row group.
const parquetRowsPerGroup = 1 << 16

func newParquetTable(w io.Writer, fields []Field) (*parquetTable, error) {
	g := orderedGroup{names: make([]string, len(fields)), nodes: make([]parquet.Node, len(fields))}
	for i, f := range fields {
		var leaf parquet.Node
		switch f.Type {
		case Integer:
			leaf = parquet.Int(64)
		case Number:
			leaf = parquet.Leaf(parquet.DoubleType)
		case String:
			leaf = parquet.String()
		case Boolean:
			leaf = parquet.Leaf(parquet.BooleanType)
		default:
			panic("results: unknown column type " + string(f.Type))
		}
		g.names[i], g.nodes[i] = f.Name, parquet.Optional(leaf)
	}
	schema := parquet.NewSchema("schoolnet", g)
	pw := parquet.NewWriter(w, schema,
		parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("schoolnet", "", ""),
		parquet.MaxRowsPerRowGroup(parquetRowsPerGroup))
	return &parquetTable{w: pw}, nil
}

func (t *parquetTable) write(cells []Cell) error {
	row := make(parquet.Row, len(cells))
	for i, c := range cells {
		var v parquet.Value
		switch {
		case c.Missing():
			row[i] = parquet.NullValue().Level(0, 0, i)
			continue
		case c.kind == Integer:
			v = parquet.Int64Value(c.i)
		case c.kind == Number:
			v = parquet.DoubleValue(c.f)
		case c.kind == String:
			v = parquet.ByteArrayValue([]byte(c.s))
		case c.kind == Boolean:
			v = parquet.BooleanValue(c.i == 1)
		}
		row[i] = v.Level(0, 1, i)
	}
	t.rows = append(t.rows, row)
	if len(t.rows) >= 1024 {
		return t.flush()
	}
	return nil
}

func (t *parquetTable) flush() error {
	if _, err := t.w.WriteRows(t.rows); err != nil {
		return fmt.Errorf("results: parquet: %w", err)
	}
	t.rows = t.rows[:0]
	return nil
}

func (t *parquetTable) close() error {
	if err := t.flush(); err != nil {
		return err
	}
	if err := t.w.Close(); err != nil {
		return fmt.Errorf("results: parquet: %w", err)
	}
	return nil
}

// orderedGroup is a Parquet group whose fields keep the order given
// (parquet.Group, a map, sorts them by name): the columns of a Parquet
// file are in the order of its CSV twin.
type orderedGroup struct {
	parquet.Group
	names []string
	nodes []parquet.Node
}

func (g orderedGroup) Fields() []parquet.Field {
	out := make([]parquet.Field, len(g.names))
	for i := range g.names {
		out[i] = orderedField{Node: g.nodes[i], name: g.names[i]}
	}
	return out
}

func (g orderedGroup) String() string { return fmt.Sprint(g.names) }

// GoType is never used: rows are written as parquet.Row values.
func (g orderedGroup) GoType() reflect.Type { return reflect.TypeFor[map[string]any]() }

type orderedField struct {
	parquet.Node
	name string
}

func (f orderedField) Name() string { return f.name }

func (f orderedField) Value(base reflect.Value) reflect.Value {
	if base.Kind() == reflect.Map {
		return base.MapIndex(reflect.ValueOf(f.name))
	}
	return reflect.Value{}
}
