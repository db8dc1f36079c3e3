package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// call sends a request with a class token (none if empty) and decodes
// the answer into out (if not nil).
func (l *testLab) call(t *testing.T, method, path, token string, body, out any) (int, http.Header) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, l.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set(classTokenHeader, token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode, res.Header
}

// classLab starts a lab in class mode and a session on the tiny scenario
// with two replications; it returns the session.
func classLab(t *testing.T, opt Options) (*testLab, sessionInfo) {
	t.Helper()
	opt.Class = true
	if opt.Grace == 0 {
		opt.Grace = time.Minute
	}
	lab := newLab(t, opt)
	var inf sessionInfo
	req := upload(tinyScenario, Settings{Replications: ptr(2)})
	if code, _ := lab.call(t, "POST", "/api/class", lab.TeacherToken(), req, &inf); code != http.StatusCreated {
		t.Fatalf("start a session: %d", code)
	}
	return lab, inf
}

// join adds a student and returns their session info, with the token.
func (l *testLab) join(t *testing.T, code, name string) sessionInfo {
	t.Helper()
	var inf sessionInfo
	if c, _ := l.call(t, "POST", "/api/class/join", "", joinRequest{code, name}, &inf); c != http.StatusCreated {
		t.Fatalf("join as %q: %d", name, c)
	}
	return inf
}

func TestClassOnlyTheTeacherStarts(t *testing.T) {
	lab, inf := classLab(t, Options{})
	if len(inf.Code) != codeLength || strings.Trim(inf.Code, codeAlphabet) != "" {
		t.Errorf("join code %q: want %d characters of %s", inf.Code, codeLength, codeAlphabet)
	}
	if inf.Replications != 2 || inf.Seed != 7 || inf.Years != 3 || inf.Reference == "" {
		t.Errorf("session %+v: want the tiny scenario's years and seed, 2 replications, a reference run", inf)
	}
	req := upload(tinyScenario, Settings{})
	var e apiError
	for _, tt := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", http.StatusForbidden},
		{"a made-up token", newID(), http.StatusForbidden},
		{"the teacher, again", lab.TeacherToken(), http.StatusConflict},
	} {
		if code, _ := lab.call(t, "POST", "/api/class", tt.token, req, &e); code != tt.want {
			t.Errorf("%s: start a session: %d %q, want %d", tt.name, code, e.Error, tt.want)
		}
	}
	st := lab.join(t, inf.Code, "Mei")
	if code, _ := lab.call(t, "POST", "/api/class", st.Token, req, &e); code != http.StatusForbidden {
		t.Errorf("a student starts a session: %d", code)
	}
	for _, path := range []string{"/api/class/board"} {
		if code, _ := lab.call(t, "GET", path, st.Token, nil, &e); code != http.StatusForbidden {
			t.Errorf("a student GET %s: %d, want 403", path, code)
		}
	}
	if code, _ := lab.call(t, "POST", "/api/class/end", st.Token, struct{}{}, &e); code != http.StatusForbidden {
		t.Errorf("a student ends the session: %d", code)
	}
	// The reference run is the class's: a student holding its ID cannot
	// stop it; the teacher can.
	if code, _ := lab.call(t, "POST", "/api/runs/"+inf.Reference+"/cancel", st.Token, struct{}{}, &e); code != http.StatusForbidden {
		t.Errorf("a student cancels the starting point: %d", code)
	}
	if code, _ := lab.call(t, "POST", "/api/runs/"+inf.Reference+"/cancel", "", struct{}{}, &e); code != http.StatusForbidden {
		t.Errorf("a page without a token cancels the starting point: %d", code)
	}

	// Class mode off: the class endpoints are not there.
	off := newLab(t, Options{})
	if code, _ := off.call(t, "POST", "/api/class", off.TeacherToken(), req, &e); code != http.StatusNotFound {
		t.Errorf("class mode off, start: %d, want 404", code)
	}
	if code, _ := off.call(t, "POST", "/api/class/join", "", joinRequest{"ABCDEF", ""}, &e); code != http.StatusNotFound {
		t.Errorf("class mode off, join: %d, want 404", code)
	}
}

