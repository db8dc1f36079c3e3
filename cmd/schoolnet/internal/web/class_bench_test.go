package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"schoolnet/sim"
)

// BenchmarkClassOf40 measures a class on a 2-core laptop's settings (two
// workers, two runs at once): the teacher starts a session on the
// baseline with 3 repeats, then 40 students each start a different
// reform at the same moment (the worst case: no two alike, so none is
// reused). It reports the time until the last student's result is in,
// the CPU time it took (on a loaded machine, CPU time ÷ 2 is what an idle
// 2-core laptop would take), and the heap the server holds then. In -short mode (make test) it runs
// 6 students on the tiny scenario.
//
//	go test ./cmd/schoolnet/internal/web -run '^$' -bench ClassOf40 -benchtime 1x
func BenchmarkClassOf40(b *testing.B) {
	students, req := 40, runRequest{Scenario: "baseline", Settings: Settings{Replications: ptr(3)}}
	if testing.Short() {
		students, req = 6, upload(tinyScenario, Settings{Replications: ptr(3)})
	}
	var wall, cpu time.Duration
	var heap uint64
	for b.Loop() {
		lab := New(Options{Class: true, Workers: 2, MaxRunning: 2, Grace: time.Hour})
		ts := httptest.NewServer(lab)
		send := func(path, token string, body, out any) int {
			js, _ := json.Marshal(body)
			r, _ := http.NewRequest("POST", ts.URL+path, bytes.NewReader(js))
			r.Header.Set("Content-Type", "application/json")
			if token != "" {
				r.Header.Set(classTokenHeader, token)
			}
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			defer res.Body.Close()
			json.NewDecoder(res.Body).Decode(out)
			return res.StatusCode
		}
		start, cpu0 := time.Now(), sim.CPUTime()
		var inf sessionInfo
		if code := send("/api/class", lab.TeacherToken(), req, &inf); code != http.StatusCreated {
			b.Fatalf("start: %d", code)
		}
		var ids []string
		for k := range students {
			var m sessionInfo
			send("/api/class/join", "", joinRequest{inf.Code, fmt.Sprint("S", k)}, &m)
			var sub submitted
			if code := send("/api/runs", m.Token, runRequest{Settings: Settings{FundingPerSchool: ptr(float64(k+1) * 5e4)}}, &sub); code != http.StatusAccepted {
				b.Fatalf("student %d: %d", k, code)
			}
			ids = append(ids, sub.ID)
		}
		for _, id := range ids {
			for {
				lab.mu.Lock()
				rn := lab.runs[id]
				lab.mu.Unlock()
				rn.mu.Lock()
				st := rn.state
				rn.mu.Unlock()
				if st == stateDone {
					break
				}
				if st != stateQueued && st != stateRunning {
					b.Fatalf("run %s: %s", id, st)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		wall += time.Since(start)
		cpu += sim.CPUTime() - cpu0
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap += ms.HeapInuse
		ts.Close()
		lab.Close()
	}
	b.ReportMetric(wall.Seconds()/float64(b.N), "s-for-the-class")
	b.ReportMetric(wall.Seconds()/float64(b.N*students), "s-per-student")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s-for-the-class")
	b.ReportMetric(float64(heap)/float64(b.N)/(1<<20), "MiB-heap")
}
