package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"schoolnet/results"
	"schoolnet/scenarios"
)

//go:embed assets
var assets embed.FS

// DefaultScenario is the shipped scenario the page opens on.
const DefaultScenario = "baseline"

// Server is the teaching lab: the page, its API and the runs it holds in
// memory. It is an http.Handler.
type Server struct {
	opt  Options
	mux  *http.ServeMux
	base context.Context // cancelled by Close: every run derives from it
	stop context.CancelFunc
	wg   sync.WaitGroup // running simulations

	mu      sync.Mutex
	runs    map[string]*run
	order   []*run // creation order, for dropping old finished runs
	queue   []*run // waiting, first come first served
	running int
	closed  bool

	// parsing holds a token for each request reading a scenario (upload,
	// inspection or run request): at most MaxParsing at once. A request
	// sends its body first, within bodyTimeout and holding no token (so
	// that a client that trickles it blocks no one else), while its
	// address has fewer than uploadsPerAddress bodies arriving (uploads),
	// and all fewer than maxUploads (uploading);
	// then it waits busyWait for a token, or is refused.
	parsing               chan struct{}
	busyWait, bodyTimeout time.Duration
	uploadsMu             sync.Mutex
	uploads               map[string]int // by uploader
	uploading             int
	log                   *log.Logger
	worlds                *worldCache
	id                    string // new at each start: see config.ServerID
	class                 *classroom

	// Test hooks. gate, when not nil, holds every simulation until it is
	// closed (tests use it to keep runs queued or running); holding, when
	// not nil, is called by each request holding a parsing token; crash,
	// when not nil, is called by each run before it simulates (rep -1)
	// and in each replication's year (tests make it panic).
	gate    chan struct{}
	holding func()
	crash   func(scn *scenarios.Scenario, rep, year int)
}

// New returns a server with the options (zero fields take the defaults).
func New(opt Options) *Server {
	opt.fill()
	s := &Server{opt: opt, mux: http.NewServeMux(), runs: map[string]*run{},
		parsing: make(chan struct{}, opt.MaxParsing), busyWait: 2 * time.Second, bodyTimeout: 10 * time.Second, uploads: map[string]int{},
		log: opt.ErrorLog, worlds: newWorldCache(opt.WorldCache), id: newID()[:16]}
	if s.log == nil {
		s.log = log.New(os.Stderr, "", log.LstdFlags)
	}
	s.base, s.stop = context.WithCancel(context.Background())
	s.class = newClassroom(s)
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err)
	}
	s.mux.Handle("GET /", http.FileServerFS(static))
	s.mux.HandleFunc("GET /favicon.ico", s.handleFavicon)
	s.mux.HandleFunc("GET /docs/{name}", s.handleDoc)
	s.mux.HandleFunc("GET /api/config", s.handleConfig)
	s.mux.HandleFunc("GET /api/scenarios", s.handleScenarios)
	s.mux.HandleFunc("GET /api/scenarios/{name}", s.handleShipped)
	s.mux.HandleFunc("POST /api/inspect", s.limited(s.handleInspect))
	s.mux.HandleFunc("POST /api/runs", s.limited(s.handleSubmit))
	s.mux.HandleFunc("GET /api/queue", s.handleQueue)
	s.mux.HandleFunc("GET /api/runs/{id}", s.handleStatus)
	s.mux.HandleFunc("POST /api/runs/{id}/cancel", s.handleCancel)
	s.mux.HandleFunc("GET /api/runs/{id}/events", s.handleEvents)
	s.mux.HandleFunc("GET /api/runs/{id}/network", s.handleNetwork)
	s.mux.HandleFunc("GET /api/runs/{id}/files/{file}", s.handleFile)
	s.mux.HandleFunc("GET /api/runs/{id}/results.zip", s.handleZip)
	s.mux.HandleFunc("GET /api/compare", s.handleCompare)
	s.mux.HandleFunc("POST /api/class", s.limited(s.handleClassStart))
	s.mux.HandleFunc("GET /api/class", s.handleClassMe)
	s.mux.HandleFunc("POST /api/class/end", s.handleClassEnd)
	s.mux.HandleFunc("POST /api/class/join", s.handleClassJoin)
	s.mux.HandleFunc("POST /api/class/remove", s.handleClassRemove)
	s.mux.HandleFunc("GET /api/class/board", s.handleClassBoard)
	return s
}

