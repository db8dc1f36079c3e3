// Package agents holds the people and places of schoolnet: students,
// teachers, principals and schools, the behaviour rule of each, and the
// synthetic population generator.
//
// # Layout
//
// Every agent lives in a contiguous slice owned by its [School]: students in
// School.Students, their peer ties in the flat arrays School.TieTo and
// School.TieStrength (K slots per student), teachers in School.Teachers.
// Nothing on the per-student hot path allocates or uses a map, so a city of a
// million students fits in a few hundred megabytes.
//
// # Mechanisms
//
// Each mechanism of docs/MODEL.md has a function of the same name:
// [LearningGrowth], [EngagementUpdate], [PeerTieUpdate], [LeadershipUpdate],
// [ClimateUpdate], [MoraleUpdate], [ResourceUpdate], [TeacherDevelopment],
// [TeacherAttrition], [Hire], [PrincipalSuccession], [ReputationUpdate] and
// [SchoolYear]. [StepSchool], [CloseYear] and [SchoolYear] run them in their
// fixed order. Every parameter is a field of
// [Params], whose doc comments give the default, unit and source.
//
// # Randomness
//
// Every function that draws takes the school's own *rand.Rand; there is no
// global source. The engine (package sim) derives one stream per replication
// and school from the run seed.
package agents
