package sim

import (
	"slices"
	"testing"

	"schoolnet/agents"
)

// TestLargestFirst: the weekly step hands the workers the schools by
// enrolment, largest first, ties in index order, every school once.
func TestLargestFirst(t *testing.T) {
	sizes := []int{3, 7, 0, 7, 5}
	schools := make([]agents.School, len(sizes))
	for i, n := range sizes {
		schools[i].Students = make([]agents.Student, n)
	}
	got := largestFirst(schools)
	want := []int32{1, 3, 4, 0, 2}
	if !slices.Equal(got, want) {
		t.Errorf("largestFirst of sizes %v = %v, want %v", sizes, got, want)
	}
}
