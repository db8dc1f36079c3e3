package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"schoolnet/cmd/schoolnet/internal/web"
	"schoolnet/scenarios"
)

const serveSynopsis = `Usage: schoolnet serve [flags]

Serves the teaching lab: a page to choose a shipped scenario or upload a
TOML file, move the main policy controls, run, watch the yearly charts
fill in with 95% bands, pin a run and compare it with the next (paired
differences), see the school network by year, and download the result
files. Everything the page needs is inside this binary.

It listens on 127.0.0.1 (this machine only) unless --addr says otherwise,
and prints the address to open.

Class mode: with --addr beyond this machine (0.0.0.0:8080, or a LAN
address), students' devices on the local network can reach the lab. The
server then prints a teacher's link (keep it to yourself: it holds the
teacher token); on that page the teacher starts a class session, the
students join with its short code, and the teacher's board shows every
student's result, effect against cost. The lab answers only at the
addresses it listens on (and --host names). --class turns class mode on
for a lab on this machine only, to try it. Each run is checked against the limits
below; at most --max-running runs simulate at once and the rest queue.
A run whose page is closed is cancelled. Requests that would start or
stop a run are refused unless they come from the lab's own page (or
from a script, which sends no Origin). See docs/TEACHING.md.`

func cmdServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", serveSynopsis, stdout, stderr)
	def := web.DefaultOptions()
	o := def
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; a host other than loopback lets other machines in")
	fs.IntVar(&o.MaxSchools, "max-schools", def.MaxSchools, "most schools in one run")
	fs.IntVar(&o.MaxStudents, "max-students", def.MaxStudents, "most students (planned enrolment) in one run")
	fs.IntVar(&o.MaxReps, "max-reps", def.MaxReps, "most replications in one run")
	fs.IntVar(&o.MaxYears, "max-years", def.MaxYears, "most simulated years (and spin-up years) in one run")
	fs.IntVar(&o.MaxSteps, "max-steps", def.MaxSteps, "most student-weeks in one run: students × replications × (years + spin-up years) × weeks a year")
	fs.IntVar(&o.MaxRunning, "max-running", def.MaxRunning, "runs simulated at once; later ones queue")
	fs.IntVar(&o.MaxQueued, "max-queued", def.MaxQueued, "most runs waiting in the queue")
	upload := fs.String("max-upload", kibString(def.MaxUpload), "largest scenario file accepted (bytes, or with KiB or MiB)")
	fs.IntVar(&o.MaxParsing, "max-parsing", def.MaxParsing, "requests reading a scenario (uploads, checks, run requests) at once; more are refused as busy")
	fs.IntVar(&o.Keep, "keep", def.Keep, "finished runs kept in memory for downloads and comparisons")
	fs.IntVar(&o.Workers, "workers", def.Workers, "goroutines shared by the running simulations")
	fs.DurationVar(&o.Grace, "grace", def.Grace, "how long a run waits for its closed page to come back before it is cancelled")
	fs.BoolVar(&o.Class, "class", false, "class mode on this machine too (it is on whenever --addr reaches beyond it)")
	fs.IntVar(&o.ClassSize, "class-size", def.ClassSize, "most students in a class session")
	hosts := fs.String("host", "", "more host names the lab answers to beyond loopback, comma-separated (a DNS or .local name students type)")
	cache := fs.String("world-cache", kibString(def.WorldCache), "memory for spun-up worlds that reforms start from (bytes, or with KiB or MiB; 0 keeps none)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "schoolnet serve: takes no arguments, got %v\n", pos)
		return exitUsage
	}
	if strings.TrimSpace(*cache) == "0" {
		o.WorldCache = -1
	} else if o.WorldCache, err = parseSize(*cache); err != nil {
		fmt.Fprintln(stderr, "schoolnet serve: --world-cache:", err)
		return exitUsage
	}
	if o.MaxUpload, err = parseSize(*upload); err == nil && o.MaxUpload > scenarios.MaxFileBytes {
		err = fmt.Errorf("at most %s, the largest scenario file schoolnet reads; got %s", kibString(scenarios.MaxFileBytes), *upload)
	}
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet serve: --max-upload:", err)
		return exitUsage
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"max-schools", o.MaxSchools}, {"max-students", o.MaxStudents}, {"max-reps", o.MaxReps}, {"max-years", o.MaxYears}, {"max-steps", o.MaxSteps},
		{"max-running", o.MaxRunning}, {"max-queued", o.MaxQueued}, {"max-parsing", o.MaxParsing}, {"keep", o.Keep}, {"workers", o.Workers},
		{"class-size", o.ClassSize}} {
		if f.v < 1 {
			fmt.Fprintf(stderr, "schoolnet serve: --%s must be at least 1, got %d\n", f.name, f.v)
			return exitUsage
		}
	}
	if o.Grace <= 0 {
		fmt.Fprintf(stderr, "schoolnet serve: --grace must be positive, got %s\n", o.Grace)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet serve:", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *hosts != "" {
		o.Hosts = strings.Split(*hosts, ",")
	}
	if err := serve(ctx, ln, o, stdout); err != nil {
		fmt.Fprintln(stderr, "schoolnet serve:", err)
		return exitFailure
	}
	return exitOK
}

