package main

import (
	"fmt"
	"io"
	"path/filepath"

	"schoolnet/results"
	"schoolnet/results/ensemble"
	"schoolnet/results/sensitivity"
)

const discoverSynopsis = `Usage: schoolnet discover DIR --better A --than B [--outcome NAME]

Scenario discovery: in which regions of parameter space does scenario A
beat scenario B? DIR is the directory of a comparison run with an
ensemble of parameter draws (schoolnet compare A B --ensemble prior|FILE
--out DIR, which writes ensemble.csv and outcomes.csv). For each draw,
A "wins" when its mean over the draw's replications beats B's on the
outcome (higher is better; lower for between_share, turnover and
cost_money; closer to zero for the gaps), by more than --margin.

The patient rule induction method (PRIM; Friedman & Fisher 1999, as in
the EMA Workbench) then peels the box of all draws, a small share at a
time, towards the draws where A wins, and reports the first box in which
A wins in at least --threshold of the draws and which keeps at least
--coverage of all A's wins, as a readable condition:

  when peer_relation_effect ≤ 0.3 and teacher_sd ≥ 0.15, funding-only
  wins in 85% of the draws (the box holds 30% of all draws and 80% of
  those where it wins).

Few draws over many parameters find boxes by chance: give compare many
draws (--reps 2×--draws), or an ensemble over the few parameters asked
about (--ensemble prior:KEY,KEY). With --out FILE, writes the peeling
trajectory as CSV (docs/RESULTS.md, "discover.csv"). docs/UNCERTAINTY.md.`

func cmdDiscover(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("discover", discoverSynopsis, stdout, stderr)
	var q ensemble.Question
	fs.StringVar(&q.Better, "better", "", "the scenario whose wins are explained (required)")
	fs.StringVar(&q.Than, "than", "", "the scenario it is compared with (required)")
	fs.StringVar(&q.Outcome, "outcome", "weak_composite", "the outcome compared: a column of DIR/outcomes.csv")
	fs.Float64Var(&q.Margin, "margin", 0, "A wins only by more than this, in the outcome's unit (oriented so that more is better)")
	threshold := fs.Float64("threshold", 0.8, "the share of a box's draws in which A must win")
	coverage := fs.Float64("coverage", 0.3, "the share of all A's wins a box must keep, so that a box of a few lucky draws is not reported")
	out := fs.String("out", "", "also write PRIM's peeling trajectory to this CSV file")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	fail := func(args ...any) int {
		fmt.Fprintln(stderr, append([]any{"schoolnet discover:"}, args...)...)
		return exitUsage
	}
	if err := checkFlags(fs); err != nil {
		return fail(err)
	}
	switch {
	case len(pos) != 1:
		return fail(fmt.Sprintf("name one directory of schoolnet compare --ensemble, got %d arguments", len(pos)))
	case q.Better == "" || q.Than == "":
		return fail("give the question: --better A --than B (two scenarios of the comparison)")
	}
	if *out != "" {
		if err := results.CheckFile(*out, "discover.csv", ensemble.IsDiscovery); err != nil {
			return fail("--out:", err)
		}
	}
	d, err := ensemble.Discover(pos[0], q, sensitivity.PrimOptions{Threshold: *threshold, MinCoverage: *coverage})
	if err != nil {
		complain(stderr, "discover", err)
		return exitUsage
	}
	d.Print(stdout)
	if *out != "" {
		if err := results.WriteFile(*out, d.Write); err != nil {
			complain(stderr, "discover", err)
			return exitFailure
		}
		fmt.Fprintf(stdout, "\nWrote the peeling trajectory to %s.\n", filepath.Clean(*out))
	}
	return exitOK
}
