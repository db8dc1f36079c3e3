package sim

import "math/rand/v2"

// Purpose separates the streams of one replication.
type Purpose uint64

// The streams of a replication. A school's stream is the same whatever
// policies run, so a scenario and its policy-free twin share their
// schools' randomness.
const (
	PurposeCity   Purpose = 1 // population layout
	PurposeSchool Purpose = 2 // one per school: generation and stepping
	PurposePolicy Purpose = 3 // the cross-school phase
	// PurposeSweep is the Latin hypercube draw of a parameter sweep's
	// points, made once per sweep (replication 0, entity 0).
	PurposeSweep Purpose = 4
	PurposeStudy Purpose = 5 // an evaluation's draws: entity 0 its bootstrap, others its tests' measurement error
	// PurposeMobility is the year-end round of voluntary teacher
	// transfers (agents.TeacherTransfer), one stream per year: the entity
	// is the year (spin-up years are zero or negative).
	PurposeMobility Purpose = 6
	// PurposeCalibrate is a calibration's draws (results/calibrate): its
	// seed is the calibration seed, its replication the generation and
	// its entity the particle (or 0 for the generation's own draws).
	PurposeCalibrate Purpose = 7
	// PurposeEnsemble is an ensemble's parameter draws (results/ensemble):
	// its seed is the run seed, its replication the draw and its entity 0.
	PurposeEnsemble Purpose = 8
)

// splitmix64 is the finaliser of SplitMix64 (Steele, Lea & Flood 2014), a
// bijective mix that spreads nearby inputs over the whole range.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream returns the random stream of one entity (a school index, or 0)
// for one purpose in one replication of a run with the given seed. Equal
// arguments give equal streams; any difference gives an independent one.
func Stream(seed uint64, replication int, purpose Purpose, entity int) *rand.Rand {
	return rand.New(source(seed, replication, purpose, entity))
}

// source is the generator behind Stream; the engine keeps the schools'
// generators so that it can copy their state (Engine.Fork). The entity's
// stream is derived (Derive) under the key of the seed, replication and
// purpose.
func source(seed uint64, replication int, purpose Purpose, entity int) *rand.PCG {
	h := splitmix64(seed)
	h = splitmix64(h ^ uint64(replication))
	return Derive(h^uint64(purpose), entity)
}

// Derive returns the stream of one entity (a school index) under a key:
// the way a policy gives each school of a round its own stream, the key
// being one draw of the policy stream (World.Rand) for the round. Equal
// arguments give equal streams, any difference an independent one, and a
// school's stream does not depend on which worker uses it or when.
func Derive(key uint64, entity int) *rand.PCG {
	h := splitmix64(splitmix64(key) ^ uint64(entity))
	return rand.NewPCG(h, splitmix64(h))
}
