package sim

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Replicate runs replications 0..reps−1 of cfg on at most workers
// goroutines in all: replications run side by side, and any workers left
// over step the schools of each replication in parallel. It returns each
// replication's year records, indexed [replication][year], whatever order
// they finished in. progress, if not nil, is called after every simulated
// year of every replication, from several goroutines at once. When ctx is
// cancelled or a replication fails, the records of the replications that
// finished are still returned, with the error; the others are cut short.
// A panic in a replication is returned as a *PanicError.
func Replicate(ctx context.Context, cfg Config, reps, workers int, progress func()) ([][]YearRecord, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	workers = max(1, workers)
	side := min(reps, workers)
	cfg.Workers = max(1, workers/max(1, side))
	out := make([][]YearRecord, reps)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(side)
	for rep := range reps {
		g.Go(func() (err error) {
			defer Recover(&err)
			c := cfg
			c.Replication = rep
			e, err := New(c)
			if err != nil {
				return err
			}
			return e.Run(ctx, func(y YearRecord) {
				out[rep] = append(out[rep], y)
				if progress != nil && y.Year > 0 {
					progress()
				}
			})
		})
	}
	return out, g.Wait()
}