func TestClassJoin(t *testing.T) {
	lab, inf := classLab(t, Options{ClassSize: 3})
	var e apiError
	if code, _ := lab.call(t, "POST", "/api/class/join", "", joinRequest{"ZZZZZZ", "Mei"}, &e); code != http.StatusForbidden || !strings.Contains(e.Error, "no class has that code") {
		t.Errorf("wrong code: %d %q", code, e.Error)
	}
	typed := strings.ToLower(inf.Code[:3]) + " - " + inf.Code[3:]
	a := lab.join(t, typed, "  Mei  ")
	if a.Name != "Mei" || a.Token == "" || a.Token == lab.TeacherToken() || a.Code != inf.Code {
		t.Errorf("joined as %+v", a)
	}
	for _, tt := range []struct{ name, want string }{
		{"<script>", "letters, digits"},
		{strings.Repeat("x", 25), "at most 24 characters"},
	} {
		if code, _ := lab.call(t, "POST", "/api/class/join", "", joinRequest{inf.Code, tt.name}, &e); code != http.StatusBadRequest || !strings.Contains(e.Error, tt.want) {
			t.Errorf("name %q: %d %q", tt.name, code, e.Error)
		}
	}
	if b := lab.join(t, inf.Code, "mei"); b.Name == "mei" || !strings.HasPrefix(b.Name, "mei ") {
		t.Errorf("a second Mei is named %q, want another name", b.Name)
	}
	if c := lab.join(t, inf.Code, ""); !strings.HasPrefix(c.Name, "Student ") {
		t.Errorf("no name gives %q", c.Name)
	}
	if code, _ := lab.call(t, "POST", "/api/class/join", "", joinRequest{inf.Code, "Tao"}, &e); code != http.StatusForbidden || !strings.Contains(e.Error, "--class-size") {
		t.Errorf("a fourth student in a class of 3: %d %q", code, e.Error)
	}
	// Guessing codes from one device on the network is slowed down; the
	// lab's own machine is not.
	try := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/class/join", strings.NewReader(`{"code": "ZZZZZZ"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		lab.ServeHTTP(rec, req)
		return rec
	}
	var last *httptest.ResponseRecorder
	for range joinBurst + 1 {
		last = try("192.168.1.7:40000")
	}
	if last.Code != http.StatusTooManyRequests || last.Header().Get("Retry-After") == "" || !strings.Contains(last.Body.String(), "too many tries") {
		t.Errorf("after %d tries from one device: %d %s, want 429", joinBurst+1, last.Code, last.Body)
	}
	if rec := try("192.168.1.8:40000"); rec.Code != http.StatusForbidden {
		t.Errorf("another device: %d, want 403 (a wrong code, not slowed)", rec.Code)
	}
	for range joinBurst + 1 {
		last = try("127.0.0.1:40000")
	}
	if last.Code != http.StatusForbidden {
		t.Errorf("this machine after %d tries: %d, want 403 (not slowed)", joinBurst+1, last.Code)
	}
	var me sessionInfo
	if code, _ := lab.call(t, "GET", "/api/class", a.Token, nil, &me); code != http.StatusOK || me.Name != "Mei" || me.Token != "" {
		t.Errorf("GET /api/class as Mei: %d %+v (the token is given once, on joining)", code, me)
	}
}

