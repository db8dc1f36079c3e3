package results

import (
	"encoding/csv"
	"fmt"
	"io"
)

// Format is the format of a result file's table: "csv" (the default) or
// "parquet" (columnar, typed and compressed: for the large panels).
type Format string

// The formats.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// Formats are the formats a table can be written in.
var Formats = []Format{CSV, Parquet}

// ParseFormat reads a --format flag's value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("results: unknown format %q; one of csv, parquet", s)
}

// File returns the file name of the table name in format f: "schools.csv".
func (f Format) File(name string) string { return name + "." + string(f) }

// tableWriter writes the rows of one table in one format.
type tableWriter interface {
	write(cells []Cell) error
	close() error
}

func newTableWriter(w io.Writer, format Format, fields []Field) (tableWriter, error) {
	switch format {
	case CSV, "":
		cw := &csvTable{w: csv.NewWriter(w)}
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Name
		}
		cw.w.Write(names)
		return cw, nil
	case Parquet:
		return newParquetTable(w, fields)
	}
	panic("results: unknown format " + string(format))
}

// csvTable writes rows as CSV: numbers with six decimals, booleans 0/1,
// missing values empty.
type csvTable struct {
	w   *csv.Writer
	row []string
}

func (t *csvTable) write(cells []Cell) error {
	t.row = t.row[:0]
	for _, c := range cells {
		t.row = append(t.row, c.Text())
	}
	return t.w.Write(t.row)
}

func (t *csvTable) close() error {
	t.w.Flush()
	return t.w.Error()
}
