package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"schoolnet/agents"
	"schoolnet/results"
	"schoolnet/scenarios"
)

const rosterSynopsis = `Usage: schoolnet roster export [--out FILE] [--force] SCENARIO
       schoolnet roster check FILE

A roster lists a school system school by school: id, name, district,
position (lat/lon or x_km/y_km), enrolment, teachers, tier or prior
achievement, migrant share, mean SES, principal tenure, resources. A
scenario names one with [population] roster = "schools.csv" (a CSV file,
or GeoJSON points), and run and compare take --roster FILE to run any
scenario on it. Columns and units: docs/SCENARIOS.md, "Rosters"; a
walk-through: docs/DISTRICT.md.

export writes the school system of SCENARIO (a TOML file or a shipped
scenario's name) as a CSV roster, every value filled in (but the
principals' tenure a synthetic system draws in each replication, left
empty), to edit in a spreadsheet. A synthetic system draws a new layout in each replication;
the roster is the first replication's. Run from it with one replication,
the roster gives byte-identical result files.

check reads a roster as a scenario would (with the shipped baseline's
population settings) and says what it holds and what the tier profiles
would fill in. A bad roster is refused with its file, line and column
(schools.csv:14: enrolment: must be a positive integer, got "-3"), exit
status 2.`

func cmdRoster(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("roster", rosterSynopsis, stdout, stderr)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := fs.Parse(args); err != nil {
			return flagStatus(fs, err, stdout)
		}
		fmt.Fprintln(stderr, "schoolnet roster: say export or check (schoolnet roster --help)")
		return exitUsage
	}
	switch sub, rest := args[0], args[1:]; sub {
	case "export":
		return rosterExport(rest, stdout, stderr)
	case "check":
		return rosterCheck(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "schoolnet roster: unknown subcommand %q: export or check (schoolnet roster --help)\n", sub)
		return exitUsage
	}
}

func rosterExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("roster export", rosterSynopsis, stdout, stderr)
	out := fs.String("out", "", "the roster file to write (default: NAME-roster.csv; - for standard output)")
	force := fs.Bool("force", false, "replace the file if it exists")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "schoolnet roster export: name one scenario (a TOML file or a shipped scenario)")
		return exitUsage
	}
	scn, err := scenarios.Load(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet roster export:", err)
		return exitUsage
	}
	if *out == "" {
		*out = scn.Name + "-roster.csv"
	}
	if *out != "-" && !*force {
		if _, err := os.Lstat(*out); err == nil {
			fmt.Fprintf(stderr, "schoolnet roster export: %s exists (your edits?): choose another --out or add --force to replace it\n", *out)
			return exitUsage
		}
	}
	r, err := scenarios.ExportRoster(scn)
	if err != nil {
		return runFailed(stderr, "schoolnet roster export", err, "")
	}
	comments := []string{
		fmt.Sprintf("schoolnet roster of scenario %s: %d schools in %d districts", scn.Name, len(r.Schools), len(r.Districts)),
		"columns and units: docs/SCENARIOS.md Rosters. Edit in a spreadsheet and keep it as CSV.",
	}
	if scn.Population.Roster == nil {
		comments = append(comments, fmt.Sprintf("the synthetic system of its first replication (seed %d). principal_tenure is left empty: it is drawn in each replication.", scn.Run.Seed))
	} else {
		comments = append(comments, fmt.Sprintf("from roster %s (sha256 %s) with the values the tier profiles filled in", scn.Population.Roster.File, scn.Population.Roster.SHA256))
	}
	write := func(w io.Writer) error { return scenarios.WriteRoster(w, r, comments) }
	if *out == "-" {
		err = write(stdout)
	} else {
		err = results.WriteFile(*out, write)
	}
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet roster export:", err)
		return exitFailure
	}
	if *out != "-" {
		fmt.Fprintf(stdout, "Wrote %s: %d schools in %d districts, from scenario %s.\nRun a scenario on it: schoolnet compare district district-ssp --roster %s --report report.html\n",
			*out, len(r.Schools), len(r.Districts), scn.Name, *out)
	}
	return exitOK
}

func rosterCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("roster check", rosterSynopsis, stdout, stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "schoolnet roster check: name one roster file")
		return exitUsage
	}
	base, err := scenarios.Shipped(scenarios.DefaultName)
	if err == nil {
		base, err = scenarios.WithRoster(base, pos[0])
	}
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet roster check:", err)
		return exitUsage
	}
	// Checking builds the system once: refuse one this machine cannot
	// hold, as run does, rather than run out of memory.
	if err := checkMemory(base, 1, 1); err != nil {
		fmt.Fprintln(stderr, "schoolnet roster check:", err)
		return exitUsage
	}
	r := base.Population.Roster
	var tiers [agents.NumTiers]int
	pop, err := base.FirstPopulation()
	if err != nil {
		return runFailed(stderr, "schoolnet roster check", err, "")
	}
	students := 0
	for i := range pop.Schools {
		tiers[pop.Schools[i].Tier]++
		students += len(pop.Schools[i].Students)
	}
	fmt.Fprintf(stdout, "%s: ok: %d schools (%d strong, %d average, %d weak) in %d districts (%s), %d students in the model\n",
		pos[0], len(r.Schools), tiers[agents.Strong], tiers[agents.Average], tiers[agents.Weak], len(r.Districts), strings.Join(r.Districts, ", "), students)
	printFilled(stdout, base)
	return exitOK
}

// printFilled says, for a scenario with a roster, what the tier profiles
// and the model's rules filled in.
func printFilled(w io.Writer, scn *scenarios.Scenario) {
	r := scn.Population.Roster
	if r == nil {
		return
	}
	if len(r.Filled) == 0 {
		fmt.Fprintf(w, "Roster %s: every value given.\n", r.File)
		return
	}
	fmt.Fprintf(w, "Roster %s: values the rows leave out are filled in (also in the manifest):\n", r.File)
	for _, f := range r.Filled {
		fmt.Fprintln(w, "  -", f)
	}
}

// withRoster applies --roster to a loaded scenario.
func withRoster(scn *scenarios.Scenario, roster string) (*scenarios.Scenario, error) {
	if roster == "" {
		return scn, nil
	}
	s, err := scenarios.WithRoster(scn, roster)
	if err != nil {
		var e *scenarios.Error
		if errors.As(err, &e) && e.File == "--roster" {
			e.File = ""
			e.Key = "--roster " + roster + ": " + e.Key
		}
		return nil, err
	}
	return s, nil
}
