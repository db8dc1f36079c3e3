package evaluate

import (
	"slices"

	"schoolnet/results"
)

// The schemas of the evaluation lab's files: each column's type, unit and
// meaning, the source of their datapackage.json and of their tables in
// docs/RESULTS.md. The writers (report.go) write the columns in this
// order, and every file ends with the run columns (scenario,
// scenario_hash, seed), which the command appends; a test checks that
// the writers' headers are these names. A new column is an entry here
// and a cell in its writer.

func evalField(name string, t results.Type, unit, desc string) results.Field {
	return results.Field{Name: name, Type: t, Unit: unit, Description: desc}
}

func withRun(fields ...results.Field) []results.Field {
	return slices.Concat(fields, results.RunFields())
}

// subjectFields returns one field per outcome (maths … composite).
func subjectFields(desc string) []results.Field {
	var out []results.Field
	for k := range NumOutcomes {
		out = append(out, evalField(OutcomeName(k), results.Number, "SD", desc+" "+OutcomeName(k)))
	}
	return out
}

var (
	assignmentField  = evalField("assignment", results.String, "", "the world the row is about: the scenario's selection rule (such as `voluntary`) or `lottery`")
	outcomeField     = evalField("outcome", results.String, "", "`maths`, `chinese`, `english`, `science` or `composite` (the mean of the four)")
	replicationField = evalField("replication", results.Integer, "", "replication number")
)

// EvaluationSchema describes evaluation.csv.
var EvaluationSchema = results.Schema{Name: "evaluation",
	Description: "One row per design and outcome: what the design estimates over the replications, against the truth. Then rows of design `truth`: the true effect by year.",
	Fields: withRun(
		assignmentField,
		evalField("design", results.String, "", "`naive` (follow-up difference), `did`, `psm-did`, `rct` (follow-up difference in the lottery world), `rct-did`, or `truth`"),
		outcomeField,
		evalField("year", results.Integer, "year", "the follow-up year for designs; for `truth` rows, the year of the true effect (every year from the first policy year to the follow-up)"),
		evalField("true_effect", results.Number, "SD", "mean over replications of the true effect on the treated schools' tested grade"),
		evalField("true_ci_low", results.Number, "SD", "lower end of its 95% interval over replications (t with replications − 1 degrees of freedom; with `--ensemble`, over its draws as in docs/UNCERTAINTY.md, so for every interval over replications of this file and of bias.csv and mediation.csv)"),
		evalField("true_ci_high", results.Number, "SD", "upper end of that interval"),
		evalField("estimate", results.Number, "SD", "mean over replications of the design's estimate"),
		evalField("se", results.Number, "SD", "mean of the standard errors the studies report (clustered by school, CR1)"),
		evalField("ci_low", results.Number, "SD", "mean of the lower ends of the studies' 95% intervals (estimate − t(0.975, schools − 1)·SE)"),
		evalField("ci_high", results.Number, "SD", "mean of the upper ends of the studies' 95% intervals"),
		evalField("sd_estimate", results.Number, "SD", "standard deviation of the estimates over replications: the real sampling spread, to compare with `se`"),
		evalField("bias", results.Number, "SD", "mean of estimate − true effect, replication by replication"),
		evalField("bias_ci_low", results.Number, "SD", "lower end of its 95% interval over replications"),
		evalField("bias_ci_high", results.Number, "SD", "upper end of that interval"),
		evalField("coverage", results.Number, "share", "share of replications whose interval holds their own true effect (0.95 for an honest interval)"),
		evalField("replications", results.Integer, "count", "replications in which the design gave an estimate and the truth is defined: every column of the row is over these (0, and the row empty, where it gave none); in the rows of design `truth`, those in which the truth is defined"),
	)}

// EstimateSchema describes estimates.csv.
var EstimateSchema = results.Schema{Name: "estimates",
	Description: "One row per replication, design and outcome: each study as a researcher would report it.",
	Fields: withRun(
		replicationField, assignmentField,
		evalField("design", results.String, "", "as in evaluation.csv"),
		outcomeField,
		evalField("true_effect", results.Number, "SD", "this replication's true effect on the treated schools of the design's world"),
		evalField("estimate", results.Number, "SD", "the study's estimate"),
		evalField("se", results.Number, "SD", "its standard error, clustered by school (CR1)"),
		evalField("ci_low", results.Number, "SD", "lower end of its 95% interval"),
		evalField("ci_high", results.Number, "SD", "upper end of its 95% interval"),
		evalField("clusters", results.Integer, "count", "schools in the estimation sample (with psm-did, the matched schools)"),
		evalField("treated", results.Integer, "count", "treated schools of the world"),
		evalField("comparison", results.Integer, "count", "eligible untreated schools of the world"),
	)}

// TruthSchema describes truth.csv.
var TruthSchema = results.Schema{Name: "truth",
	Description: "One row per replication, world and treated school: the true effect on the school's tested grade at the follow-up.",
	Fields: withRun(slices.Concat([]results.Field{
		replicationField, assignmentField,
		evalField("year", results.Integer, "year", "the follow-up year"),
		evalField("school", results.Integer, "", "the school's number"),
		evalField("students", results.Integer, "count", "the school's tested-grade students"),
	}, subjectFields("the mean learning of the school's tested-grade students in the treated world minus the same students' mean in the twin (matched by ID wherever they are there):"))...)}

