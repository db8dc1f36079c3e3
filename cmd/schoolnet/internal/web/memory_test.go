package web

import (
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

// heldMemory returns, after a full collection that returns freed memory
// to the system, the heap in use and the heap memory held from the
// system, in bytes.
func heldMemory() (inUse, held uint64) {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.HeapSys - m.HeapReleased
}

// attackBodies are hostile requests that each cost the server work and
// memory: scenario files as wide as the entry limit lets through, deep
// ones, deep and large JSON, bodies over the limit.
func attackBodies() []string {
	var wide strings.Builder
	wide.WriteString("[[policy]]\nkind = \"funding\"\nx = [\n")
	for k := 0; wide.Len() < 60<<10; k++ {
		fmt.Fprintf(&wide, "{a%d = 1},\n", k)
	}
	wide.WriteString("]\n")
	escaped := `{"file": "e.toml", "toml": "` + strings.Repeat(`\u0023`, 60<<10) + `"}`
	return []string{
		uploadBody("wide.toml", wide.String()),
		uploadBody("deep.toml", "x = "+strings.Repeat("{a=", 20000)+"1"+strings.Repeat("}", 20000)+"\n"),
		uploadBody("dotted.toml", strings.Repeat("a.", 30000)+"b = 1\n"),
		runBody(`{"years": ` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + `}`),
		runBody(`{"fundng": ` + strings.Repeat(`{"a": `, 9000) + "1" + strings.Repeat("}", 9000) + `}`),
		escaped,
		uploadBody("big.toml", strings.Repeat("#", 1<<20)),
	}
}

// TestMemoryReturnsAfterAttack sends the lab many hostile bodies, four at
// a time, and checks that afterwards the heap in use and the memory held
// from the system are back near where they were: nothing an attack sends
// stays behind.
func TestMemoryReturnsAfterAttack(t *testing.T) {
	lab := newLab(t, Options{})
	bodies := attackBodies()
	send := func(body string) {
		res, err := http.Post(lab.ts.URL+"/api/inspect", "application/json", strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return
		}
		res.Body.Close()
		if res.StatusCode < 400 {
			t.Errorf("an attack body was accepted: %d", res.StatusCode)
		}
	}
	for _, b := range bodies { // warm up: first-use allocations are not a leak
		send(b)
	}
	http.DefaultClient.CloseIdleConnections()
	inUse0, held0 := heldMemory()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	const rounds = 15
	var wg sync.WaitGroup
	work := make(chan string)
	for range 4 {
		wg.Go(func() {
			for b := range work {
				send(b)
			}
		})
	}
	for range rounds {
		for _, b := range bodies {
			work <- b
		}
	}
	close(work)
	wg.Wait()
	http.DefaultClient.CloseIdleConnections()

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	inUse, held := heldMemory()
	spent := after.TotalAlloc - before.TotalAlloc
	t.Logf("attack allocated %d MB in all; heap in use %d -> %d MB, held %d -> %d MB",
		spent>>20, inUse0>>20, inUse>>20, held0>>20, held>>20)
	if spent < 100<<20 {
		t.Errorf("the attack allocated only %d MB: it no longer tests anything", spent>>20)
	}
	const slack = 16 << 20
	if inUse > inUse0+slack {
		t.Errorf("heap in use %d MB after the attack, %d MB before", inUse>>20, inUse0>>20)
	}
	if held > held0+2*slack {
		t.Errorf("heap held from the system %d MB after the attack, %d MB before", held>>20, held0>>20)
	}
}