// TestClassMemberRuns checks a member's runs: the session's scenario,
// years, replications and seed; one at a time; a budget of runs; the
// board; removal and the session's end.
func TestClassMemberRuns(t *testing.T) {
	lab, inf := classLab(t, Options{Workers: 2})
	mei := lab.join(t, inf.Code, "Mei")
	var e apiError
	for _, tt := range []struct {
		name string
		req  runRequest
		want string
	}{
		{"another seed", runRequest{Settings: Settings{Seed: ptr(int64(8))}}, "seed 7"},
		{"more years", runRequest{Settings: Settings{Years: ptr(5)}}, "3 years"},
		{"another scenario", runRequest{Scenario: "baseline"}, "every run starts from tiny"},
		{"a file", upload(tinyScenario, Settings{}), "every run starts from tiny"},
	} {
		if code, _ := lab.call(t, "POST", "/api/runs", mei.Token, tt.req, &e); code != http.StatusBadRequest || !strings.Contains(e.Error, tt.want) {
			t.Errorf("%s: %d %q, want 400 with %q", tt.name, code, e.Error, tt.want)
		}
	}
	var sub submitted
	if code, _ := lab.call(t, "POST", "/api/runs", mei.Token, runRequest{Settings: Settings{FundingPerSchool: ptr(1e6)}}, &sub); code != http.StatusAccepted {
		t.Fatalf("Mei's run: %d", code)
	}
	if s := sub.Settings; *s.Replications != 2 || *s.Seed != 7 || *s.Years != 3 || *s.FundingPerSchool != 1e6 {
		t.Errorf("Mei's run settings %+v", s)
	}
	if sub.Label != "tiny + funding 1,000,000 RMB per school" {
		t.Errorf("Mei's run is named %q", sub.Label)
	}
	lab.wait(t, sub.ID, state(stateDone))
	lab.wait(t, inf.Reference, state(stateDone))
	if st := lab.worlds.stats(); st.Misses != 2 {
		t.Errorf("cache after the class's first two runs: %+v; want the starting point's 2 worlds spun up once, and shared", st)
	}
	var b board
	if code, _ := lab.call(t, "GET", "/api/class/board", lab.TeacherToken(), nil, &b); code != http.StatusOK {
		t.Fatalf("board: %d", code)
	}
	if len(b.Rows) != 1 || b.ReferenceState != stateDone {
		t.Fatalf("board %+v", b)
	}
	r := b.Rows[0]
	if r.Name != "Mei" || r.Tried != "funding 1,000,000 RMB per school" || r.Effect == nil || r.Effect.Outcome != "weak_composite" ||
		r.Gap == nil || r.Money == nil || *r.Money.Diff <= 0 || r.Money.Verdict != verdictWorse {
		t.Errorf("Mei's board row %+v", r)
	}

	// One run at a time: a new run replaces the one still going.
	lab.gate = make(chan struct{})
	var first, second submitted
	lab.call(t, "POST", "/api/runs", mei.Token, runRequest{Settings: Settings{RotationShare: ptr(0.1)}}, &first)
	lab.call(t, "POST", "/api/runs", mei.Token, runRequest{Settings: Settings{RotationShare: ptr(0.2)}}, &second)
	if st := lab.wait(t, first.ID, state(stateCancelled)); st.Reason != "replaced by your next run" {
		t.Errorf("the replaced run: %q", st.Reason)
	}
	// The budget: three runs at once (one spent above), then one per
	// classEvery.
	code, h := lab.call(t, "POST", "/api/runs", mei.Token, runRequest{}, &e)
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(e.Error, "seconds") {
		t.Errorf("a fourth run at once: %d %q", code, e.Error)
	}
	close(lab.gate)
	lab.wait(t, second.ID, state(stateDone))

	// Removed: the token stops working and the row goes.
	tao := lab.join(t, inf.Code, "Tao")
	if code, _ := lab.call(t, "POST", "/api/class/remove", lab.TeacherToken(), removeRequest{tao.No}, nil); code != http.StatusNoContent {
		t.Errorf("remove Tao: %d", code)
	}
	if code, _ := lab.call(t, "GET", "/api/class", tao.Token, nil, &e); code != http.StatusForbidden {
		t.Errorf("Tao after removal: %d", code)
	}
	lab.call(t, "GET", "/api/class/board", lab.TeacherToken(), nil, &b)
	if len(b.Rows) != 1 {
		t.Errorf("board after removing Tao: %d rows", len(b.Rows))
	}
	// Ended: every member's token stops working.
	if code, _ := lab.call(t, "POST", "/api/class/end", lab.TeacherToken(), struct{}{}, nil); code != http.StatusNoContent {
		t.Errorf("end: %d", code)
	}
	if code, _ := lab.call(t, "POST", "/api/runs", mei.Token, runRequest{}, &e); code != http.StatusForbidden {
		t.Errorf("Mei runs after the end: %d", code)
	}
}

