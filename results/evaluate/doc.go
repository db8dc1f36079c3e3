// Package evaluate is schoolnet's evaluation lab: it runs a scenario beside
// its untreated twin, so that the true effect of its policies is known,
// draws the data a study of the scenario would see, applies the designs
// researchers use, and reports how far each estimate is from the truth.
//
// # The twins
//
// Every replication runs in lockstep (sim.Lockstep) with:
//
//   - the untreated twin: the same seed and replication with no policies.
//     The engine derives every school's random stream from (seed,
//     replication, school) alone, so the two worlds are identical until a
//     policy first acts. The true effect on a student is the difference of
//     their learning in the two worlds (students are matched by ID,
//     wherever they are in the twin); on a school, the mean of its
//     students' effects;
//   - the treated world: the scenario as written;
//   - with mediation, one treated world per mediator (peer relationships,
//     principal leadership, teaching style) in which that mediator is held
//     at its path in the twin (agents.Hold): the part of the true effect it
//     carries is the treated world's effect minus the held world's;
//   - with the rct design, the lottery world: the scenario with its
//     voluntary or ranked selection replaced by a lottery among the same
//     eligible schools (scenarios.Lottery);
//   - with the bias decomposition (Options.Decompose), the treated and
//     lottery worlds of every configuration of bias sources (Configs):
//     with and without the dip selection and families' intake response.
//
// # Bias sources
//
// Besides the selection on the principals' latent motivation, a study
// faces the sources of [SourceNames], as the scenario sets them: a dip
// (the treated schools chose themselves, or were ranked, on the measured
// result of the year before: scenarios.Dipped), measurement error of the
// test (student error and a school-by-year shock: the test type), the
// families' intake response (agents.IntakeResponse) and teaching to the
// exam (agents.TeachingToTheTest). The first two are options of the study
// (the scenario's [study] table); the last two are mechanisms of the
// world ([model] keys). [SwitchOff] removes them; with every source off
// the lab's files are those of the lab before they existed, byte for byte.
//
// # The study
//
// A study sees the tested grade (by default the last, Grade 9) at baseline
// (the year before the first policy starts) and at follow-up (the last year
// a policy acts): each student's scores on the study's test (the exam or
// an audit test, through its measurement error), peer relationships, SES and
// migrant status, and each school's observed covariates at baseline (prior
// achievement, SES, migrant share, enrolment, resources, climate, observed
// leadership) and its observed leadership and teaching style in both
// years. It never sees the principals' latent reform motivation or the
// response it drives: no code in this package reads them, and a test in
// package results checks that.
//
// The designs, each on the treated schools against the schools eligible
// for the same policy that were not treated:
//
//   - naive: the follow-up difference in means (post only);
//   - did: two-period difference in differences with school fixed effects;
//   - psm-did: DID on the schools matched on a logistic propensity score of
//     the baseline covariates (nearest neighbour with replacement, caliper
//     0.2 SD of the logit, common support);
//   - rct and rct-did: the follow-up difference and the DID in the lottery
//     world.
//
// Standard errors are clustered by school (CR1) and intervals use Student's
// t with clusters − 1 degrees of freedom. Mediation is estimated as a
// researcher would, by the product of coefficients in the DID regressions
// with a school-level bootstrap, beside the shares the held twins measure.
package evaluate