// MediationSchema describes mediation.csv.
var MediationSchema = results.Schema{Name: "mediation",
	Description: "One row per mediator and outcome, at the follow-up: the share of the true effect the channel carries in the model beside the researcher's estimate.",
	Fields: withRun(
		evalField("mediator", results.String, "", "`peer_relations`, `leadership` (principal leadership) or `teaching_style`"),
		outcomeField,
		evalField("model_indirect", results.Number, "SD", "mean over replications of the true indirect effect: the true effect minus the effect in the mediation twin that holds this channel at its path in the untreated twin"),
		evalField("model_indirect_ci_low", results.Number, "SD", "lower end of its 95% interval over replications"),
		evalField("model_indirect_ci_high", results.Number, "SD", "upper end of that interval"),
		evalField("model_share", results.Number, "share", "mean over replications of model_indirect / true effect"),
		evalField("model_share_ci_low", results.Number, "share", "lower end of its 95% interval over replications"),
		evalField("model_share_ci_high", results.Number, "share", "upper end of that interval"),
		evalField("estimated_indirect", results.Number, "SD", "mean over replications of the product-of-coefficients estimate a·b from the study's data"),
		evalField("estimated_indirect_ci_low", results.Number, "SD", "mean of the lower ends of the studies' 95% school-bootstrap percentile intervals (type 7 quantiles)"),
		evalField("estimated_indirect_ci_high", results.Number, "SD", "mean of their upper ends"),
		evalField("estimated_share", results.Number, "share", "mean of a·b / DID estimate"),
		evalField("estimated_share_ci_low", results.Number, "share", "mean of the lower ends of the studies' bootstrap intervals of the share"),
		evalField("estimated_share_ci_high", results.Number, "share", "mean of their upper ends"),
		evalField("path_a", results.Number, "the mediator's", "mean coefficient a, the DID effect of treatment on the mediator"),
		evalField("path_b", results.Number, "SD per unit", "mean coefficient b, the outcome's change per unit of mediator"),
		evalField("replications", results.Integer, "count", "replications of the model's columns (those with a true effect)"),
		evalField("estimated_replications", results.Integer, "count", "replications of the study's columns (`estimated_*`, `path_a`, `path_b`): those in which it gave an estimate (0, and those columns empty, where it gave none)"),
	)}

// BalanceSchema describes balance.csv.
var BalanceSchema = results.Schema{Name: "balance",
	Description: "One row per baseline covariate of the propensity model (psm-did).",
	Fields: withRun(
		evalField("covariate", results.String, "", "`prior_achievement` (tested grade's mean composite at baseline), `ses` (its mean SES), `migrant_share`, `enrolment`, `resources`, `climate`, `leadership` (observed effective leadership)"),
		evalField("smd_before", results.Number, "SD", "mean over replications of the standardised mean difference between treated and eligible untreated schools; empty when the covariate does not vary among them (it is then left out of the model)"),
		evalField("smd_after", results.Number, "SD", "the same after matching, with the matched comparison schools weighted by the times they were used"),
		evalField("replications", results.Integer, "count", "replications with a matching"),
	)}

// BiasSchema describes bias.csv.
var BiasSchema = results.Schema{Name: "bias",
	Description: "One row per configuration of bias sources, design and outcome, at the follow-up: the bias decomposition.",
	Fields: withRun(
		evalField("config", results.String, "", "`none` (every source off: the selection on the latent motivation alone), `dip`, `measurement`, `intake` or `inflation` (that source alone), `all` (every source as the scenario sets it: the study of the other files)"),
		evalField("sources", results.String, "", "the sources the configuration switches on, joined by `+`, or `none`; a source the scenario switches off (magnitude 0, inflation with `test = \"audit\"`, a dip with a selection that neither volunteers nor ranks) leaves its row equal to `none`"),
		assignmentField,
		evalField("design", results.String, "", "as in evaluation.csv"),
		outcomeField,
		evalField("year", results.Integer, "year", "the follow-up year"),
		evalField("true_effect", results.Number, "SD", "mean over replications of the true effect on the treated schools of the design's world under this configuration (the dip and the intake response change the world)"),
		evalField("estimate", results.Number, "SD", "mean over replications of the design's estimate"),
		evalField("bias", results.Number, "SD", "mean of estimate − true effect"),
		evalField("bias_ci_low", results.Number, "SD", "lower end of its 95% interval over replications"),
		evalField("bias_ci_high", results.Number, "SD", "upper end of that interval"),
		evalField("added_bias", results.Number, "SD", "mean over replications of this configuration's bias minus the same replication's bias under `none`: the bias the sources add"),
		evalField("added_bias_ci_low", results.Number, "SD", "lower end of its 95% interval over replications (paired, so narrower than the bias's)"),
		evalField("added_bias_ci_high", results.Number, "SD", "upper end of that interval"),
		evalField("replications", results.Integer, "count", "replications in which the design's bias is defined under this configuration and with every source off: every column of the row is over these"),
	)}
