// Package statistics computes, from a simulated school system, the
// statistics a researcher would compute from the same data about a real
// one: growth on a vertical scale, teacher and principal value added,
// class peer effects, the between-school share of variance, tier gaps and
// teachers' leaving and moving. They are what the calibration's targets
// name (docs/CALIBRATION.md) and what `schoolnet run` writes to
// statistics.csv (docs/RESULTS.md).
//
// # Data
//
// The statistics need every student and teacher, which the yearly school
// records do not carry. [Observe] takes a [Year] snapshot of the
// population at a year end through the engine's hook (sim.Config.Observe):
// each student's identity, school, grade, class, score in each subject on
// the model's latent vertical scale and the teacher of each subject; each
// teacher's identity, school and home school; each school's tier and
// principal. A [Collector] takes one replication's snapshots year by year
// and keeps two at a time.
//
// # Estimators
//
// Scores are standardised as a researcher standardises test scores: by
// grade, subject and year over the whole simulated system. The value-added
// estimators are fixed-effects regressions of a year's standardised score
// on the same student's score a year earlier, solved in closed form; the
// spread of the estimated effects is corrected for their sampling error
// (Aaronson, Barrow & Sander 2007; Kane & Staiger 2008), so it estimates
// the spread of the true effects. docs/RESULTS.md ("statistics.csv")
// gives each formula.
//
// Every sum runs in a fixed order and every product that feeds a sum is
// rounded first (float64(x*y)), so the statistics are the same bits on
// every machine (package schoolnet/sim/fmath).
package statistics
