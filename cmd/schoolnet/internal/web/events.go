package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// watchIdle arms the idle timer: if no event stream is open grace from
// now, and the run has not ended, onIdle is called. Opening a stream
// disarms it.
func (r *run) watchIdle(grace time.Duration, onIdle func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armIdle(grace, onIdle)
}

// armIdle is watchIdle with r.mu held.
func (r *run) armIdle(grace time.Duration, onIdle func()) {
	r.idleGen++
	gen := r.idleGen
	time.AfterFunc(grace, func() {
		r.mu.Lock()
		idle := gen == r.idleGen && r.subs == 0 && !r.final()
		r.mu.Unlock()
		if idle {
			onIdle()
		}
	})
}

// subscribe counts an open stream and disarms the idle timer.
func (r *run) subscribe() {
	r.mu.Lock()
	r.subs++
	r.idleGen++
	r.mu.Unlock()
}

// unsubscribe counts a closed stream; the last one to close arms the idle
// timer.
func (r *run) unsubscribe(grace time.Duration, onIdle func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs--
	if r.subs == 0 && !r.final() {
		r.armIdle(grace, onIdle)
	}
}

// events returns the run's events from the from-th on (none if from is
// past the log's end), the channel closed at the next change, and whether
// the run has ended. It holds the run's lock only while it reads, and
// lets it go however it returns.
func (r *run) events(from int) (evs []event, changed <-chan struct{}, final bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log[min(max(from, 0), len(r.log)):], r.changed, r.final()
}

// handleEvents streams the run's events (server-sent events): the whole
// log so far, or from after the Last-Event-ID a reconnecting page sends,
// then each new event as it comes, with a "ping" event every Heartbeat
// (the page reports a lost connection when they stop).
// Event names are "status" (state and queue place; done carries the
// summary), "progress" and "year" (a chart point per series). Once the
// run has ended and the page has every event, the stream answers 204, so
// that the browser stops reconnecting.
func (s *Server) handleEvents(w http.ResponseWriter, req *http.Request) {
	rn := s.lookup(w, req)
	if rn == nil {
		return
	}
	from := 0
	// An id is an index into the log: one past its end (or beyond any
	// log, up to 2^63 − 1, whose successor would wrap round) means "every
	// event seen", and a reply from the log's end. Anything else that is
	// not a whole number ≥ 0 is ignored.
	if last, err := strconv.Atoi(req.Header.Get("Last-Event-ID")); err == nil && last >= 0 && last < math.MaxInt {
		from = last + 1
	}
	if evs, _, final := rn.events(from); final && len(evs) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rn.subscribe()
	defer rn.unsubscribe(s.opt.Grace, func() { s.cancel(rn, "its page was closed") })
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return
	}
	beat := time.NewTicker(s.opt.Heartbeat)
	defer beat.Stop()
	for {
		evs, changed, final := rn.events(from)
		for _, ev := range evs {
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.id, ev.name, ev.data); err != nil {
				return
			}
			from = ev.id + 1
		}
		if err := rc.Flush(); err != nil {
			return
		}
		if final { // the log does not grow after the final status
			return
		}
		select {
		case <-changed:
		case <-req.Context().Done():
			return
		case <-s.base.Done():
			return
		case <-beat.C:
			// A named event, so that the page sees it and knows the
			// connection is alive; without an id, it leaves the
			// stream's place alone.
			if _, err := fmt.Fprint(w, "event: ping\ndata: {}\n\n"); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}
