package main

import (
	"bufio"
	"context"
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

// TestServeLoopback starts the lab on a random loopback port, loads the
// page through the printed URL, and stops it as Ctrl-C would.
func TestServeLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, web.DefaultOptions(), pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
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
