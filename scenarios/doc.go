// Package scenarios holds schoolnet's scenario files and the code that
// loads them.
//
// A scenario is a TOML file: a name and description, [run] settings
// (seed, years, weeks per year, spin-up, replications), the [population]
// to generate and [model] parameter overrides. Anything left out keeps the
// default documented in docs/MODEL.md. Decoding is strict: an unknown key,
// a wrong type or a value out of range is an [*Error] naming the file, the
// line and the key path, with a "did you mean" hint for misspelt keys.
//
// The shipped scenarios are embedded in the binary; [Embedded] lists them
// and [Load] reads either an embedded name or a file on disk.
//
// # Sweeps
//
// A [sweep] table ([SweepSpec]) names model, population or policy keys to
// vary over a grid of values, a Latin hypercube of ranges, the design of
// a global sensitivity analysis (Morris trajectories or Saltelli's design
// for Sobol indices, [SweepSpec.UnitDesign]; a key without a range takes
// its plausible range) or the rows of a CSV design file
// ([SweepTableData]). Loading checks the table's structure;
// [Scenario.SweepPoints] expands it into points and loads each as an
// override file that extends the sweep scenario, so every point is
// validated like a hand-written scenario.
//
// # Untrusted input
//
// [ParseUntrusted] reads a file that came from outside (the teaching
// lab's uploads): [CheckBounds] first refuses, in one pass over the
// bytes, a file nested deeper than [MaxNesting], with more than
// [MaxEntries] entries or a line longer than [MaxLineBytes], since the
// decoders' cost grows with the square of the nesting; and extends is
// resolved among the shipped scenarios only.
package scenarios
