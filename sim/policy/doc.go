// Package policy holds the reforms a scenario can switch on, time and
// combine: pairing of strong and weak schools, education groups and
// federations, rotation of teachers and principals, funding, curriculum
// alliances, double-teacher remote lessons, and school choice. Each is a
// type implementing sim.Policy, in a file of its own, with a Spec type that
// a scenario's [[policy]] table decodes into.
//
// # Common keys
//
// Every policy has a kind, a start and end year and a target selection
// ([Common], [Selection]). Selection happens once, at the start of the
// policy's first year, from the replication's policy stream: all eligible
// schools, the weakest by reputation ("rank"), a lottery, or voluntary
// participation driven by the principals' latent reform motivation — the
// selection on unobservables that evaluations cannot see.
//
// # Costs
//
// Each policy charges what it costs to the schools it touches
// (agents.Costs: money, teacher hours taken from teaching, travel hours);
// reports add them up.
//
// # Adding a kind
//
// A program that uses schoolnet as a library adds a kind of its own with
// [Register]: a Spec type (Common embedded, its keys as toml fields, its
// ranges from [WithCommon]) and the sim.Policy it makes for each
// replication. Scenario files then name it like a shipped kind (see the
// example of Register).
package policy
