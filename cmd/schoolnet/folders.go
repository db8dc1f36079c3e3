package main

import (
	"cmp"
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"schoolnet/results"
)

// interruptContext returns a context cancelled by Ctrl-C (SIGINT) or
// SIGTERM (kill, a cluster's time limit), so that a command stops its
// runs, keeps or discards what it has as it documents, and removes its
// temporary files. Call stop when done.
func interruptContext() (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// namedWrite is a result file and the function that writes it; a table
// has its schema (and its format: CSV unless set), which datapackage.json
// lists.
type namedWrite struct {
	name   string
	write  func(io.Writer) error
	schema *results.Schema
	format results.Format
}

// writeFiles writes files into f and then, unless m is nil, the
// datapackage.json of its tables, titled title, and f's manifest m
// listing them.
func writeFiles(f *results.Folder, files []namedWrite, m *results.Manifest, title string) error {
	for _, w := range files {
		var err error
		if w.schema != nil {
			err = f.WriteTable(w.name, w.schema, cmp.Or(w.format, results.CSV), w.write)
		} else {
			err = f.Write(w.name, w.write)
		}
		if err != nil {
			return err
		}
	}
	if m == nil {
		return nil
	}
	if err := f.WriteDataPackage(title, title, "Columns documented in docs/RESULTS.md; what made the files, in manifest.json."); err != nil {
		return err
	}
	return f.WriteManifest(m)
}
