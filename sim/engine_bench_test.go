package sim

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"schoolnet/agents"
)

// BenchmarkYear measures one simulated school year (40 weekly steps and the
// year end) of the default district, 100 schools and about 82,000
// students, reporting student-steps per second and bytes of live heap per
// student.
func BenchmarkYear(b *testing.B) {
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("district/workers="+strconv.Itoa(workers), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			cfg := Config{Seed: 1, Years: 1, WeeksPerYear: 40, SpinUpYears: 1, Workers: workers,
				Population: agents.DefaultPopulation(), Params: agents.DefaultParams()}
			e, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			students := e.Population().NumStudents()
			b.ResetTimer()
			y := 1
			for b.Loop() {
				if err := e.RunYear(context.Background(), y, nil); err != nil {
					b.Fatal(err)
				}
				y++
			}
			steps := float64(students) * float64(cfg.WeeksPerYear) * float64(b.N)
			b.ReportMetric(steps/b.Elapsed().Seconds(), "student-steps/s")
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(students), "bytes/student")
			runtime.KeepAlive(e)
		})
	}
}
