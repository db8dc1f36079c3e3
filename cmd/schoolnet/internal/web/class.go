package web

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"schoolnet/scenarios"
)

// Class mode: a teacher starts a session on the lab's own computer,
// students join it from theirs with a short code, each tries reforms of
// the session's school system, and the teacher's board shows everyone's
// latest result side by side (effect against cost).
//
// Who is who: the teacher holds the teacher token (128 random bits, made
// when the server starts and printed on its console, never served), a
// student the student token the server gave it on joining (128 random
// bits). Each request sends its token in the X-Class-Token header, which
// a page of another origin cannot send without a CORS preflight that
// this server never grants. Join codes are short, since they are read
// off the projector, so joining is rate limited per address.
//
// Bounds, so that a class of 40 fits a 2-core laptop: every member run
// has the session's years, replications and seed (the teacher's choice,
// within the server's limits), so all of them fork the same spun-up
// worlds; a member has at most one run waiting or running (a new one
// replaces it) and starts at most classBurst runs at once, then one every
// classEvery; at most Options.ClassSize members.

// classTokenHeader carries a teacher or student token.
const classTokenHeader = "X-Class-Token"

// Join and run budgets.
const (
	classBurst    = 3                // runs a member may start at once
	classEvery    = 15 * time.Second // then one per this
	joinBurst     = 10               // join attempts an address may make at once
	joinEvery     = 6 * time.Second  // then one per this
	maxJoinTrack  = 4096             // addresses whose attempts are counted
	maxMemberName = 24               // characters
)

// codeAlphabet has no letters or digits that read alike (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// codeLength is the join code's length: 31^6, about 887 million codes,
// against joinBurst guesses at once and one per joinEvery per address.
const codeLength = 6

// classroom is the server's class mode: the teacher token, the session
// (nil when none) and the join attempts by address.
type classroom struct {
	s       *Server
	teacher string

	mu      sync.Mutex
	session *session
	joins   map[string]*bucket
}

// session is one class: its code, the starting point every member's run
// starts from (a request: a shipped scenario or a file, with the
// teacher's settings) and its reference run, and the members.
type session struct {
	code      string
	started   time.Time
	source    runRequest // scenario or file, with the starting settings
	base      Settings   // the starting point's settings, all set
	scenario  string
	reference *run
	members   map[string]*member // by token
	order     []*member
	next      int
}

// member is a student in a session.
type member struct {
	token  string
	no     int
	name   string
	joined time.Time
	budget bucket
	active *run // waiting or running
	latest *run // the latest that finished well
	runs   int
}

// bucket is a token bucket: n tokens, refilled one per every, up to max.
type bucket struct {
	n     float64
	at    time.Time
	max   float64
	every time.Duration
}

func newBucket(max int, every time.Duration, now time.Time) bucket {
	return bucket{n: float64(max), at: now, max: float64(max), every: every}
}

// take takes a token, or returns how long until one is free.
func (b *bucket) take(now time.Time) (wait time.Duration, ok bool) {
	b.n = min(b.max, b.n+float64(now.Sub(b.at))/float64(b.every))
	b.at = now
	if b.n >= 1 {
		b.n--
		return 0, true
	}
	return time.Duration((1 - b.n) * float64(b.every)), false
}

func newClassroom(s *Server) *classroom {
	return &classroom{s: s, teacher: newID(), joins: map[string]*bucket{}}
}

// TeacherToken is the token that makes a page the teacher's: the serve
// command prints it, in the teacher's link, on the server's console.
func (s *Server) TeacherToken() string { return s.class.teacher }

// who is the caller of a request: the teacher, a member, or neither.
type who struct {
	teacher bool
	student *member
}

