// Package estimate holds the estimators an evaluation study uses: weighted
// least squares with conventional and cluster-robust (CR1) standard
// errors, logistic regression by iteratively reweighted least squares,
// nearest-neighbour matching on a score with a caliper and common support,
// standardised mean differences for balance, and the (cluster, stratified)
// percentile bootstrap with an explicit random source.
//
// Each estimator works on plain slices and matrices and knows nothing of
// schools or simulations; package [schoolnet/results/evaluate] builds the
// study data and the designs on top of it. Programmer errors (mismatched
// lengths) panic with an "estimate: " message; data that cannot be fitted
// (a singular design, a logistic fit that does not converge) is reported
// as an error.
//
// Designs come in as gonum mat.Dense matrices, but the arithmetic (the
// cross-products, Cholesky factorisation, Householder QR, the sandwich,
// the bootstrap's SD and percentiles) is this package's own and package
// schoolnet/sim/fmath's: sums in index order, no fused multiply-adds, so
// the same data give the same bits on every machine, which gonum's BLAS
// (SIMD sums on amd64, fused on arm64) does not.
package estimate
