package web

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"schoolnet/sim"
)

// protect calls f, returning a panic in it as a *sim.PanicError, so that
// a run that fails internally fails alone: the server goes on. Each of a
// run's goroutines calls it (a panic cannot be recovered from another
// goroutine); the engine itself already returns its panics so.
func protect(f func() error) (err error) {
	defer sim.Recover(&err)
	return f()
}

// panicOf returns the value and stack of the panic that err reports, if
// it reports one.
func panicOf(err error) (value any, stack []byte, ok bool) {
	var p *sim.PanicError
	if errors.As(err, &p) {
		return p.Value, p.Stack, true
	}
	return nil, nil, false
}

// recovered answers a request whose handler panicked with an internal
// error, and logs the stack: a bug in one request must not take the lab
// down (net/http would recover it too, but drop the connection without a
// word to the page).
func (s *Server) recovered(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log.Printf("web: panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
	writeError(w, http.StatusInternalServerError, "internal", fmt.Sprintf("internal error, please report it: %v", v))
}
