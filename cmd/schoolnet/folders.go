package main

import (
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

// namedWrite is a result file and the function that writes it.
type namedWrite struct {
	name  string
	write func(io.Writer) error
}

// writeFiles writes files into f and then, unless m is nil, f's manifest
// m listing them.
func writeFiles(f *results.Folder, files []namedWrite, m *results.Manifest) error {
	for _, w := range files {
		if err := f.Write(w.name, w.write); err != nil {
			return err
		}
	}
	if m == nil {
		return nil
	}
	return f.WriteManifest(m)
}