// caller reads the request's class token. A token that is neither the
// teacher's nor a member's of the present session is refused (403), so
// that a page whose session ended learns it.
func (s *Server) caller(w http.ResponseWriter, r *http.Request) (who, bool) {
	tok := r.Header.Get(classTokenHeader)
	if tok == "" {
		return who{}, true
	}
	c := s.class
	if !s.opt.Class {
		writeError(w, http.StatusNotFound, "class", "class mode is off on this server: start it with schoolnet serve --addr (beyond this machine) or --class")
		return who{}, false
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(c.teacher)) == 1 {
		return who{teacher: true}, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != nil {
		if m := c.session.members[tok]; m != nil {
			return who{student: m}, true
		}
	}
	writeError(w, http.StatusForbidden, "class", "you are not in a class session here: it has ended, the server restarted, or your teacher removed you; join again with the code on the board")
	return who{}, false
}

// teacherOnly reports whether the request carries the teacher token;
// otherwise it has answered 403, saying that only the teacher's page
// can do what it asked ("can end the class session").
func (s *Server) teacherOnly(w http.ResponseWriter, r *http.Request, what string) bool {
	who, ok := s.caller(w, r)
	if ok && !who.teacher {
		writeError(w, http.StatusForbidden, "class", "only the teacher's page "+what)
	}
	return ok && who.teacher
}

// anonymousAllowed refuses a run from another machine that is not a
// member's while a session runs: the class's budget is the whole server's.
func (s *Server) anonymousAllowed(r *http.Request, w who) error {
	if !s.opt.Class || w.teacher || w.student != nil || loopback(r) {
		return nil
	}
	s.class.mu.Lock()
	defer s.class.mu.Unlock()
	if s.class.session == nil {
		return nil
	}
	return &apiErr{http.StatusForbidden, "class", "a class is using this lab: join it with the code your teacher shows (the Class button), and your runs will count on the class board"}
}

// loopback reports whether the request comes from this machine.
func loopback(r *http.Request) bool {
	ip := net.ParseIP(remoteHost(r))
	return ip != nil && ip.IsLoopback()
}

// remoteHost is the address the request comes from, without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return host
}

// newCode returns a join code.
func newCode() string {
	b := make([]byte, codeLength)
	for i := range b {
		b[i] = codeAlphabet[randIndex(len(codeAlphabet))]
	}
	return string(b)
}

// randIndex returns a uniform random index below n from crypto/rand.
func randIndex(n int) int {
	var b [1]byte
	limit := 256 - 256%n
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("web: no random source: " + err.Error())
		}
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// normalCode reads a code as a student types it: any case, with spaces
// or dashes.
func normalCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// memberName checks a name a student gives: up to maxMemberName letters,
// digits, spaces and - . ' (it is shown on the projector); empty gives
// "Student N".
func memberName(name string, no int) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return fmt.Sprintf("Student %d", no), nil
	}
	if n := len([]rune(name)); n > maxMemberName {
		return "", fmt.Errorf("a name has at most %d characters, got %d", maxMemberName, n)
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-' || r == '.' || r == '\'') {
			return "", fmt.Errorf("a name has letters, digits, spaces, '-', '.' and ' only; %q is not allowed", r)
		}
	}
	return name, nil
}

// sessionInfo is what a member's page (and the teacher's) needs: the
// code, the starting point and its reference run.
type sessionInfo struct {
	Code         string   `json:"code"`
	Scenario     string   `json:"scenario"`
	Settings     Settings `json:"settings"`
	Years        int      `json:"years"`
	Replications int      `json:"replications"`
	Seed         int64    `json:"seed"`
	Reference    string   `json:"reference"`
	Spans        []span   `json:"policy_years"`
	JoinURLs     []string `json:"join_urls"`
	Members      int      `json:"members"`
	MaxMembers   int      `json:"max_members"`
	// Name and No are the member's own, on a member's page.
	Name string `json:"name,omitempty"`
	No   int    `json:"no,omitempty"`
	// Token is the member's token, given once, on joining.
	Token string `json:"token,omitempty"`
}

// info describes the session; c.mu must be held.
func (c *classroom) info(m *member) sessionInfo {
	se := c.session
	b := se.base
	inf := sessionInfo{Code: se.code, Scenario: se.scenario, Settings: b, Years: *b.Years, Replications: *b.Replications, Seed: *b.Seed,
		Reference: se.reference.id, Spans: spans(se.reference.scn), JoinURLs: c.s.opt.JoinURLs, Members: len(se.order), MaxMembers: c.s.opt.ClassSize}
	if m != nil {
		inf.Name, inf.No = m.name, m.no
	}
	return inf
}

// handleClassStart starts a session (the teacher only): the request is a
// run request whose scenario and settings are the starting point; its run
// is the reference every member's run is compared with.
func (s *Server) handleClassStart(w http.ResponseWriter, r *http.Request) {
	if !s.teacherOnly(w, r, "can start a class session (the link the server printed when it started)") {
		return
	}
	req, scn, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	notes, err := req.Settings.Apply(scn)
	if err == nil {
		err = s.opt.checkLimits(scn)
	}
	if err != nil {
		writeAPIError(w, err)
		return
	}
	c := s.class
	c.mu.Lock()
	if c.session != nil {
		c.mu.Unlock()
		writeError(w, http.StatusConflict, "class", "a class session is running already: end it first")
		return
	}
	ref := newRun(s.base, scn, ReadSettings(scn), notes)
	ref.crash, ref.worlds, ref.keep, ref.reference = s.crash, s.worlds, true, true
	ref.label = scn.Name + " (the class's starting point)"
	src := *req
	src.Settings = ref.settings
	se := &session{code: newCode(), started: time.Now(), source: src, base: ref.settings, scenario: scn.Name,
		reference: ref, members: map[string]*member{}}
	c.session = se
	inf := c.info(nil)
	c.mu.Unlock()
	if err := s.submit(ref, true); err != nil {
		c.mu.Lock()
		c.session = nil
		c.mu.Unlock()
		writeAPIError(w, err)
		return
	}
	// The starting point's run is the class's, not a page's: it is not
	// cancelled when the teacher's page closes.
	ref.subscribe()
	writeJSON(w, http.StatusCreated, inf)
}

