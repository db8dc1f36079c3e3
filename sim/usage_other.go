//go:build !unix

package sim

import "time"

// CPUTime returns the CPU time this process has used; outside Unix it is
// not measured, and 0.
func CPUTime() time.Duration { return 0 }

// PeakRSS returns the process's peak resident memory; outside Unix it is
// not measured, and 0.
func PeakRSS() int64 { return 0 }
