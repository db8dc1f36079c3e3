package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"schoolnet/agents"
	"schoolnet/sim"
)

const benchSynopsis = `Usage: schoolnet bench [--size district|city|province] [--workers 1,2,4] [--years N]

Measures this machine: student-steps per second (one student, one week),
live heap bytes per student, peak memory, and the speed-up and parallel
efficiency of each worker count: for the per-school phase of one large run
(generation and spin-up not timed), for a whole run (generation, one
spin-up year and the years), and for replications run side by side (one
per worker). With one worker among the counts, it also reports the whole
run's sequential share, the part no number of workers shortens, and the
speed-up and efficiency Amdahl's law then allows on 16 and 64 workers.
The worlds have no policies, so each worker runs a school's whole year
before the next school (docs/MODEL.md, "Years without phase 1"); years
with policies run week by week, with a barrier a week, except in weeks
every policy says are quiet (go test ./sim -bench YearWeekByWeek measures
the week-by-week path).
Sizes: district 100 schools and 60,000 students, city 1,600 and
1,000,000, province 10,000 and 8,000,000.`

func cmdBench(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench", benchSynopsis, stdout, stderr)
	size := fs.String("size", "district", "district, city or province")
	workerList := fs.String("workers", defaultWorkerList(), "comma-separated worker counts")
	years := fs.Int("years", 1, "simulated years timed per measurement")
	reps := fs.Bool("reps", true, "also measure replications side by side")
	whole := fs.Bool("whole", true, "also time whole runs (generation, spin-up and years) and report the sequential share")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if status, ok := noArgs(fs, args, stdout, stderr, func(arg string) string { return "; for a size, give --size " + arg }); !ok {
		return status
	}
	z, err := sim.SizeNamed(*size)
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet bench:", err)
		return exitUsage
	}
	workers, err := parseWorkers(*workerList)
	if err == nil {
		err = checkFlag("years", float64(*years))
	}
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet bench:", err)
		return exitUsage
	}
	ctx, stop := interruptContext()
	defer stop()

	b := bencher{size: z, years: *years, ctx: ctx}
	total := int64(len(workers) * *years)
	if *reps {
		total *= 2
	}
	if *whole {
		total += int64(len(workers) * (*years + 1))
	}
	bar := newProgress(total, "benchmarking", stderr, *quiet)
	b.progress = func() { bar.Add(1) }

	heap, students, err := b.memory()
	if err != nil {
		fmt.Fprintln(stderr, "schoolnet bench:", err)
		return exitFailure
	}
	var phase, side, runs []benchRow
	var share float64 = -1 // sequential share of a whole run with one worker
	for _, w := range workers {
		r, err := b.schoolPhase(w)
		if err != nil {
			fmt.Fprintln(stderr, "schoolnet bench:", err)
			return exitFailure
		}
		phase = append(phase, r)
	}
	if *whole {
		for _, w := range workers {
			r, parallel, err := b.wholeRun(w)
			if err != nil {
				fmt.Fprintln(stderr, "schoolnet bench:", err)
				return exitFailure
			}
			runs = append(runs, r)
			if w == 1 {
				share = 1 - parallel.Seconds()/r.elapsed.Seconds()
			}
		}
	}
	if *reps {
		for _, w := range workers {
			r, err := b.replications(w)
			if err != nil {
				fmt.Fprintln(stderr, "schoolnet bench:", err)
				return exitFailure
			}
			side = append(side, r)
		}
	}
	bar.Finish()

	pop := z.Population()
	fmt.Fprintf(stdout, "schoolnet bench: %s size, %d schools, %d students; %d year(s) of 40 weekly steps timed per row\n",
		z.Name, pop.NumSchools(), students, *years)
	fmt.Fprintf(stdout, "machine: %d CPUs, GOMAXPROCS %d, %s %s/%s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "memory: %.0f bytes per student (live heap after generation: %.1f MiB); peak resident %.1f MiB\n\n",
		float64(heap)/float64(students), float64(heap)/(1<<20), float64(sim.PeakRSS())/(1<<20))
	fmt.Fprintln(stdout, "Per-school phase, one replication:")
	printBench(stdout, phase)
	if *whole {
		fmt.Fprintf(stdout, "\nWhole run, one replication (generation, 1 spin-up year and %d year(s)):\n", *years)
		printBench(stdout, runs)
		if share >= 0 {
			fmt.Fprintf(stdout, "sequential share (1 worker): %.1f%% of the run; Amdahl's law allows", 100*share)
			for _, n := range []int{16, 64} {
				a := amdahl(share, n)
				fmt.Fprintf(stdout, " %d workers %.1fx (%.0f%%)", n, a, 100*a/float64(n))
				if n == 16 {
					fmt.Fprint(stdout, ",")
				}
			}
			fmt.Fprintln(stdout)
		}
	}
	if *reps {
		fmt.Fprintln(stdout, "\nReplications side by side, one per worker:")
		printBench(stdout, side)
	}
	return exitOK
}

