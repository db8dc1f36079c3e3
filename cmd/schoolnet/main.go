// Command schoolnet simulates school networks under collaboration reforms.
//
// Usage:
//
//	schoolnet run [flags] [SCENARIO]   run a scenario (default: the shipped baseline)
//	schoolnet compare [A B ...]        compare scenarios
//	schoolnet sweep [flags] SCENARIO   run a scenario's parameter sweep
//	schoolnet merge OUT DIR...         join the shards of a sweep
//	schoolnet evaluate SCENARIO        evaluation designs against the true effect
//	schoolnet calibrate [TARGETS]      estimate parameters from calibration targets
//	schoolnet validate FILE...         check scenario files
//	schoolnet roster export SCENARIO   write a scenario's schools as a roster
//	schoolnet report DIR               a shareable HTML report of a result folder
//	schoolnet scenarios                list the shipped scenarios
//	schoolnet bench                    measure speed and memory
//	schoolnet serve                    the teaching lab: a local web page
//	schoolnet version                  print the version
//
// Run "schoolnet COMMAND --help" for a command's flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"schoolnet/scenarios"
	"schoolnet/sim"
)

// Exit statuses: each means one thing, so that scripts can tell a refused
// input from a failed run and from a bug.
const (
	exitOK       = 0
	exitFailure  = 1 // the run itself failed (a full disk, an interruption)
	exitUsage    = 2 // bad flags or bad input; nothing was run or written
	exitInternal = 3 // an internal error (a bug): please report it
)

