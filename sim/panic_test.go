package sim

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// breakingPolicy panics in its own phase, or breaks a school so that the
// parallel school phase panics.
type breakingPolicy struct{ inSchool bool }

func (p *breakingPolicy) Name() string { return "breaking" }

func (p *breakingPolicy) Act(w *World) error {
	if !p.inSchool {
		panic("broken on purpose")
	}
	s := &w.Pop.Schools[len(w.Pop.Schools)/2]
	s.Teaching[0] = int32(len(s.Teachers) + 99) // an index out of range
	return nil
}

// TestPanicBecomesError checks that a panic in a policy, or in a school's
// step on a worker goroutine, comes back from Replicate as a *PanicError
// with the stack where it happened, instead of killing the process.
func TestPanicBecomesError(t *testing.T) {
	for _, tt := range []struct {
		name     string
		inSchool bool
		workers  int
		where    string
	}{
		{"policy phase", false, 1, "Act"},
		{"school phase, one worker", true, 1, "classAggregates"},
		{"school phase, four workers", true, 4, "classAggregates"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := smallConfig(4)
			cfg.Policies = func() []Policy { return []Policy{&breakingPolicy{tt.inSchool}} }
			_, err := Replicate(context.Background(), cfg, 1, tt.workers, nil)
			var pe *PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *PanicError", err)
			}
			if !strings.Contains(err.Error(), "internal error") || !strings.Contains(string(pe.Stack), tt.where) {
				t.Errorf("error %q, stack without %s:\n%s", err, tt.where, pe.Stack)
			}
		})
	}
}
