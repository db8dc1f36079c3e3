// Package fmath is schoolnet's portable floating-point arithmetic: the
// elementary functions, samplers and summaries whose results reach an
// output file, written so that every machine computes the same bits.
//
// # Why
//
// The same scenario and seed must give byte-identical files on amd64 and
// arm64 (and on any amd64 CPU). Three things break that in plain Go:
//
//   - The compiler fuses x*y + z into one fused multiply-add (FMA, a single
//     rounding) on arm64, ppc64le, s390x and riscv64, but not on amd64 (two
//     roundings). The Go spec lets an explicit conversion stop it:
//     float64(x*y) + z rounds the product first, on every architecture.
//   - math.Exp and math.Log run assembly on amd64 (math.Exp picks an FMA
//     path when the CPU has one), arm64 has its own math.Exp assembly, and
//     the pure-Go functions (math.Pow, math.Sin, ...) are fused on arm64:
//     their last bits differ between machines. math/rand/v2's NormFloat64
//     and ExpFloat64 call them, and fuse, in their rare slow paths.
//   - gonum's statistics and linear algebra sum in a different order on
//     amd64 (SIMD assembly with several accumulators) than elsewhere, and
//     its pure-Go code is fused on arm64.
//
// So every function here is pure Go, rounds every product that feeds an
// addition with an explicit float64(...) or float32(...) conversion, and
// sums in index order. The elementary functions follow the published
// algorithms (fdlibm for [Exp] and [Log], Cephes for [Sin], [Cos] and
// [Atan]) and agree with package math within 1 ulp; [NormFloat64] and
// [ExpFloat64] are Marsaglia and Tsang's ziggurat, drawing the same numbers
// from a stream as math/rand/v2 does. Functions that are exact in IEEE 754
// arithmetic on every machine (math.Sqrt, math.Floor, math.Abs,
// math.Ldexp, math.Frexp, division) need no replacement.
//
// # Rule for the rest of schoolnet
//
// Code on the output path (agents, sim, sim/policy, results and its
// subpackages, the sweep design of scenarios) uses this package instead of
// math.Exp, math.Log, math.Pow, math.Hypot, math.Sin, math.Cos,
// (*rand.Rand).NormFloat64, (*rand.Rand).ExpFloat64 and gonum's stat and
// mat, and writes float64(a*b) + c where a product feeds a sum. A product
// passed as an argument counts as feeding the callee's sums: the binary
// is built with a profile (cmd/schoolnet/default.pgo), and a function
// the profile makes the compiler inline, such as Exp, is fused with its
// caller's expressions; pass float64(a*b). A test
// (TestNoFusedMultiplyAdd) cross-compiles schoolnet for arm64, with that
// profile, and fails naming every function on that path that still holds
// a fused instruction.
package fmath
