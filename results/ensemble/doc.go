// Package ensemble runs a scenario, or a comparison of scenarios, over an
// ensemble of parameter sets: the prior (every model parameter uniform on
// its plausible range, agents.ParamRanges) or a posterior that `schoolnet
// calibrate` wrote (posterior.csv: weighted parameter draws; "posterior" is
// the shipped calibration's, embedded). It is what
// `--ensemble prior|prior:KEYS|posterior|FILE` of run, compare and evaluate does:
// [Load] reads the ensemble, [Simulate] runs the scenarios of a
// comparison with it, and [Discover] answers a scenario-discovery
// question on a comparison's files ("when does A beat B?") with PRIM.
//
// # Draws and replications
//
// An ensemble of D draws gives replication r the parameter set of draw
// r mod D, drawn from a stream derived from the run seed and the draw
// (sim.PurposeEnsemble): replication r of every scenario of a comparison
// has the same parameters and the same random numbers, so scenarios differ
// only by their policies. Replications D … 2D−1 repeat the draws with other
// random numbers, which is what separates the two kinds of uncertainty.
//
// # Parametric and stochastic uncertainty
//
// results.Decompose splits the variance of an outcome (or of a paired
// difference) over the runs by a one-way random-effects analysis of
// variance with the draws as groups: the stochastic variance σ²_s is the
// mean square within draws, the parametric variance σ²_p = (MSB − MSW)/n₀
// (at least 0). Its interval is a 95% prediction interval for the outcome
// in one more world, drawn from the ensemble with its own random numbers,
//
//	ȳ ± t(0.975, D−1) · √(σ²_p + σ²_s + σ²_p/D + σ²_s/N)
//
// which holds both uncertainties; the parametric share is σ²_p/(σ²_p +
// σ²_s). results.PBetter is the share of draws in which one scenario's mean
// over the draw's replications beats another's.
//
// # Scenario discovery
//
// [Discover] reads a comparison's ensemble.csv and outcomes.csv, marks the
// draws in which one scenario's mean beats another's on an outcome, and
// runs the patient rule induction method (results/sensitivity.PRIM) on the
// draws' parameters: its boxes read as conditions ("when
// peer_relation_effect ≤ 0.3 and …").
package ensemble
