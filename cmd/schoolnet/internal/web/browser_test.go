package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPath is where Debian's chromium package (which .ci/run
// installs) puts the browser.
const chromiumPath = "/usr/bin/chromium"

// labScenario is the small school system the browser tests upload: 36
// schools with a pairing programme in years 1 to 3, so that a run takes
// about a second and the network view has edges.
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

// browser drives one Chromium tab.
type browser struct {
	t   *testing.T
	ctx context.Context
}

// needChromium skips the test without Chromium, except in CI.
func needChromium(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing, but .ci/run installs it (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("%s not found: install Debian's chromium package (apt-get install chromium) to run the browser test", chromiumPath)
	}
}

// newBrowser starts headless Chromium with a window of w×h pixels.
func newBrowser(t *testing.T, w, h int) *browser {
	t.Helper()
	needChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(w, h),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	b := &browser{t, bctx}
	b.do("start the browser", chromedp.Func(func(context.Context, *chromedp.Target) error { return nil }))
	return b
}

// tab opens another tab with its own storage (a new browser context),
// as another person's device would be.
func (b *browser) tab() *browser {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	nb := &browser{b.t, ctx}
	nb.do("open a tab", chromedp.Func(func(context.Context, *chromedp.Target) error { return nil }))
	return nb
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load opens url and waits for the page to be ready.
func (b *browser) load(url string) {
	b.t.Helper()
	b.do("load "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`)))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates JavaScript, awaiting a promise.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %.80s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds.
func (b *browser) waitFor(cond, what string) {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err != nil {
			b.t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// count returns the number of elements a CSS selector matches.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return eval[int](b, `document.querySelectorAll(`+strconv.Quote(sel)+`).length`)
}

// setInput types a value into a field as a user would (the input event
// fires).
func (b *browser) setInput(sel, v string) {
	b.t.Helper()
	js, _ := json.Marshal(v)
	eval[bool](b, `(e => { e.value = `+string(js)+`; return e.dispatchEvent(new Event('input', {bubbles: true})) })(document.querySelector(`+strconv.Quote(sel)+`))`)
}

// screenshot takes the whole page (or with screen only what is on the
// screen), checks it is not blank, and writes it to docs/img/name when
// UPDATE_SCREENSHOT=1.
func (b *browser) screenshot(name string, screen ...bool) {
	b.t.Helper()
	take := chromedp.FullScreenshot(100)
	if len(screen) > 0 && screen[0] {
		take = chromedp.CaptureScreenshot()
	}
	shot, err := chromedp.Run(b.ctx, take)
	if err != nil {
		b.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		b.t.Fatalf("screenshot is not a PNG: %v", err)
	}
	colours, ink := inkStats(img)
	if colours < 64 || ink < 0.05 {
		b.t.Errorf("%s looks blank: %d colours, %.1f%% of pixels not near white", name, colours, 100*ink)
	}
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		out := filepath.Join("..", "..", "..", "..", "docs", "img", name)
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// files writes the lab scenario and a broken one to a temporary folder.
func labFiles(t *testing.T) (good, broken string) {
	t.Helper()
	dir := t.TempDir()
	good, broken = filepath.Join(dir, "lab-demo.toml"), filepath.Join(dir, "broken.toml")
	if err := os.WriteFile(good, []byte(labScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, []byte("[run]\nyaers = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return good, broken
}

// browserLab serves a lab for a browser test.
func browserLab(t *testing.T, opt Options) (*Server, *httptest.Server) {
	t.Helper()
	if opt.Grace == 0 {
		opt.Grace = 5 * time.Second
	}
	lab := New(opt)
	ts := httptest.NewServer(LoopbackHosts(lab))
	t.Cleanup(func() {
		ts.Close()
		lab.Close()
	})
	return lab, ts
}

// runAndWait presses Run and waits for the run to finish; a message
// instead (the run was refused) fails the test.
func (b *browser) runAndWait(what string) {
	b.t.Helper()
	before := eval[string](b, `lab.current ? lab.current.id : ''`)
	b.do(what, chromedp.Click(chromedp.CSS(`#run`)))
	b.waitFor(`(lab.current && lab.current.id !== `+strconv.Quote(before)+` && lab.current.status && ['done', 'failed', 'cancelled'].includes(lab.current.status.state)) || !document.getElementById('message').hidden`, what)
	if msg := b.text(`#message`); msg != "" {
		b.t.Fatalf("%s: %s", what, msg)
	}
	b.waitFor(`document.getElementById('status').textContent.startsWith('Done') || lab.current.status.state !== 'done'`, what+": its status")
	if st := b.text(`#status`); !strings.HasPrefix(st, "Done") {
		b.t.Fatalf("%s: status %q, want Done", what, st)
	}
}

// TestBrowserTeachingLab drives the page as a teacher would: the About
// panel and the docs, the keys toggle, a broken and a good upload,
// invalid fields flagged (nothing runs), a run with its charts (axis
// titles, shaded reform years, steady and zoomed axes, tables), a pinned
// run and a reform compared with it (verdicts in words, the money as a
// cost, runs named by what changed), the network view (opening at the
// last policy year, a school chosen by keyboard and by tap, its text
// summary), the downloads, and a reload that keeps the pinned run. It
// writes docs/img/teaching-lab.png with UPDATE_SCREENSHOT=1.
func TestBrowserTeachingLab(t *testing.T) {
	lab, ts := browserLab(t, Options{})
	good, broken := labFiles(t)
	b := newBrowser(t, 1360, 900)
	b.load(ts.URL)

	// The icon, the About panel and the docs it links to.
	if code := eval[int](b, `fetch('/favicon.ico').then(r => r.status)`); code != 200 {
		t.Errorf("GET /favicon.ico: %d", code)
	}
	b.do("open About", chromedp.Click(chromedp.CSS(`#about-open`)))
	about := b.text(`#about`)
	for _, want := range []string{"0.1 SD", "shaded band", "Things to try", "cannot tell you", "Pairing", "Curriculum alliance"} {
		if !strings.Contains(about, want) {
			t.Errorf("About panel lacks %q", want)
		}
	}
	for _, doc := range []string{"docs/model.html", "docs/teaching.html"} {
		if code := eval[int](b, `fetch('`+doc+`').then(r => r.status)`); code != 200 {
			t.Errorf("GET %s: %d", doc, code)
		}
	}
	b.do("close About", chromedp.Click(chromedp.CSS(`#about-close`)))
	// Scenario keys only on demand.
	if n := eval[int](b, `[...document.querySelectorAll('code.key')].filter(e => e.offsetParent).length`); n != 0 {
		t.Errorf("%d scenario keys visible before 'Show scenario keys'", n)
	}
	b.do("show keys", chromedp.Click(chromedp.CSS(`#show-keys`)))
	if n := eval[int](b, `[...document.querySelectorAll('code.key')].filter(e => e.offsetParent).length`); n < 5 {
		t.Errorf("%d scenario keys visible with 'Show scenario keys'", n)
	}
	b.do("hide keys", chromedp.Click(chromedp.CSS(`#show-keys`)))

	// Uploads: a broken file shows the validator's message.
	b.do("upload a broken scenario", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{broken}))
	b.waitFor(`!document.getElementById('message').hidden`, "the validator's message")
	if got, want := b.text(`#message`), "broken.toml:2: run.yaers: unknown key (did you mean run.years?)"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	b.do("upload the scenario", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{good}))
	b.waitFor(`document.getElementById('scenario-desc').textContent.startsWith('Uploaded lab-demo.toml')`, "the uploaded scenario's description")
	if got := b.text(`#scenario-facts`); !strings.Contains(got, "36 schools") || !strings.Contains(got, "pairs (pairing)") {
		t.Errorf("scenario facts = %q, want 36 schools and the pairing policy", got)
	}

	// Invalid fields are flagged and nothing runs.
	for _, tt := range []struct{ field, value, want string }{
		{"#seed", "1e30", "“1e30” is not a whole number"},
		{"#seed", "9007199254740992", "out of range"},
		{"#years", "", "enter a whole number"},
		{"#reps", "2.5", "not a whole number"},
		{"#funding-exact", "-5", "not a whole number"},
	} {
		keep := eval[string](b, `document.querySelector('`+tt.field+`').value`)
		b.setInput(tt.field, tt.value)
		b.do("press Run", chromedp.Click(chromedp.CSS(`#run`)))
		if got := b.text(tt.field + `-err`); !strings.Contains(got, tt.want) {
			t.Errorf("%s = %q: field error %q, want %q", tt.field, tt.value, got, tt.want)
		}
		if inv := eval[string](b, `document.querySelector('`+tt.field+`').getAttribute('aria-invalid')`); inv != "true" {
			t.Errorf("%s = %q: aria-invalid %q", tt.field, tt.value, inv)
		}
		if got := b.text(`#message`); !strings.HasPrefix(got, "Nothing was run.") {
			t.Errorf("%s = %q: message %q", tt.field, tt.value, got)
		}
		b.setInput(tt.field, keep)
	}
	lab.mu.Lock()
	started := len(lab.runs)
	lab.mu.Unlock()
	if started != 0 {
		t.Fatalf("%d runs started from invalid fields", started)
	}

	// First run: the scenario as written.
	b.setInput(`#funding-exact`, "0")
	b.runAndWait("first run")
	if n := b.count(`#chart-0 circle.dot.current`); n != 6 {
		t.Errorf("first chart has %d points, want 6 (years 0 to 5)", n)
	}
	if n := b.count(`#chart-0 text.axis-title`); n != 2 {
		t.Errorf("first chart has %d axis titles, want 2", n)
	}
	if n := b.count(`#chart-0 rect.reform`); n != 1 {
		t.Errorf("first chart shades %d blocks of reform years, want 1 (years 1 to 3)", n)
	}
	if got := b.text(`#current-label`); got != "this run: lab-demo (as written)" {
		t.Errorf("current run's name %q", got)
	}
	// Steady axes: the achievement chart spans at least 1 SD; zoomed, less.
	span := func() float64 {
		return eval[float64](b, `(() => { const v = [...document.querySelectorAll('#chart-0 text.tick')].slice(0, -6).map(t => +t.textContent.replace('−', '-')); return Math.max(...v) - Math.min(...v) })()`)
	}
	steady := span()
	b.do("zoom", chromedp.Click(chromedp.CSS(`#zoom`)))
	zoomed := span()
	b.do("unzoom", chromedp.Click(chromedp.CSS(`#zoom`)))
	if steady < 0.9 || zoomed >= steady {
		t.Errorf("achievement axis spans %.2f SD steady and %.2f zoomed; want at least 0.9 steady and less zoomed", steady, zoomed)
	}
	b.do("pin it", chromedp.Click(chromedp.CSS(`#pin`)))

	// Second run: 1M RMB per paired school.
	b.setInput(`#funding-exact`, "1,000,000")
	if v := eval[string](b, `document.getElementById('funding').value`); v != "1000000" {
		t.Errorf("the funding slider follows the exact field: %q", v)
	}
	b.runAndWait("second run")
	b.waitFor(`!document.getElementById('compare').hidden`, "the comparison")
	if got := b.text(`#col-a`); got != "pinned: lab-demo (as written)" {
		t.Errorf("pinned column = %q", got)
	}
	if got := b.text(`#col-b`); got != "this run: lab-demo + funding 1,000,000 RMB per school" {
		t.Errorf("current column = %q", got)
	}
	if n := b.count(`#compare-table tbody tr`); n < 9 {
		t.Errorf("comparison table has %d rows, want every compared outcome (9)", n)
	}
	type row struct {
		Label, Verdict, Class, Colour string
	}
	rows := eval[map[string]row](b, `Object.fromEntries([...document.querySelectorAll('#compare-table tbody tr')].map(r => [r.dataset.outcome,
		{Label: r.querySelector('th').firstChild.textContent, Verdict: r.querySelector('td.verdict').textContent, Class: r.className,
		 Colour: getComputedStyle(r.querySelector('td.verdict')).color}]))`)
	money := rows["cost_money"]
	if money.Label != "Reform money spent" || money.Verdict != "▲ costs more" || !strings.Contains(money.Class, "v-worse") || money.Colour != "rgb(179, 71, 0)" {
		t.Errorf("money row = %+v, want 'Reform money spent', '▲ costs more' in the 'worse' colour", money)
	}
	for outcome, r := range rows {
		if strings.Contains(r.Label, "_") {
			t.Errorf("%s: raw name %q on the page", outcome, r.Label)
		}
		if !strings.Contains("▲ better▼ worse≈ no clear difference● changed▲ costs more▼ costs less –", r.Verdict) || r.Verdict == "" {
			t.Errorf("%s: verdict %q", outcome, r.Verdict)
		}
	}
	if got := b.text(`#compare-summary`); !strings.Contains(got, "weak schools' achievement changed by") || !strings.Contains(got, "more.") {
		t.Errorf("comparison summary = %q", got)
	}
	if got := b.text(`#compare-note`); !strings.Contains(got, "funding per school 0 → 1,000,000") {
		t.Errorf("comparison note = %q, want it to name the changed control", got)
	}
	if n := b.count(`#chart-0 path.mean.pinned`); n != 1 {
		t.Errorf("%d pinned lines in the first chart, want 1", n)
	}
	// The charts as tables.
	b.do("tables", chromedp.Click(chromedp.CSS(`#as-tables`)))
	if n := b.count(`#chart-table-0 tbody tr`); n != 6 {
		t.Errorf("the first chart's table has %d rows, want 6 years", n)
	}
	if h := b.text(`#chart-table-0 thead`); !strings.Contains(h, "pinned: lab-demo") || !strings.Contains(h, "this run: lab-demo + funding") {
		t.Errorf("the first chart's table heads: %q", h)
	}
	b.do("charts", chromedp.Click(chromedp.CSS(`#as-tables`)))

	// The network view opens at the last policy year (3), with a summary.
	b.waitFor(`document.querySelectorAll('#net circle.school').length === 36`, "36 schools on the map")
	if got := b.text(`#net-year-out`); got != "3 (reform on)" {
		t.Errorf("the map opens at year %q, want 3 (reform on)", got)
	}
	if n := b.count(`#net line.e-pair`); n == 0 {
		t.Error("no pair edges in year 3, while the pairing programme runs")
	}
	if got := b.text(`#net-summary`); !strings.Contains(got, "Year 3 (reforms on), repeat 1 of 4: 36 schools.") || !strings.Contains(got, "treated by a reform") || !strings.Contains(got, "pairs") {
		t.Errorf("map summary = %q", got)
	}
	b.do("choose a school by keyboard", chromedp.Focus(chromedp.CSS(`#net`)), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
	if got := b.text(`#net-school`); !strings.HasPrefix(got, "School ") || !strings.Contains(got, "students, mean achievement") {
		t.Errorf("school chosen by keyboard: %q", got)
	}
	first := b.text(`#net-school`)
	b.do("tap a school", chromedp.Tap(chromedp.CSS(`#net circle.school:not(.selected)`)))
	if got := b.text(`#net-school`); got == first || b.count(`#net circle.school.selected`) != 1 {
		t.Errorf("tapping a school: %q (before %q)", got, first)
	}
	if got := b.text(`#download-links`); !strings.Contains(got, "yearly.csv") || !strings.Contains(got, "results.zip") {
		t.Errorf("download links = %q", got)
	}
	b.screenshot("teaching-lab.png")

	// A reload keeps the pinned run and the run on screen.
	b.load(ts.URL)
	b.waitFor(`!document.getElementById('compare').hidden`, "the comparison after a reload")
	if got := b.text(`#pinned-label`); got != "pinned: lab-demo (as written)" {
		t.Errorf("after a reload the pinned label is %q", got)
	}
	if n := b.count(`#chart-0 path.mean.pinned`); n != 1 {
		t.Errorf("after a reload: %d pinned lines", n)
	}
	if n := eval[int](b, `lab.unhandled`); n != 0 {
		t.Errorf("%d promise rejections nothing handled", n)
	}
}

// TestBrowserKeyboardAndAxe walks the page with the keyboard only — Tab
// reaches every control in order with a visible focus ring, Enter runs
// and pins — and runs axe-core (vendored in testdata) on the page with
// its results, the About panel open, and in projector mode: no serious
// or critical violation.
func TestBrowserKeyboardAndAxe(t *testing.T) {
	_, ts := browserLab(t, Options{})
	good, _ := labFiles(t)
	b := newBrowser(t, 1360, 900)
	// axe-core's own code needs what the page's CSP forbids.
	b.do("bypass CSP", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	}))
	b.load(ts.URL)
	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{good}))
	b.waitFor(`document.getElementById('scenario-desc').textContent.startsWith('Uploaded')`, "the upload")
	b.do("start at the top", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.scrollTo(0, 0)`))

	var walk []string
	for range 40 {
		b.do("Tab", chromedp.KeyEvent(kb.Tab))
		type focus struct{ ID, Tag, Outline string }
		f := eval[focus](b, `({ID: document.activeElement.id, Tag: document.activeElement.tagName, Outline: getComputedStyle(document.activeElement).outlineStyle})`)
		if f.Outline == "none" && f.Tag != "BODY" {
			t.Errorf("focus on %s#%s has no visible outline", f.Tag, f.ID)
		}
		walk = append(walk, f.ID)
		if f.ID == "run" {
			break
		}
	}
	var pos []int
	for _, id := range []string{"about-open", "projector", "show-keys", "scenario", "funding", "funding-exact", "pairing", "rotation", "alliance", "rule", "years", "reps", "seed", "run"} {
		i := strings.Index(","+strings.Join(walk, ",")+",", ","+id+",")
		if i < 0 {
			t.Errorf("Tab never reaches #%s: %v", id, walk)
		}
		pos = append(pos, i)
	}
	for k := 1; k < len(pos); k++ {
		if pos[k] < pos[k-1] {
			t.Errorf("Tab order is not the page's order: %v", walk)
			break
		}
	}
	b.do("Enter on Run", chromedp.KeyEvent(kb.Enter))
	b.waitFor(`!document.getElementById('pin').disabled`, "the run, started by keyboard")
	for range 3 {
		if eval[string](b, `document.activeElement.id`) == "pin" {
			break
		}
		b.do("Tab to Pin", chromedp.KeyEvent(kb.Tab))
	}
	if id := eval[string](b, `document.activeElement.id`); id != "pin" {
		t.Fatalf("Tab after Run reaches #%s, want #pin", id)
	}
	b.do("Enter on Pin", chromedp.KeyEvent(kb.Enter))
	b.waitFor(`document.getElementById('pinned-label').textContent.startsWith('pinned: ')`, "the pin, by keyboard")
	b.setInput(`#funding-exact`, "500000")
	b.do("Run", chromedp.Click(chromedp.CSS(`#run`)))
	b.waitFor(`!document.getElementById('compare').hidden`, "the comparison")
	b.waitFor(`document.querySelectorAll('#net circle.school').length > 0`, "the map")

	axe, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	eval[bool](b, string(axe)+";true")
	check := func(when string) {
		t.Helper()
		type violation struct {
			ID, Impact, Help string
			Nodes            int
		}
		type result struct {
			Violations []violation
			Passes     int
		}
		res := eval[result](b, `axe.run(document).then(r => ({Passes: r.passes.length, Violations: r.violations.map(v => ({ID: v.id, Impact: v.impact, Help: v.help, Nodes: v.nodes.length}))}))`)
		if res.Passes < 20 {
			t.Errorf("axe, %s: only %d rules passed: did it run?", when, res.Passes)
		}
		t.Logf("axe, %s: %d rules passed, %d violated", when, res.Passes, len(res.Violations))
		for _, v := range res.Violations {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("axe, %s: %s (%s) on %d elements: %s", when, v.ID, v.Impact, v.Nodes, v.Help)
			} else {
				t.Logf("axe, %s: %s (%s) on %d elements: %s", when, v.ID, v.Impact, v.Nodes, v.Help)
			}
		}
	}
	check("with results")
	b.do("About by keyboard", chromedp.Focus(chromedp.CSS(`#about-open`)), chromedp.KeyEvent(kb.Enter))
	if id := eval[string](b, `document.activeElement.id`); id != "about" {
		t.Errorf("opening About moves the focus to #%s, want #about", id)
	}
	check("About open")
	b.do("projector", chromedp.Click(chromedp.CSS(`#projector`)))
	check("projector mode")
}

