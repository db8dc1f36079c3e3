package sim

import (
	"sync"
	"sync/atomic"
)

// parallelFor calls fn(i) for every i in [0,n) on up to workers goroutines.
// Each index is handled by exactly one goroutine; which one does not
// matter, since fn(i) must touch only the state of entity i. A panic in fn
// stops the loop and is raised again, as a *PanicError, on the caller's
// goroutine, where it can be recovered.
func parallelFor(n, workers int, fn func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Pointer[PanicError]
	for range min(workers, n) {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					failed.CompareAndSwap(nil, recovered(p))
					next.Store(int64(n)) // the others stop at their next index
				}
			}()
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
	if pe := failed.Load(); pe != nil {
		panic(pe) // on the caller's goroutine, where it can be recovered
	}
}