func defaultWorkerList() string {
	var ws []string
	for w := 1; w <= runtime.NumCPU(); w *= 2 {
		ws = append(ws, strconv.Itoa(w))
	}
	if n := runtime.NumCPU(); n&(n-1) != 0 {
		ws = append(ws, strconv.Itoa(n))
	}
	return strings.Join(ws, ",")
}

func parseWorkers(list string) ([]int, error) {
	var out []int
	fields := strings.Split(list, ",")
	if len(fields) > 32 {
		return nil, fmt.Errorf("--workers: at most 32 worker counts, got %d", len(fields))
	}
	for _, f := range fields {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("--workers wants counts like 1,2,4; %q is not a whole number", f)
		}
		if err := checkFlag("workers", float64(w)); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// bencher runs the measurements of one size.
type bencher struct {
	size     sim.Size
	years    int
	ctx      context.Context
	progress func()
}

// benchRow is one measured worker count.
type benchRow struct {
	workers int
	elapsed time.Duration
	steps   float64 // student-steps done
}

func (b *bencher) config(workers, rep int) sim.Config {
	return sim.Config{Seed: 1, Replication: rep, Years: b.years, WeeksPerYear: 40, SpinUpYears: 1,
		Workers: workers, Population: b.size.Population(), Params: agents.DefaultParams()}
}

// memory generates one replication and returns its live heap and students.
func (b *bencher) memory() (heap uint64, students int, err error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e, err := sim.New(b.config(1, 0))
	if err != nil {
		return 0, 0, err
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	students = e.Population().NumStudents()
	runtime.KeepAlive(e)
	return after.HeapAlloc - before.HeapAlloc, students, nil
}

// schoolPhase times years of one replication with workers goroutines in
// the per-school phase.
func (b *bencher) schoolPhase(workers int) (benchRow, error) {
	e, err := sim.New(b.config(workers, 0))
	if err != nil {
		return benchRow{}, err
	}
	students := e.Population().NumStudents()
	runtime.GC()
	start := time.Now()
	for y := 1; y <= b.years; y++ {
		if err := e.RunYear(b.ctx, y, nil); err != nil {
			return benchRow{}, err
		}
		b.progress()
	}
	return benchRow{workers, time.Since(start), float64(students) * 40 * float64(b.years)}, nil
}

// wholeRun times a whole run of one replication with workers goroutines:
// generation, one spin-up year and the years. It also returns the time the
// engine spent in the sections it hands to the workers (the rest is
// sequential).
func (b *bencher) wholeRun(workers int) (benchRow, time.Duration, error) {
	runtime.GC()
	start := time.Now()
	e, err := sim.New(b.config(workers, 0))
	if err != nil {
		return benchRow{}, 0, err
	}
	if err := e.Run(b.ctx, func(sim.YearRecord) { b.progress() }); err != nil {
		return benchRow{}, 0, err
	}
	elapsed := time.Since(start)
	steps := float64(e.Population().NumStudents()) * 40 * float64(b.years+1)
	return benchRow{workers, elapsed, steps}, e.ParallelTime(), nil
}

// amdahl returns the speed-up Amdahl's law allows n workers on a run whose
// sequential share is s: 1 / (s + (1 − s)/n).
func amdahl(s float64, n int) float64 { return 1 / (s + (1-s)/float64(n)) }

// replications times years of workers replications run side by side, one
// goroutine each.
func (b *bencher) replications(workers int) (benchRow, error) {
	engines := make([]*sim.Engine, workers)
	students := 0
	for r := range engines {
		e, err := sim.New(b.config(1, r))
		if err != nil {
			return benchRow{}, err
		}
		engines[r] = e
		students += e.Population().NumStudents()
	}
	runtime.GC()
	start := time.Now()
	errs := make(chan error, workers)
	for _, e := range engines {
		go func() {
			for y := 1; y <= b.years; y++ {
				if err := e.RunYear(b.ctx, y, nil); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range engines {
		if err := <-errs; err != nil {
			return benchRow{}, err
		}
	}
	for range b.years {
		b.progress()
	}
	return benchRow{workers, time.Since(start), float64(students) * 40 * float64(b.years)}, nil
}

func printBench(w io.Writer, rows []benchRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workers\ttime\tstudent-steps/s\tper worker\tspeed-up\tefficiency\t")
	base := rows[0].steps / rows[0].elapsed.Seconds() / float64(rows[0].workers)
	for _, r := range rows {
		rate := r.steps / r.elapsed.Seconds()
		speedup := rate / base
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.2f\t%.0f%%\t\n", r.workers, r.elapsed.Round(time.Millisecond),
			si(rate), si(rate/float64(r.workers)), speedup, 100*speedup/float64(r.workers))
	}
	tw.Flush()
}

// si formats x with a metric suffix: 12.3M.
func si(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.2fG", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