// Options returns the server's options, defaults filled in.
func (s *Server) Options() Options { return s.opt }

// ServeHTTP serves the page and the API, with headers that keep the page
// to its own origin: no script, style or connection goes anywhere else.
// It refuses a request that would change state unless it comes from the
// lab's own page (refuseForeign, 403) with a JSON body (refuseBody, 415),
// and answers a request whose handler panics with an internal error.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer s.recovered(w, r)
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if msg := refuseForeign(r); msg != "" {
		writeError(w, http.StatusForbidden, "origin", msg)
		return
	}
	if msg := refuseBody(r); msg != "" {
		writeError(w, http.StatusUnsupportedMediaType, "upload", msg)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// uploadsPerAddress is how many request bodies one address (an IPv6 /64
// network) may be sending at once, and maxUploads how many all may: they
// bound the memory unfinished uploads hold (each up to readBody's limit), while
// a class, whose bodies take milliseconds each, rarely meets them.
const (
	uploadsPerAddress = 8
	maxUploads        = 64
)

// uploader is the key uploads are counted by: the address, or its /64
// network for IPv6, where one machine may hold a whole /64.
func uploader(host string) string {
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil {
		return host
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// limited reads the request's body, then runs h while holding a parsing
// token, so that at most MaxParsing requests check scenarios at once; a
// request that finds no token free within busyWait is refused (503,
// Retry-After) and does not queue. The body is read first, without a
// token: a client that sends it slowly (it has bodyTimeout) holds only
// its own connection, and an address may send uploadsPerAddress at once.
func (s *Server) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := s.readBody(w, r)
		if !ok {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		wait := time.NewTimer(s.busyWait)
		defer wait.Stop()
		select {
		case s.parsing <- struct{}{}:
		case <-wait.C:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, "busy", fmt.Sprintf("the server is busy reading %d other scenarios, the most it reads at once (schoolnet serve --max-parsing); try again in a moment", cap(s.parsing)))
			return
		case <-r.Context().Done():
			return
		}
		defer func() { <-s.parsing }()
		if s.holding != nil {
			s.holding()
		}
		h(w, r)
	}
}

// Warm spins up, in the background, the worlds of a shipped scenario's
// replications and keeps them in the spin-up cache, so that the
// scenario's first run (and every reform of it) starts at year 0. The
// channel gets the outcome when it is done. It uses all the workers:
// call it when the server starts, before the runs come.
func (s *Server) Warm(name string) <-chan error {
	done := make(chan error, 1)
	scn, err := scenarios.Shipped(name)
	if err != nil {
		done <- err
		return done
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		hash, cfg := systemHash(scn), scn.Config(1)
		g, ctx := errgroup.WithContext(s.base)
		g.SetLimit(s.opt.Workers)
		for rep := range scn.Run.Replications {
			g.Go(func() error {
				c := cfg
				c.Replication = rep
				_, _, err := s.worlds.world(ctx, worldKey{hash, rep}, c, func(int) {})
				return err
			})
		}
		err := g.Wait()
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Printf("web: spinning up %s: %v", name, err)
		}
		done <- err
	}()
	return done
}

// Close cancels every queued and running run and waits for the
// simulations to stop.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	queued := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, r := range queued {
		r.setState(stateCancelled, "the server is shutting down")
	}
	s.stop()
	s.wg.Wait()
}

// LoopbackHosts wraps h so that it answers only requests addressed to a
// loopback host name or address (localhost, 127.0.0.1, [::1]): a page
// elsewhere cannot reach a lab bound to loopback by pointing a DNS name
// at 127.0.0.1.
func LoopbackHosts(h http.Handler) http.Handler { return AllowHosts(h, true, nil) }

