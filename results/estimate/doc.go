// Package estimate holds the estimators an evaluation study uses, written
// on gonum's mat: weighted least squares with conventional and
// cluster-robust (CR1) standard errors, logistic regression by
// iteratively reweighted least squares, nearest-neighbour matching on a
// score with a caliper and common support, standardised mean differences
// for balance, and the (cluster, stratified) percentile bootstrap with an
// explicit random source.
//
// Each estimator works on plain slices and matrices and knows nothing of
// schools or simulations; package [schoolnet/results/evaluate] builds the
// study data and the designs on top of it. Programmer errors (mismatched
// lengths) panic with an "estimate: " message; data that cannot be fitted
// (a singular design, a logistic fit that does not converge) is reported
// as an error.
package estimate
