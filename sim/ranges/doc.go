// Package ranges describes schoolnet's numeric inputs — model parameters,
// population and run settings, policy keys and command-line flags — and
// checks values against them.
//
// Each input has an allowed range: a finite lower and upper bound with a
// physical meaning (a share lies in [0,1], a yearly rate is at most 52, the
// weekly limit, a sum of money at most what any school system spends).
// Values outside it are refused before anything runs, so that the engine
// never sees a value it was not built for. Model parameters also carry
// their plausible range, unit, kind of evidence and sources.
//
// A [Table] is the single source of truth for one struct's inputs: its
// Check method walks the struct by its TOML keys, and tests in each
// package that owns a table check that every numeric key has a range and
// that every range names a key.
package ranges