// TestClassBoundsTheServer checks what keeps a class within one laptop:
// other machines cannot run outside the class while it is on, member runs
// wait in the queue without filling it for others, the teacher's runs go
// first, and the runs the board needs are not dropped.
func TestClassBoundsTheServer(t *testing.T) {
	lab, inf := classLab(t, Options{MaxRunning: 1, MaxQueued: 1, Keep: 1})
	lab.wait(t, inf.Reference, state(stateDone))
	// A page on another machine, not in the class.
	body := `{"scenario": "baseline"}`
	req := httptest.NewRequest("POST", "/api/runs", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "192.168.1.7:51234"
	rec := httptest.NewRecorder()
	lab.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "join it with the code") {
		t.Errorf("a run from another machine outside the class: %d %s", rec.Code, rec.Body)
	}

	lab.gate = make(chan struct{})
	var ids []string
	for k := range 3 {
		st := lab.join(t, inf.Code, fmt.Sprint("S", k))
		var sub submitted
		if code, _ := lab.call(t, "POST", "/api/runs", st.Token, runRequest{Settings: Settings{FundingPerSchool: ptr(float64(k+1) * 1e5)}}, &sub); code != http.StatusAccepted {
			t.Fatalf("member %d's run: %d, want it queued beyond --max-queued", k, code)
		}
		ids = append(ids, sub.ID)
	}
	var sub submitted
	if code, _ := lab.call(t, "POST", "/api/runs", lab.TeacherToken(), upload(tinyScenario, Settings{}), &sub); code != http.StatusAccepted {
		t.Fatalf("the teacher's run: %d", code)
	}
	if st := lab.wait(t, sub.ID, state(stateQueued)); st.Position != 1 {
		t.Errorf("the teacher's run waits at place %d, want 1", st.Position)
	}
	close(lab.gate)
	for _, id := range append(ids, sub.ID) {
		lab.wait(t, id, state(stateDone))
	}
	// Keep is 1, but the starting point and each member's latest run stay.
	for _, id := range append(ids, inf.Reference) {
		if code := lab.get(t, "/api/runs/"+id, nil); code != http.StatusOK {
			t.Errorf("run %s, which the board needs, was dropped: %d", id, code)
		}
	}
}

func TestAllowHosts(t *testing.T) {
	checkHosts(t, AllowHosts(New(Options{}), false, []string{"192.168.1.20", "lab.local"}), map[string]int{
		"192.168.1.20:8080": 200, "lab.local:8080": 200, "LAB.local": 200,
		"localhost:8080": http.StatusMisdirectedRequest, "127.0.0.1:8080": http.StatusMisdirectedRequest,
		"attacker.example:8080": http.StatusMisdirectedRequest, "192.168.1.21:8080": http.StatusMisdirectedRequest,
	})
}

func TestChangesInWords(t *testing.T) {
	base := ReadSettings(shipped(t, "baseline"))
	for _, tt := range []struct {
		st   Settings
		want string
	}{
		{Settings{}, "baseline (as written)"},
		{base, "baseline (as written)"},
		{Settings{FundingPerSchool: ptr(1e6)}.over(base), "baseline + funding 1,000,000 RMB per school"},
		{Settings{RotationShare: ptr(0.1), PairingShare: ptr(0.5), Alliance: ptr("review")}.over(base), "baseline + rotation 10%, pairing 50% of weak schools, a curriculum alliance with review"},
		{Settings{SelectionRule: ptr("lottery"), Seed: ptr(int64(5)), Replications: ptr(8)}.over(base), "baseline + schools chosen by lottery, 8 repeats, seed 5"},
	} {
		if got := runLabel("baseline", base, tt.st); got != tt.want {
			t.Errorf("runLabel = %q, want %q", got, tt.want)
		}
	}
}

