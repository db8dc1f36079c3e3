package main

import (
	"errors"
	"fmt"
	"io"

	"schoolnet/sim"
)

// runFailed reports an error that happened while running and returns the
// exit status: exitInternal for a recovered panic (a bug), exitFailure
// for anything else. hash is the SHA-256 of the scenario that ran, or "".
func runFailed(stderr io.Writer, cmd string, err error, hash string) int {
	var pe *sim.PanicError
	if errors.As(err, &pe) {
		return internalError(stderr, cmd, pe, hash)
	}
	fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
	return exitFailure
}

// internalError prints a recovered panic as an internal error, with what a
// bug report needs, and returns exitInternal.
func internalError(stderr io.Writer, cmd string, pe *sim.PanicError, hash string) int {
	fmt.Fprintf(stderr, "%s: internal error, please report it: %v\n", cmd, pe.Value)
	fmt.Fprintf(stderr, "Send this message, the scenario file and the command line to the schoolnet developers.\n")
	if hash != "" {
		fmt.Fprintf(stderr, "scenario hash: %s\n", hash)
	}
	fmt.Fprintf(stderr, "version: %s\n\n%s", version(), pe.Stack)
	return exitInternal
}
