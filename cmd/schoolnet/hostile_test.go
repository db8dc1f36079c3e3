package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"schoolnet/sim"
)

// hostile is one input a careless user or an attacker could give the
// command line: a scenario file (written as hostile.toml in a fresh
// folder, next to base.toml) and the arguments, where "FILE" stands for
// the scenario file and "OUT" for an output folder.
type hostile struct {
	name   string
	file   string
	args   string
	status int
	msg    string
}

const tiny = "[run]\nyears = 1\nweeks_per_year = 2\nspin_up_years = 1\nreplications = 1\n[population]\ndistricts = 1\nschools_per_district = 3\nstaff_history_years = 1\n"

var hostileInputs = []hostile{
	// Very large finite values, each class of key.
	{"huge growth rate", "[model]\ngrowth_per_year = 1e10\n", "validate FILE", 2, "hostile.toml:2: model.growth_per_year: must be in [0,2] (SD/year), got 10000000000"},
	{"huge tie boost", "[model]\nactivity_tie_boost = 1e308\n", "validate FILE", 2, "model.activity_tie_boost: must be in [0,10]"},
	{"huge funding", "[[policy]]\nkind = \"funding\"\nper_school = 1e40\n", "validate FILE", 2, "hostile.toml:3: policy[1].per_school: must be in [0,1000000000] (RMB per school)"},
	{"huge selection strength", "[[policy]]\nkind = \"pairing\"\nselect.strength = 1e308\n", "validate FILE", 2, "policy[1].select.strength: must be in [0,20]"},
	{"huge integer", "[[policy]]\nkind = \"pairing\"\nmax_partners = 9223372036854775807\n", "validate FILE", 2, "policy[1].max_partners: must be in [1,100]"},
	{"huge posting", "[[policy]]\nkind = \"rotation\"\nposting_years = 1000000\n", "validate FILE", 2, "policy[1].posting_years: must be in [1,100]"},
	{"huge lag", "[model]\nresource_lag_weeks = 100000000\n", "validate FILE", 2, "model.resource_lag_weeks: must be in [0,520]"},
	{"huge unit cost", "[model]\nfacility_unit_cost = 1e300\n", "validate FILE", 2, "model.facility_unit_cost: must be in [10000,10000000000]"},
	{"tiny unit cost", "[model]\ncourse_unit_cost = 1e-300\n", "validate FILE", 2, "model.course_unit_cost: must be in [10000,10000000000]"},
	{"huge intake", "[population.weak]\nintake_mean = 1e200\n", "validate FILE", 2, "population.weak.intake_mean: must be in [-5,5]"},
	{"huge resources", "[population.strong]\nresources = 1e300\n", "validate FILE", 2, "population.strong.resources: must be in [0.01,10]"},
	{"huge radius", "[population]\ncity_radius_km = 1e300\n", "validate FILE", 2, "population.city_radius_km: must be in [0,5000]"},
	{"huge group", "[[policy]]\nkind = \"education-group\"\nmembers_per_group = 100000\n", "validate FILE", 2, "policy[1].members_per_group: must be in [1,100]"},
	{"huge alliance", "[[policy]]\nkind = \"curriculum-alliance\"\nmembers_per_alliance = 1000000\n", "validate FILE", 2, "policy[1].members_per_alliance: must be in [2,100]"},
	{"huge choice weight", "[[policy]]\nkind = \"school-choice\"\nselect.tier = \"any\"\ndistance_weight = 1e308\n", "validate FILE", 2, "policy[1].distance_weight: must be in [0,20]"},
	{"huge expert", "[[policy]]\nkind = \"double-teacher\"\nexpert_effectiveness = 1e30\n", "validate FILE", 2, "policy[1].expert_effectiveness: must be in [-1,1]"},
	{"huge trust growth", "[[policy]]\nkind = \"pairing\"\ntrust_growth = 1e9\n", "validate FILE", 2, "policy[1].trust_growth: must be in [0,52]"},
	{"huge travellers", "[[policy]]\nkind = \"pairing\"\ntravellers = 100000000\n", "validate FILE", 2, "policy[1].travellers: must be in [0,1000]"},
	{"huge allowance", "[[policy]]\nkind = \"rotation\"\nallowance = 1e50\n", "validate FILE", 2, "policy[1].allowance: must be in [0,10000000]"},
	{"huge governance", "[[policy]]\nkind = \"education-group\"\ngovernance_cost = 1e50\n", "validate FILE", 2, "policy[1].governance_cost: must be in [0,1000000000]"},
	// Non-finite and negative values.
	{"nan", "[model]\ngrowth_noise = nan\n", "validate FILE", 2, "model.growth_noise: must be a finite number in [0,2]"},
	{"inf", "[model]\ntie_meet_rate = inf\n", "validate FILE", 2, "model.tie_meet_rate: must be a finite number"},
	{"minus inf", "[model]\nhire_effectiveness = -inf\n", "validate FILE", 2, "model.hire_effectiveness: must be a finite number"},
	{"negative rate", "[model]\nmorale_rate = -1\n", "validate FILE", 2, "model.morale_rate: must be in [0,52]"},
	{"negative seed", "[run]\nseed = -2\n", "validate FILE", 2, "run.seed: must be in [0,9007199254740991], got -2"},
	{"seed too large for JSON", "[run]\nseed = 9007199254740993\n", "validate FILE", 2, "run.seed: must be in [0,9007199254740991]"},
	{"negative share", "[[policy]]\nkind = \"rotation\"\nshare = -0.5\n", "validate FILE", 2, "policy[1].share: must be in [0,1]"},
	{"shares not summing", "[[policy]]\nkind = \"funding\"\nfacilities = 0.9\n", "validate FILE", 2, "facilities + courses + training must be 1"},
	// Sizes.
	{"years", "[run]\nyears = 100000\n", "validate FILE", 2, "run.years: must be in [1,100]"},
	{"replications", "[run]\nreplications = 1000000000\n", "validate FILE", 2, "run.replications: must be in [1,10000]"},
	{"spin-up", "[run]\nspin_up_years = 1000\n", "validate FILE", 2, "run.spin_up_years: must be in [1,50]"},
	{"weeks", "[run]\nweeks_per_year = 1000\n", "validate FILE", 2, "run.weeks_per_year: must be in [1,52]"},
	{"too many schools", "[population]\ndistricts = 10000\nschools_per_district = 100\n", "validate FILE", 2, "at most 250000 (a national system)"},
	{"too many students", "[population]\ndistricts = 1000\nschools_per_district = 200\nclass_size = 200\n[population.strong]\nclasses_per_grade = 64\n[population.average]\nclasses_per_grade = 64\n[population.weak]\nclasses_per_grade = 64\n", "validate FILE", 2, "at most 200000000 (a national system)"},
	{"class size", "[population]\nclass_size = 100000\n", "validate FILE", 2, "population.class_size: must be in [2,200]"},
	{"too many policies", strings.Repeat("[[policy]]\nkind = \"funding\"\nselect.tier = \"weak\"\n", 65), "validate FILE", 2, "policy[65]: at most 64 policies"},
	{"long description", "description = \"" + strings.Repeat("x", 2000) + "\"\n", "validate FILE", 2, "description: at most 1000 bytes"},
	// Names used as paths.
	{"name with ..", "name = \"../x\"\n", "validate FILE", 2, "hostile.toml:1: name: \"../x\": a name has only letters"},
	{"absolute name", "name = \"/tmp/x\"\n", "validate FILE", 2, "'/' is not allowed"},
	{"hidden name", "name = \".git\"\n", "validate FILE", 2, "must not start with '.'"},
	{"backslash name", "name = \"a\\\\b\"\n", "validate FILE", 2, "'\\\\' is not allowed"},
	{"megabyte name", "name = \"" + strings.Repeat("a", 1<<20-20) + "\"\n", "validate FILE", 2, "hostile.toml:1: line is 1048565 bytes long, more than the 4096 allowed"},
	{"long name", "name = \"" + strings.Repeat("名", 100) + "\"\n", "validate FILE", 2, "name: at most 64 characters, got 100"},
	{"empty name", "name = \"\"\n", "validate FILE", 2, "name: must not be empty"},
	{"control character", "name = \"a\\u0007b\"\n", "validate FILE", 2, "is not allowed"},
	{"policy name with dot", "[[policy]]\nkind = \"funding\"\nname = \"a.b\"\n", "validate FILE", 2, "a policy name has no '.'"},
	{"duplicate policy names", "[[policy]]\nkind = \"funding\"\nname = \"x\"\n[[policy]]\nkind = \"pairing\"\nname = \"x\"\n", "validate FILE", 2, "hostile.toml:6: policy[2].name: two [[policy]] tables of this file are named \"x\""},
	// extends.
	{"extends a device", "extends = \"/dev/zero\"\n", "validate FILE", 2, "hostile.toml:1: extends: cannot read \"/dev/zero\": not a regular file"},
	{"extends a directory", "extends = \".\"\n", "validate FILE", 2, "not a regular file"},
	{"extends a non-scenario", "extends = \"/etc/passwd\"\n", "validate FILE", 2, "is not a scenario file"},
	{"extends itself", "extends = \"hostile.toml\"\n", "validate FILE", 2, "circular extends"},
	{"extends a bad base", "extends = \"base.toml\"\n", "validate FILE", 2, "base.toml:3: model.tie_accept: must be in [0,1] (chance), got 3; extended by hostile.toml:1"},
	{"extends a missing file", "extends = \"nowhere.toml\"\n", "validate FILE", 2, "hostile.toml:1: extends: cannot find \"nowhere.toml\""},
	// Rosters.
	{"roster a device", "[population]\nroster = \"/dev/zero\"\n", "validate FILE", 2, "/dev/zero: not a regular file (a roster is a CSV or GeoJSON text file)"},
	{"roster a directory", "[population]\nroster = \".\"\n", "validate FILE", 2, "not a regular file"},
	{"roster missing", "[population]\nroster = \"nowhere.csv\"\n", "validate FILE", 2, "hostile.toml:2: population.roster: cannot read roster \"nowhere.csv\""},
	{"roster flag a device", tiny, "run FILE --roster /dev/zero --out OUT", 2, "not a regular file"},
	// Malformed TOML and types.
	{"binary", "\x00\x01\x02\xff\xfe", "validate FILE", 2, "hostile.toml"},
	{"invalid UTF-8", "name = \"\xff\xfe\"\n", "validate FILE", 2, "hostile.toml"},
	{"unknown key", "[run]\nyaers = 3\n", "validate FILE", 2, "hostile.toml:2: run.yaers: unknown key (did you mean run.years?)"},
	{"wrong type", "[run]\nyears = \"six\"\n", "validate FILE", 2, "hostile.toml:2"},
	{"float for an integer", "[run]\nyears = 1e40\n", "validate FILE", 2, "hostile.toml:2"},
	{"duplicate key", "[run]\nyears = 3\nyears = 4\n", "validate FILE", 2, "hostile.toml:3"},
	{"unknown policy kind", "[[policy]]\nkind = \"bribery\"\n", "validate FILE", 2, "unknown policy kind \"bribery\""},
	{"policy without kind", "[[policy]]\nname = \"x\"\n", "validate FILE", 2, "missing: every policy needs a kind"},
	{"deep inline tables", "x = " + strings.Repeat("{a=", 5000) + "1" + strings.Repeat("}", 5000) + "\n", "validate FILE", 2, "hostile.toml"},
	{"deep arrays", "x = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "validate FILE", 2, "hostile.toml"},
	// Flags.
	{"seed flag negative", tiny, "run FILE --seed -2 --out OUT", 2, "--seed: must be in [0,9007199254740991], got -2"},
	{"reps flag", tiny, "run FILE --reps 1000000000 --out OUT", 2, "--reps: must be in [1,10000] (replications), got 1000000000"},
	{"years flag", tiny, "run FILE --years 100000 --out OUT", 2, "--years: must be in [1,100] (years), got 100000"},
	{"workers flag", tiny, "run FILE --workers 0 --out OUT", 2, "--workers: must be in [1,4096]"},
	{"years flag ends a policy early", tiny + "[[policy]]\nkind = \"funding\"\nstart = 1\nend = 1\n", "run FILE --years 1 --out OUT --seed 3", 0, ""},
	{"years flag before a policy starts", tiny + "[[policy]]\nkind = \"funding\"\nstart = 2\nend = 0\n", "run FILE --years 1 --out OUT", 2, "policy[1].start: must be a year of the run, in [1,1], got 2"},
	{"compare year after the run", tiny, "compare FILE FILE --year 99 --out OUT", 2, "--year 99 is after the run's last year 1"},
	{"evaluate strength", tiny, "evaluate FILE --strength 1e308 --out OUT", 2, "--strength: must be in [0,20]"},
	{"evaluate bootstrap", tiny, "evaluate FILE --bootstrap 0 --out OUT", 2, "--bootstrap: must be in [1,100000]"},
	{"evaluate with no school treated", tiny + "[[policy]]\nkind = \"funding\"\nselect.share = 0\nend = 0\n", "evaluate FILE --out OUT", 2, "no school was treated in any replication, so there is no effect to estimate"},
	{"sweep workers", tiny, "sweep FILE --workers 99999 --out OUT", 2, "--workers: must be in [1,4096]"},
	{"sweep shard", tiny, "sweep FILE --shard 0/0 --out OUT", 2, "--shard must be K/N"},
	{"bench workers", "", "bench --workers 1,0", 2, "--workers: must be in [1,4096]"},
	{"bench years", "", "bench --years 100000", 2, "--years: must be in [1,100]"},
	{"unknown flag", tiny, "run FILE --sede 3", 2, "flag provided but not defined: -sede"},
	{"two scenarios to run", tiny, "run FILE FILE --out OUT", 2, "one scenario at a time"},
	{"unknown command", "", "rn", 2, "unknown command \"rn\""},
	{"bench with a size as an argument", "", "bench city", 2, "takes no arguments, got [\"city\"]; for a size, give --size city"},
	{"scenarios with an argument", "", "scenarios baseline", 2, "takes no arguments"},
	{"version with an argument", "", "version foo", 2, "takes no arguments"},
	{"merge a scenario file", tiny, "merge OUT FILE", 2, "hostile.toml is a file, not a sweep directory"},
}

// TestHostileInputs runs every hostile input and checks its exit status,
// that its message names what is wrong, and that a refused input writes
// nothing.
func TestHostileInputs(t *testing.T) {
	if n := len(hostileInputs); n < 60 {
		t.Fatalf("only %d hostile inputs", n)
	}
	for _, h := range hostileInputs {
		t.Run(h.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "hostile.toml")
			if err := os.WriteFile(file, []byte(h.file), 0o644); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "base.toml"), []byte("# a base with a mistake\n[model]\ntie_accept = 3\n"), 0o644)
			out := filepath.Join(dir, "out")
			var args []string
			for _, a := range strings.Fields(h.args) {
				args = append(args, strings.NewReplacer("FILE", file, "OUT", out).Replace(a))
			}
			var stdout, stderr bytes.Buffer
			status := Main(append(args, "--quiet")[:len(args)+boolToInt(quietable(args))], &stdout, &stderr)
			if status != h.status || !strings.Contains(stderr.String(), h.msg) {
				t.Errorf("exit %d, stderr %.400q; want exit %d and %q", status, stderr.String(), h.status, h.msg)
			}
			if len(stderr.String()) > 2000 {
				t.Errorf("a %d-byte message: it should name the problem, not echo the input", stderr.Len())
			}
			if _, err := os.Stat(out); status == exitUsage && err == nil {
				t.Errorf("a refused input wrote %s", out)
			}
		})
	}
}