// serve runs the lab on ln until ctx is done, then cancels the runs and
// shuts the server down. Beyond loopback it turns class mode on, answers
// only at the addresses it listens on (and o.Hosts), and prints the
// students' addresses and the teacher's link.
func serve(ctx context.Context, ln net.Listener, o web.Options, stdout io.Writer) error {
	tcp := ln.Addr().(*net.TCPAddr)
	port := strconv.Itoa(tcp.Port)
	local := tcp.IP.IsLoopback()
	// Where the teacher opens the lab: the address it listens on, or
	// localhost for every address.
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	var allowed []string
	if !local {
		o.Class = true
		allowed = listenAddrs(tcp.IP)
		if tcp.IP.IsUnspecified() {
			if name, err := os.Hostname(); err == nil && name != "" {
				allowed = append(allowed, name, name+".local")
			}
		}
		for _, a := range allowed {
			if ip := net.ParseIP(a); ip != nil && !ip.IsLoopback() && ip.To4() != nil {
				o.JoinURLs = append(o.JoinURLs, "http://"+net.JoinHostPort(a, port)+"/")
			}
		}
		for _, n := range o.Hosts {
			if n = strings.TrimSpace(n); n != "" {
				allowed = append(allowed, n)
				o.JoinURLs = append(o.JoinURLs, "http://"+net.JoinHostPort(n, port)+"/")
			}
		}
	}
	lab := web.New(o)
	// The page opens on the baseline: spin its worlds up now, so that
	// its first run, and every reform of it, starts at year 0.
	lab.Warm(web.DefaultScenario)
	h := web.AllowHosts(lab, local || tcp.IP.IsUnspecified(), allowed)
	url := "http://" + net.JoinHostPort(host, port) + "/"
	fmt.Fprintf(stdout, "schoolnet teaching lab: open %s (Ctrl-C to stop)\n", url)
	if !local {
		fmt.Fprintf(stdout, "note: listening on %s, not only this machine: anyone who can reach it can run simulations here\n", ln.Addr())
		fmt.Fprintf(stdout, "students open: %s\n", strings.Join(o.JoinURLs, " or "))
	}
	if o.Class {
		fmt.Fprintf(stdout, "teacher's page (keep this link to yourself, do not project it): %s#teacher=%s\n", url, lab.TeacherToken())
	}
	// Idle keep-alive connections close after a minute, so that a page
	// (or a script) cannot hold hundreds open; event streams are requests
	// under way, not idle.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		lab.Close()
		return err
	case <-ctx.Done():
	}
	// Cancelling the runs ends their event streams, so that Shutdown is
	// not left waiting for them.
	lab.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	fmt.Fprintln(stdout, "schoolnet serve: stopped")
	return err
}

// parseSize reads a byte count: a number, optionally followed by KiB or
// MiB (or K, M).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"K", 1 << 10}, {"M", 1 << 20}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("want a positive size such as 65536 or 64KiB, below 8 EiB, got %q", s)
	}
	return n * mult, nil
}

func kibString(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + "MiB"
	}
	if n%(1<<10) == 0 {
		return strconv.FormatInt(n>>10, 10) + "KiB"
	}
	return strconv.FormatInt(n, 10)
}

// listenAddrs returns the addresses a listener on ip answers at: ip
// itself, or for an unspecified address (0.0.0.0, ::) every address of
// this machine's interfaces.
func listenAddrs(ip net.IP) []string {
	if !ip.IsUnspecified() {
		return []string{ip.String()}
	}
	var out []string
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLinkLocalUnicast() {
			out = append(out, n.IP.String())
		}
	}
	return out
}
