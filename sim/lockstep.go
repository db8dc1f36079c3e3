package sim

import (
	"context"
	"fmt"

	"schoolnet/agents"
)

// Lockstep runs several replications of one school system side by side,
// week by week, from the year they stand at (their next year, the same for
// all) through year through. engines[0]
// is the untreated twin: usually the same configuration with no policies.
// The others are treated worlds. holds[k] is the mediator that engine k
// holds at the twin's path (agents.Hold), or agents.MediatorNone; holds[0]
// must be agents.MediatorNone.
//
// Each week every engine's policy phase runs; then each held engine takes
// the twin's start-of-week peer relations and teaching styles, the twin
// steps its schools, each held engine takes the twin's acting leadership of
// that week, and the other engines step theirs. Holds act from year 1, when
// policies start; before that every world is the same, and each runs its
// spin-up years a school at a time (Engine.schoolYear).
//
// observe, if not nil, is called after the weeks of each year and before
// any engine closes it, so the caller can read every engine's population
// as Measure will see it. emit, if not nil, gets each engine's year
// records (k is the engine's position). The engines must share seed,
// replication, calendar, population size and next year, and through must
// not pass any engine's last year; each steps its schools with its own
// Config.Workers. Engines made by Fork from one spun-up engine share the
// spin-up's work.
func Lockstep(ctx context.Context, engines []*Engine, holds []agents.Mediator, through int, observe func(y int), emit func(k int, rec YearRecord)) (err error) {
	if len(engines) == 0 {
		return nil
	}
	if len(holds) != len(engines) {
		panic("sim: Lockstep needs one hold per engine")
	}
	twin := engines[0]
	if holds[0] != agents.MediatorNone {
		panic("sim: the twin of Lockstep cannot hold a mediator")
	}
	c := &twin.cfg
	for _, e := range engines {
		d := &e.cfg
		if d.Seed != c.Seed || d.Replication != c.Replication || e.next != twin.next ||
			d.WeeksPerYear != c.WeeksPerYear || d.SpinUpYears != c.SpinUpYears ||
			len(e.world.Pop.Schools) != len(twin.world.Pop.Schools) {
			return fmt.Errorf("sim: Lockstep engines differ in seed, replication, calendar, schools or next year")
		}
		if through > d.Years {
			return fmt.Errorf("sim: Lockstep through year %d, after an engine's last year %d", through, d.Years)
		}
	}
	defer Recover(&err) // after the checks: their panics are the caller's bugs
	held := false
	for _, h := range holds {
		held = held || h != agents.MediatorNone
	}
	defer func() {
		for _, e := range engines {
			for i := range e.world.Pop.Schools {
				e.world.Pop.Schools[i].Hold = nil
			}
		}
	}()
	for y := twin.next; y <= through; y++ {
		if y < 1 {
			// Spin-up: no policy acts and nothing is held, so each
			// world runs its year a school at a time (Engine.schoolYear).
			for _, e := range engines {
				if err := e.schoolYear(ctx, y); err != nil {
					return err
				}
			}
		} else if err := lockstepWeeks(ctx, engines, holds, held, y); err != nil {
			return err
		}
		if observe != nil {
			observe(y)
		}
		for k, e := range engines {
			var out func(YearRecord)
			if emit != nil {
				out = func(r YearRecord) { emit(k, r) }
			}
			e.endYear(y, out)
		}
	}
	return nil
}

// holdStart sets the holds of engine e that come from the twin's state at
// the start of the week: peer relations by student position, style by
// teacher slot.
func holdStart(e, twin *Engine, m agents.Mediator) {
	if m != agents.MediatorPeer && m != agents.MediatorStyle {
		return
	}
	schools, from := e.world.Pop.Schools, twin.world.Pop.Schools
	parallelFor(len(schools), e.cfg.Workers, func(i int) {
		s, t := &schools[i], &from[i]
		if s.Hold == nil {
			s.Hold = &agents.Hold{}
		}
		switch m {
		case agents.MediatorPeer:
			h := resize(s.Hold.PeerRelations, len(t.Students))
			for j := range t.Students {
				h[j] = t.Students[j].PeerRelations
			}
			s.Hold.PeerRelations = h
		case agents.MediatorStyle:
			h := resize(s.Hold.Style, len(t.Teachers))
			for j := range t.Teachers {
				h[j] = t.Teachers[j].Style
			}
			s.Hold.Style = h
		}
	})
}

// holdLeadership sets every school of e to act with the leadership its
// twin's school acted with this week.
func holdLeadership(e, twin *Engine) {
	schools, from := e.world.Pop.Schools, twin.world.Pop.Schools
	for i := range schools {
		s := &schools[i]
		if s.Hold == nil {
			s.Hold = &agents.Hold{}
		}
		s.Hold.Leadership, s.Hold.HoldLeadership = from[i].Leadership(&twin.cfg.Params), true
	}
}

// resize returns x with length n, reusing its storage where it can.
func resize[T any](x []T, n int) []T {
	if n <= cap(x) {
		return x[:n]
	}
	return make([]T, n)
}

// lockstepWeeks runs the weeks of year y (1 or later) of Lockstep: each
// week every engine's policy phase, the holds from the twin, the twin's
// schools, then the others'.
func lockstepWeeks(ctx context.Context, engines []*Engine, holds []agents.Mediator, held bool, y int) error {
	twin := engines[0]
	for wk := range twin.cfg.WeeksPerYear {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, e := range engines {
			if err := e.policyPhase(y, wk); err != nil {
				return err
			}
		}
		if held {
			for k, e := range engines {
				holdStart(e, twin, holds[k])
			}
		}
		twin.schoolPhase()
		if held {
			for k, e := range engines {
				if holds[k] == agents.MediatorLeadership {
					holdLeadership(e, twin)
				}
			}
		}
		for _, e := range engines[1:] {
			e.schoolPhase()
		}
	}
	return nil
}
