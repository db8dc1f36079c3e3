package report

import (
	"bytes"
	"encoding/csv"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"schoolnet/docs"
)

// render loads the result folder dir and returns its report.
func render(t *testing.T, dir string) string {
	t.Helper()
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var numSpan = regexp.MustCompile(`<span class="num" data-src="([^"]*)" data-scenario="([^"]*)" data-outcome="([^"]*)" data-col="([^"]*)" data-value="([^"]*)">([^<]*)</span>`)

// quoted is a number the page shows, with the cell it says it comes from.
type quoted struct {
	src, scenario, outcome, col, value, text string
}

// quotedNumbers returns every number the page quotes from a result file.
func quotedNumbers(page string) []quoted {
	var out []quoted
	for _, m := range numSpan.FindAllStringSubmatch(page, -1) {
		out = append(out, quoted{m[1], html.UnescapeString(m[2]), m[3], m[4], m[5], html.UnescapeString(m[6])})
	}
	return out
}

// readCells reads a CSV file as cells keyed by the row's key columns and
// the column: cells[key][col].
func readCells(t *testing.T, path string, keys ...string) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, c := range recs[0] {
			row[c] = rec[i]
		}
		var k []string
		for _, key := range keys {
			k = append(k, row[key])
		}
		out[strings.Join(k, "/")] = row
	}
	return out
}

// shown parses a number as the page prints it (a sign, thousands commas,
// the minus sign U+2212) and returns it with its decimals.
func shown(t *testing.T, s string) (float64, int) {
	t.Helper()
	s = strings.NewReplacer("−", "-", ",", "", "+", "").Replace(s)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("the page shows %q, not a number", s)
	}
	d := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		d = len(s) - i - 1
	}
	return x, d
}

// checkQuoted checks every number the page quotes from file (compare.csv
// or summary.csv) against the file: the cell exists, holds exactly the
// value the page says, and the page shows it rounded to its decimals.
func checkQuoted(t *testing.T, page, file string, cells map[string]map[string]string, key func(q quoted) string) int {
	t.Helper()
	n := 0
	for _, q := range quotedNumbers(page) {
		if q.src != file {
			continue
		}
		n++
		row, ok := cells[key(q)]
		if !ok {
			t.Errorf("the page quotes %s row %s, which %s lacks", file, key(q), file)
			continue
		}
		if row[q.col] != q.value {
			t.Errorf("%s %s %s: the page says the file holds %q, it holds %q", file, key(q), q.col, q.value, row[q.col])
		}
		want, _ := strconv.ParseFloat(row[q.col], 64)
		got, d := shown(t, q.text)
		if math.Abs(got-want) > 0.5*math.Pow(10, -float64(d))+1e-9 {
			t.Errorf("%s %s %s: the page shows %q for %s", file, key(q), q.col, q.text, row[q.col])
		}
	}
	return n
}