// TestBrowserPhoneAndProjector checks the two other screens: on a phone
// Run is on screen without scrolling, nothing overflows sideways, and
// Run brings the results into view; in projector mode the text is large
// and the charts' ticks are at least 14 px high. It writes
// teaching-lab-phone.png and teaching-lab-projector.png.
func TestBrowserPhoneAndProjector(t *testing.T) {
	_, ts := browserLab(t, Options{})
	good, _ := labFiles(t)
	b := newBrowser(t, 1280, 720)
	b.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	b.load(ts.URL)
	type box struct{ Top, Bottom, Inner, Scroll, Client float64 }
	r := eval[box](b, `(() => { const r = document.getElementById('run').getBoundingClientRect();
		return {Top: r.top, Bottom: r.bottom, Inner: innerHeight, Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth} })()`)
	if r.Top < 0 || r.Bottom > r.Inner {
		t.Errorf("on a phone, Run is at %.0f–%.0f px of a %.0f px screen: not on screen", r.Top, r.Bottom, r.Inner)
	}
	if r.Scroll > r.Client+1 {
		t.Errorf("on a phone the page is %.0f px wide in a %.0f px screen", r.Scroll, r.Client)
	}
	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{good}))
	b.waitFor(`document.getElementById('scenario-desc').textContent.startsWith('Uploaded')`, "the upload")
	if n := eval[int](b, `[...document.querySelectorAll('select')].filter(s => s.offsetParent && s.scrollWidth > s.clientWidth + 1).length`); n != 0 {
		t.Errorf("%d select boxes cut their text on a phone", n)
	}
	b.runAndWait("run on a phone")
	if top := eval[float64](b, `document.getElementById('results').getBoundingClientRect().top`); top < -5 || top > 300 {
		t.Errorf("after Run the results start %.0f px down the phone's screen", top)
	}
	b.do("top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	b.screenshot("teaching-lab-phone.png", true)

	p := newBrowser(t, 1280, 720)
	p.load(ts.URL)
	p.do("projector", chromedp.Click(chromedp.CSS(`#projector`)))
	p.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{good}))
	p.waitFor(`document.getElementById('scenario-desc').textContent.startsWith('Uploaded')`, "the upload")
	p.runAndWait("run in projector mode")
	if fs := eval[string](p, `getComputedStyle(document.body).fontSize`); fs != "22px" {
		t.Errorf("projector mode: body text %s, want 22px", fs)
	}
	if h := eval[float64](p, `document.querySelector('#chart-0 text.tick').getBoundingClientRect().height`); h < 14 {
		t.Errorf("projector mode: chart ticks %.1f px high, want at least 14", h)
	}
	if w := eval[float64](p, `parseFloat(getComputedStyle(document.querySelector('#chart-0 path.mean')).strokeWidth) * document.getElementById('chart-0').getBoundingClientRect().width / 340`); w < 4 {
		t.Errorf("projector mode: chart lines %.1f px wide, want at least 4", w)
	}
	p.screenshot("teaching-lab-projector.png")
	// The setting is remembered.
	p.load(ts.URL)
	if !eval[bool](p, `document.documentElement.classList.contains('projector') && document.getElementById('projector').checked`) {
		t.Error("projector mode is not remembered after a reload")
	}
}

