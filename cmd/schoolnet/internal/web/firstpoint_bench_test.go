package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"schoolnet/sim"
)

// BenchmarkFirstChartPoint measures what a teacher waits for after
// pressing Run: the first progress event and the first chart point
// (year 0) of the shipped baseline on two workers, with the spin-up
// cache cold (a fresh server) and warm (the server spun the baseline up
// when it started, as `schoolnet serve` does, and the run is a reform:
// 1M RMB per school); ns/op includes the server's start and the
// warming. In -short mode (make test) it runs the tiny
// scenario instead.
//
//	go test ./cmd/schoolnet/internal/web -run '^$' -bench FirstChartPoint -benchtime 3x
func BenchmarkFirstChartPoint(b *testing.B) {
	for _, warm := range []bool{false, true} {
		name := map[bool]string{false: "cold", true: "warm"}[warm]
		b.Run(name, func(b *testing.B) {
			var progress, point, cpu time.Duration
			for b.Loop() {
				lab := New(Options{Workers: 2, Grace: time.Minute})
				ts := httptest.NewServer(lab)
				req := runRequest{Scenario: "baseline", Settings: Settings{FundingPerSchool: ptr(1e6)}}
				if testing.Short() {
					req = upload(tinyScenario, req.Settings)
				}
				if warm {
					if testing.Short() {
						// Warm takes shipped scenarios: run the tiny one once.
						firstPoint(b, ts.URL, upload(tinyScenario, Settings{}))
					} else if err := <-lab.Warm("baseline"); err != nil {
						b.Fatal(err)
					}
				}
				cpu0 := sim.CPUTime()
				p, y := firstPoint(b, ts.URL, req)
				cpu += sim.CPUTime() - cpu0
				progress += p
				point += y
				ts.Close()
				lab.Close()
			}
			b.ReportMetric(progress.Seconds()/float64(b.N), "s-to-progress")
			b.ReportMetric(point.Seconds()/float64(b.N), "s-to-first-point")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s-to-first-point")
		})
	}
}

// firstPoint submits a run and returns how long after the submission its
// first progress event and its first year point came; it then stops the
// run.
func firstPoint(b *testing.B, url string, req runRequest) (progressAt, pointAt time.Duration) {
	b.Helper()
	start := time.Now()
	js, _ := json.Marshal(req)
	res, err := http.Post(url+"/api/runs", "application/json", bytes.NewReader(js))
	if err != nil {
		b.Fatal(err)
	}
	var sub submitted
	json.NewDecoder(res.Body).Decode(&sub)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		b.Fatalf("POST /api/runs: %d", res.StatusCode)
	}
	ev, err := http.Get(url + "/api/runs/" + sub.ID + "/events")
	if err != nil {
		b.Fatal(err)
	}
	defer ev.Body.Close()
	readEvents(b, ev.Body, func(e sseEvent) bool {
		if e.name == "progress" && progressAt == 0 {
			progressAt = time.Since(start)
		}
		if e.name == "year" {
			pointAt = time.Since(start)
			return true
		}
		return false
	})
	if pointAt == 0 {
		b.Fatal("the run ended without a chart point")
	}
	http.Post(url+"/api/runs/"+sub.ID+"/cancel", "application/json", nil)
	return progressAt, pointAt
}
