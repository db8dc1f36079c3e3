package results

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// CSVTable is a CSV file's text as read by ReadCSVTable: its header, its
// rows (each as long as the header) and each row's line in the file.
type CSVTable struct {
	Header []string
	Rows   [][]string
	Lines  []int
}

// CSVError is a CSV text that cannot be read, at a line.
type CSVError struct {
	Line int
	Err  error
}

func (e *CSVError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *CSVError) Unwrap() error { return e.Err }

// ReadCSVTable reads a CSV text of at most maxRows rows after its header.
// Lines starting with comment are skipped (0: none) and leading spaces of
// a cell are trimmed with trim. A text without a header, with a row of
// another length than the header's, or with more rows, is a *CSVError.
func ReadCSVTable(data []byte, comment rune, trim bool, maxRows int) (*CSVTable, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment, r.TrimLeadingSpace = comment, trim
	t := &CSVTable{}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &CSVError{Line: pe.Line, Err: pe.Err}
			}
			return nil, &CSVError{Line: line, Err: err}
		}
		if t.Header == nil {
			t.Header = row
			continue
		}
		if len(t.Rows) >= maxRows {
			return nil, &CSVError{Line: line, Err: fmt.Errorf("more than %d rows", maxRows)}
		}
		t.Rows, t.Lines = append(t.Rows, row), append(t.Lines, line)
	}
	if t.Header == nil {
		return nil, &CSVError{Line: 1, Err: errors.New("empty: no header")}
	}
	return t, nil
}