// handleClassEnd ends the session (the teacher only): every member run
// still going is cancelled and the members' tokens stop working.
func (s *Server) handleClassEnd(w http.ResponseWriter, r *http.Request) {
	if !s.teacherOnly(w, r, "can end the class session") {
		return
	}
	c := s.class
	c.mu.Lock()
	se := c.session
	c.session = nil
	// The members' runs, read under the lock that finished and submit
	// write them under.
	var active, free []*run
	if se != nil {
		free = append(free, se.reference)
		for _, m := range se.order {
			active = append(active, m.active)
			free = append(free, m.latest, m.active)
		}
	}
	c.mu.Unlock()
	if se == nil {
		writeError(w, http.StatusNotFound, "class", "no class session is running")
		return
	}
	for _, rn := range active {
		if rn != nil {
			s.cancel(rn, "the class session ended")
		}
	}
	s.release(se, free)
	w.WriteHeader(http.StatusNoContent)
}

// release lets the server drop a session's runs (free) again.
func (s *Server) release(se *session, free []*run) {
	for _, rn := range free {
		if rn != nil {
			rn.mu.Lock()
			rn.keep = false
			rn.mu.Unlock()
		}
	}
	se.reference.unsubscribe(s.opt.Grace, func() { s.cancel(se.reference, "the class session ended") })
	s.mu.Lock()
	s.drop()
	s.mu.Unlock()
}

