package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// do sends a JSON body and returns the status, the error (if any) and
// the Retry-After header.
func do(t *testing.T, url, body string) (int, apiError, string) {
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, apiError{}, ""
	}
	defer res.Body.Close()
	var e apiError
	raw, _ := io.ReadAll(res.Body)
	json.Unmarshal(raw, &e)
	return res.StatusCode, e, res.Header.Get("Retry-After")
}

// TestParsingLimit hammers the inspect and run endpoints: while
// MaxParsing requests hold the parsing tokens, every other request is
// refused with 503, a message and Retry-After, rather than queued; no
// more than MaxParsing ever parse at once; and once the tokens are free,
// requests are served again.
func TestParsingLimit(t *testing.T) {
	const limit, n = 2, 24
	lab := newLab(t, Options{MaxParsing: limit, Grace: time.Minute})
	lab.busyWait = 20 * time.Millisecond
	var hold atomic.Bool
	var in, peak atomic.Int32
	release := make(chan struct{})
	lab.holding = func() {
		k := in.Add(1)
		for p := peak.Load(); k > p && !peak.CompareAndSwap(p, k); p = peak.Load() {
		}
		if hold.Load() {
			<-release
		}
		in.Add(-1)
	}
	inspect := uploadBody("tiny.toml", tinyScenario)
	submit := uploadBody("tiny.toml", tinyScenario)
	type answer struct {
		code  int
		e     apiError
		retry string
	}
	wave := func(hammer int) chan answer {
		out := make(chan answer, hammer)
		for k := range hammer {
			go func() {
				path, body := "/api/inspect", inspect
				if k%4 == 3 {
					path, body = "/api/runs", submit
				}
				code, e, retry := do(t, lab.ts.URL+path, body)
				out <- answer{code, e, retry}
			}()
		}
		return out
	}

	// Wave 1: the first two hold their tokens until every other request
	// has been refused.
	hold.Store(true)
	answers := wave(n)
	for range n - limit {
		a := <-answers
		want := fmt.Sprintf("the server is busy reading %d other scenarios, the most it reads at once (schoolnet serve --max-parsing); try again in a moment", limit)
		if a.code != http.StatusServiceUnavailable || a.e.Kind != "busy" || a.e.Error != want || a.retry != "1" {
			t.Errorf("while the tokens are held: %d %+v (Retry-After %q), want 503 busy %q", a.code, a.e, a.retry, want)
		}
	}
	hold.Store(false)
	close(release)
	for range limit {
		if a := <-answers; a.code != http.StatusOK && a.code != http.StatusAccepted {
			t.Errorf("a request holding a token: %d %+v", a.code, a.e)
		}
	}

	// Wave 2: a burst, each request served or refused as busy, never
	// more than the limit at once.
	answers = wave(64)
	served := 0
	for range 64 {
		switch a := <-answers; {
		case a.code == http.StatusOK || a.code == http.StatusAccepted:
			served++
		case a.code == http.StatusServiceUnavailable && a.e.Kind == "busy":
		case a.code == http.StatusServiceUnavailable && a.e.Kind == "queue":
		default:
			t.Errorf("in a burst: %d %+v", a.code, a.e)
		}
	}
	if served == 0 {
		t.Error("no request of the burst was served")
	}
	if p := peak.Load(); p != limit {
		t.Errorf("%d requests parsed at once, want at most (and, held, exactly) %d", p, limit)
	}
}

