package agents

import (
	"math/rand/v2"
	"testing"
)

// TestStreamMatchesPCG checks that a school's stream gives the numbers of
// its rand.PCG source and hands the source back in the state it would
// have reached, so that the student step's draws and every later draw are
// those of the source itself.
func TestStreamMatchesPCG(t *testing.T) {
	for _, seed := range [][2]uint64{{0, 0}, {1, 2}, {^uint64(0), 12345}} {
		var s School
		s.SetSource(rand.NewPCG(seed[0], seed[1]))
		ref := rand.NewPCG(seed[0], seed[1])
		for round := range 3 {
			q := s.pcgState()
			for n := range 1000 {
				if got, want := q.uint64(), ref.Uint64(); got != want {
					t.Fatalf("seed %v round %d draw %d: stream %#x, PCG %#x", seed, round, n, got, want)
				}
			}
			q.save(&s)
			if got, want := s.Rand().Uint64(), ref.Uint64(); got != want {
				t.Fatalf("seed %v round %d: after save the source gives %#x, want %#x", seed, round, got, want)
			}
		}
	}
}

// TestStreamNeedsSource checks that stepping a school given only a
// rand.Rand (SetRand) fails loudly rather than drawing other numbers.
func TestStreamNeedsSource(t *testing.T) {
	var s School
	s.SetRand(rand.New(rand.NewPCG(3, 4)))
	defer func() {
		if recover() == nil {
			t.Fatal("pcgState of a school without its source did not panic")
		}
	}()
	s.pcgState()
}