// joinRequest is the body of POST /api/class/join.
type joinRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// handleClassJoin adds a member to the session whose code the request
// gives, and answers the session with the member's token. Attempts are
// rate limited per address, and the class has at most ClassSize members.
func (s *Server) handleClassJoin(w http.ResponseWriter, r *http.Request) {
	if !s.opt.Class {
		writeError(w, http.StatusNotFound, "class", "class mode is off on this server")
		return
	}
	c := s.class
	host := remoteHost(r)
	now := time.Now()
	// Guesses are slowed per address; the lab's own machine (the
	// teacher's, trying the class in several tabs) is not.
	wait, ok := time.Duration(0), true
	if !loopback(r) {
		c.mu.Lock()
		b := c.joins[host]
		if b == nil {
			if len(c.joins) >= maxJoinTrack {
				clear(c.joins) // forget old addresses rather than grow
			}
			nb := newBucket(joinBurst, joinEvery, now)
			b = &nb
			c.joins[host] = b
		}
		wait, ok = b.take(now)
		c.mu.Unlock()
	}
	if !ok {
		writeAPIError(w, &apiErr{http.StatusTooManyRequests, "class", fmt.Sprintf("too many tries to join from this device; wait %d seconds and check the code on the board", int(wait.Seconds())+1)})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	var req joinRequest
	if err := decodeStrict(r.Body, &req, "the request", []string{"code", "name"}); err != nil {
		writeError(w, http.StatusBadRequest, "class", err.Error())
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	se := c.session
	if se == nil || subtle.ConstantTimeCompare([]byte(normalCode(req.Code)), []byte(se.code)) != 1 {
		writeError(w, http.StatusForbidden, "class", "no class has that code: check it on the board (letters and digits, like K7P3QX)")
		return
	}
	if len(se.order) >= s.opt.ClassSize {
		writeError(w, http.StatusForbidden, "class", fmt.Sprintf("the class is full: %d students (schoolnet serve --class-size)", s.opt.ClassSize))
		return
	}
	se.next++
	name, err := memberName(req.Name, se.next)
	if err != nil {
		se.next--
		writeError(w, http.StatusBadRequest, "class", err.Error())
		return
	}
	for taken := true; taken; {
		taken = slices.ContainsFunc(se.order, func(o *member) bool { return strings.EqualFold(o.name, name) })
		if taken {
			name = fmt.Sprintf("%s %d", name, se.next)
		}
	}
	m := &member{token: newID(), no: se.next, name: name, joined: now, budget: newBucket(classBurst, classEvery, now)}
	se.members[m.token] = m
	se.order = append(se.order, m)
	inf := c.info(m)
	inf.Token = m.token
	writeJSON(w, http.StatusCreated, inf)
}

// handleClassMe answers a member or the teacher with the session.
func (s *Server) handleClassMe(w http.ResponseWriter, r *http.Request) {
	who, ok := s.caller(w, r)
	if !ok {
		return
	}
	if !who.teacher && who.student == nil {
		writeError(w, http.StatusForbidden, "class", "send your class token")
		return
	}
	c := s.class
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		writeError(w, http.StatusNotFound, "class", "no class session is running")
		return
	}
	writeJSON(w, http.StatusOK, c.info(who.student))
}

// removeRequest is the body of POST /api/class/remove.
type removeRequest struct {
	No int `json:"no"`
}

// handleClassRemove removes a member (the teacher only): their token stops
// working, their run still going is cancelled, and they leave the board.
func (s *Server) handleClassRemove(w http.ResponseWriter, r *http.Request) {
	if !s.teacherOnly(w, r, "can remove a student") {
		return
	}
	var req removeRequest
	r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
	if err := decodeStrict(r.Body, &req, "the request", []string{"no"}); err != nil {
		writeError(w, http.StatusBadRequest, "class", err.Error())
		return
	}
	c := s.class
	c.mu.Lock()
	se := c.session
	var gone *member
	if se != nil {
		i := slices.IndexFunc(se.order, func(m *member) bool { return m.no == req.No })
		if i >= 0 {
			gone = se.order[i]
			se.order = slices.Delete(se.order, i, i+1)
			delete(se.members, gone.token)
		}
	}
	var active, latest *run
	if gone != nil {
		active, latest = gone.active, gone.latest
	}
	c.mu.Unlock()
	if gone == nil {
		writeError(w, http.StatusNotFound, "class", fmt.Sprintf("no student %d in the class", req.No))
		return
	}
	if active != nil {
		s.cancel(active, "your teacher removed you from the class")
	}
	for _, rn := range []*run{active, latest} {
		if rn != nil {
			rn.mu.Lock()
			rn.keep = false
			rn.mu.Unlock()
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// studentScenario returns the scenario of a member's run request: the
// session's, with the member's settings over the starting point's. The
// request may not name another scenario or change the session's years,
// replications or seed. It also returns the starting point's settings,
// which the run's label counts changes from.
func (c *classroom) studentScenario(req *runRequest) (*scenarios.Scenario, Settings, Settings, error) {
	c.mu.Lock()
	se := c.session
	c.mu.Unlock()
	if se == nil {
		return nil, Settings{}, Settings{}, &apiErr{http.StatusForbidden, "class", "the class session has ended"}
	}
	if req.TOML != "" || (req.Scenario != "" && req.Scenario != se.scenario) {
		return nil, Settings{}, Settings{}, &apiErr{http.StatusBadRequest, "class", fmt.Sprintf("in this class every run starts from %s, the teacher's choice: send only the settings", se.scenario)}
	}
	st, b := req.Settings, se.base
	for _, f := range []struct {
		name     string
		got, ref any
		same     bool
	}{
		{"years", st.Years, *b.Years, st.Years == nil || *st.Years == *b.Years},
		{"replications", st.Replications, *b.Replications, st.Replications == nil || *st.Replications == *b.Replications},
		{"seed", st.Seed, *b.Seed, st.Seed == nil || *st.Seed == *b.Seed},
	} {
		if !f.same {
			return nil, Settings{}, Settings{}, &apiErr{http.StatusBadRequest, "class",
				fmt.Sprintf("in this class every run has %d years, %d replications and seed %d, the teacher's choice, so that everyone's results compare", *b.Years, *b.Replications, *b.Seed)}
		}
	}
	scn, err := se.source.load()
	if err != nil {
		return nil, Settings{}, Settings{}, err
	}
	return scn, se.base, st.over(se.base), nil
}

// submit queues a member's run: it replaces the member's run still
// waiting or running, and takes a token from the member's budget.
func (c *classroom) submit(m *member, rn *run) error {
	now := time.Now()
	c.mu.Lock()
	if c.session == nil || c.session.members[m.token] != m {
		c.mu.Unlock()
		return &apiErr{http.StatusForbidden, "class", "you are no longer in the class session"}
	}
	wait, ok := m.budget.take(now)
	if !ok {
		c.mu.Unlock()
		return &apiErr{http.StatusTooManyRequests, "class", fmt.Sprintf("the class shares one computer: you can start your next run in %d seconds", int(wait.Seconds())+1)}
	}
	prev := m.active
	m.active = rn
	m.runs++
	rn.member, rn.keep = true, true
	rn.onEnd = func() { c.finished(m, rn) }
	c.mu.Unlock()
	if prev != nil {
		c.s.cancel(prev, "replaced by your next run")
		prev.mu.Lock()
		prev.keep = false
		prev.mu.Unlock()
	}
	if err := c.s.submit(rn, false); err != nil {
		c.mu.Lock()
		m.active = nil
		c.mu.Unlock()
		return err
	}
	return nil
}

// finished records a member's run that has ended: a run that finished
// well becomes the member's latest (the board shows it), the one before
// it can be dropped.
func (c *classroom) finished(m *member, rn *run) {
	rn.mu.Lock()
	ok := rn.state == stateDone
	rn.mu.Unlock()
	c.mu.Lock()
	if m.active == rn {
		m.active = nil
	}
	var old *run
	if ok {
		old, m.latest = m.latest, rn
	} else {
		old = rn
	}
	if c.session == nil || c.session.members[m.token] != m {
		// The session ended, or the member was removed, while the run
		// went on: nothing will show it, so let the server drop it.
		old, m.latest = rn, nil
	}
	c.mu.Unlock()
	if old != nil {
		old.mu.Lock()
		old.keep = false
		old.mu.Unlock()
	}
}

// boardRow is a member on the teacher's board: what they tried (their
// latest run that finished, in words, as its changes from the starting
// point) and what it did there, against the starting point: the weak
// schools' achievement, the strong − weak gap and the money, each a
// comparison row (paired by replication, with its verdict); and how their
// run now is going.
type boardRow struct {
	No      int         `json:"no"`
	Name    string      `json:"name"`
	Runs    int         `json:"runs"`
	State   string      `json:"state"` // of the run going, or ""
	Tried   string      `json:"tried"`
	Effect  *compareRow `json:"effect"`
	Gap     *compareRow `json:"gap"`
	Money   *compareRow `json:"money"`
	Waiting string      `json:"waiting,omitempty"` // why there is no comparison yet
}

// board is GET /api/class/board: the session and a row per member.
type board struct {
	sessionInfo
	ReferenceState string      `json:"reference_state"`
	Rows           []boardRow  `json:"rows"`
	Queue          queueStatus `json:"queue"`
}

// handleClassBoard answers the teacher with the board.
func (s *Server) handleClassBoard(w http.ResponseWriter, r *http.Request) {
	if !s.teacherOnly(w, r, "shows the class board") {
		return
	}
	c := s.class
	c.mu.Lock()
	se := c.session
	if se == nil {
		c.mu.Unlock()
		writeError(w, http.StatusNotFound, "class", "no class session is running")
		return
	}
	b := board{sessionInfo: c.info(nil), Rows: []boardRow{}} // [] for a class without students, not null
	type entry struct {
		m              *member
		active, latest *run
		runs           int
	}
	var es []entry
	for _, m := range se.order {
		es = append(es, entry{m, m.active, m.latest, m.runs})
	}
	c.mu.Unlock()
	ref := se.reference
	ref.mu.Lock()
	b.ReferenceState = ref.state
	ref.mu.Unlock()
	for _, e := range es {
		row := boardRow{No: e.m.no, Name: e.m.name, Runs: e.runs}
		if e.active != nil {
			e.active.mu.Lock()
			row.State = e.active.state
			e.active.mu.Unlock()
		}
		switch {
		case e.latest == nil:
			row.Waiting = "no finished run yet"
		default:
			row.Tried = strings.Join(changes(se.base, e.latest.settings), ", ")
			if row.Tried == "" {
				row.Tried = "the starting point itself"
			}
			cmp, err := compareRuns(ref, e.latest)
			if err != nil {
				row.Waiting = "waiting for the starting point's run"
				if b.ReferenceState == stateCancelled || b.ReferenceState == stateFailed {
					row.Waiting = "the starting point's run " + b.ReferenceState + ": end the session and start a new one"
				}
				break
			}
			for i := range cmp.Rows {
				switch r := &cmp.Rows[i]; r.Outcome {
				case "weak_composite":
					row.Effect = r
				case "gap_strong_weak":
					row.Gap = r
				case "cost_money":
					row.Money = r
				}
			}
		}
		b.Rows = append(b.Rows, row)
	}
	b.Queue = s.queueStatus()
	writeJSON(w, http.StatusOK, b)
}
