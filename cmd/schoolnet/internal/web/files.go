package web

import (
	"archive/zip"
	"fmt"
	"io"
	"math"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"schoolnet/results"
	"schoolnet/sim"
)

// resultFiles are the files a finished run offers, as `schoolnet run`
// writes them (docs/RESULTS.md).
var resultFiles = []string{"yearly.csv", "schools.csv", "treatments.csv", "summary.csv", "datapackage.json", "manifest.json"}

// finished returns the records of a run that has ended well, or writes
// 409 and returns false. The slices are not changed after a run is done.
func (s *Server) finished(w http.ResponseWriter, rn *run) ([][]sim.YearRecord, [][]sim.YearMetrics, bool) {
	metrics, err := rn.done()
	if err != nil {
		writeError(w, err.status, "run", err.msg)
		return nil, nil, false
	}
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return rn.records, metrics, true
}

// writeResult writes one result file of a finished run.
func (rn *run) writeResult(w io.Writer, file string, records [][]sim.YearRecord, metrics [][]sim.YearMetrics) error {
	rn.mu.Lock()
	m := rn.manifest
	rn.mu.Unlock()
	files := results.RunFiles{ID: m.RunID(rn.scn.Name), Policies: rn.scn.PolicyNames(), Format: results.CSV, Records: records, Metrics: metrics}
	switch file {
	case "datapackage.json":
		return files.DataPackage().Write(w)
	case "manifest.json":
		return m.Write(w)
	}
	return files.WriteTo(w, file)
}

func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) {
	rn := s.lookup(w, r)
	if rn == nil {
		return
	}
	file := r.PathValue("file")
	if !slices.Contains(resultFiles, file) {
		writeError(w, http.StatusNotFound, "run", fmt.Sprintf("no result file %q; a run has %v", file, resultFiles))
		return
	}
	records, metrics, ok := s.finished(w, rn)
	if !ok {
		return
	}
	ct := "text/csv; charset=utf-8"
	if path.Ext(file) == ".json" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", safeName(rn.scn.Name)+"-"+file))
	rn.writeResult(w, file, records, metrics)
}

// handleZip sends every result file of a run in one zip, in a folder
// named after the scenario.
func (s *Server) handleZip(w http.ResponseWriter, r *http.Request) {
	rn := s.lookup(w, r)
	if rn == nil {
		return
	}
	records, metrics, ok := s.finished(w, rn)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	dir := safeName(rn.scn.Name)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", dir+".zip"))
	zw := zip.NewWriter(w)
	for _, f := range resultFiles {
		fw, err := zw.Create(dir + "/" + f)
		if err != nil {
			return
		}
		if err := rn.writeResult(fw, f, records, metrics); err != nil {
			return
		}
	}
	zw.Close()
}

// safeName turns a scenario's name, which an uploaded file chooses, into
// a file name: letters, digits, '.', '_' and '-' only, not starting with
// a dot, so that it cannot climb out of the folder it is unzipped into.
func safeName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '-'
		}
	}
	s := strings.TrimLeft(string(b), ".-")
	if s == "" {
		return "run"
	}
	return s
}

// network is the network view of one replication: where the schools
// are, and per year their enrolment, achievement and ties.
type network struct {
	// Replication is 0-based, of Replications.
	Replication  int       `json:"replication"`
	Replications int       `json:"replications"`
	Schools      []place   `json:"schools"`
	Years        []netYear `json:"years"`
}

// netYear holds, per school (by index), its enrolment, mean composite
// achievement, whether a policy treats it, its pairing partner (−1 for
// none), the lead school of its education group (−1), whether it leads
// its group, and its curriculum alliance (−1).
type netYear struct {
	Year      int       `json:"year"`
	Students  []int     `json:"students"`
	Composite []float64 `json:"composite"`
	Treated   []bool    `json:"treated"`
	Pair      []int32   `json:"pair"`
	Group     []int32   `json:"group"`
	Lead      []bool    `json:"lead"`
	Alliance  []int32   `json:"alliance"`
}

// handleNetwork sends the network of the years finished so far, of the
// replication ?rep= names (0-based; default 0).
func (s *Server) handleNetwork(w http.ResponseWriter, r *http.Request) {
	rn := s.lookup(w, r)
	if rn == nil {
		return
	}
	rep := 0
	if q := r.URL.Query().Get("rep"); q != "" {
		var err error
		if rep, err = strconv.Atoi(q); err != nil || rep < 0 || rep >= rn.scn.Run.Replications {
			writeError(w, http.StatusBadRequest, "run", fmt.Sprintf("rep must be a replication from 0 to %d, got %q", rn.scn.Run.Replications-1, q))
			return
		}
	}
	rn.mu.Lock()
	var years []sim.YearRecord
	var places []place
	if rep < len(rn.records) && rep < len(rn.places) {
		years, places = rn.records[rep], rn.places[rep]
	}
	net := network{Replication: rep, Replications: rn.scn.Run.Replications, Schools: places, Years: make([]netYear, 0, len(years))}
	rn.mu.Unlock()
	for _, y := range years {
		ny := netYear{Year: y.Year}
		for i := range y.Schools {
			sr := &y.Schools[i]
			all := sr.All()
			c := all.Mean(all.Composite)
			if math.IsNaN(c) {
				c = 0
			}
			ny.Students = append(ny.Students, all.N)
			ny.Composite = append(ny.Composite, math.Round(c*1e4)/1e4)
			ny.Treated = append(ny.Treated, sr.Member.Treated != 0)
			ny.Pair = append(ny.Pair, sr.Member.Pair)
			ny.Group = append(ny.Group, sr.Member.Group)
			ny.Lead = append(ny.Lead, sr.Member.GroupLead)
			ny.Alliance = append(ny.Alliance, sr.Member.Alliance)
		}
		net.Years = append(net.Years, ny)
	}
	writeJSON(w, http.StatusOK, net)
}