// AllowHosts wraps h so that it answers only requests addressed to one of
// hosts (names or addresses, without the port), or with loopback also to
// a loopback name or address: a lab served beyond loopback answers only
// to the addresses it listens on, so that a page of another site cannot
// reach it through a DNS name of its own that points at this machine
// (DNS rebinding). Others get 421.
func AllowHosts(h http.Handler, loopback bool, hosts []string) http.Handler {
	allowed := map[string]bool{}
	for _, n := range hosts {
		allowed[strings.ToLower(strings.Trim(n, "[]"))] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			host = hh
		}
		host = strings.ToLower(strings.Trim(host, "[]"))
		ip := net.ParseIP(host)
		ok := allowed[host] || ip != nil && allowed[ip.String()]
		if loopback && (host == "localhost" || ip != nil && ip.IsLoopback()) {
			ok = true
		}
		if !ok {
			http.Error(w, "schoolnet serve: this lab answers only at the addresses it was started on (a request for "+r.Host+" may come from a page of another site)", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// apiError is every error the API returns: a message for the page.
type apiError struct {
	Error string `json:"error"`
	// Kind is "scenario" (the validator's message), "settings", "limit",
	// "upload", "queue", "run", "origin" (a request from another page),
	// "busy" (too many requests reading scenarios) or "internal" (a bug).
	Kind string `json:"kind"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, kind, msg string) {
	writeJSON(w, status, apiError{Error: msg, Kind: kind})
}

// apiErr is an error with the status and kind the API answers it with.
type apiErr struct {
	status    int
	kind, msg string
}

func (e *apiErr) Error() string { return e.msg }

// writeAPIError answers err: an *apiErr with its status and kind, a
// scenario's error as kind "scenario", anything else as "settings".
func writeAPIError(w http.ResponseWriter, err error) {
	var ae *apiErr
	var se *scenarios.Error
	switch {
	case errors.As(err, &ae):
		if ae.status == http.StatusTooManyRequests || ae.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "5")
		}
		writeError(w, ae.status, ae.kind, ae.msg)
	case errors.As(err, &se):
		writeError(w, http.StatusBadRequest, "scenario", err.Error())
	default:
		writeError(w, http.StatusBadRequest, "settings", err.Error())
	}
}

// lookup returns the run whose ID the request presents, or writes 404.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *run {
	s.mu.Lock()
	rn := s.runs[r.PathValue("id")]
	s.mu.Unlock()
	if rn == nil {
		writeError(w, http.StatusNotFound, "run", "no such run: it was never started here, or it has been dropped to make room (this server keeps the latest finished runs only)")
	}
	return rn
}

// config is what the page needs to draw its controls.
type config struct {
	Limits struct {
		MaxSchools  int   `json:"max_schools"`
		MaxStudents int   `json:"max_students"`
		MaxReps     int   `json:"max_reps"`
		MaxYears    int   `json:"max_years"`
		MaxRunning  int   `json:"max_running"`
		MaxQueued   int   `json:"max_queued"`
		MaxUpload   int64 `json:"max_upload"`
	} `json:"limits"`
	// Controls gives each numeric control's allowed range, from the
	// keys it sets (the same tables validate them).
	Controls     map[string]controlRange `json:"controls"`
	GraceSeconds float64                 `json:"grace_seconds"`
	// HeartbeatSeconds is how often an event stream pings: the page
	// reports a lost connection when pings stop.
	HeartbeatSeconds float64 `json:"heartbeat_seconds"`
	// ServerID is new each time the server starts: a page that sees it
	// change knows the server restarted and its runs are gone.
	ServerID string `json:"server_id"`
	// DefaultScenario is the scenario the page opens on.
	DefaultScenario string `json:"default_scenario"`
	// Outcomes are the result files' outcomes and the charts' series in
	// plain words, with the way each is better.
	Outcomes map[string]outcomeText `json:"outcomes"`
	// Class says whether class mode is on (Options.Class).
	Class          bool     `json:"class"`
	Series         []Series `json:"series"`
	SelectionRules []string `json:"selection_rules"`
	Alliance       []string `json:"alliance"`
	Files          []string `json:"files"`
}

// controlRange is a control's allowed range as the page reads it.
type controlRange struct {
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Unit string  `json:"unit,omitempty"`
}

func (s *Server) handleConfig(w http.ResponseWriter, r *http.Request) {
	var c config
	o := &s.opt
	c.Limits.MaxSchools, c.Limits.MaxStudents, c.Limits.MaxReps, c.Limits.MaxYears = o.MaxSchools, o.MaxStudents, o.MaxReps, o.MaxYears
	c.Limits.MaxRunning, c.Limits.MaxQueued, c.Limits.MaxUpload = o.MaxRunning, o.MaxQueued, o.MaxUpload
	c.GraceSeconds, c.HeartbeatSeconds = o.Grace.Seconds(), o.Heartbeat.Seconds()
	c.ServerID, c.DefaultScenario, c.Outcomes, c.Class = s.id, DefaultScenario, outcomeTexts, o.Class
	c.Controls = map[string]controlRange{}
	for name, r := range controlRanges {
		c.Controls[name] = controlRange{Min: r.Min, Max: r.Max, Unit: r.Unit}
	}
	c.Series, c.SelectionRules, c.Alliance, c.Files = ChartSeries, SelectionRules, AllianceChoices, resultFiles
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleScenarios(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, scenarios.Embedded())
}

// span is the years a policy acts in, for the charts' shading.
type span struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// spans returns the years each of the scenario's policies acts in, an
// open end made the run's last year.
func spans(scn *scenarios.Scenario) []span {
	out := []span{}
	for _, p := range scn.Policies {
		c := p.Base()
		end := c.End
		if end == 0 || end > scn.Run.Years {
			end = scn.Run.Years
		}
		out = append(out, span{name(p), c.Kind, c.Start, end})
	}
	return out
}

// scenarioInfo describes a scenario and the control values that
// reproduce it.
type scenarioInfo struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Schools     int      `json:"schools"`
	Students    float64  `json:"students"`
	SpinUpYears int      `json:"spin_up_years"`
	Policies    []string `json:"policies"`
	Spans       []span   `json:"policy_years"`
	Settings    Settings `json:"settings"`
	Limit       string   `json:"limit,omitempty"` // why it cannot run here as it stands
}

func describe(scn *scenarios.Scenario, o *Options) scenarioInfo {
	info := scenarioInfo{Name: scn.Name, Description: scn.Description,
		Schools: scn.Population.NumSchools(), Students: scn.Population.PlannedStudents(),
		SpinUpYears: scn.Run.SpinUpYears, Settings: ReadSettings(scn), Spans: spans(scn)}
	for _, p := range scn.Policies {
		info.Policies = append(info.Policies, fmt.Sprintf("%s (%s)", name(p), p.Base().Kind))
	}
	if err := o.checkLimits(scn); err != nil {
		info.Limit = err.Error()
	}
	return info
}

func (s *Server) handleShipped(w http.ResponseWriter, r *http.Request) {
	scn, err := scenarios.Shipped(r.PathValue("name"))
	if err != nil {
		writeError(w, http.StatusNotFound, "scenario", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, describe(scn, &s.opt))
}

// runRequest is the body of POST /api/runs and /api/inspect. Unknown
// fields are refused, here and in Settings.
type runRequest struct {
	// Scenario names a shipped scenario; TOML, when not empty, is an
	// uploaded scenario file instead, File its name.
	Scenario string   `json:"scenario"`
	File     string   `json:"file"`
	TOML     string   `json:"toml"`
	Settings Settings `json:"settings"`
}

// maxName is the longest file or scenario name a request may give, in
// bytes.
const maxName = 255

// readRequest decodes the body, refusing uploads over the limit, and
// loads the scenario. On failure it has written the error.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) (*runRequest, *scenarios.Scenario, bool) {
	req, ok := s.decodeRequest(w, r)
	if !ok {
		return nil, nil, false
	}
	scn, err := req.load()
	if err != nil {
		writeError(w, http.StatusBadRequest, "scenario", err.Error())
		return nil, nil, false
	}
	return req, scn, true
}

// readBody reads a request's body, of at most the largest request a
// scenario file of MaxUpload makes, within bodyTimeout, while the address it comes from
// is sending fewer than uploadsPerAddress others and all fewer than
// maxUploads. On failure it has written the error.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	host := uploader(remoteHost(r))
	s.uploadsMu.Lock()
	n, all := s.uploads[host], s.uploading
	ok := n < uploadsPerAddress && all < maxUploads
	if ok {
		s.uploads[host], s.uploading = n+1, all+1
	}
	s.uploadsMu.Unlock()
	if !ok {
		w.Header().Set("Retry-After", "1")
		if n >= uploadsPerAddress {
			writeError(w, http.StatusTooManyRequests, "busy", fmt.Sprintf("this address is already sending %d requests; wait for them to arrive", n))
		} else {
			writeError(w, http.StatusServiceUnavailable, "busy", fmt.Sprintf("the server is receiving %d requests already, the most it takes at once; try again in a moment", all))
		}
		return nil, false
	}
	defer func() {
		s.uploadsMu.Lock()
		if s.uploads[host]--; s.uploads[host] == 0 {
			delete(s.uploads, host)
		}
		s.uploading--
		s.uploadsMu.Unlock()
	}()
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.bodyTimeout))
	// JSON may escape a byte of the largest scenario file as \u00XX: room
	// for that and the settings.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 6*s.opt.MaxUpload+64<<10))
	var tooBig *http.MaxBytesError
	var slow interface{ Timeout() bool }
	switch {
	case err == nil:
		return body, true
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "upload", fmt.Sprintf("the request is too large; this server accepts scenario files up to %s (schoolnet serve --max-upload)", kib(s.opt.MaxUpload)))
	case errors.As(err, &slow) && slow.Timeout():
		writeError(w, http.StatusRequestTimeout, "upload", fmt.Sprintf("the request took more than %s to arrive; send it again", s.bodyTimeout))
	default:
		writeError(w, http.StatusBadRequest, "upload", "cannot read the request: "+err.Error())
	}
	return nil, false
}

// decodeRequest decodes and checks the body of a run or inspection
// request, which limited has read (within its size and time). On failure
// it has written the error.
func (s *Server) decodeRequest(w http.ResponseWriter, r *http.Request) (*runRequest, bool) {
	limit := s.opt.MaxUpload
	var req runRequest
	if err := decodeStrict(r.Body, &req, "the request", requestFields); err != nil {
		var bad *settingsError
		switch {
		case errors.As(err, &bad):
			writeError(w, http.StatusBadRequest, "settings", err.Error())
		case errors.Is(err, io.EOF):
			writeError(w, http.StatusBadRequest, "upload", "the request is empty: send a JSON object with the scenario (or toml and file) and the settings")
		default:
			writeError(w, http.StatusBadRequest, "upload", "cannot read the request: "+err.Error())
		}
		return nil, false
	}
	for _, f := range []struct{ key, v string }{{"file", req.File}, {"scenario", req.Scenario}} {
		if len(f.v) > maxName {
			writeError(w, http.StatusBadRequest, "upload", fmt.Sprintf("the %s name is %d bytes long; at most %d", f.key, len(f.v), maxName))
			return nil, false
		}
	}
	if int64(len(req.TOML)) > limit {
		writeError(w, http.StatusRequestEntityTooLarge, "upload", fmt.Sprintf("the scenario file is %s; this server accepts scenario files up to %s (schoolnet serve --max-upload)", kib(int64(len(req.TOML))), kib(limit)))
		return nil, false
	}
	return &req, true
}

// load reads the request's scenario: the uploaded file (never anything
// on the server's disk), or the shipped scenario it names.
func (req *runRequest) load() (*scenarios.Scenario, error) {
	if req.TOML != "" {
		file := req.File
		if file == "" {
			file = "upload.toml"
		}
		return scenarios.ParseUntrusted(file, []byte(req.TOML))
	}
	return scenarios.Shipped(req.Scenario)
}

func kib(n int64) string {
	if n%1024 == 0 {
		return fmt.Sprintf("%d KiB", n/1024)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}

func (s *Server) handleInspect(w http.ResponseWriter, r *http.Request) {
	_, scn, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, describe(scn, &s.opt))
}

// submitted is the answer to POST /api/runs.
type submitted struct {
	ID       string `json:"id"`
	Scenario string `json:"scenario"`
	// Label names the run by what changed from the scenario as written
	// (for a class member's run: from the class's starting point).
	Label    string      `json:"label"`
	Notes    []string    `json:"notes"`
	Settings Settings    `json:"settings"`
	Schools  int         `json:"schools"`
	Students float64     `json:"students"`
	Spans    []span      `json:"policy_years"`
	Status   statusEvent `json:"status"`
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	who, ok := s.caller(w, r)
	if !ok {
		return
	}
	req, ok := s.decodeRequest(w, r)
	if !ok {
		return
	}
	var (
		scn  *scenarios.Scenario
		from Settings // what the run's label counts changes from
		err  error
	)
	if who.student != nil {
		scn, from, req.Settings, err = s.class.studentScenario(req)
	} else {
		if err = s.anonymousAllowed(r, who); err == nil {
			scn, err = req.load()
		}
		if scn != nil {
			from = ReadSettings(scn)
		}
	}
	if err != nil {
		writeAPIError(w, err)
		return
	}
	notes, err := req.Settings.Apply(scn)
	if err != nil {
		kind := "settings"
		var se *scenarios.Error
		if errors.As(err, &se) {
			kind = "scenario"
		}
		writeError(w, http.StatusBadRequest, kind, err.Error())
		return
	}
	if err := s.opt.checkLimits(scn); err != nil {
		writeError(w, http.StatusBadRequest, "limit", err.Error())
		return
	}
	rn := newRun(s.base, scn, ReadSettings(scn), notes)
	rn.crash, rn.worlds = s.crash, s.worlds
	if !loopback(r) {
		rn.from = uploader(remoteHost(r))
	}
	rn.label = runLabel(scn.Name, from, rn.settings)
	if who.student != nil {
		err = s.class.submit(who.student, rn)
	} else {
		err = s.submit(rn, who.teacher)
	}
	if err != nil {
		writeAPIError(w, err)
		return
	}
	rn.mu.Lock()
	st := rn.status()
	rn.mu.Unlock()
	writeJSON(w, http.StatusAccepted, submitted{ID: rn.id, Scenario: scn.Name, Label: rn.label, Notes: notes, Settings: rn.settings,
		Schools: scn.Population.NumSchools(), Students: scn.Population.PlannedStudents(), Spans: spans(scn), Status: st})
}

// submit queues a run, or refuses it when the queue is full. A priority
// run (the teacher's) goes before every other waiting run; a class
// member's run (priority false, s.class.submit) does not count against
// MaxQueued, since each member has at most one waiting.
func (s *Server) submit(rn *run, priority bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return &apiErr{http.StatusServiceUnavailable, "queue", "the server is shutting down"}
	}
	waiting := 0
	for _, q := range s.queue {
		if !q.member {
			waiting++
		}
	}
	if !rn.member && waiting >= s.opt.MaxQueued && s.running >= s.opt.MaxRunning {
		return &apiErr{http.StatusServiceUnavailable, "queue", fmt.Sprintf("%d runs are waiting already, the most this server queues (schoolnet serve --max-queued); try again when one has finished", waiting)}
	}
	if rn.from != "" && !rn.member {
		if n := s.going(rn.from); n >= runsPerAddress {
			return &apiErr{http.StatusTooManyRequests, "queue", fmt.Sprintf("this machine has %d runs waiting or running here already, the most one other machine may; wait for one to finish", n)}
		}
	}
	s.runs[rn.id] = rn
	s.order = append(s.order, rn)
	if priority {
		rn.priority = true
		i := 0
		for i < len(s.queue) && s.queue[i].priority {
			i++
		}
		s.queue = slices.Insert(s.queue, i, rn)
	} else {
		s.queue = append(s.queue, rn)
	}
	s.schedule()
	s.drop()
	// A run nobody watches is cancelled after the grace period.
	rn.watchIdle(s.opt.Grace, func() { s.cancel(rn, "its page was closed") })
	return nil
}

// runsPerAddress is how many runs another machine may have waiting or
// running at once outside a class (a class member has one): the queue is
// the class's, not one machine's. The lab's own machine is not bounded.
const runsPerAddress = 2

// going counts the runs from address from that wait or run; s.mu must be
// held.
func (s *Server) going(from string) int {
	n := 0
	for _, rn := range s.order {
		if rn.from != from {
			continue
		}
		rn.mu.Lock()
		if !rn.final() {
			n++
		}
		rn.mu.Unlock()
	}
	return n
}

// schedule starts queued runs while fewer than MaxRunning run, and tells
// each waiting run its place; s.mu must be held.
func (s *Server) schedule() {
	for s.running < s.opt.MaxRunning && len(s.queue) > 0 {
		rn := s.queue[0]
		s.queue = s.queue[1:]
		s.running++
		rn.setState(stateRunning, "")
		s.wg.Add(1)
		go s.execute(rn, max(1, s.opt.Workers/s.running))
	}
	for i, rn := range s.queue {
		rn.setPosition(i+1, len(s.queue))
	}
}

// execute runs a simulation on workers goroutines: its share of the
// workers among the runs running when it starts, so that a run alone
// uses them all (its results do not depend on how many).
func (s *Server) execute(rn *run, workers int) {
	defer s.wg.Done()
	err := protect(func() error {
		m, err := results.NewManifest(rn.scn, rn.scn.Run.Seed, rn.scn.Run.Replications)
		if err != nil {
			return err
		}
		m.Command, m.Workers, m.Start = "serve", workers, time.Now().UTC()
		m.Files = resultFiles
		rn.mu.Lock()
		rn.manifest = m
		rn.mu.Unlock()
		if s.gate != nil {
			select {
			case <-s.gate:
			case <-rn.ctx.Done():
			}
		}
		if err := rn.ctx.Err(); err != nil {
			return err
		}
		if rn.crash != nil {
			rn.crash(rn.scn, -1, 0)
		}
		if src := s.sameAs(rn, m.ScenarioHash); src != nil {
			return rn.reuse(src)
		}
		return rn.simulate(workers)
	})
	rn.finish(err, s.log)
	s.mu.Lock()
	s.running--
	s.schedule()
	s.drop()
	s.mu.Unlock()
}

// sameAs returns a run that finished well with the same scenario (its
// hash covers the settings, seed, replications and years), or nil: the
// same scenario gives the same numbers, so a class whose students try
// the same reform runs it once.
func (s *Server) sameAs(rn *run, hash string) *run {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range slices.Backward(s.order) {
		if o == rn {
			continue
		}
		o.mu.Lock()
		same := o.state == stateDone && o.manifest.ScenarioHash == hash
		o.mu.Unlock()
		if same {
			return o
		}
	}
	return nil
}

// cancel stops a run: a queued run leaves the queue, a running one is
// cancelled within its year (sim.Engine.Run).
func (s *Server) cancel(rn *run, reason string) {
	s.mu.Lock()
	if i := slices.Index(s.queue, rn); i >= 0 {
		s.queue = slices.Delete(s.queue, i, i+1)
		rn.setState(stateCancelled, reason)
		rn.cancel()
		s.schedule()
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	rn.stop(reason)
}

// drop forgets the oldest finished runs beyond Keep; the runs a class
// needs (run.keep: its starting point, each member's latest run) are
// neither dropped nor counted. s.mu must be held.
func (s *Server) drop() {
	finished := 0
	for _, rn := range s.order {
		rn.mu.Lock()
		if rn.final() && !rn.keep {
			finished++
		}
		rn.mu.Unlock()
	}
	for i := 0; i < len(s.order) && finished > s.opt.Keep; {
		rn := s.order[i]
		rn.mu.Lock()
		f := rn.final() && !rn.keep
		rn.mu.Unlock()
		if !f {
			i++
			continue
		}
		delete(s.runs, rn.id)
		s.order = slices.Delete(s.order, i, i+1)
		finished--
	}
}

// queueStatus is GET /api/queue: how busy the server is, without saying
// whose runs they are.
type queueStatus struct {
	Running    int `json:"running"`
	Queued     int `json:"queued"`
	MaxRunning int `json:"max_running"`
	MaxQueued  int `json:"max_queued"`
	// ServerID is config.ServerID: the page polls the queue and learns
	// so that the server restarted.
	ServerID string `json:"server_id"`
}

func (s *Server) queueStatus() queueStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return queueStatus{s.running, len(s.queue), s.opt.MaxRunning, s.opt.MaxQueued, s.id}
}

func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.queueStatus())
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	rn := s.lookup(w, r)
	if rn == nil {
		return
	}
	rn.mu.Lock()
	st := rn.status()
	rn.mu.Unlock()
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	who, ok := s.caller(w, r)
	if !ok {
		return
	}
	rn := s.lookup(w, r)
	if rn == nil {
		return
	}
	if rn.reference && !who.teacher {
		writeError(w, http.StatusForbidden, "class", "this is the class's starting point: only the teacher can stop it")
		return
	}
	s.cancel(rn, "stopped from the page")
	w.WriteHeader(http.StatusNoContent)
}
