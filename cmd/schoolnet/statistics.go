package main

import (
	"schoolnet/agents"
	"schoolnet/results/statistics"
	"schoolnet/sim"
)

// collectStatistics sets cfg's year-end hook to feed each replication's
// snapshots to its collector (results/statistics) and returns the
// collectors, indexed by replication.
func collectStatistics(cfg *sim.Config, reps int) []statistics.Collector {
	cols := make([]statistics.Collector, reps)
	cfg.Observe = func(rep, y int, pop *agents.Population, _ *agents.Reference) {
		cols[rep].Add(statistics.Observe(y, pop))
	}
	return cols
}

// statisticsOf returns the statistics of the replications whose records
// are kept (all of them, or those that finished before an interruption):
// the rows of statistics.csv.
func statisticsOf(cols []statistics.Collector, records [][]sim.YearRecord) []statistics.Replication {
	out := make([]statistics.Replication, len(records))
	for i, r := range records {
		rep := r[0].Replication
		out[i] = statistics.Replication{Replication: rep, Values: cols[rep].Values()}
	}
	return out
}
