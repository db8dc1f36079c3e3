package sim

import (
	"fmt"
	"runtime/debug"
)

// PanicError is a panic inside the engine or a policy, recovered and
// returned as an error so that the run that hit it fails alone: the
// command line reports it as an internal error, and the teaching lab's
// server stays up. It is always a bug: no input that passes validation
// should cause one.
type PanicError struct {
	// Value is what was passed to panic; Stack the goroutine's stack where
	// it happened.
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("sim: internal error: %v", e.Value) }

// recovered turns a recovered panic value into a *PanicError, keeping the
// stack of the first recovery when a worker's panic is passed on.
func recovered(p any) *PanicError {
	if pe, ok := p.(*PanicError); ok {
		return pe
	}
	return &PanicError{Value: p, Stack: debug.Stack()}
}

// Recover, deferred with a pointer to a function's error, sets the error to
// a *PanicError when the function panics.
func Recover(err *error) {
	if p := recover(); p != nil {
		*err = recovered(p)
	}
}
