package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"schoolnet/cmd/schoolnet/internal/web"
)

func TestServeFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"--max-reps", "0"}, exitUsage, "--max-reps must be at least 1"},
		{[]string{"--max-parsing", "0"}, exitUsage, "--max-parsing must be at least 1"},
		{[]string{"--max-upload", "lots"}, exitUsage, "--max-upload"},
		{[]string{"--max-upload", "9999999999999M"}, exitUsage, "--max-upload"}, // overflowed to the default once
		{[]string{"--max-upload", "2MiB"}, exitUsage, "the largest scenario file"},
		{[]string{"--world-cache", "9999999999999M"}, exitUsage, "--world-cache"},
		{[]string{"--addr", "256.0.0.1:99999"}, exitUsage, "schoolnet serve:"},
		{[]string{"extra"}, exitUsage, "takes no arguments"},
		{[]string{"--help"}, exitOK, ""},
	} {
		code, _, stderr := run(t, append([]string{"serve"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.err) {
			t.Errorf("serve %v: exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.err)
		}
	}
	for in, want := range map[string]int64{"65536": 65536, "64KiB": 64 << 10, "1MiB": 1 << 20, "2K": 2048} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// startServe runs serve on ln and returns its printed lines; stop stops
// it as Ctrl-C would and checks that it stops cleanly.
func startServe(t *testing.T, ln net.Listener) (lines *bufio.Scanner, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, web.DefaultOptions(), pw)
		pw.Close()
	}()
	return bufio.NewScanner(pr), func() {
		t.Helper()
		cancel()
		go io.Copy(io.Discard, pr)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
}

// TestServeLoopback starts the lab on a random loopback port, loads the
// page through the printed URL, and stops it as Ctrl-C would.
func TestServeLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lines, stop := startServe(t, ln)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	first := lines.Text()
	i := strings.Index(first, "http://127.0.0.1:")
	if i < 0 {
		t.Fatalf("first line %q does not give the loopback URL", first)
	}
	url := strings.Fields(first[i:])[0]
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %d", url, res.StatusCode)
	}
	// Only requests addressed to localhost are answered.
	req, _ := http.NewRequest("GET", url+"api/config", nil)
	req.Host = "attacker.example"
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host: %d, want 421", res.StatusCode)
	}
	// A page of another origin cannot drive it.
	req, _ = http.NewRequest("POST", url+"api/runs", strings.NewReader(`{"scenario": "baseline"}`))
	req.Header.Set("Origin", "http://attacker.example")
	req.Header.Set("Content-Type", "text/plain")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d, want 403", res.StatusCode)
	}
	stop()
}

// TestServeBeyondLoopback starts the lab on every address, as class mode
// does: it prints the students' address and the teacher's link, answers
// at this machine's addresses, and refuses a request addressed to
// another name (DNS rebinding).
func TestServeBeyondLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skipf("cannot listen on every address here: %v", err)
	}
	lines, stop := startServe(t, ln)
	var out []string
	for len(out) < 4 && lines.Scan() {
		out = append(out, lines.Text())
	}
	text := strings.Join(out, "\n")
	i := strings.Index(text, "#teacher=")
	if i < 0 || !strings.Contains(text, "students open: http://") || !strings.Contains(text, "not only this machine") {
		t.Fatalf("serve printed:\n%s\nwant the students' address and the teacher's link", text)
	}
	token := strings.Fields(text[i+len("#teacher="):])[0]
	port := ln.Addr().(*net.TCPAddr).Port
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	get := func(host, path, tok string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Host = host
		if tok != "" {
			req.Header.Set("X-Class-Token", tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(fmt.Sprintf("localhost:%d", port), "/api/config", ""); code != http.StatusOK {
		t.Errorf("localhost: %d", code)
	}
	if code := get(fmt.Sprintf("rebind.attacker.example:%d", port), "/api/config", ""); code != http.StatusMisdirectedRequest {
		t.Errorf("a foreign name: %d, want 421", code)
	}
	// Class mode is on, and the printed token is the teacher's: no
	// session yet.
	if code := get(fmt.Sprintf("localhost:%d", port), "/api/class", token); code != http.StatusNotFound {
		t.Errorf("GET /api/class as the teacher: %d, want 404 (no session yet)", code)
	}
	if code := get(fmt.Sprintf("localhost:%d", port), "/api/class", "0123"); code != http.StatusForbidden {
		t.Errorf("GET /api/class with a made-up token: %d, want 403", code)
	}
	stop()
}
