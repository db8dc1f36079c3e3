package sim

import (
	"sync"
	"sync/atomic"
)

// parallelFor calls fn(i) for every i in [0,n) on up to workers goroutines.
// Each index is handled by exactly one goroutine; which one does not
// matter, since fn(i) must touch only the state of entity i.
func parallelFor(n, workers int, fn func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
