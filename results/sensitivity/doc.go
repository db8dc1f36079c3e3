// Package sensitivity holds the designs and estimators of global
// sensitivity analysis and scenario discovery that schoolnet's sweeps and
// ensembles use: the Sobol low-discrepancy sequence, Saltelli's sampling
// scheme and the first-order and total Sobol indices, Morris's elementary
// effects, and the patient rule induction method (PRIM). It knows nothing
// of scenarios or simulations: a design is a matrix of points in the unit
// cube, an analysis takes the model's output at those points.
//
// # Sobol indices
//
// [Saltelli] lays out N base rows, each the points A_j, AB_j^(1), …,
// AB_j^(k), B_j (k + 2 points; AB^(i) is A with its i-th column from B),
// where A and B are the first and last k coordinates of the j-th point of
// a Sobol sequence in 2k dimensions (Saltelli 2002; Saltelli et al. 2010).
// [SobolIndices] estimates, with V the variance of f over the A and B
// points together,
//
//	S_i  = (1/N) Σ_j f(B_j)·(f(AB_j^(i)) − f(A_j)) / V      (Saltelli et al. 2010)
//	S_Ti = (1/2N) Σ_j (f(A_j) − f(AB_j^(i)))² / V           (Jansen 1999)
//
// the estimators Saltelli et al. (2010, table 2) recommend and SALib uses,
// with percentile intervals from a bootstrap over the base rows.
//
// # Elementary effects
//
// [Morris] lays out r trajectories of k + 1 points on a p-level grid, each
// moving one parameter at a time by Δ = p/(2(p − 1)) (Morris 1991);
// [MorrisIndices] returns each parameter's μ (mean elementary effect), μ*
// (mean absolute effect; Campolongo, Cariboni & Saltelli 2007) and σ, with a
// bootstrap interval for μ*. Effects are per the whole range of the
// parameter: the change in the output when the parameter moves across its
// range, extrapolated linearly from a step of Δ.
//
// # Scenario discovery
//
// [PRIM] finds a box in parameter space where a condition (a reform beats
// another) holds much more often than elsewhere, by peeling (Friedman &
// Fisher 1999), as the EMA Workbench does (Kwakkel 2017), and reports each
// box's coverage and density.
//
// # Determinism
//
// Every draw comes from a *rand.Rand the caller passes; sums run in index
// order and every product that feeds a sum is rounded first (package
// schoolnet/sim/fmath), so the same inputs give the same bits on every
// machine.
package sensitivity
