package web

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"schoolnet/results"
	"schoolnet/sim"
)

// tinyScenario runs in a fraction of a second.
const tinyScenario = `name = "tiny"
[run]
seed = 7
years = 3
weeks_per_year = 8
spin_up_years = 1
replications = 3
[population]
districts = 2
schools_per_district = 6
class_size = 12
staff_history_years = 3
`

// bigScenario takes long enough (tens of seconds) to be caught running.
const bigScenario = `name = "big"
[run]
years = 20
replications = 2
`

type testLab struct {
	*Server
	ts *httptest.Server
}

func newLab(t *testing.T, opt Options) *testLab {
	t.Helper()
	s := New(opt)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return &testLab{s, ts}
}

// post sends a JSON body and decodes the answer into out (if not nil).
func (l *testLab) post(t *testing.T, path string, body any, out any) int {
	t.Helper()
	js, _ := json.Marshal(body)
	res, err := http.Post(l.ts.URL+path, "application/json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

func (l *testLab) get(t *testing.T, path string, out any) int {
	t.Helper()
	res, err := http.Get(l.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// start submits a run and returns its ID.
func (l *testLab) start(t *testing.T, req runRequest) string {
	t.Helper()
	var sub submitted
	if code := l.post(t, "/api/runs", req, &sub); code != http.StatusAccepted {
		t.Fatalf("POST /api/runs: status %d", code)
	}
	return sub.ID
}

// wait polls a run's status until cond holds.
func (l *testLab) wait(t *testing.T, id string, cond func(statusEvent) bool) statusEvent {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st statusEvent
		if code := l.get(t, "/api/runs/"+id, &st); code != http.StatusOK {
			t.Fatalf("status of %s: HTTP %d", id, code)
		}
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s: still %+v", id, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func state(s string) func(statusEvent) bool {
	return func(st statusEvent) bool { return st.State == s }
}

func upload(src string, st Settings) runRequest {
	return runRequest{File: "tiny.toml", TOML: src, Settings: st}
}

func TestLimitsRefuseWithMessages(t *testing.T) {
	lab := newLab(t, Options{MaxSchools: 50, MaxStudents: 5000, MaxReps: 4, MaxYears: 5, MaxUpload: 1 << 10})
	for _, tt := range []struct {
		name string
		req  runRequest
		code int
		want string
	}{
		{"replications", upload(tinyScenario, Settings{Replications: ptr(5)}), 400, "5 replications asked; this server runs at most 4 (schoolnet serve --max-reps)"},
		{"years", upload(tinyScenario, Settings{Years: ptr(6)}), 400, "6 years asked; this server simulates at most 5 (schoolnet serve --max-years)"},
		{"spin-up", upload(strings.Replace(tinyScenario, "spin_up_years = 1", "spin_up_years = 6", 1), Settings{}), 400, "run.spin_up_years is 6; this server simulates at most 5 spin-up years (schoolnet serve --max-years)"},
		{"schools", runRequest{Scenario: "baseline", Settings: Settings{Replications: ptr(1), Years: ptr(1)}}, 400, "this scenario has 100 schools; this server runs at most 50 (schoolnet serve --max-schools)"},
		{"students", upload(strings.Replace(tinyScenario, "class_size = 12", "class_size = 100", 1), Settings{}), 400, "this scenario plans 21600 students; this server runs at most 5000 (schoolnet serve --max-students)"},
		{"upload", upload(tinyScenario+"#"+strings.Repeat("x", 1<<10)+"\n", Settings{}), 413, "the scenario file is 1.2 KiB; this server accepts scenario files up to 1 KiB (schoolnet serve --max-upload)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			code := lab.post(t, "/api/runs", tt.req, &e)
			if code != tt.code || e.Error != tt.want {
				t.Errorf("got %d %q, want %d %q", code, e.Error, tt.code, tt.want)
			}
		})
	}
	// A request body far over the limit is cut off with the same advice.
	var e apiError
	big := upload(strings.Repeat("#", 20<<10), Settings{})
	if code := lab.post(t, "/api/runs", big, &e); code != http.StatusRequestEntityTooLarge || !strings.Contains(e.Error, "--max-upload") {
		t.Errorf("huge body: %d %q", code, e.Error)
	}
	// Every bound met, their product not: the student-weeks bound it (an
	// audit queued a five-minute run within every other limit).
	steps := newLab(t, Options{MaxSteps: 100_000})
	if code := steps.post(t, "/api/runs", upload(tinyScenario, Settings{}), &e); code != http.StatusBadRequest || !strings.Contains(e.Error, "student-weeks") || !strings.Contains(e.Error, "--max-steps") {
		t.Errorf("a run over the student-weeks: %d %q, want 400 naming --max-steps", code, e.Error)
	}
	// The shipped scenario is described with its limit, not refused.
	var info scenarioInfo
	lab.get(t, "/api/scenarios/baseline", &info)
	if !strings.Contains(info.Limit, "--max-schools") {
		t.Errorf("baseline's limit note = %q", info.Limit)
	}
}

func TestInvalidScenarioShowsValidatorMessage(t *testing.T) {
	lab := newLab(t, Options{})
	for _, tt := range []struct {
		name string
		req  runRequest
		path string
		want string
	}{
		{"unknown key", runRequest{File: "mine.toml", TOML: "[run]\nyaers = 3\n"}, "/api/inspect", "mine.toml:2: run.yaers: unknown key (did you mean run.years?)"},
		{"out of range", runRequest{File: "mine.toml", TOML: "[run]\nyears = 0\n"}, "/api/runs", "mine.toml:2: run.years: must be in [1,100] (years), got 0"},
		{"syntax", runRequest{File: "mine.toml", TOML: "[run\n"}, "/api/runs", "mine.toml:2: expected"},
		{"extends a file on disk", runRequest{File: "mine.toml", TOML: "extends = \"/etc/passwd\"\n"}, "/api/runs", `mine.toml:1: extends: cannot find "/etc/passwd" among the shipped scenarios`},
		{"unknown shipped name", runRequest{Scenario: "../../etc/passwd"}, "/api/runs", "../../etc/passwd: not a shipped scenario"},
		{"settings conflict", runRequest{Scenario: "shanghai-ssp", Settings: Settings{Alliance: ptr("review")}}, "/api/runs", `policy "lab-alliance" (curriculum-alliance): conflicts with policy "ssp-pairs"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			code := lab.post(t, tt.path, tt.req, &e)
			if code != http.StatusBadRequest || e.Kind != "scenario" || !strings.HasPrefix(e.Error, tt.want) {
				t.Errorf("got %d %s %q, want 400 scenario %q", code, e.Kind, e.Error, tt.want)
			}
		})
	}
	var e apiError
	if code := lab.post(t, "/api/runs", upload(tinyScenario, Settings{PairingShare: ptr(2.0)}), &e); code != 400 || e.Kind != "settings" {
		t.Errorf("pairing share 2: %d %+v", code, e)
	}
	res, err := http.Post(lab.ts.URL+"/api/runs", "application/json", strings.NewReader("{not json"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed JSON: %d, want 400", res.StatusCode)
	}
}

func TestQueueAndMaxRunning(t *testing.T) {
	lab := newLab(t, Options{MaxRunning: 1, MaxQueued: 2, Grace: time.Minute})
	lab.gate = make(chan struct{})
	ids := make([]string, 3)
	for k := range ids {
		ids[k] = lab.start(t, upload(tinyScenario, Settings{}))
	}
	lab.wait(t, ids[0], state(stateRunning))
	for k, want := range []int{1, 2} {
		st := lab.wait(t, ids[k+1], state(stateQueued))
		if st.Position != want || st.Queued != 2 {
			t.Errorf("run %d: place %d of %d, want %d of 2", k+1, st.Position, st.Queued, want)
		}
	}
	var q queueStatus
	lab.get(t, "/api/queue", &q)
	if q != (queueStatus{Running: 1, Queued: 2, MaxRunning: 1, MaxQueued: 2, ServerID: lab.id}) {
		t.Errorf("queue = %+v", q)
	}
	var e apiError
	if code := lab.post(t, "/api/runs", upload(tinyScenario, Settings{}), &e); code != http.StatusServiceUnavailable || !strings.Contains(e.Error, "--max-queued") {
		t.Errorf("fourth run: %d %q, want 503 naming --max-queued", code, e.Error)
	}
	// Leaving the queue moves the next run up.
	if code := lab.post(t, "/api/runs/"+ids[1]+"/cancel", nil, nil); code != http.StatusNoContent {
		t.Errorf("cancel: %d", code)
	}
	lab.wait(t, ids[1], state(stateCancelled))
	lab.wait(t, ids[2], func(st statusEvent) bool { return st.Position == 1 && st.Queued == 1 })
	close(lab.gate)
	lab.wait(t, ids[0], state(stateDone))
	lab.wait(t, ids[2], state(stateDone))
	lab.get(t, "/api/queue", &q)
	if q.Running != 0 || q.Queued != 0 {
		t.Errorf("queue after = %+v", q)
	}
}

// TestOnlyItsOwnResults checks that runs are reachable only by their
// unguessable IDs.
func TestOnlyItsOwnResults(t *testing.T) {
	lab := newLab(t, Options{Grace: time.Minute})
	a := lab.start(t, upload(tinyScenario, Settings{}))
	b := lab.start(t, upload(tinyScenario, Settings{}))
	hex := regexp.MustCompile(`^[0-9a-f]{32}$`)
	if !hex.MatchString(a) || !hex.MatchString(b) || a == b {
		t.Fatalf("IDs %q and %q: want distinct 128-bit hex", a, b)
	}
	lab.wait(t, a, state(stateDone))
	other := strings.Repeat("0", 32)
	for _, path := range []string{
		"/api/runs/" + other, "/api/runs/" + other + "/events", "/api/runs/" + other + "/network",
		"/api/runs/" + other + "/files/yearly.csv", "/api/runs/" + other + "/results.zip",
		"/api/runs/" + a[:31] + "/files/yearly.csv", "/api/compare?a=" + a + "&b=" + other, "/api/runs",
	} {
		res, err := http.Get(lab.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: %d, want 404 (or 405 for the collection)", path, res.StatusCode)
		}
	}
	if code := lab.post(t, "/api/runs/"+other+"/cancel", nil, nil); code != http.StatusNotFound {
		t.Errorf("cancel of an unknown run: %d", code)
	}
	if code := lab.get(t, "/api/runs/"+a+"/files/../../go.mod", nil); code != http.StatusNotFound {
		t.Errorf("a file outside the result set: %d", code)
	}
}

// readCSV returns the rows of a downloaded CSV file.
func readCSV(t *testing.T, r io.Reader) [][]string {
	t.Helper()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDownloadsHaveDocumentedColumns(t *testing.T) {
	lab := newLab(t, Options{Grace: time.Minute})
	id := lab.start(t, upload(tinyScenario, Settings{}))
	if code := lab.get(t, "/api/runs/"+id+"/files/yearly.csv", nil); code != http.StatusConflict && code != http.StatusOK {
		t.Errorf("yearly.csv before the end: %d, want 409", code)
	}
	lab.wait(t, id, state(stateDone))
	get := func(path string) []byte {
		res, err := http.Get(lab.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		b, _ := io.ReadAll(res.Body)
		return b
	}
	files := map[string][]byte{}
	for f, cols := range map[string][]string{
		"yearly.csv": results.YearlyColumns, "schools.csv": results.SchoolColumns, "summary.csv": results.SummaryColumns,
	} {
		files[f] = get("/api/runs/" + id + "/files/" + f)
		rows := readCSV(t, bytes.NewReader(files[f]))
		if !slices.Equal(rows[0], cols) {
			t.Errorf("%s columns %v, want %v", f, rows[0], cols)
		}
	}
	// 3 replications × years 0..3 × 7 groups; × 12 schools.
	if n := len(readCSV(t, bytes.NewReader(files["yearly.csv"]))) - 1; n != 3*4*len(sim.Groups) {
		t.Errorf("yearly.csv has %d rows, want %d", n, 3*4*len(sim.Groups))
	}
	if n := len(readCSV(t, bytes.NewReader(files["schools.csv"]))) - 1; n != 3*4*12 {
		t.Errorf("schools.csv has %d rows, want %d", n, 3*4*12)
	}
	var m results.Manifest
	if err := json.Unmarshal(get("/api/runs/"+id+"/files/manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Seed != 7 || m.Replications != 3 || m.Command != "serve" || !slices.Equal(m.Files, resultFiles) || m.ScenarioHash == "" {
		t.Errorf("manifest = %+v", m)
	}

	// The same numbers as `schoolnet run`: replications run by sim.Replicate.
	if want := replicated(t, Settings{}, m.RunID("tiny"))["yearly.csv"]; !bytes.Equal(files["yearly.csv"], want) {
		t.Error("yearly.csv differs from what sim.Replicate gives for the same scenario and seed")
	}

	zipped := get("/api/runs/" + id + "/results.zip")
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if want := []string{"tiny/yearly.csv", "tiny/schools.csv", "tiny/treatments.csv", "tiny/summary.csv", "tiny/datapackage.json", "tiny/manifest.json"}; !slices.Equal(names, want) {
		t.Errorf("zip holds %v, want %v", names, want)
	}
	yearly, _ := fs.ReadFile(zr, "tiny/yearly.csv")
	if !bytes.Equal(yearly, files["yearly.csv"]) {
		t.Error("the zip's yearly.csv differs from the download")
	}

	var net network
	lab.get(t, "/api/runs/"+id+"/network", &net)
	if len(net.Schools) != 12 || len(net.Years) != 4 || len(net.Years[3].Composite) != 12 {
		t.Errorf("network: %d schools, %d years", len(net.Schools), len(net.Years))
	}
}

// sseEvent is one parsed server-sent event.
type sseEvent struct {
	id, name, data string
}

// readEvents reads events from an event stream until it ends or stop
// says so.
func readEvents(t testing.TB, body io.Reader, stop func(sseEvent) bool) []sseEvent {
	t.Helper()
	var out []sseEvent
	var ev sseEvent
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.name != "" {
				out = append(out, ev)
				if stop != nil && stop(ev) {
					return out
				}
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			ev.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			ev.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[6:]
		}
	}
	return out
}

func TestEventStream(t *testing.T) {
	lab := newLab(t, Options{Grace: time.Minute})
	id := lab.start(t, upload(tinyScenario, Settings{}))
	res, err := http.Get(lab.ts.URL + "/api/runs/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	evs := readEvents(t, res.Body, nil)
	res.Body.Close()
	var years []int
	var last statusEvent
	for _, ev := range evs {
		switch ev.name {
		case "year":
			var pt yearPoint
			if err := json.Unmarshal([]byte(ev.data), &pt); err != nil {
				t.Fatal(err)
			}
			years = append(years, pt.Year)
			if len(pt.Values) != len(ChartSeries) {
				t.Errorf("year %d: %d values, want %d", pt.Year, len(pt.Values), len(ChartSeries))
			}
			for k, v := range pt.Values {
				if v.Mean == nil || v.Lo == nil || v.Hi == nil || *v.Lo > *v.Mean || *v.Hi < *v.Mean {
					t.Errorf("year %d %s: %+v is not an interval around the mean", pt.Year, ChartSeries[k].Key, v)
				}
			}
		case "status":
			json.Unmarshal([]byte(ev.data), &last)
		}
	}
	if !slices.Equal(years, []int{0, 1, 2, 3}) {
		t.Errorf("years streamed %v, want 0..3 in order", years)
	}
	if last.State != stateDone || len(last.Summary) != len(results.Headlines) {
		t.Errorf("last status %+v, want done with every headline", last)
	}
	// A page that reconnects after the last event is told to stop (204);
	// one that missed events gets the rest.
	req, _ := http.NewRequest("GET", lab.ts.URL+"/api/runs/"+id+"/events", nil)
	req.Header.Set("Last-Event-ID", evs[len(evs)-1].id)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("reconnect after the end: %d, want 204", res.StatusCode)
	}
	req.Header.Set("Last-Event-ID", evs[len(evs)-3].id)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rest := readEvents(t, res.Body, nil)
	res.Body.Close()
	if len(rest) != 2 || rest[1].id != evs[len(evs)-1].id {
		t.Errorf("resumed stream: %d events, want the last 2", len(rest))
	}
	// Ids no page sends, such as one whose successor would wrap round
	// (an audit froze the lab with it: a panic under the run's lock), end
	// the stream or replay it, and leave the lab answering.
	for _, id := range []string{"9223372036854775807", "9223372036854775808", "-5", "1e3", "999999"} {
		req.Header.Set("Last-Event-ID", id)
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("Last-Event-ID %s: %v", id, err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent && res.StatusCode != http.StatusOK {
			t.Errorf("Last-Event-ID %s: %d, want 204 or a replay", id, res.StatusCode)
		}
	}
	res, err = http.Get(lab.ts.URL + "/api/runs/" + id)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the run after odd Last-Event-IDs: %v %v", res, err)
	}
	res.Body.Close()
}

// TestCancelWhenPageCloses checks that a run stops when its page goes
// away and does not come back within the grace period, and goes on when
// the page reconnects in time.
func TestCancelWhenPageCloses(t *testing.T) {
	lab := newLab(t, Options{Grace: 300 * time.Millisecond, Heartbeat: 50 * time.Millisecond})
	open := func(id string) (context.CancelFunc, *http.Response) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", lab.ts.URL+"/api/runs/"+id+"/events", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readEvents(t, res.Body, func(ev sseEvent) bool { return strings.Contains(ev.data, `"running"`) })
		return cancel, res
	}

	// Closed for good: cancelled.
	id := lab.start(t, upload(bigScenario, Settings{}))
	closePage, res := open(id)
	lab.wait(t, id, state(stateRunning))
	closePage()
	res.Body.Close()
	start := time.Now()
	st := lab.wait(t, id, state(stateCancelled))
	if st.Reason != "its page was closed" {
		t.Errorf("reason %q", st.Reason)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled %s after the page closed, want about the grace period", d)
	}

	// Reconnected within the grace period: still running.
	id = lab.start(t, upload(bigScenario, Settings{}))
	closePage, res = open(id)
	closePage()
	res.Body.Close()
	closePage, res = open(id)
	time.Sleep(3 * lab.opt.Grace)
	if st := lab.wait(t, id, func(statusEvent) bool { return true }); st.State != stateRunning {
		t.Errorf("reconnected page: run is %s (%s), want running", st.State, st.Reason)
	}
	closePage()
	res.Body.Close()
	lab.wait(t, id, state(stateCancelled))

	// Never watched at all (held before it simulates): cancelled too.
	lab.gate = make(chan struct{})
	id = lab.start(t, upload(bigScenario, Settings{}))
	if st := lab.wait(t, id, state(stateCancelled)); st.Reason != "its page was closed" {
		t.Errorf("unwatched run: reason %q", st.Reason)
	}
}

func TestCompareRuns(t *testing.T) {
	lab := newLab(t, Options{Grace: time.Minute})
	a := lab.start(t, upload(tinyScenario, Settings{}))
	b := lab.start(t, upload(tinyScenario, Settings{FundingPerSchool: ptr(1e6)}))
	c := lab.start(t, upload(tinyScenario, Settings{Seed: ptr(int64(8))}))
	for _, id := range []string{a, b, c} {
		lab.wait(t, id, state(stateDone))
	}
	var cmp comparison
	if code := lab.get(t, fmt.Sprintf("/api/compare?a=%s&b=%s", a, b), &cmp); code != http.StatusOK {
		t.Fatalf("compare: %d", code)
	}
	// 12 outcomes (8 headline ones, 4 SES quartiles) and the effect per million RMB.
	if cmp.Replications != 3 || cmp.Year != 3 || cmp.Seed != 7 || len(cmp.Rows) != 13 {
		t.Errorf("comparison: %d replications, year %d, seed %d, %d rows", cmp.Replications, cmp.Year, cmp.Seed, len(cmp.Rows))
	}
	for _, r := range cmp.Rows {
		if r.Outcome == "cost_money" && (*r.A != 0 || *r.B <= 0 || *r.Diff != *r.B) {
			t.Errorf("cost_money: pinned %v, this run %v, difference %v", *r.A, *r.B, *r.Diff)
		}
	}
	if cmp.Sides["b"].Settings.FundingPerSchool == nil || *cmp.Sides["b"].Settings.FundingPerSchool != 1e6 {
		t.Errorf("settings of b: %+v", cmp.Sides["b"].Settings)
	}
	// A run against itself differs by exactly zero.
	lab.get(t, fmt.Sprintf("/api/compare?a=%s&b=%s", a, a), &cmp)
	for _, r := range cmp.Rows {
		if r.Diff != nil && *r.Diff != 0 {
			t.Errorf("%s: a run differs from itself by %g", r.Outcome, *r.Diff)
		}
	}
	var e apiError
	if code := lab.get(t, fmt.Sprintf("/api/compare?a=%s&b=%s", a, c), &e); code != http.StatusBadRequest || !strings.Contains(e.Error, "different seeds (7 and 8)") {
		t.Errorf("different seeds: %d %q", code, e.Error)
	}
}

// TestPageIsSelfContained checks that the page and its assets come from
// the binary and name no other origin.
func TestPageIsSelfContained(t *testing.T) {
	lab := newLab(t, Options{})
	res, err := http.Get(lab.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(body, []byte(`src="app.js"`)) {
		t.Fatalf("GET /: %d", res.StatusCode)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	url := regexp.MustCompile(`(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	fs.WalkDir(assets, "assets", func(path string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		b, _ := assets.ReadFile(path)
		for _, m := range url.FindAll(b, -1) {
			if string(m) != "http://www.w3.org" { // the SVG namespace, not a request
				t.Errorf("%s names another origin: %s", path, m)
			}
		}
		if code := lab.get(t, strings.TrimPrefix(path, "assets"), nil); code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
		}
		return nil
	})
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"tiny": "tiny", "shanghai-ssp": "shanghai-ssp", "../../etc": "etc", "a/b c": "a-b-c", "": "run", "...": "run", "北京": "run",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoopbackHosts(t *testing.T) {
	checkHosts(t, LoopbackHosts(New(Options{})), map[string]int{
		"127.0.0.1:8080": 200, "localhost:8080": 200, "[::1]:8080": 200, "localhost": 200,
		"evil.example:8080": http.StatusMisdirectedRequest, "192.168.1.5:8080": http.StatusMisdirectedRequest,
	})
}

// checkHosts sends h a request for each Host and checks the status.
func checkHosts(t *testing.T, h http.Handler, want map[string]int) {
	t.Helper()
	for host, want := range want {
		req := httptest.NewRequest("GET", "/api/config", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, want)
		}
	}
}

// TestMeanCIUndefined: a value undefined in every replication (the mean
// of a group the system lacks) is sent as null, not 0; replications in
// which it is undefined are left out of the mean.
func TestMeanCIUndefined(t *testing.T) {
	nan := math.NaN()
	data, err := json.Marshal(meanCI([]float64{nan, nan}))
	if err != nil || string(data) != `{"mean":null,"lo":null,"hi":null}` {
		t.Errorf("all undefined: %s, %v", data, err)
	}
	if iv := meanCI([]float64{1, nan, 3}); iv.Mean == nil || *iv.Mean != 2 || iv.Lo == nil {
		t.Errorf("one undefined of three: %+v, want the mean of the other two", iv)
	}
}
