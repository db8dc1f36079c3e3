package ensemble

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"schoolnet/agents"
	"schoolnet/results/statistics"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// Runs are the replications of one or more scenarios run together.
type Runs struct {
	// Records[k][r] are scenario k's year records in replication r
	// (shorter than the run's years for a replication cut short).
	Records [][][]sim.YearRecord
	// Stats[k][r] collects the statistics of scenario k's replication r
	// (results/statistics).
	Stats [][]statistics.Collector
	// Draw[r] is replication r's parameter draw: r mod D with an
	// ensemble, r without one.
	Draw []int
	// Theta[d] are draw d's parameter values (nil without an ensemble).
	Theta [][]float64
}

// Simulate runs replications 0..reps−1 of every scenario of scns (which
// share seed and calendar, as a comparison's do) with the parameters of
// ens (nil: each scenario's own), on at most workers goroutines:
// replications side by side, and the workers left over for each one's
// schools. Replication r of every scenario has draw r mod D's parameters
// and replication r's random numbers; the scenarios of a replication that
// generate the same world share its spin-up (sim.RunWorlds), so each
// scenario's records are those of a run of its own. progress, if not nil,
// is called after each simulated year of each scenario and replication.
// When ctx is cancelled or a run fails, the records so far are returned
// with the error.
func Simulate(ctx context.Context, scns []*scenarios.Scenario, reps, workers int, ens *Ensemble, progress func()) (*Runs, error) {
	out := &Runs{Records: make([][][]sim.YearRecord, len(scns)), Stats: make([][]statistics.Collector, len(scns)), Draw: make([]int, reps)}
	for k := range scns {
		out.Records[k] = make([][]sim.YearRecord, reps)
		out.Stats[k] = make([]statistics.Collector, reps)
	}
	// Every draw's scenarios, checked before anything runs.
	draws := 1
	if ens != nil {
		draws = min(ens.Draws, reps)
	}
	worlds := make([][]*scenarios.Scenario, draws)
	for d := range worlds {
		worlds[d] = scns
		if ens == nil {
			continue
		}
		theta := ens.Draw(d)
		out.Theta = append(out.Theta, theta)
		worlds[d] = make([]*scenarios.Scenario, len(scns))
		for k, s := range scns {
			w, err := ens.Apply(s, theta)
			if err != nil {
				return nil, fmt.Errorf("draw %d: %w", d, err)
			}
			worlds[d][k] = w
		}
	}
	workers = max(1, workers)
	side := max(1, min(reps, workers))
	perRun := max(1, workers/side)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(side)
	for r := range reps {
		d := r
		if ens != nil {
			d = ens.DrawOf(r)
		}
		out.Draw[r] = d
		g.Go(func() (err error) {
			defer sim.Recover(&err)
			cfgs := make([]sim.Config, len(scns))
			w := 0
			if ens != nil {
				w = d
			}
			for k, s := range worlds[w] {
				cfgs[k] = s.Config(perRun)
				cfgs[k].Replication = r
				col := &out.Stats[k][r]
				cfgs[k].Observe = func(_, y int, pop *agents.Population, _ *agents.Reference) { col.Add(statistics.Observe(y, pop)) }
			}
			return sim.RunWorlds(gctx, cfgs, func(k int, rec sim.YearRecord) {
				out.Records[k][r] = append(out.Records[k][r], rec)
				if progress != nil && rec.Year > 0 {
					progress()
				}
			})
		})
	}
	return out, g.Wait()
}