// TestReportNumbersAreCompareCSV checks that every number the report
// quotes from compare.csv is compare.csv's, shown rounded, and that the
// effects table shows every cell of compare.csv.
func TestReportNumbersAreCompareCSV(t *testing.T) {
	dir := filepath.Join("testdata", "compare")
	page := render(t, dir)
	cells := readCells(t, filepath.Join(dir, "compare.csv"), "scenario", "outcome")
	key := func(q quoted) string { return q.scenario + "/" + q.outcome }
	if n := checkQuoted(t, page, "compare.csv", cells, key); n < 4*len(cells) {
		t.Errorf("the page quotes %d numbers of compare.csv, want at least the table's %d", n, 4*len(cells))
	}
	// Every non-empty cell is in the effects table.
	table := page[strings.Index(page, `<table id="effects-table">`):]
	table = table[:strings.Index(table, "</table>")]
	inTable := map[string]bool{}
	for _, q := range quotedNumbers(table) {
		inTable[key(q)+"/"+q.col] = true
	}
	for k, row := range cells {
		for _, col := range []string{"mean", "diff", "diff_ci_low", "diff_ci_high"} {
			if row[col] != "" && !inTable[k+"/"+col] {
				t.Errorf("compare.csv %s %s = %s is not in the effects table", k, col, row[col])
			}
		}
	}
	// The summary quotes compare.csv too, and says so in words.
	summary := html.UnescapeString(page[strings.Index(page, `id="summary"`):strings.Index(page, `id="charts"`)])
	for _, want := range []string{"district-ssp lifts the weak schools' achievement", "Per million RMB", "How sure:", "not a forecast"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	if len(quotedNumbers(summary)) < 5 {
		t.Errorf("the summary quotes %d numbers of compare.csv, want the effect, its interval and the cost-effectiveness", len(quotedNumbers(summary)))
	}
}

// TestReportIsSelfContained checks the page's parts: every chart as
// inline SVG, every table, the caveats of docs/MODEL.md, the manifest, and
// no file or address outside the page.
func TestReportIsSelfContained(t *testing.T) {
	page := render(t, filepath.Join("testdata", "compare"))
	for _, id := range []string{"chart-weak", "chart-effect", "chart-effects", "chart-gap-tier", "chart-gap-migrant"} {
		if !regexp.MustCompile(`<svg[^>]* id="` + id + `"`).MatchString(page) {
			t.Errorf("no inline SVG chart %s", id)
		}
	}
	for _, id := range []string{"summary", "charts", "effects-table", "equity-table", "scenarios", "caveats", "manifest-table", "hash-table", "files-table"} {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("no element %s", id)
		}
	}
	for _, bad := range []string{`src="http`, `href="http`, "<link", "<script", "<img", "@import", "url(http"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page refers outside itself: %s", bad)
		}
	}
	if strings.Contains(page, "<?xml") {
		t.Error("an SVG kept its XML prolog")
	}
	// The head says who wrote the page, so that only a report is replaced
	// by one (results.CheckFile).
	if head := page[:min(len(page), 4096)]; !IsReport([]byte(head)) {
		t.Error("the page's first 4 KiB lack its generator tag")
	}
	if IsReport([]byte("<!DOCTYPE html><html><head><title>my notes</title>")) {
		t.Error("another page is taken for a report")
	}
	// The caveats are docs/MODEL.md's own words.
	heading, body, ok := section(docs.Model, caveatSections[0])
	if !ok {
		heading, body, _ = section(docs.Model, caveatSections[1])
	}
	line := ""
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(strings.TrimLeft(l, "-*0123456789. ")); len(l) > 40 && !strings.ContainsAny(l, "`*_[|") {
			line = l[:40]
			break
		}
	}
	if !strings.Contains(page, heading) || line == "" || !strings.Contains(html.UnescapeString(page), line) {
		t.Errorf("the caveats lack docs/MODEL.md's section %q (line %q)", heading, line)
	}
	// The appendix names every scenario's hash.
	for _, sc := range []string{"district", "district-ssp"} {
		m := readManifestHash(t, filepath.Join("testdata", "compare", sc, "manifest.json"))
		if !strings.Contains(page, m) {
			t.Errorf("the appendix lacks %s's scenario hash %s", sc, m)
		}
	}
	// The reform years are shaded: the effects chart has the band's legend.
	if !strings.Contains(page, "reform years") {
		t.Error("no shaded reform years")
	}
}

func readManifestHash(t *testing.T, path string) string {
	m, err := readManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	return str(m["scenario_hash"])
}

