package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"schoolnet/results"
	"schoolnet/results/report"
)

const reportSynopsis = `Usage: schoolnet report [--out FILE] DIR

Writes one self-contained HTML page (no external files: charts are inline
SVG) about the result folder DIR of schoolnet compare or run, to forward
or print to PDF: a plain-language summary, charts with the reform years
shaded, the effects with their 95% intervals, costs and effect per
million RMB, equity (by tier, migrant status and, where the files have
it, socio-economic status), what each scenario changed, what the model
can and cannot say, and the manifest. Its numbers are the folder's
(compare.csv, summary.csv, yearly.csv). schoolnet compare --report FILE
writes the same page after a comparison.`

func cmdReport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", reportSynopsis, stdout, stderr)
	out := fs.String("out", "", "the HTML file to write (default: DIR.html, beside the folder)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "schoolnet report: name one result folder (the --out of schoolnet compare or run)")
		return exitUsage
	}
	dir := filepath.Clean(pos[0])
	if *out == "" {
		*out = dir + ".html"
	}
	if err := writeReport(dir, *out); err != nil {
		complain(stderr, "report", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "Wrote %s: open it in a browser, or print it to PDF.\n", *out)
	return exitOK
}

// writeReport reads the result folder dir and writes its report to out,
// which must not lie inside dir: a result folder holds only the files its
// manifest lists.
//
// It refuses an out that is a folder or a file other than a report.
func writeReport(dir, out string) error {
	if inside(dir, out) {
		return fmt.Errorf("%s is inside the result folder %s, which holds only the files its manifest lists: write the report beside it", out, dir)
	}
	if err := checkReport(out); err != nil {
		return err
	}
	f, err := report.Load(dir)
	if err != nil {
		return err
	}
	return results.WriteFile(out, func(w io.Writer) error { return report.Write(w, f) })
}

// checkReport checks, before any work, that a report can be written to
// out: out is not a folder nor a file other than a report, and its folder
// can be written in.
func checkReport(out string) error { return results.CheckFile(out, "report", report.IsReport) }

// inside reports whether path lies in the folder dir.
func inside(dir, path string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
