package sim

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"schoolnet/agents"
)

// BenchmarkYear measures one simulated school year (40 weekly steps and the
// year end) at each size of Sizes, with one worker and with GOMAXPROCS
// workers for the per-school phase. It reports student-steps per second
// and per core, and the live heap per student (all agents, ties and
// buffers). With -short only the district size runs.
func BenchmarkYear(b *testing.B) {
	for _, z := range Sizes {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(z.Name+"/workers="+strconv.Itoa(workers), func(b *testing.B) {
				if z.Name != "district" && testing.Short() {
					b.Skip("only the district size runs with -short")
				}
				benchYear(b, z, workers)
			})
		}
	}
}

// BenchmarkYearWeekByWeek is BenchmarkYear with every school stepped week
// by week, as in a year in which policies act (the engine's RunYear runs
// years without policies a school at a time; see schoolYear): the rate a
// reform's years get.
func BenchmarkYearWeekByWeek(b *testing.B) {
	for _, z := range Sizes {
		if z.Name == "province" {
			continue
		}
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(z.Name+"/workers="+strconv.Itoa(workers), func(b *testing.B) {
				if z.Name != "district" && testing.Short() {
					b.Skip("only the district size runs with -short")
				}
				benchYearWith(b, z, workers, func(e *Engine, y int) error {
					if err := e.weekByWeek(context.Background(), y); err != nil {
						return err
					}
					e.endYear(y, nil)
					return nil
				})
			})
		}
	}
}

func benchYear(b *testing.B, z Size, workers int) {
	benchYearWith(b, z, workers, func(e *Engine, y int) error { return e.RunYear(context.Background(), y, nil) })
}

// benchYearWith runs the years of BenchmarkYear with year.
func benchYearWith(b *testing.B, z Size, workers int, year func(e *Engine, y int) error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cfg := Config{Seed: 1, Years: 1, WeeksPerYear: 40, SpinUpYears: 1, Workers: workers,
		Population: z.Population(), Params: agents.DefaultParams()}
	e, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	students := e.Population().NumStudents()
	cpu0 := CPUTime()
	b.ResetTimer()
	y := 1
	for b.Loop() {
		if err := year(e, y); err != nil {
			b.Fatal(err)
		}
		y++
	}
	cpu := (CPUTime() - cpu0).Seconds()
	steps := float64(students) * float64(cfg.WeeksPerYear) * float64(b.N)
	rate := steps / b.Elapsed().Seconds()
	// CPU time, unlike wall time, is not inflated by other programs
	// competing for the cores.
	b.ReportMetric(steps/cpu, "student-steps/cpu-s")
	b.ReportMetric(rate, "student-steps/s")
	b.ReportMetric(rate/float64(workers), "student-steps/s/worker")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(students), "bytes/student")
	b.ReportMetric(float64(students), "students")
	runtime.KeepAlive(e)
}
