package web

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"schoolnet/results"
	"schoolnet/scenarios"
)

// TestRunPanicFailsAlone makes runs panic, in a replication's goroutine
// and in the run's own, and checks that each fails with "internal error,
// please report it", the panic's value and the scenario's hash, on its
// status and its event stream (which the page shows); that the stack is
// logged; and that the server goes on serving and running.
func TestRunPanicFailsAlone(t *testing.T) {
	var logged bytes.Buffer
	lab := newLab(t, Options{Grace: time.Minute, ErrorLog: log.New(&logged, "", 0)})
	lab.crash = func(scn *scenarios.Scenario, rep, year int) {
		switch {
		case scn.Run.Seed == 13 && rep == 1 && year == 2:
			panic("index out of range [7] with length 4")
		case scn.Run.Seed == 14 && rep == -1:
			panic(errors.New("a bug before simulating"))
		}
	}
	for _, tt := range []struct {
		seed  int64
		value string
		where string // a function on the logged stack
	}{
		{13, "index out of range [7] with length 4", "web.(*run).simulate"},
		{14, "a bug before simulating", "web.(*Server).execute"},
	} {
		t.Run(fmt.Sprint(tt.seed), func(t *testing.T) {
			id := lab.start(t, upload(tinyScenario, Settings{Seed: ptr(tt.seed)}))
			st := lab.wait(t, id, func(st statusEvent) bool { return st.State != stateQueued && st.State != stateRunning })
			lab.mu.Lock()
			scn := lab.runs[id].scn
			lab.mu.Unlock()
			m, err := results.NewManifest(scn, scn.Run.Seed, scn.Run.Replications)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("internal error, please report it: %s (scenario hash %s)", tt.value, m.ScenarioHash[:12])
			if st.State != stateFailed || st.Reason != want {
				t.Fatalf("run is %s: %q, want failed: %q", st.State, st.Reason, want)
			}
			res, err := http.Get(lab.ts.URL + "/api/runs/" + id + "/events")
			if err != nil {
				t.Fatal(err)
			}
			evs := readEvents(t, res.Body, nil)
			res.Body.Close()
			if last := evs[len(evs)-1]; last.name != "status" || !strings.Contains(last.data, `"reason":"`+want+`"`) {
				t.Errorf("last event %s %s, want the failed status with %q", last.name, last.data, want)
			}
			if log := logged.String(); !strings.Contains(log, "web: run "+id+": "+want) || !strings.Contains(log, tt.where) {
				t.Errorf("the log does not hold the message and a stack through %s:\n%s", tt.where, log)
			}
		})
	}
	// The server goes on: a good run finishes, and nothing is left running.
	id := lab.start(t, upload(tinyScenario, Settings{}))
	lab.wait(t, id, state(stateDone))
	var q queueStatus
	lab.get(t, "/api/queue", &q)
	if q.Running != 0 || q.Queued != 0 {
		t.Errorf("queue = %+v, want empty", q)
	}
}

// TestHandlerPanicAnswers checks that a request whose handler panics gets
// an internal error, not a dropped connection, and that the server goes
// on.
func TestHandlerPanicAnswers(t *testing.T) {
	var logged bytes.Buffer
	lab := newLab(t, Options{ErrorLog: log.New(&logged, "", 0)})
	lab.mux.HandleFunc("GET /api/bug", func(http.ResponseWriter, *http.Request) { panic("a handler bug") })
	var e apiError
	if code := lab.get(t, "/api/bug", &e); code != http.StatusInternalServerError || e.Kind != "internal" || e.Error != "internal error, please report it: a handler bug" {
		t.Errorf("got %d %+v", code, e)
	}
	if !strings.Contains(logged.String(), "web: panic serving GET /api/bug: a handler bug") {
		t.Errorf("log: %s", logged.String())
	}
	if code := lab.get(t, "/api/config", nil); code != http.StatusOK {
		t.Errorf("GET /api/config after the panic: %d", code)
	}
}
