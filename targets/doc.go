// Package targets holds schoolnet's calibration targets and the code that
// reads them.
//
// A target file is TOML (docs/CALIBRATION.md, "Target files"): the
// parameters to calibrate, the calibration's settings, optionally a
// smaller world for every scenario it runs, and a list of [[target]]
// tables. Each target names a statistic schoolnet computes (a statistic
// of package results/statistics, or "estimate", an evaluation design's
// estimate of package results/evaluate), the scenario and years it is
// measured in, its grade, tier, subject or design, the published value
// with its standard error or 95% interval, the kind of evidence and the
// source. Decoding is strict: an unknown key, a wrong type, a value out of
// range, a statistic that does not exist or a grade the schools do not
// teach is a *scenarios.Error naming the file, the line and the key, as
// for scenario files.
//
// The shipped target files are embedded in the binary: default.toml, the
// baseline patterns of a real school system and the Shanghai Strong
// School Project's estimates, each value cited. [Load] reads a shipped
// name or a file on disk.
package targets