// quietable reports whether the command takes --quiet.
func quietable(args []string) bool {
	return len(args) > 0 && (args[0] == "run" || args[0] == "compare" || args[0] == "evaluate" || args[0] == "sweep" || args[0] == "bench")
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestInternalErrorStatus checks that a recovered panic is reported as an
// internal error to report, with the scenario hash, and exits 3: not 1 (a
// failed run) or 2 (a refused input), so scripts can tell them apart.
func TestInternalErrorStatus(t *testing.T) {
	var stderr bytes.Buffer
	err := fmt.Errorf("replication 2: %w", &sim.PanicError{Value: "index out of range [7] with length 6", Stack: []byte("goroutine 1 [running]:\nagents.StepSchool")})
	if status := runFailed(&stderr, "schoolnet run", err, "c0ffee"); status != exitInternal || exitInternal == exitFailure || exitInternal == exitUsage {
		t.Errorf("status %d, want the distinct internal-error status %d", status, exitInternal)
	}
	for _, want := range []string{"internal error, please report it", "index out of range", "scenario hash: c0ffee", "agents.StepSchool"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("message %q lacks %q", stderr.String(), want)
		}
	}
	stderr.Reset()
	if status := runFailed(&stderr, "schoolnet run", errors.New("write out/x.csv: no space left on device"), "c0ffee"); status != exitFailure {
		t.Errorf("a disk error: status %d, want %d", status, exitFailure)
	}
}