const usage = `schoolnet simulates school networks: schools, principals, teachers and
students whose peer ties, leadership and resources evolve under reforms.

Usage:
  schoolnet run [flags] [SCENARIO]   run a scenario and print a yearly table
  schoolnet compare [A B ...]        compare scenarios with common random numbers
  schoolnet sweep [flags] SCENARIO   run the parameter sweep of a scenario's [sweep]
                                     table; resumable, and shardable with --shard K/N
  schoolnet merge OUT DIR...         join the shard directories of a sweep into OUT
  schoolnet evaluate SCENARIO        test evaluation designs against the true effect
  schoolnet discover DIR --better A --than B
                                     when does A beat B? scenario discovery (PRIM)
                                     on a compare --ensemble directory
  schoolnet calibrate [TARGETS]      estimate parameters from published targets (ABC-SMC);
                                     resumable, and shardable with --shard K/N
  schoolnet validate FILE...         check scenario files without running them
  schoolnet roster export SCENARIO   write a scenario's schools as a roster (CSV)
                                     to edit; roster check FILE checks one
  schoolnet report DIR               write a self-contained HTML report of the
                                     result folder of run or compare
  schoolnet scenarios                list the scenarios shipped in the binary
  schoolnet bench [--size S]         measure speed and memory on this machine
  schoolnet serve [--addr A]         the teaching lab: a local web page to try reforms
  schoolnet version                  print the version
  schoolnet help                     show this help

SCENARIO is a TOML file or the name of a shipped scenario; without one,
run uses the shipped baseline. Run "schoolnet COMMAND --help" for a
command's flags.
`

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the command line args, writing to stdout and stderr, and
// returns the exit status.
func Main(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		if p := recover(); p != nil {
			status = internalError(stderr, "schoolnet", &sim.PanicError{Value: p, Stack: debug.Stack()}, "")
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return cmdRun(rest, stdout, stderr)
	case "scenarios":
		return cmdScenarios(rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "compare":
		return cmdCompare(rest, stdout, stderr)
	case "sweep":
		return cmdSweep(rest, stdout, stderr)
	case "merge":
		return cmdMerge(rest, stdout, stderr)
	case "evaluate":
		return cmdEvaluate(rest, stdout, stderr)
	case "discover":
		return cmdDiscover(rest, stdout, stderr)
	case "calibrate":
		return cmdCalibrate(rest, stdout, stderr)
	case "bench":
		return cmdBench(rest, stdout, stderr)
	case "serve":
		return cmdServe(rest, stdout, stderr)
	case "roster":
		return cmdRoster(rest, stdout, stderr)
	case "report":
		return cmdReport(rest, stdout, stderr)
	case "version", "--version":
		return cmdVersion(rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		if len(rest) == 1 && rest[0] != "help" && !strings.HasPrefix(rest[0], "-") {
			return Main([]string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "schoolnet: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, which it returns.
func parseInterspersed(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// newFlagSet makes a flag set whose --help prints the command's synopsis
// and flags to stdout (once: see flagStatus), and whose parse errors go to
// stderr.
func newFlagSet(name, synopsis string, stdout, stderr io.Writer) *flagSet {
	fs := &flagSet{flag.NewFlagSet(name, flag.ContinueOnError), synopsis}
	fs.SetOutput(stderr)
	fs.Usage = func() {} // the flag package would print it to stderr too
	return fs
}

// flagSet is a command's flags and its synopsis.
type flagSet struct {
	*flag.FlagSet
	synopsis string
}

// flagStatus turns a flag parsing error into an exit status: --help prints
// the synopsis and flags to stdout and is success; anything else (the flag
// package has printed the error) is a usage error, with a pointer to
// --help.
func flagStatus(fs *flagSet, err error, stdout io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "%s\n\nFlags:\n", fs.synopsis)
		printFlags(stdout, fs.FlagSet)
		return exitOK
	}
	fmt.Fprintf(fs.Output(), "Run 'schoolnet %s --help' for its flags.\n", fs.Name())
	return exitUsage
}

// complain prints err on w as command's error, "schoolnet COMMAND: …",
// without the "COMMAND: " the error may start with already (the packages
// evaluate, discover's and report's name themselves so).
func complain(w io.Writer, command string, err error) {
	fmt.Fprintf(w, "schoolnet %s: %s\n", command, strings.TrimPrefix(err.Error(), command+": "))
}

// printFlags prints the flags as the flag package's PrintDefaults does,
// but leaves out its "(default X)" where the flag's own text already says
// what its default means ("default: the scenario's run.seed"), which
// would otherwise follow it with a bare -1.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		line := "  -" + f.Name
		if kind != "" {
			line += " " + kind
		}
		if len(line) <= 4 { // a one-letter flag without a value
			line += "\t"
		} else {
			line += "\n    \t"
		}
		line += strings.ReplaceAll(usage, "\n", "\n    \t")
		switch zero := f.DefValue == "" || f.DefValue == "0" || f.DefValue == "false" || f.DefValue == "0s"; {
		case zero || strings.Contains(usage, "default"):
		case kind == "string":
			line += fmt.Sprintf(" (default %q)", f.DefValue)
		default:
			line += fmt.Sprintf(" (default %v)", f.DefValue)
		}
		fmt.Fprintln(w, line)
	})
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", `Usage: schoolnet validate FILE...

Checks each scenario file (or shipped scenario name) as run would, without
running it: unknown keys, wrong types, out-of-range values, unknown policy
kinds, policies outside the run's years or in conflict, and missing or
circular extends; for a scenario with a [sweep] table, every point of the
sweep. Prints one line per file; exits 2 if any is invalid.`, stdout, stderr)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "schoolnet validate: name at least one scenario file")
		return exitUsage
	}
	status := exitOK
	for _, f := range files {
		s, err := scenarios.Load(f)
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = exitUsage
			continue
		}
		sweep := ""
		if s.Sweep.Defined() {
			points, err := s.SweepPoints()
			if err != nil {
				fmt.Fprintln(stderr, err)
				status = exitUsage
				continue
			}
			sweep = fmt.Sprintf(", a sweep of %d points", len(points))
		}
		fmt.Fprintf(stdout, "%s: ok (%s: %d policies, %d years, %d schools%s)\n", f, s.Name, len(s.Policies), s.Run.Years, s.Population.NumSchools(), sweep)
	}
	return status
}

func cmdScenarios(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("scenarios", "Usage: schoolnet scenarios\n\nLists the scenarios shipped in the binary, each with its description.\nRun one with: schoolnet run NAME", stdout, stderr)
	if status, ok := noArgs(fs, args, stdout, stderr, func(string) string { return "; run one with: schoolnet run NAME" }); !ok {
		return status
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, s := range scenarios.Embedded() {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Description)
	}
	tw.Flush()
	return exitOK
}

// cmdVersion prints the version.
func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "Usage: schoolnet version\n\nPrints the version of schoolnet and the source revision it was built from,\nas a bug report or a methods section should quote them.", stdout, stderr)
	if status, ok := noArgs(fs, args, stdout, stderr, nil); !ok {
		return status
	}
	fmt.Fprintln(stdout, "schoolnet", version())
	return exitOK
}

// noArgs parses the flags of a command that takes no other arguments. It
// returns false, with the exit status, when the command is to stop: help
// was asked for, a flag is wrong, or an argument was given that the
// command would ignore (refused; hint, if not nil, says what to do
// instead with the first such argument).
func noArgs(fs *flagSet, args []string, stdout, stderr io.Writer, hint func(arg string) string) (int, bool) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagStatus(fs, err, stdout), false
	}
	if len(pos) > 0 {
		more := ""
		if hint != nil {
			more = hint(pos[0])
		}
		fmt.Fprintf(stderr, "schoolnet %s: takes no arguments, got %q%s\n", fs.Name(), pos, more)
		return exitUsage, false
	}
	return exitOK, true
}

// version returns the module version and VCS revision the binary was built
// from, where the build recorded them.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + bi.GoVersion
}
