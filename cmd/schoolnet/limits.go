package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim/policy"
	"schoolnet/sim/ranges"
	"schoolnet/targets"
)

// flagRanges holds the allowed range of every numeric flag, by flag name:
// the same rule as the scenario files' keys. The run settings take their
// [run] key's range (--reps is run.replications).
var flagRanges = func() ranges.Table {
	run := func(flag, key string) ranges.Range {
		r, _ := scenarios.RunRanges.Lookup(key)
		c := *r
		c.Key = flag
		return c
	}
	setting := func(flag, key string) ranges.Range { // calibrate's, from its [calibration] table
		r, _ := targets.SettingsRanges.Lookup(key)
		c := *r
		c.Key = flag
		return c
	}
	return ranges.Table{
		run("seed", "seed"),
		run("reps", "replications"),
		run("years", "years"),
		{Key: "workers", Min: 1, Max: 4096, Unit: "goroutines"},
		{Key: "year", Min: 0, Max: policy.MaxYears, Unit: "year"},
		{Key: "grade", Min: 1, Max: 12, Unit: "national grade number"},
		{Key: "bootstrap", Min: 1, Max: 100_000, Unit: "replicates"},
		{Key: "draws", Min: 1, Max: scenarios.MaxReplications, Unit: "parameter draws"},
		{Key: "threshold", Min: 0.5, Max: 1, Unit: "share of a box's draws"},
		{Key: "coverage", Min: 0.01, Max: 1, Unit: "share of the wins"},
		{Key: "margin", Min: -1e9, Max: 1e9, Unit: "the outcome's"},
		{Key: "strength", Min: 0, Max: 20, Unit: "logit weight of motivation"},
		setting("particles", "particles"),
		setting("generations", "max_generations"),
		setting("replications", "replications"),
	}
}()

// checkFlag checks the value x of the flag named against its range.
func checkFlag(name string, x float64) error {
	r, ok := flagRanges.Lookup(name)
	if !ok {
		panic("schoolnet: no range for flag --" + name)
	}
	if !r.Contains(x) {
		return fmt.Errorf("--%s: %s", name, (&ranges.Error{Key: name, Value: x, Range: *r}).Reason())
	}
	return nil
}

// checkFlags checks every numeric flag the command line set against its
// range in flagRanges. Flags left at their defaults are not checked: some
// defaults (-1, 0) mean "as the scenario says".
func checkFlags(fs *flagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if _, ok := flagRanges.Lookup(f.Name); ok && err == nil {
			x, _ := strconv.ParseFloat(f.Value.String(), 64) // an int or float flag
			err = checkFlag(f.Name, x)
		}
	})
	return err
}

// memoryPerStudent is the live heap of a student with its ties, its share
// of teachers and its school's spare places (docs/PERFORMANCE.md: 117–121
// bytes), rounded up.
const memoryPerStudent = 130

// needMemory estimates the peak memory of simulating scn with workers
// goroutines, engines engines per replication (a replication and its
// twins), keeping every replication's yearly records: the populations of
// the replications that run side by side, plus the records, doubled for
// the garbage collector's headroom (GOGC=100).
func needMemory(scn *scenarios.Scenario, workers, engines int) float64 {
	side := float64(min(scn.Run.Replications, workers))
	pop := side * float64(engines) * scn.Population.PlannedStudents() * memoryPerStudent
	recs := float64(scn.Run.Replications) * float64(engines) * float64(scn.Run.Years+1) *
		float64(scn.Population.NumSchools()) * float64(unsafe.Sizeof(agents.SchoolRecord{}))
	return 2 * (pop + recs)
}

// checkMemory refuses a run that would need more memory than this machine
// (or its container) has, before anything runs, saying what to change.
func checkMemory(scn *scenarios.Scenario, workers, engines int) error {
	have := availableMemory()
	need := needMemory(scn, workers, engines)
	if have <= 0 || need <= 0.9*have {
		return nil
	}
	return fmt.Errorf("this run would need about %s of memory (%.0f planned students, %d replications, %d side by side), and this machine has %s: use fewer --workers or --reps, or a smaller [population]",
		bytesString(need), scn.Population.PlannedStudents(), scn.Run.Replications, min(scn.Run.Replications, workers), bytesString(have))
}

// availableMemory returns the memory this process may use: the machine's
// total, or its cgroup's limit if lower; 0 if neither can be read (not
// Linux), when no check is made.
func availableMemory() float64 {
	var total float64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				total = kb * 1024
			}
		}
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if b, err := os.ReadFile(p); err == nil {
			if lim, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64); err == nil && lim > 0 && (total == 0 || lim < total) {
				total = lim
			}
		}
	}
	return total
}

func bytesString(b float64) string {
	const gib = 1 << 30
	if b >= gib {
		return fmt.Sprintf("%.1f GiB", b/gib)
	}
	return fmt.Sprintf("%.0f MiB", math.Ceil(b/(1<<20)))
}