// TestBrowserServerRestart stops the server under a running run: the
// page says so within seconds and resets its controls, Run explains in
// plain words that the server cannot be reached; a new server on the
// same address is noticed, the page says what was lost, and the pinned
// run, kept in the browser, is run again for the next comparison.
func TestBrowserServerRestart(t *testing.T) {
	needChromium(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	start := func(ln net.Listener) (*Server, *http.Server) {
		lab := New(Options{Grace: 5 * time.Second, Heartbeat: time.Second})
		srv := &http.Server{Handler: LoopbackHosts(lab)}
		go srv.Serve(ln)
		return lab, srv
	}
	labA, srvA := start(ln)
	good, _ := labFiles(t)
	b := newBrowser(t, 1360, 900)
	b.load("http://" + addr + "/")
	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{good}))
	b.waitFor(`document.getElementById('scenario-desc').textContent.startsWith('Uploaded')`, "the upload")
	b.runAndWait("first run")
	b.do("pin", chromedp.Click(chromedp.CSS(`#pin`)))
	// A run that stays running: the server holds it.
	labA.gate = make(chan struct{})
	b.do("second run", chromedp.Click(chromedp.CSS(`#run`)))
	b.waitFor(`lab.current && lab.current.status && lab.current.status.state === 'running'`, "the run running")

	stopped := time.Now()
	srvA.Close()
	labA.Close()
	b.waitFor(`!document.getElementById('connection').hidden`, "the lost connection reported")
	d := time.Since(stopped)
	t.Logf("the lost connection was reported %s after the server stopped", d.Round(10*time.Millisecond))
	if d > 6*time.Second {
		t.Errorf("the lost connection was reported %s after the server stopped, want within seconds", d.Round(100*time.Millisecond))
	}
	if got := b.text(`#connection`); !strings.Contains(got, "Lost the connection to the lab's server") {
		t.Errorf("banner = %q", got)
	}
	if !eval[bool](b, `document.getElementById('stop').disabled && !document.getElementById('run').disabled`) {
		t.Error("after the connection was lost the controls were not reset (Stop off, Run on)")
	}
	b.do("Run with the server down", chromedp.Click(chromedp.CSS(`#run`)))
	b.waitFor(`!document.getElementById('message').hidden`, "a message")
	if got := b.text(`#message`); !strings.HasPrefix(got, "Cannot reach the lab's server") {
		t.Errorf("Run with the server down says %q", got)
	}

	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	_, srvB := start(ln2)
	defer srvB.Close()
	b.waitFor(`document.getElementById('connection').textContent.includes('restarted')`, "the restart noticed")
	if got := b.text(`#connection`); !strings.Contains(got, "the run in progress") || !strings.Contains(got, "pinned run") {
		t.Errorf("the restart banner = %q, want what was lost", got)
	}
	// The pinned run is run again, and the comparison works.
	b.do("run after the restart", chromedp.Click(chromedp.CSS(`#run`)))
	b.waitFor(`!document.getElementById('compare').hidden`, "the comparison with the pinned run, run again")
	if got := b.text(`#col-a`); got != "pinned: lab-demo (as written)" {
		t.Errorf("pinned column after the restart = %q", got)
	}
	if n := eval[int](b, `lab.unhandled`); n != 0 {
		t.Errorf("%d promise rejections nothing handled", n)
	}
}

