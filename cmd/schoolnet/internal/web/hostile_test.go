package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// hostile is a request a page elsewhere, a careless script or an attacker
// may send, and what the lab must answer.
type hostile struct {
	name         string
	method, path string
	// header holds request headers; "OWN" in a value stands for the
	// server's own origin (http://127.0.0.1:port), "HOST" for its host
	// and port. Content-Type is application/json unless set ("" sends
	// none).
	header map[string]string
	body   string
	code   int
	kind   string
	want   string // in the error message; "" for an answer that is not an error
}

// send sends the request and returns the status and the decoded error.
func (tt *hostile) send(t *testing.T, lab *testLab) (int, apiError, string) {
	t.Helper()
	req, err := http.NewRequest(tt.method, lab.ts.URL+tt.path, strings.NewReader(tt.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range tt.header {
		if k == "Content-Type" && v == "" {
			req.Header.Del(k)
			continue
		}
		v = strings.ReplaceAll(v, "OWN", lab.ts.URL)
		req.Header.Set(k, strings.ReplaceAll(v, "HOST", strings.TrimPrefix(lab.ts.URL, "http://")))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var e apiError
	json.Unmarshal(raw, &e)
	return res.StatusCode, e, string(raw)
}

// check sends the request in a subtest and checks the answer.
func (tt hostile) check(t *testing.T, lab *testLab) {
	t.Run(tt.name, func(t *testing.T) {
		code, e, raw := tt.send(t, lab)
		if code != tt.code || e.Kind != tt.kind || !strings.Contains(e.Error, tt.want) {
			if len(raw) > 300 {
				raw = raw[:300] + "..."
			}
			t.Errorf("got %d %s\n%s\nwant %d %s %q", code, e.Kind, raw, tt.code, tt.kind, tt.want)
		}
	})
}

// runBody is a run request for the baseline with JSON settings.
func runBody(settings string) string {
	return `{"scenario": "baseline", "settings": ` + settings + `}`
}

// uploadBody is an upload of TOML text under a file name.
func uploadBody(file, toml string) string {
	b, _ := json.Marshal(runRequest{File: file, TOML: toml})
	return string(b)
}

func hdr(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestHostileRequests sends the lab requests from other pages, malformed
// bodies, hostile settings and hostile scenario files, and checks that
// each gets the status and message it should, and that the requests the
// page itself makes, and those of scripts, still work.
func TestHostileRequests(t *testing.T) {
	lab := newLab(t, Options{})
	const foreign = "refused: this request was made by a page of "
	ok := runBody(`{"years": 1, "replications": 1}`)
	deepTOML := "x = " + strings.Repeat("{a=", 1000) + "1" + strings.Repeat("}", 1000) + "\n"
	manyEntries := "[run]\nyears = 2\n[sweep]\nx = [\n" + strings.Repeat("1,\n", 10001) + "]\n"
	deepJSON := func(n int) string {
		return runBody(`{"years": ` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
	}
	for _, tt := range []hostile{
		// Pages of other origins and sites.
		{"cross-origin text/plain run", "POST", "/api/runs", hdr("Origin", "http://evil.example", "Content-Type", "text/plain"), ok, 403, "origin", foreign + "http://evil.example; the lab takes runs and changes only from its own page, http://127.0.0.1:"},
		{"cross-origin JSON run", "POST", "/api/runs", hdr("Origin", "http://evil.example"), ok, 403, "origin", foreign + "http://evil.example"},
		{"cross-site fetch without Origin", "POST", "/api/runs", hdr("Sec-Fetch-Site", "cross-site"), ok, 403, "origin", "refused: this request was made by a page of another origin (Sec-Fetch-Site: cross-site); the lab takes runs and changes only from its own page, http://127.0.0.1:"},
		{"same-site page", "POST", "/api/runs", hdr("Sec-Fetch-Site", "same-site", "Origin", "http://other.localhost"), ok, 403, "origin", "(Sec-Fetch-Site: same-site)"},
		{"sandboxed page (Origin null)", "POST", "/api/runs", hdr("Origin", "null"), ok, 403, "origin", foreign + "null;"},
		{"same host, other port", "POST", "/api/inspect", hdr("Origin", "http://127.0.0.1:1"), ok, 403, "origin", foreign + "http://127.0.0.1:1;"},
		{"same host, other scheme", "POST", "/api/inspect", hdr("Origin", "https://HOST"), ok, 403, "origin", foreign + "https://127.0.0.1:"},
		{"same-origin claim, foreign Origin", "POST", "/api/runs", hdr("Sec-Fetch-Site", "same-origin", "Origin", "http://evil.example"), ok, 403, "origin", foreign + "http://evil.example"},
		{"cross-site cancel from a form", "POST", "/api/runs/" + strings.Repeat("0", 32) + "/cancel", hdr("Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example", "Content-Type", "application/x-www-form-urlencoded"), "", 403, "origin", "Sec-Fetch-Site: cross-site"},
		{"cross-origin preflight", "OPTIONS", "/api/runs", hdr("Origin", "http://evil.example", "Access-Control-Request-Method", "POST"), "", 403, "origin", foreign + "http://evil.example"},
		// Bodies the page never sends.
		{"same-origin text/plain", "POST", "/api/runs", hdr("Origin", "OWN", "Content-Type", "text/plain"), ok, 415, "upload", `send the request body as JSON, with Content-Type: application/json (got "text/plain")`},
		{"form encoding", "POST", "/api/inspect", hdr("Content-Type", "application/x-www-form-urlencoded"), "scenario=baseline", 415, "upload", `(got "application/x-www-form-urlencoded")`},
		{"multipart", "POST", "/api/inspect", hdr("Content-Type", "multipart/form-data; boundary=x"), "--x--", 415, "upload", `(got "multipart/form-data; boundary=x")`},
		{"no content type", "POST", "/api/inspect", hdr("Content-Type", ""), ok, 415, "upload", `(got "")`},
		{"bad JSON", "POST", "/api/runs", nil, "{not json", 400, "upload", "the request is not valid JSON (at byte 2): invalid character 'n' looking for beginning of object key string"},
		{"empty body", "POST", "/api/runs", nil, "", 400, "upload", "the request is empty: send a JSON object"},
		{"two objects", "POST", "/api/inspect", nil, ok + ok, 400, "upload", "the request goes on after its JSON object; send one object"},
		{"cut off", "POST", "/api/inspect", nil, `{"scenario": "baseline", "settings": {"years": 1`, 400, "upload", "the request ends in the middle of its JSON object"},
		{"unknown request field", "POST", "/api/runs", nil, `{"scenari": "baseline"}`, 400, "upload", `the request: unknown field "scenari"; the fields are scenario, file, toml, settings`},
		{"number for the file", "POST", "/api/inspect", nil, `{"toml": 5}`, 400, "upload", "the request: toml must be a string, got number"},
		{"JSON nested past the decoder's limit", "POST", "/api/runs", nil, deepJSON(20000), 400, "upload", "exceeded max depth"},
		{"body over the limit", "POST", "/api/runs", nil, uploadBody("big.toml", strings.Repeat("#", 1<<20)), 413, "upload", "the request is too large; this server accepts scenario files up to 64 KiB (schoolnet serve --max-upload)"},
		// Hostile settings.
		{"unknown settings field", "POST", "/api/runs", nil, runBody(`{"fundng_per_school": 1}`), 400, "settings", `settings: unknown field "fundng_per_school"; the fields are years, replications, seed, funding_per_school,`},
		{"settings as a scenario", "POST", "/api/runs", nil, runBody(`{"model": {"growth_per_year": 1e10}}`), 400, "settings", `settings: unknown field "model"`},
		{"funding 1e308", "POST", "/api/runs", nil, runBody(`{"funding_per_school": 1e308}`), 400, "settings", "funding per school must be between 0 and 1000000000, got 1e+308"},
		{"funding 1e400", "POST", "/api/runs", nil, runBody(`{"funding_per_school": 1e400}`), 400, "settings", "settings: funding_per_school must be a number, got number 1e400"},
		{"mentoring 1e308", "POST", "/api/runs", nil, runBody(`{"mentoring_intensity": 1e308}`), 400, "settings", "principal mentoring must be between 0 and 1, got 1e+308"},
		{"rotation -1e308", "POST", "/api/runs", nil, runBody(`{"rotation_share": -1e308}`), 400, "settings", "rotation share must be between 0 and 1, got -1e+308"},
		{"a billion replications", "POST", "/api/runs", nil, runBody(`{"replications": 1000000000}`), 400, "settings", "replications must be between 1 and 10000, got 1000000000"},
		{"more replications than the server runs", "POST", "/api/runs", nil, runBody(`{"replications": 50}`), 400, "limit", "50 replications asked; this server runs at most 10 (schoolnet serve --max-reps)"},
		{"years past int64", "POST", "/api/runs", nil, runBody(`{"years": 9223372036854775808}`), 400, "settings", "settings: years must be a whole number, got number 9223372036854775808"},
		{"negative seed", "POST", "/api/runs", nil, runBody(`{"seed": -2}`), 400, "settings", "the seed must be between 0 and 9007199254740991, got -2"},
		{"settings nested deep", "POST", "/api/runs", nil, deepJSON(5000), 400, "settings", "settings: years must be a whole number, got array"},
		// Hostile scenario files and names.
		{"inline tables 1000 deep", "POST", "/api/inspect", nil, uploadBody("up.toml", deepTOML), 400, "scenario", "up.toml:1: nested more than 16 levels deep"},
		{"dotted key 2000 parts", "POST", "/api/inspect", nil, uploadBody("up.toml", strings.Repeat("a.", 2000)+"b = 1\n"), 400, "scenario", "up.toml:1: nested more than 16 levels deep"},
		{"header 17 parts", "POST", "/api/runs", nil, uploadBody("up.toml", "[run]\nyears = 2\n["+strings.Repeat("a.", 16)+"a]\n"), 400, "scenario", "up.toml:3: nested more than 16 levels deep"},
		{"10001 entries", "POST", "/api/inspect", nil, uploadBody("up.toml", manyEntries), 400, "scenario", "up.toml:10001: more than 10000 keys, table headers and array elements"},
		{"a 5000-byte line", "POST", "/api/inspect", nil, uploadBody("up.toml", "description = \""+strings.Repeat("x", 5000)+"\"\n"), 400, "scenario", "up.toml:1: line is 5016 bytes long, more than the 4096 allowed"},
		{"file over the limit", "POST", "/api/inspect", nil, uploadBody("up.toml", strings.Repeat("#\n", 40<<10)), 413, "upload", "the scenario file is 80 KiB; this server accepts scenario files up to 64 KiB"},
		{"path in the file name", "POST", "/api/inspect", nil, uploadBody("../../etc/passwd.toml", "[run]\nyears = 0\n"), 400, "scenario", "passwd.toml:2: run.years: "},
		{"a 300-byte file name", "POST", "/api/inspect", nil, uploadBody(strings.Repeat("x", 300), "[run]\n"), 400, "upload", "the file name is 300 bytes long; at most 255"},
		{"path as a shipped name", "POST", "/api/runs", nil, `{"scenario": "../../go.mod"}`, 400, "scenario", "../../go.mod: not a shipped scenario"},
		{"extends a file on disk", "POST", "/api/inspect", nil, uploadBody("up.toml", "extends = \"/etc/passwd\"\n"), 400, "scenario", `up.toml:1: extends: cannot find "/etc/passwd" among the shipped scenarios`},
		{"brackets in strings are no nesting", "POST", "/api/inspect", nil, uploadBody("up.toml", "description = \""+strings.Repeat("[{", 100)+"\"\n[run]\nyears = 2\n"), 200, "", ""},
		// Requests the page and scripts make still work.
		{"the page's own request", "POST", "/api/inspect", hdr("Origin", "OWN", "Sec-Fetch-Site", "same-origin"), ok, 200, "", ""},
		{"a script (no Origin, no Sec-Fetch-Site)", "POST", "/api/inspect", nil, ok, 200, "", ""},
		{"typed by the user (Sec-Fetch-Site none)", "POST", "/api/inspect", hdr("Sec-Fetch-Site", "none"), ok, 200, "", ""},
		{"JSON with a charset", "POST", "/api/inspect", hdr("Content-Type", "application/json; charset=utf-8"), ok, 200, "", ""},
		{"the page's cancel beacon (no body)", "POST", "/api/runs/" + strings.Repeat("0", 32) + "/cancel", hdr("Origin", "OWN", "Sec-Fetch-Site", "same-origin", "Content-Type", ""), "", 404, "run", "no such run"},
		{"a cross-origin GET reads only the config", "GET", "/api/config", hdr("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"), "", 200, "", ""},
	} {
		tt.check(t, lab)
	}
	// Nothing was queued or run by any of them.
	var q queueStatus
	lab.get(t, "/api/queue", &q)
	if q.Running+q.Queued != 0 {
		t.Errorf("queue after the hostile requests: %+v, want empty", q)
	}
	lab.mu.Lock()
	defer lab.mu.Unlock()
	if n := len(lab.runs); n != 0 {
		t.Errorf("%d runs started, want none", n)
	}
}
