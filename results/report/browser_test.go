package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package (which .ci/run
// installs) puts the browser.
const chromiumPath = "/usr/bin/chromium"

// TestBrowserReport opens a report in headless Chromium, as a reader
// would from a file: no console error or exception, every chart drawn with
// a size and every table with rows, the numbers of compare.csv on the
// page; then prints it to A4 PDF. REPORT_DIR=folder makes the report of
// that result folder instead of testdata/compare, and
// UPDATE_SCREENSHOT=1 writes the first screen to
// docs/img/district-report.png and the PDF to $REPORT_PDF if set.
func TestBrowserReport(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing, but .ci/run installs it (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("%s not found: install Debian's chromium package (apt-get install chromium) to run the browser test", chromiumPath)
	}
	dir := filepath.Join("testdata", "compare")
	if d := os.Getenv("REPORT_DIR"); d != "" {
		dir = d
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, []byte(render(t, dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(file)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 1500),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// Every console error, uncaught exception and browser log error
	// (a resource that failed to load, say).
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, "console.error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+(&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	enableLog := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return chromedp.Void{}, err
	}
	u := url.URL{Scheme: "file", Path: abs}
	if err := chromedp.Do(bctx, enableLog, chromedp.Navigate(u.String()), chromedp.WaitReady(chromedp.CSS(`#appendix`))); err != nil {
		t.Fatal(err)
	}

	// Every chart is drawn, with a size; every table has rows.
	charts, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('figure svg.chart')].map(s => {
		const r = s.getBoundingClientRect(); return s.id + ' ' + Math.round(r.width) + 'x' + Math.round(r.height) + ' ' + s.querySelectorAll('path').length })`))
	if err != nil {
		t.Fatal(err)
	}
	wantCharts := strings.Count(render(t, dir), `<figure data-chart=`)
	if len(charts) != wantCharts || len(charts) < 3 {
		t.Errorf("the page shows %d charts, want %d: %q", len(charts), wantCharts, charts)
	}
	for _, c := range charts {
		var id string
		var w, h, paths int
		fmt.Sscanf(strings.Replace(c, "x", " ", 1), "%s %d %d %d", &id, &w, &h, &paths)
		if w < 400 || h < 250 || paths < 10 {
			t.Errorf("chart %s is %dx%d with %d paths: not drawn", id, w, h, paths)
		}
	}
	for _, table := range []string{"effects-table", "equity-table", "manifest-table", "hash-table"} {
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#`+table+` tbody tr').length`))
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("table %s has no rows", table)
		}
	}
	quoted, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-src="compare.csv"], [data-src="summary.csv"]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if quoted < 10 {
		t.Errorf("the page quotes %d numbers of the result files", quoted)
	}

	// Printed on A4: a PDF of several pages.
	pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	pages := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page>")) + bytes.Count(pdf, []byte("/Type /Page "))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 20_000 {
		t.Errorf("the print is not a PDF of the report (%d bytes)", len(pdf))
	}
	t.Logf("PDF: %d bytes, about %d pages", len(pdf), pages)

	shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || len(shot) < 50_000 {
		t.Errorf("the screenshot looks blank: %dx%d, %d bytes", b.Dx(), b.Dy(), len(shot))
	}
	mu.Lock()
	for _, p := range problems {
		t.Errorf("the browser reports: %s", p)
	}
	mu.Unlock()
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		out := filepath.Join("..", "..", "docs", "img", "district-report.png")
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		if p := os.Getenv("REPORT_PDF"); p != "" {
			if err := os.WriteFile(p, pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