// TestSlowBodyTimesOut checks that a client trickling its body
// (slowloris) gets 408 at the body timeout, and that a request behind it
// is served.
func TestSlowBodyTimesOut(t *testing.T) {
	lab := newLab(t, Options{MaxParsing: 1})
	lab.bodyTimeout = 300 * time.Millisecond
	lab.busyWait = 10 * time.Second
	conn, err := net.Dial("tcp", strings.TrimPrefix(lab.ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/inspect HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"toml\": \"", strings.TrimPrefix(lab.ts.URL, "http://"))
	// While it trickles, a second request waits for the one token.
	var wg sync.WaitGroup
	var code int
	var e apiError
	wg.Go(func() {
		time.Sleep(50 * time.Millisecond)
		code, e, _ = do(t, lab.ts.URL+"/api/inspect", uploadBody("tiny.toml", tinyScenario))
	})
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	var slow apiError
	json.NewDecoder(res.Body).Decode(&slow)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestTimeout || slow.Error != "the request took more than 300ms to arrive; send it again" {
		t.Errorf("slow body: %d %+v, want 408", res.StatusCode, slow)
	}
	wg.Wait()
	if code != http.StatusOK {
		t.Errorf("the request after the slow one: %d %+v, want 200", code, e)
	}
}

// TestSlowBodyHoldsNoToken checks that a client trickling its body holds
// no parsing token while it does (an audit kept a class from starting
// runs with four such connections): a request behind it is served at
// once; and that one address sends at most uploadsPerAddress bodies at a
// time.
func TestSlowBodyHoldsNoToken(t *testing.T) {
	lab := newLab(t, Options{MaxParsing: 1})
	lab.bodyTimeout = 10 * time.Second
	lab.busyWait = 300 * time.Millisecond
	host := strings.TrimPrefix(lab.ts.URL, "http://")
	trickle := func() net.Conn {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		fmt.Fprintf(conn, "POST /api/inspect HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"toml\": \"", host)
		return conn
	}
	first := trickle()
	time.Sleep(100 * time.Millisecond) // the server is reading its body
	if code, e, _ := do(t, lab.ts.URL+"/api/inspect", uploadBody("tiny.toml", tinyScenario)); code != http.StatusOK {
		t.Errorf("a request while another trickles its body: %d %+v, want 200", code, e)
	}
	for range uploadsPerAddress - 1 {
		trickle()
	}
	time.Sleep(100 * time.Millisecond)
	if code, e, _ := do(t, lab.ts.URL+"/api/inspect", uploadBody("tiny.toml", tinyScenario)); code != http.StatusTooManyRequests {
		t.Errorf("body %d from one address: %d %+v, want 429", uploadsPerAddress+1, code, e)
	}
	first.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, e, _ := do(t, lab.ts.URL+"/api/inspect", uploadBody("tiny.toml", tinyScenario))
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after one trickling client left: %d %+v, want 200", code, e)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunsPerOtherMachine checks that another machine has at most
// runsPerAddress runs waiting or running outside a class, so that one
// cannot fill the queue (an audit saw one anonymous user keep it full),
// while this machine is not bounded so.
func TestRunsPerOtherMachine(t *testing.T) {
	lab := newLab(t, Options{MaxRunning: 1, MaxQueued: 16, Grace: time.Minute})
	lab.gate = make(chan struct{})
	defer close(lab.gate)
	submit := func(from string) int {
		js, _ := json.Marshal(upload(tinyScenario, Settings{}))
		req := httptest.NewRequest("POST", "/api/runs", bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = from
		rec := httptest.NewRecorder()
		lab.Server.ServeHTTP(rec, req)
		return rec.Code
	}
	for k := range runsPerAddress {
		if code := submit("192.0.2.7:4000"); code != http.StatusAccepted {
			t.Fatalf("run %d from another machine: %d, want 202", k+1, code)
		}
	}
	if code := submit("192.0.2.7:4001"); code != http.StatusTooManyRequests {
		t.Errorf("run %d from one other machine: %d, want 429", runsPerAddress+1, code)
	}
	if code := submit("192.0.2.8:4000"); code != http.StatusAccepted {
		t.Errorf("a run from a third machine: %d, want 202", code)
	}
	// An IPv6 /64 is one machine, as for uploads: its addresses share
	// the bound.
	for k := range runsPerAddress {
		if code := submit(fmt.Sprintf("[2001:db8:1:2::%d]:4000", k+1)); code != http.StatusAccepted {
			t.Fatalf("run %d from a /64: %d, want 202", k+1, code)
		}
	}
	if code := submit("[2001:db8:1:2::99]:4000"); code != http.StatusTooManyRequests {
		t.Errorf("run %d from one /64, another address in it: %d, want 429", runsPerAddress+1, code)
	}
	for k := range runsPerAddress + 1 {
		if code := submit("127.0.0.1:5000"); code != http.StatusAccepted {
			t.Errorf("run %d from this machine: %d, want 202", k+1, code)
		}
	}
}

// TestUploaderKeys: uploads are counted by IPv4 address, and by /64
// network for IPv6, where one machine may hold many addresses.
func TestUploaderKeys(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2::9":      "2001:db8:1:2::/64",
		"::1":                  "::/64",
		"not an address":       "not an address",
	} {
		if got := uploader(in); got != want {
			t.Errorf("uploader(%q) = %q, want %q", in, got, want)
		}
	}
}
