package agents

import (
	"math/rand/v2"
	"slices"
)

// Clone returns a deep copy of school s that draws from r: a copy of s's
// stream in its present state, so that the clone goes on exactly as s
// would. The clone shares no memory with s.
func (s *School) Clone(r *rand.Rand) School {
	c := *s
	c.Students = slices.Clone(s.Students)
	c.TieTo = slices.Clone(s.TieTo)
	c.TieStrength = slices.Clone(s.TieStrength)
	c.classStart = slices.Clone(s.classStart)
	c.Teachers = slices.Clone(s.Teachers)
	c.Teaching = slices.Clone(s.Teaching)
	c.pipeF = s.pipeF.clone()
	c.pipeC = s.pipeC.clone()
	c.Admitted = slices.Clone(s.Admitted)
	c.year = slices.Clone(s.year)
	c.scratch = nil
	if s.Hold != nil {
		h := *s.Hold
		h.PeerRelations, h.Style = slices.Clone(h.PeerRelations), slices.Clone(h.Style)
		c.Hold = &h
	}
	c.rng, c.pcg = r, nil
	return c
}

// Clone returns a deep copy of the population in which school i draws from
// stream(i), a copy of its stream in its present state.
func (p *Population) Clone(stream func(i int) *rand.Rand) *Population {
	c := &Population{Spec: p.Spec, Schools: make([]School, len(p.Schools))}
	for i := range p.Schools {
		c.Schools[i] = p.Schools[i].Clone(stream(i))
	}
	return c
}