// TestBrowserClassMode runs a class: the teacher's page (its link holds
// the teacher token) starts a session, two students join from their own
// browsers with the code, each runs a reform, and the teacher's board
// shows both, effect against cost. It writes teaching-lab-class.png.
func TestBrowserClassMode(t *testing.T) {
	lab, ts := browserLab(t, Options{Class: true})
	good, _ := labFiles(t)
	teacher := newBrowser(t, 1360, 1000)
	teacher.load(ts.URL + "/#teacher=" + lab.TeacherToken())
	if h := eval[string](teacher, `location.hash`); h != "" {
		t.Errorf("the teacher token stays in the address bar: %q", h)
	}
	teacher.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{good}))
	teacher.waitFor(`document.getElementById('scenario-desc').textContent.startsWith('Uploaded')`, "the upload")
	teacher.do("open Class", chromedp.Click(chromedp.CSS(`#class-open`)))
	teacher.setInput(`#class-reps`, "3")
	teacher.do("start", chromedp.Click(chromedp.CSS(`#class-start-btn`)))
	teacher.waitFor(`!document.getElementById('class-live').hidden`, "the session")
	code := strings.ReplaceAll(teacher.text(`#class-code`), " ", "")
	if len(code) != codeLength {
		t.Fatalf("join code %q", code)
	}

	for _, name := range []string{"Mei", "Tao"} {
		s := teacher.tab()
		s.load(ts.URL)
		s.do("open Class", chromedp.Click(chromedp.CSS(`#class-open`)))
		s.setInput(`#join-code`, strings.ToLower(code[:3])+"-"+code[3:])
		s.setInput(`#join-name`, name)
		s.do("join", chromedp.Click(chromedp.CSS(`#join`)))
		s.waitFor(`!document.getElementById('class-bar').hidden`, name+" in the class")
		if got := s.text(`#class-bar`); !strings.Contains(got, "you are "+name) {
			t.Errorf("%s's class bar: %q", name, got)
		}
		if !eval[bool](s, `document.getElementById('scenario').disabled && document.getElementById('seed').disabled`) {
			t.Errorf("%s can change the class's scenario or seed", name)
		}
		if tok := eval[string](s, `lab.teacher || ''`); tok != "" {
			t.Errorf("%s's page holds the teacher token", name)
		}
		if name == "Mei" {
			s.setInput(`#funding-exact`, "1000000")
		} else {
			s.setInput(`#pairing`, "0.25")
		}
		s.runAndWait(name + "'s run")
		s.waitFor(`!document.getElementById('compare').hidden`, name+"'s comparison with the starting point")
		if got := s.text(`#col-a`); !strings.Contains(got, "the class starting point") {
			t.Errorf("%s compares with %q", name, got)
		}
		if code := eval[int](s, `fetch('/api/class/board', {headers: {'X-Class-Token': lab.member.token}}).then(r => r.status)`); code != http.StatusForbidden {
			t.Errorf("%s reads the board: %d, want 403", name, code)
		}
	}
	teacher.waitFor(`document.querySelectorAll('#board-chart g.pt').length === 2`, "both students on the board")
	rows := eval[[]string](teacher, `[...document.querySelectorAll('#board-table tbody tr')].map(r => r.textContent)`)
	if len(rows) != 2 || !strings.Contains(rows[0], "Mei") || !strings.Contains(rows[0], "funding 1,000,000 RMB per school") || !strings.Contains(rows[1], "Tao") || !strings.Contains(rows[1], "pairing") {
		t.Errorf("board rows %q", rows)
	}
	teacher.screenshot("teaching-lab-class.png")
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