// comparison is GET /api/compare: the paired differences of run b from
// run a (the pinned run), outcome by outcome.
type comparison struct {
	Sides        map[string]side `json:"runs"`
	Year         int             `json:"year"`
	Replications int             `json:"replications"`
	Seed         int64           `json:"seed"`
	Rows         []compareRow    `json:"rows"`
}

type side struct {
	Scenario string   `json:"scenario"`
	Settings Settings `json:"settings"`
}

// compareRow is one outcome: its name, its plain label and which way is
// better (outcomeTexts), both runs' means, the paired difference with its
// 95% interval, and the verdict on it (better, worse, unclear, changed).
type compareRow struct {
	Outcome     string   `json:"outcome"`
	Unit        string   `json:"unit"`
	Description string   `json:"description"`
	Label       string   `json:"label"`
	Explain     string   `json:"explain"`
	Better      string   `json:"better"`
	A           *float64 `json:"a"`
	B           *float64 `json:"b"`
	Diff        *float64 `json:"diff"`
	Lo          *float64 `json:"lo"`
	Hi          *float64 `json:"hi"`
	Verdict     string   `json:"verdict"`
}

func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// compareError is why two runs cannot be compared, with the HTTP status.
type compareError struct {
	status int
	msg    string
}

func (e *compareError) Error() string { return e.msg }

// compareRuns compares two finished runs with results.Compare: the same
// seed makes replication r of both the same school system with the same
// shocks (common random numbers), so the differences are paired by
// replication. Runs of different lengths are compared at the last year
// both reached, on the replications both have.
func compareRuns(a, b *run) (*comparison, *compareError) {
	ma, err := a.done()
	if err != nil {
		return nil, err
	}
	mb, err := b.done()
	if err != nil {
		return nil, err
	}
	if sa, sb := a.scn.Run.Seed, b.scn.Run.Seed; sa != sb {
		return nil, &compareError{http.StatusBadRequest, fmt.Sprintf("the runs have different seeds (%d and %d), so their replications are not paired; run both with the same seed", sa, sb)}
	}
	reps := min(len(ma), len(mb))
	year := min(a.scn.Run.Years, b.scn.Run.Years)
	effects := results.Compare([]string{"a", "b"}, [][][]sim.YearMetrics{ma[:reps], mb[:reps]}, year)
	c := &comparison{Year: year, Replications: reps, Seed: a.scn.Run.Seed,
		Sides: map[string]side{"a": {a.scn.Name, a.settings}, "b": {b.scn.Name, b.settings}}}
	desc := map[string]string{results.PerMillion: "gain in weak schools' composite per million RMB of extra reform money (over the pinned run)"}
	for _, o := range results.Headlines {
		desc[o.Name] = o.Description
	}
	for i := 0; i+1 < len(effects); i += 2 {
		ea, eb := effects[i], effects[i+1]
		t := plain(ea.Outcome, desc[ea.Outcome])
		row := compareRow{Outcome: ea.Outcome, Unit: ea.Unit, Description: desc[ea.Outcome], Label: t.Label, Explain: t.Explain, Better: t.Better,
			A: num(ea.Mean), B: num(eb.Mean), Diff: num(eb.Diff), Lo: num(eb.Lo), Hi: num(eb.Hi)}
		if ea.Outcome == results.PerMillion {
			row.A = nil // per million over the pinned run itself: undefined
		}
		row.Verdict = verdict(t.Better, row.A, row.Diff, row.Lo, row.Hi)
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// done returns the yearly metrics of a run that has ended well; they are
// not changed after a run is done.
func (r *run) done() ([][]sim.YearMetrics, *compareError) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state != stateDone {
		return nil, &compareError{http.StatusConflict, fmt.Sprintf("the run is %s: result files exist once it has finished", r.state)}
	}
	return r.metrics, nil
}

// handleCompare compares two finished runs, both named by their IDs (see
// compareRuns).
func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	a, b := s.runs[q.Get("a")], s.runs[q.Get("b")]
	s.mu.Unlock()
	if a == nil || b == nil {
		writeError(w, http.StatusNotFound, "run", "no such run: give the IDs of two runs of this page (a pinned run may have been dropped to make room, or the server restarted)")
		return
	}
	c, err := compareRuns(a, b)
	if err != nil {
		writeError(w, err.status, "run", err.msg)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
