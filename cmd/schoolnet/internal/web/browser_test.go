package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package (which .ci/run
// installs) puts the browser.
const chromiumPath = "/usr/bin/chromium"

// labScenario is the small school system the browser test uploads: 36
// schools with a pairing programme, so that a run takes about a second and
// the network view has edges.
const labScenario = `# a small system for the teaching-lab browser test
name = "lab-demo"
description = "36 schools in 3 districts with a pairing programme"

[run]
seed = 11
years = 5
weeks_per_year = 20
spin_up_years = 2
replications = 4

[population]
districts = 3
schools_per_district = 12
class_size = 25
staff_history_years = 5

[[policy]]
kind = "pairing"
name = "pairs"
start = 1
end = 3
[policy.select]
rule = "voluntary"
tier = "weak"
share = 0.75
`

// TestBrowserTeachingLab drives the page in headless Chromium: it uploads
// a small scenario, runs it, waits for the charts, pins the run, runs a
// second setting (funding added), checks that the comparison table shows
// both runs and their paired difference, checks the network view, and
// takes a screenshot that must not be blank. UPDATE_SCREENSHOT=1 writes it
// to docs/img/teaching-lab.png for the README.
func TestBrowserTeachingLab(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing, but .ci/run installs it (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("%s not found: install Debian's chromium package (apt-get install chromium) to run the browser test", chromiumPath)
	}
	lab := New(Options{Grace: 5 * time.Second})
	ts := httptest.NewServer(LoopbackHosts(lab))
	defer func() {
		ts.Close()
		lab.Close()
	}()
	file := filepath.Join(t.TempDir(), "lab-demo.toml")
	if err := os.WriteFile(file, []byte(labScenario), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	step("load the page",
		chromedp.Navigate(ts.URL),
		chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`)),
	)
	// A broken file shows the validator's message on the page.
	broken := filepath.Join(t.TempDir(), "broken.toml")
	if err := os.WriteFile(broken, []byte("[run]\nyaers = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step("upload a broken scenario", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{broken}))
	waitFor(t, bctx, `!document.getElementById('message').hidden`, "the validator's message")
	if got, want := text(`#message`), "broken.toml:2: run.yaers: unknown key (did you mean run.years?)"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	step("upload the scenario",
		chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{file}),
	)
	waitFor(t, bctx, `document.getElementById('scenario-desc').textContent.startsWith('Uploaded lab-demo.toml')`, "the uploaded scenario's description")
	if got := text(`#scenario-facts`); !strings.Contains(got, "36 schools") || !strings.Contains(got, "pairs (pairing)") {
		t.Errorf("scenario facts = %q, want 36 schools and the pairing policy", got)
	}

	// First run: the scenario as uploaded (pairing, no funding).
	step("first run",
		chromedp.SetValue(chromedp.CSS(`#funding`), "0"),
		chromedp.Click(chromedp.CSS(`#run`)),
		chromedp.WaitVisible(chromedp.CSS(`#chart-0 path.mean.current`)),
		chromedp.WaitEnabled(chromedp.CSS(`#pin`)),
	)
	if got := text(`#status`); !strings.HasPrefix(got, "Done") {
		t.Fatalf("status after the first run = %q, want Done", got)
	}
	points := count(t, bctx, `#chart-0 circle.dot.current`)
	if points != 6 {
		t.Errorf("first chart has %d points, want 6 (years 0 to 5)", points)
	}
	step("pin it", chromedp.Click(chromedp.CSS(`#pin`)))

	// Second run: the same with 1M RMB per paired school.
	step("second run",
		chromedp.SetValue(chromedp.CSS(`#funding`), "1000000"),
		chromedp.Click(chromedp.CSS(`#run`)),
		chromedp.WaitVisible(chromedp.CSS(`#compare-table tbody tr`)),
	)
	if got := text(`#col-a`); got != "pinned: lab-demo" {
		t.Errorf("pinned column = %q", got)
	}
	if got := text(`#col-b`); got != "this run: lab-demo" {
		t.Errorf("current column = %q", got)
	}
	if n := count(t, bctx, `#compare-table tbody tr`); n < 9 {
		t.Errorf("comparison table has %d rows, want every headline outcome (9)", n)
	}
	cost, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#compare-table tbody tr')].find(r => r.cells[0].textContent === 'cost money').cells.length ?
		 [...[...document.querySelectorAll('#compare-table tbody tr')].find(r => r.cells[0].textContent === 'cost money').cells].map(c => c.textContent) : []`))
	if err != nil {
		t.Fatal(err)
	}
	// The pinned run spent nothing; this one 1M RMB per selected school.
	if len(cost) != 6 || cost[2] != "0" || cost[3] == "0" || !strings.HasPrefix(cost[4], "+") {
		t.Errorf("cost money row = %q, want pinned 0, this run > 0, a positive difference", cost)
	}
	if got := text(`#compare-note`); !strings.Contains(got, "funding per school 0 → 1,000,000") {
		t.Errorf("comparison note = %q, want it to name the changed control", got)
	}
	if n := count(t, bctx, `#chart-0 path.mean.pinned`); n != 1 {
		t.Errorf("%d pinned lines in the first chart, want 1", n)
	}

	// The network view: 36 schools, pairs as edges, a year slider.
	step("network", chromedp.WaitVisible(chromedp.CSS(`#net circle.school`)))
	if n := count(t, bctx, `#net circle.school`); n != 36 {
		t.Errorf("network has %d schools, want 36", n)
	}
	waitFor(t, bctx, `(() => { const s = document.getElementById('net-year'); s.value = 2; s.dispatchEvent(new Event('input')); return true })()`, "year 2 on the network slider")
	if n := count(t, bctx, `#net line.e-pair`); n == 0 {
		t.Error("no pair edges in year 2, while the pairing programme runs")
	}
	if got := text(`#download-links`); !strings.Contains(got, "yearly.csv") || !strings.Contains(got, "results.zip") {
		t.Errorf("download links = %q", got)
	}

	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	colours, ink := inkStats(img)
	if colours < 64 || ink < 0.05 {
		t.Errorf("screenshot looks blank: %d colours, %.1f%% of pixels not near white", colours, 100*ink)
	}
	t.Logf("screenshot %dx%d: %d colours, %.0f%% ink", img.Bounds().Dx(), img.Bounds().Dy(), colours, 100*ink)
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		out := filepath.Join("..", "..", "..", "..", "docs", "img", "teaching-lab.png")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, ctx context.Context, cond, what string) {
	t.Helper()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// count returns the number of elements a CSS selector matches.
func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// inkStats returns the number of distinct colours of img and the share of
// its pixels that are not near white.
func inkStats(img image.Image) (colours int, ink float64) {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	var dark int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r>>8 < 235 || g>>8 < 235 || bl>>8 < 235 {
				dark++
			}
		}
	}
	return len(seen), float64(dark) / float64(b.Dx()*b.Dy())
}
