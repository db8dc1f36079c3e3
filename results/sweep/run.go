package sweep

import (
	"context"
	"io"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"schoolnet/results"
	"schoolnet/scenarios"
	"schoolnet/sim"
)

// Simulate runs the runs todo of the sweep's points on at most workers
// goroutines (runs side by side, and the workers left over for each
// run's schools), writing each run's file into dir/runs the moment it
// ends. progress, if not nil, is called after each simulated year. It
// returns how many runs it wrote, also when ctx is cancelled (then with
// the context's error).
func (p *Plan) Simulate(ctx context.Context, points []scenarios.SweepPoint, todo []int, dir string, workers int, progress func()) (int, error) {
	side := max(1, min(len(todo), workers))
	perRun := max(1, workers/side)
	var ran atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(side)
	for _, i := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() (err error) {
			defer sim.Recover(&err)
			pt, rep := i/p.Reps, i%p.Reps
			scn := points[pt].Scenario
			cfgs := []sim.Config{scn.Config(perRun)}
			if p.Effect { // the untreated twin
				cfgs = append(cfgs, cfgs[0])
				cfgs[1].Policies = nil
			}
			for k := range cfgs {
				cfgs[k].Replication = rep
			}
			years := make([][]sim.YearMetrics, len(cfgs))
			if err := sim.RunWorlds(gctx, cfgs, func(k int, y sim.YearRecord) {
				years[k] = append(years[k], sim.Summarise(y))
				if y.Year > 0 && k == 0 && progress != nil {
					progress()
				}
			}); err != nil {
				return err
			}
			row := results.NewSweepRun(i, pt, rep, p.ID, p.values[pt], years[0])
			if p.Effect {
				twin := results.NewSweepRun(i, pt, rep, p.ID, p.values[pt], years[1])
				for j := range row.Outcomes {
					row.Outcomes[j] -= twin.Outcomes[j]
				}
			}
			err = results.WriteFile(p.file(dir, i), func(w io.Writer) error {
				return results.WriteSweepRuns(w, p.Keys, []results.SweepRun{row})
			})
			if err == nil {
				ran.Add(1)
			}
			return err
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err() // cancelled before every run had started
	}
	return int(ran.Load()), err
}