// copyFolder copies a test folder, applying edit to each CSV file.
func copyFolder(t *testing.T, from string, edit func(name string, recs [][]string) [][]string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), filepath.Base(from))
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".csv") && edit != nil {
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			w.WriteAll(edit(rel, recs))
			b = buf.Bytes()
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// TestReportReadsByColumnName checks that the report reads tables by
// column name: with every file's columns reversed and a column added (as
// a newer schoolnet may write them), the page is the same.
func TestReportReadsByColumnName(t *testing.T) {
	for _, name := range []string{"compare", "run"} {
		dir := filepath.Join("testdata", name)
		want := render(t, dir)
		moved := copyFolder(t, dir, func(_ string, recs [][]string) [][]string {
			for i, rec := range recs {
				extra := "x"
				if i == 0 {
					extra = "a_new_column"
				}
				rev := []string{extra}
				for k := len(rec) - 1; k >= 0; k-- {
					rev = append(rev, rec[k])
				}
				recs[i] = rev
			}
			return recs
		})
		if got := render(t, moved); got != want {
			t.Errorf("%s: the page changes when the files' columns move", name)
		}
	}
}

// TestReportSES checks the equity section: SES is "not available"
// without SES groups in yearly.csv, and shown when they are there.
func TestReportSES(t *testing.T) {
	page := render(t, filepath.Join("testdata", "compare"))
	if !strings.Contains(page, `id="ses-note"`) || !strings.Contains(page, "not available") {
		t.Error("without SES groups the page does not say SES is not available")
	}
	// Add four SES groups: the 'all' rows shifted by -0.3 … +0.3.
	withSES := copyFolder(t, filepath.Join("testdata", "compare"), func(name string, recs [][]string) [][]string {
		if filepath.Base(name) != "yearly.csv" {
			return recs
		}
		col := map[string]int{}
		for i, c := range recs[0] {
			col[c] = i
		}
		out := recs
		for _, rec := range recs[1:] {
			if rec[col["group"]] != "all" {
				continue
			}
			for q := 1; q <= 4; q++ {
				c := append([]string(nil), rec...)
				c[col["group"]] = "ses_q" + strconv.Itoa(q)
				x, _ := strconv.ParseFloat(rec[col["composite"]], 64)
				c[col["composite"]] = strconv.FormatFloat(x+0.2*float64(q)-0.5, 'f', 6, 64)
				out = append(out, c)
			}
		}
		return out
	})
	page = render(t, withSES)
	if strings.Contains(page, `id="ses-note"`) {
		t.Error("with SES groups the page still says SES is not available")
	}
	for _, want := range []string{"students of ses q1", "students of ses q4", "gap ses_q4 − ses_q1"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("the equity table lacks %q", want)
		}
	}
	// The gap row is q4 − q1 = +0.600 for every scenario.
	if n := strings.Count(html.UnescapeString(page), ">+0.600<"); n < 2 {
		t.Errorf("the SES gap +0.600 appears %d times, want once per scenario", n)
	}
}

// TestReportRunFolder checks the report of a single run: its numbers are
// summary.csv's, its chart shows the tiers.
func TestReportRunFolder(t *testing.T) {
	dir := filepath.Join("testdata", "run")
	page := render(t, dir)
	cells := readCells(t, filepath.Join(dir, "summary.csv"), "outcome")
	if n := checkQuoted(t, page, "summary.csv", cells, func(q quoted) string { return q.outcome }); n < len(cells) {
		t.Errorf("the page quotes %d numbers of summary.csv, want at least one per outcome (%d)", n, len(cells))
	}
	for _, want := range []string{"Achievement by tier of school", "What happens in district-ssp", "ssp-pairs", `id="chart-gap-tier"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestLoadRefusesOtherFolders checks the errors for a folder that is not
// one of compare or run.
func TestLoadRefusesOtherFolders(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "is not a result folder of schoolnet") {
		t.Errorf("an empty folder: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"command": "sweep"}`), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "written by schoolnet sweep") {
		t.Errorf("a sweep folder: %v", err)
	}
}

// TestCertaintySaysWhyNoInterval checks that an effect without an
// interval says whether the run had one replication or the effect was
// defined in only one of several, and that an undefined effect is not
// called certain or uncertain.
func TestCertaintySaysWhyNoInterval(t *testing.T) {
	for _, c := range []struct {
		e    Effect
		reps int
		want string
	}{
		{Effect{Diff: 0.1, N: 1}, 1, "one replication: no interval"},
		{Effect{Diff: 0.1, N: 1}, 4, "defined in one of 4 replications: no interval"},
		{Effect{Diff: math.NaN(), N: 0}, 4, "not defined"},
		{Effect{Diff: 0.1, N: 4, Lo: 0.05, Hi: 0.2}, 4, "above zero"},
		{Effect{Diff: 0.1, N: 3, Lo: -0.05, Hi: 0.2}, 4, "includes zero"},
	} {
		if got := certainty(&c.e, c.reps); got != c.want {
			t.Errorf("certainty(%+v, %d reps) = %q, want %q", c.e, c.reps, got, c.want)
		}
	}
}

// TestCaveatsLinkNowhere: the caveats quoted from docs/MODEL.md keep no
// link to another doc, which a report mailed on its own could not follow
// (an audit found <a href="VALIDATION.md">).
func TestCaveatsLinkNowhere(t *testing.T) {
	c, err := caveats()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(c.Body), ".md\"") || !strings.Contains(string(c.Body), "docs/VALIDATION.md") {
		t.Errorf("caveats link to docs, or do not name them: %.300s", c.Body)
	}
}
