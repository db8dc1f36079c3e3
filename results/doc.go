// Package results writes what a run produces and computes the statistics
// over replications: the yearly group metrics (yearly.csv), the school
// panel (schools.csv), the yearly table printed at the end of a run, the
// comparison of scenarios (compare.csv and its chart), and the files of a
// parameter sweep (runs.csv, points.csv and [SweepChart]).
//
// Every file is written to a temporary name in its directory and renamed
// when complete (see [WriteFile]), so an interrupted run never leaves a
// half-written file. Numbers are formatted deterministically, so the same
// scenario and seed give byte-identical files for any number of workers.
//
// The evaluation lab lives in the subpackages: [schoolnet/results/estimate]
// holds the estimators and [schoolnet/results/evaluate] the twins, the
// study data and the designs.
package results