// TestHostileClassRequests sends class requests from other pages and
// malformed ones: each is refused, as the run requests are.
func TestHostileClassRequests(t *testing.T) {
	lab, inf := classLab(t, Options{})
	join := `{"code": "` + inf.Code + `", "name": "Mei"}`
	for _, tt := range []hostile{
		{"cross-origin join", "POST", "/api/class/join", hdr("Origin", "http://evil.example"), join, 403, "origin", "refused: this request was made by a page of http://evil.example"},
		{"cross-site join from a form", "POST", "/api/class/join", hdr("Sec-Fetch-Site", "cross-site", "Content-Type", "application/x-www-form-urlencoded"), "code=X", 403, "origin", "Sec-Fetch-Site: cross-site"},
		{"join as text/plain", "POST", "/api/class/join", hdr("Content-Type", "text/plain"), join, 415, "upload", "send the request body as JSON"},
		{"join with another field", "POST", "/api/class/join", nil, `{"code": "X", "teacher": true}`, 400, "class", `unknown field "teacher"`},
		{"join with a huge name", "POST", "/api/class/join", nil, `{"code": "` + inf.Code + `", "name": "` + strings.Repeat("x", 8<<10) + `"}`, 400, "class", "too large"},
		{"cross-origin preflight for the board", "OPTIONS", "/api/class/board", hdr("Origin", "http://evil.example", "Access-Control-Request-Headers", "x-class-token"), "", 403, "origin", "http://evil.example"},
		{"end without the token", "POST", "/api/class/end", nil, `{}`, 403, "class", "only the teacher's page"},
		{"the board without the token", "GET", "/api/class/board", nil, "", 403, "class", "only the teacher's page"},
		{"a made-up token", "GET", "/api/class", hdr(classTokenHeader, strings.Repeat("a", 32)), "", 403, "class", "you are not in a class session here"},
	} {
		tt.check(t, lab)
	}
	var b board
	lab.call(t, "GET", "/api/class/board", lab.TeacherToken(), nil, &b)
	if len(b.Rows) != 0 {
		t.Errorf("%d students joined through hostile requests", len(b.Rows))
	}
}

// TestClassBoardWithoutStudents: a board with no student yet (or after
// the last is removed) sends rows as an empty list, which the page's
// script filters, not null (an audit saw the page break on it).
func TestClassBoardWithoutStudents(t *testing.T) {
	lab, _ := classLab(t, Options{})
	var raw map[string]json.RawMessage
	if code, _ := lab.call(t, "GET", "/api/class/board", lab.TeacherToken(), nil, &raw); code != http.StatusOK {
		t.Fatalf("board: %d", code)
	}
	if got := string(raw["rows"]); got != "[]" {
		t.Errorf("rows of a class without students: %s, want []", got)
	}
}

// TestClassBoardAfterStartingPointCancelled: when the teacher stops the
// starting point's run, the board says so and what to do, instead of
// waiting for it for ever (an audit read the code so).
func TestClassBoardAfterStartingPointCancelled(t *testing.T) {
	lab, inf := classLab(t, Options{Workers: 2})
	if code, _ := lab.call(t, "POST", "/api/runs/"+inf.Reference+"/cancel", lab.TeacherToken(), struct{}{}, nil); code != http.StatusNoContent {
		t.Fatalf("the teacher stops the starting point: %d", code)
	}
	lab.wait(t, inf.Reference, state(stateCancelled))
	mei := lab.join(t, inf.Code, "Mei")
	var sub submitted
	if code, _ := lab.call(t, "POST", "/api/runs", mei.Token, runRequest{Settings: Settings{FundingPerSchool: ptr(1e6)}}, &sub); code != http.StatusAccepted {
		t.Fatalf("Mei's run: %d", code)
	}
	lab.wait(t, sub.ID, state(stateDone))
	var b board
	if code, _ := lab.call(t, "GET", "/api/class/board", lab.TeacherToken(), nil, &b); code != http.StatusOK || len(b.Rows) != 1 {
		t.Fatalf("board: %d %+v", code, b)
	}
	if w := b.Rows[0].Waiting; !strings.Contains(w, "cancelled") || !strings.Contains(w, "start a new one") {
		t.Errorf("Mei's row waits %q; want it to say the starting point was cancelled and what to do", w)
	}
}
