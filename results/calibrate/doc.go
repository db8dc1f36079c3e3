// Package calibrate estimates model parameters from calibration targets
// (package schoolnet/targets) by approximate Bayesian computation with
// sequential Monte Carlo: the adaptive population Monte Carlo sampler of
// Lenormand, Jabot & Deffuant (2013), an ABC-SMC sampler in the line of
// Toni et al. (2009), Beaumont, Cornuet, Marin & Robert (2009) and Del
// Moral, Doucet & Jasra (2012). docs/CALIBRATION.md says why this method
// and how to read its results.
//
// # The sampler
//
// The prior is uniform over each parameter's plausible range, the single
// table of ranges of agents.ParamRanges or the policy kind's Ranges. A
// particle is a parameter vector θ; simulating it runs every target
// scenario with θ in the calibration's replications of the scenario's
// seed (common random numbers: every particle sees the same streams) and
// gives each target's statistic, and the distance
//
//	ρ(θ) = √( (1/K) Σ_k ((s_k(θ) − y_k)/σ_k)² )
//
// from the published values y_k in units of their standard errors σ_k.
// The first generation draws N = N_α/α particles from the prior (a Latin
// hypercube) and keeps the N_α nearest. Each later generation draws
// N − N_α new particles from the kept ones, moved by a Gaussian kernel of
// twice their weighted covariance, weights them by prior over proposal
// density, and keeps the N_α nearest of the old and new together: the
// tolerance ε_t, the largest distance kept, falls as the generations go.
// It stops when a generation's new particles fall below the previous
// tolerance less often than min_acceptance, after max_generations, or
// when the tolerance reaches the floor the targets' own errors set
// (Model.Floor). The posterior weights the last generation's particles by
// the Gaussian kernel of the targets' errors (Wilkinson 2013; see
// Result.Posterior).
//
// # Files, resuming and shards
//
// [Run] keeps all its state in a directory as it goes (see state.go):
// each generation's proposals, each particle the moment it is simulated,
// each generation's kept particles when it closes. Stopped, it resumes
// where it was; run as shards (Options.Shard of Options.Shards) sharing
// the directory, each process simulates its part of every generation and
// any of them closes it; the result is the same bits whatever the
// workers, shards and interruptions.
//
// Every draw comes from a stream derived from the calibration's seed
// (sim.PurposeCalibrate), every sum runs in order and every product that
// feeds a sum is rounded first, so the posterior is the same on every
// machine; the charts are the exception that no byte-for-byte promise
// covers.
package calibrate