var _ = json.Marshal
var _ = fmt.Sprint

// noWeakSchools is a small system without weak schools: every weak-school
// mean is undefined (null in the API).
const noWeakSchools = `name = "noweak"
[run]
seed = 3
years = 3
weeks_per_year = 10
spin_up_years = 1
replications = 2
[population]
districts = 2
schools_per_district = 8
class_size = 20
staff_history_years = 2
[population.strong]
share = 0.3
[population.average]
share = 0.7
[population.weak]
share = 0.0
`

// TestBrowserUndefinedValues: a system without weak schools goes through
// the page, a run, a pin and a comparison, with no error, the undefined
// values shown as –, and a summary that says why it has no weak-school
// figures (an audit saw "…per school: ." there).
func TestBrowserUndefinedValues(t *testing.T) {
	_, ts := browserLab(t, Options{})
	f := filepath.Join(t.TempDir(), "noweak.toml")
	if err := os.WriteFile(f, []byte(noWeakSchools), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 1360, 1000)
	b.load(ts.URL)
	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#upload`), []string{f}))
	b.waitFor(`document.getElementById('scenario-desc').textContent.startsWith('Uploaded')`, "the upload")
	b.runAndWait("first run")
	b.do("pin", chromedp.Click(chromedp.CSS(`#pin`)))
	b.setInput(`#funding-exact`, "2000000")
	b.runAndWait("second run")
	b.waitFor(`!document.getElementById('compare').hidden`, "the comparison")
	if s := b.text(`#compare-summary`); strings.Contains(s, ": .") || !strings.Contains(s, "not defined") {
		t.Errorf("summary %q: want it to say the weak schools' outcomes are not defined", s)
	}
	row := eval[string](b, `[...document.querySelectorAll('#compare-table tbody tr')].find(r => r.dataset.outcome === 'weak_composite').textContent`)
	if !strings.Contains(row, "–") {
		t.Errorf("weak_composite row %q: want – for the undefined values", row)
	}
	if n := eval[int](b, `lab.unhandled`); n != 0 {
		t.Errorf("%d unhandled errors on the page", n)
	}
}
