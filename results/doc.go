// Package results writes what a run produces and computes the statistics
// over replications: the yearly group metrics (yearly.csv), the school
// panel (schools.csv), the yearly table printed at the end of a run, the
// comparison of scenarios (compare.csv and its chart), and the files of a
// parameter sweep (runs.csv, points.csv and [SweepChart]).
//
// A result folder is written all or nothing (see [Folder]): its files go
// into a temporary folder beside it, each synced to disk, and the whole
// folder is renamed into place, replacing the old one in one step; its
// manifest.json lists the files with their SHA-256. A failure or an
// interruption leaves the old folder as it was. A single file is written
// to a temporary name and renamed (see [WriteFile]). Numbers are
// formatted deterministically, so the same scenario and seed give
// byte-identical files for any number of workers.
//
// The evaluation lab lives in the subpackages: [schoolnet/results/estimate]
// holds the estimators and [schoolnet/results/evaluate] the twins, the
// study data and the designs.
package results
