package agents

import "schoolnet/sim/ranges"

// ParamRanges is the single source of truth for the range, unit and
// evidence of every parameter of [Params]: Validate checks the allowed
// range (Min, Max), calibration and sensitivity analyses explore the
// plausible range (Low, High), and docs/MODEL.md section 7.1 is checked
// against it row by row (TestModelDocParamTable). The defaults are those of
// [DefaultParams].
//
// Allowed ranges are physical limits, not evidence: a share or chance lies
// in [0,1]; a yearly rate of relaxation is at most 52 a year (the engine
// caps any weekly step at the whole gap); an effect on growth is at most a
// few SD a year per unit of an index that spans 0–1; a cost is between
// ten thousand and ten billion RMB.
var ParamRanges = ranges.Table{
	{Key: "growth_per_year", Min: 0, Max: 2, Low: 0.24, High: 0.32, Unit: "SD/year",
		Evidence: ranges.Measured, Source: "Bloom, Hill, Black & Lipsey (2008): grades 7–9 gains 0.24–0.32 SD"},
	{Key: "growth_noise", Min: 0, Max: 2, Low: 0.15, High: 0.35, Unit: "SD/year (SD of a year's idiosyncratic growth)",
		Evidence: ranges.Assumption, Source: "assumption: test-retest correlation ≈ 0.9"},
	{Key: "style_effect", Min: 0, Max: 1, Low: 0, High: 0.1, Unit: "SD/year per unit style",
		Evidence: ranges.Assumption, Source: "assumption; kept small since Wang & Liu (2025) find no mediation through style"},
	{Key: "peer_achievement_effect", Min: 0, Max: 1, Low: 0.1, High: 0.3, Unit: "SD/year per SD of class mean",
		Evidence: ranges.Measured, Source: "Sacerdote (2011): peer effects 0.1–0.3"},
	{Key: "peer_relation_effect", Min: 0, Max: 2, Low: 0.1, High: 0.8, Unit: "SD/year per unit peer relations",
		Evidence: ranges.MetaAnalysis, Source: "centre of the range (geometric mean of its ends), provisional pending calibration (issue 12): 1 SD of peer relations among students (about 0.21) is worth 0.06 SD a year. Range 0.02–0.17 SD a year per SD, from the small-to-moderate friendship–achievement associations pooled by Wentzel, Jablansky & Scalise (2018, 22 studies) and Wentzel (1998) to the strong cooperation–relationship–achievement link of Roseth, Johnson & Johnson (2008, meta-analysis); rank (largest SSP mediator) from Wang & Liu (2025)"},
	{Key: "engagement_effect", Min: 0, Max: 2, Low: 0.1, High: 0.6, Unit: "SD/year per unit engagement",
		Evidence: ranges.MetaAnalysis, Source: "centre of the range (geometric mean of its ends), provisional pending calibration (issue 12): 1 SD of engagement among students (about 0.165) is worth 0.04 SD a year. Range 0.017–0.10 SD a year per SD: engagement and achievement levels correlate at r ≈ 0.27 (Lei, Cui & Zhou 2018, 69 studies) to 0.33 (Wong, Liem, Chan & Datu 2024, 137 studies), a cross-sectional association of which a year's causal growth is a fraction; Fredricks, Blumenfeld & Paris (2004)"},
	{Key: "resource_effect", Min: 0, Max: 1, Low: 0, High: 0.1, Unit: "SD/year per unit resource index",
		Evidence: ranges.Measured, Source: "Hanushek (2003)"},
	{Key: "climate_effect", Min: 0, Max: 2, Low: 0.1, High: 1, Unit: "SD/year per unit climate",
		Evidence: ranges.MetaAnalysis, Source: "centre of the principal-effect evidence, provisional pending calibration (issue 12): leadership acts on learning through climate and morale (in equilibrium dC/dL ≈ 0.57) and climate through learning and engagement, so 1 SD of principals' leadership within a tier (about 0.09) is worth about 0.03 SD a year at 0.5 and 0.009–0.055 across the range. Principal effects per SD: about 0.03 in maths and 0.01 in reading once time-varying school factors are removed (Bartanen, Husain & Liebowitz 2024), at least 0.05 (Branch, Hanushek & Rivkin 2012), up to about 0.13 in the value-added studies synthesised by Grissom, Egalite & Lindsay (2021); after Thapa et al. (2013)"},
	{Key: "load_effect", Min: 0, Max: 2, Low: 0.1, High: 0.5, Unit: "SD/year per unit share of teaching time lost",
		Evidence: ranges.Assumption, Source: "assumption; Croft (2015), Armstrong (2015) on the time cost of partnerships"},
	{Key: "teaching_hours", Min: 1, Max: 40, Low: 12, High: 16, Unit: "hours a week",
		Evidence: ranges.Measured, Source: "a teacher's teaching time; policies set `Load = hours taken / teaching_hours` (at most 1); assumption: Chinese junior secondary teachers teach about 12-16 lessons a week"},
	{Key: "engagement_rate", Min: 0, Max: 52, Low: 1, High: 4, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption (half-life about four months)"},
	{Key: "engagement_peer", Min: 0, Max: 2, Low: 0.1, High: 0.5, Unit: "engagement per unit peer relations",
		Evidence: ranges.Assumption, Source: "centre of the range (geometric mean of its ends), provisional pending calibration (issue 12): 1 SD of peer relations (about 0.21) shifts the engagement target by about 0.25 SD of engagement; after Wentzel (1998) and Wang & Eccles (2012), peer support predicts engagement with modest standardised effects"},
	{Key: "engagement_climate", Min: 0, Max: 2, Low: 0.1, High: 0.5, Unit: "engagement per unit climate",
		Evidence: ranges.Assumption, Source: "assumption, after Thapa et al. (2013)"},
	{Key: "engagement_style", Min: 0, Max: 2, Low: 0, High: 0.2, Unit: "engagement per unit style",
		Evidence: ranges.Assumption, Source: "assumption; Chen (2018)"},
	{Key: "tie_meet_rate", Min: 0, Max: 52, Low: 10, High: 30, Unit: "meetings per year (weekly chance `tie_meet_rate/W`, at most 1)",
		Evidence: ranges.Assumption, Source: "assumption; gives about 2.7 ties per student, near the 3-4 friends named in Add Health (Moody 2001)"},
	{Key: "tie_same_class", Min: 0, Max: 1, Low: 0.6, High: 0.9, Unit: "share of meetings drawn from the class (the rest from the whole grade)",
		Evidence: ranges.Assumption, Source: "assumption: Chinese classes stay together"},
	{Key: "tie_accept", Min: 0, Max: 1, Low: 0.4, High: 0.8, Unit: "chance",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "tie_climate_inclusion", Min: 0, Max: 5, Low: 0, High: 1, Unit: "per unit climate",
		Evidence: ranges.Assumption, Source: "assumption; direction from Liu (2021)"},
	{Key: "homophily_achievement", Min: 0, Max: 10, Low: 0.2, High: 1, Unit: "log acceptance per SD",
		Evidence: ranges.Assumption, Source: "assumption, after McPherson, Smith-Lovin & Cook (2001)"},
	{Key: "homophily_ses", Min: 0, Max: 10, Low: 0.2, High: 1, Unit: "log acceptance per SD",
		Evidence: ranges.Assumption, Source: "assumption, after McPherson, Smith-Lovin & Cook (2001)"},
	{Key: "homophily_migrant", Min: 0, Max: 10, Low: 0.5, High: 1.5, Unit: "log acceptance",
		Evidence: ranges.Assumption, Source: "assumption, after Liu (2021)"},
	{Key: "tie_drop_rate", Min: 0, Max: 1, Low: 0.3, High: 0.7, Unit: "hazard per year, times (1 + d)",
		Evidence: ranges.Assumption, Source: "assumption; Poulin & Chan (2010), about half of adolescent friendships last a year; the baseline keeps 43% of ties a year"},
	{Key: "activity_tie_boost", Min: 0, Max: 10, Low: 0.5, High: 1, Unit: "rise in meeting chance per unit activity",
		Evidence: ranges.Assumption, Source: "centre of the range, provisional pending calibration (issue 12): full-intensity activities raise meetings by three quarters; Roseth, Johnson & Johnson (2008): cooperative activities build peer relationships; Wang & Liu (2025): peer relationships the largest SSP mediator. At 1 full-intensity activities double meetings to one a week, the most the mechanism allows (the weekly chance is capped at 1), so a larger value would only make lower intensities indistinguishable from full"},
	{Key: "tie_strength_rate", Min: 0, Max: 52, Low: 1, High: 4, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "leadership_experience_rate", Min: 0, Max: 52, Low: 0.1, High: 0.3, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption, after Clark, Martorell & Rockoff (2009)"},
	{Key: "leadership_experience_scale", Min: 0.1, Max: 100, Low: 3, High: 10, Unit: "years",
		Evidence: ranges.Assumption, Source: "assumption, after Clark et al. (2009)"},
	{Key: "novice_gap", Min: 0, Max: 1, Low: 0.05, High: 0.25, Unit: "index 0–1",
		Evidence: ranges.Assumption, Source: "assumption, after Clark et al. (2009)"},
	{Key: "principal_sd", Min: 0, Max: 0.5, Low: 0.05, High: 0.12, Unit: "index 0–1",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "principal_turnover", Min: 0, Max: 1, Low: 0.05, High: 0.2, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption, after the 2014 national rotation policy (Liu 2021)"},
	{Key: "mentoring_rate", Min: 0, Max: 1, Low: 0.1, High: 1, Unit: "rate per year (closes 1 − e^(−1) ≈ 63% of the gap in a year at full intensity)",
		Evidence: ranges.Assumption, Source: "centre of the range (geometric mean of its ends), provisional pending calibration (issue 12): a year of full-time mentoring closes about a quarter of the gap to the mentor. Range assumption: full-time mentoring closes 10–63% of the gap a year; SSP mentoring by principals and experts, Wang & Liu (2025)"},
	{Key: "training_rate", Min: 0, Max: 1, Low: 0, High: 0.3, Unit: "index per year of FTE training",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "context_discount", Min: 0, Max: 1, Low: 0, High: 0.5, Unit: "share of leadership",
		Evidence: ranges.Assumption, Source: "assumption; Wang & Liu (2025)"},
	{Key: "motivation_response", Min: 0, Max: 10, Low: 0, High: 2, Unit: "logit per SD of motivation",
		Evidence: ranges.Assumption, Source: "assumption; Croft (2015), motivation as unobserved confounder"},
	{Key: "motivation_development", Min: 0, Max: 0.1, Low: 0, High: 0.015, Unit: "SD/year of teacher effectiveness per SD of motivation",
		Evidence: ranges.Assumption, Source: "assumption; Croft (2015): leadership motivation is what matching cannot see. Range: Kraft & Papay (2014) find teachers improve faster in more supportive schools, by about 0.005 SD a year per SD of the professional environment; the within-tier SD of schools' mean teacher effectiveness is about 0.03 SD/year without it, 0.05 at the default and 0.065 at 0.015, where a quarter of the variance of teacher effectiveness would lie between schools of a tier; empirical studies find most of it within schools (Hanushek & Rivkin 2010)"},
	{Key: "intake_response", Min: 0, Max: 0.5, Low: 0, High: 0.1, Unit: "share of a treated school's entering cohort a year",
		Evidence: ranges.Assumption, Source: "assumption, after Hastings, Kane & Staiger (2005): the families a newly favoured school attracts are richer and higher-scoring than its intake; Machin & Vernoit (2011) and Eyles & Machin (2019): the prior attainment of academies' intakes rose after conversion; Figlio & Rouse (2006): changing student characteristics explain much of the relative reading gains of Florida's F-graded schools. No study measures the response to a programme like the SSP: at 0.03 a treated weak school's Grade 7 intake gains about 0.05 SD of prior achievement and its untreated neighbours of the tier lose as much (0.1: 0.13 SD each); 0 switches it off"},
	{Key: "test_inflation", Min: 0, Max: 0.5, Low: 0.013, High: 0.1, Unit: "SD/year of exam score above learning while treated (at most 4 years)",
		Evidence: ranges.Measured, Source: "Jennings & Lauen (2016): a year of high accountability pressure raises the state test 0.10 SD (maths) and 0.04 SD (reading) more than a low-stakes audit test; the default puts the gap after the SSP's three years (0.09 SD) inside that range, the range spans it as one year's gap (0.04–0.10 after three years) to a yearly one; Jacob (2005): Chicago's high-stakes gains were not matched on a low-stakes exam for younger students; Klein, Hamilton, McCaffrey & Stecher (2000) and Koretz & Barron (1998): state test gains several times NAEP's, building over four years; 0 switches it off"},
	{Key: "climate_rate", Min: 0, Max: 52, Low: 0.5, High: 2, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "climate_base", Min: 0, Max: 1, Low: 0.1, High: 0.2, Unit: "index",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "climate_leadership", Min: 0, Max: 2, Low: 0.2, High: 0.6, Unit: "climate per unit leadership",
		Evidence: ranges.Assumption, Source: "assumption, after Hallinger & Heck (1998)"},
	{Key: "climate_morale", Min: 0, Max: 2, Low: 0.1, High: 0.5, Unit: "climate per unit morale",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "morale_rate", Min: 0, Max: 52, Low: 1, High: 4, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "morale_base", Min: 0, Max: 1, Low: 0.1, High: 0.3, Unit: "index",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "morale_leadership", Min: 0, Max: 2, Low: 0.2, High: 0.6, Unit: "morale per unit leadership",
		Evidence: ranges.Assumption, Source: "assumption, after Leithwood & Jantzi (2006)"},
	{Key: "morale_climate", Min: 0, Max: 2, Low: 0.1, High: 0.5, Unit: "morale per unit climate",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "morale_load", Min: 0, Max: 2, Low: 0.2, High: 1, Unit: "morale per unit load",
		Evidence: ranges.Assumption, Source: "assumption; Croft (2015) on partnership time costs"},
	{Key: "teacher_experience_gain", Min: 0, Max: 0.5, Low: 0.03, High: 0.06, Unit: "SD/year per year",
		Evidence: ranges.Measured, Source: "Kraft & Papay (2014)"},
	{Key: "teacher_experience_scale", Min: 0.1, Max: 50, Low: 3, High: 6, Unit: "years",
		Evidence: ranges.Measured, Source: "Kraft & Papay (2014)"},
	{Key: "teacher_training_gain", Min: 0, Max: 2, Low: 0.02, High: 0.5, Unit: "SD/year per year of FTE training",
		Evidence: ranges.MetaAnalysis, Source: "centre of the range (geometric mean of its ends), provisional pending calibration (issue 12). Kraft, Blazar & Hogan (2018, meta-analysis of 60 coaching studies): coaching that takes a small fraction of a teacher's time raises achievement by about 0.18 SD pooled and about 0.10 in programmes of 100 teachers or more; the model makes the gain permanent, so the range stays well below that ratio"},
	{Key: "collaboration_gain", Min: 0, Max: 1, Low: 0.05, High: 0.2, Unit: "share of gap per year",
		Evidence: ranges.Measured, Source: "Jackson & Bruegmann (2009)"},
	{Key: "style_drift", Min: 0, Max: 1, Low: 0, High: 0.1, Unit: "share of gap per year",
		Evidence: ranges.Assumption, Source: "assumption; Wang & Liu (2025), Chen (2018)"},
	{Key: "attrition_base", Min: 0, Max: 1, Low: 0.04, High: 0.13, Unit: "chance per year",
		Evidence: ranges.Assumption, Source: "assumption, below Ingersoll's (2001) US figure of about 0.13"},
	{Key: "attrition_morale", Min: 0, Max: 20, Low: 1, High: 5, Unit: "logit per unit morale",
		Evidence: ranges.Assumption, Source: "assumption, after Ingersoll (2001)"},
	{Key: "attrition_weakness", Min: 0, Max: 10, Low: 0.4, High: 1.2, Unit: "logit per SD",
		Evidence: ranges.Assumption, Source: "assumption, after Hanushek, Kain & Rivkin (2004)"},
	{Key: "hire_effectiveness", Min: -1, Max: 1, Low: -0.1, High: 0, Unit: "SD/year",
		Evidence: ranges.Measured, Source: "Kraft & Papay (2014)"},
	{Key: "hire_reputation", Min: 0, Max: 1, Low: 0, High: 0.15, Unit: "SD/year per unit reputation",
		Evidence: ranges.Assumption, Source: "assumption, after Hanushek, Kain & Rivkin (2004)"},
	{Key: "teacher_sd", Min: 0, Max: 1, Low: 0.11, High: 0.15, Unit: "SD/year",
		Evidence: ranges.Measured, Source: "Hanushek & Rivkin (2010): 0.11–0.15"},
	{Key: "resource_lag_weeks", Min: 0, Max: 520, Low: 10, High: 40, Unit: "weeks",
		Evidence: ranges.Assumption, Source: "assumption; Wang & Liu (2025), labs and courses built over a term"},
	{Key: "facility_unit_cost", Min: 10000, Max: 10000000000, Low: 3000000, High: 8000000, Unit: "RMB per unit of facilities index",
		Evidence: ranges.Assumption, Source: "assumption: SSP's 1M RMB is a fifth of a school's facilities"},
	{Key: "course_unit_cost", Min: 10000, Max: 10000000000, Low: 1000000, High: 4000000, Unit: "RMB per unit of courses index",
		Evidence: ranges.Assumption, Source: "assumption"},
	{Key: "facility_depreciation", Min: 0, Max: 1, Low: 0.05, High: 0.1, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption (12-year life)"},
	{Key: "course_depreciation", Min: 0, Max: 1, Low: 0.1, High: 0.3, Unit: "per year",
		Evidence: ranges.Assumption, Source: "assumption (renewal every five years)"},
	{Key: "reputation_weight", Min: 0, Max: 1, Low: 0.1, High: 0.5, Unit: "weight",
		Evidence: ranges.Assumption, Source: "assumption: reputations lag results"},
}

// PopulationRanges holds the allowed range of every number of
// [PopulationSpec], the tiers' keys under "strong.", "average." and
// "weak.". Besides these, Validate bounds the whole system: at most
// MaxSchools schools and MaxStudents planned students, a national school
// system.
var PopulationRanges = func() ranges.Table {
	t := ranges.Table{
		{Key: "districts", Min: 1, Max: 10_000, Unit: "districts"},
		{Key: "schools_per_district", Min: 1, Max: MaxSchools, Unit: "schools"},
		{Key: "city_radius_km", Min: 0, Max: 5_000, Unit: "km"},
		{Key: "district_radius_km", Min: 0, Max: 1_000, Unit: "km"},
		{Key: "grades", Min: 1, Max: 12, Unit: "grades"},
		{Key: "first_grade", Min: 1, Max: 12, Unit: "national grade number"},
		{Key: "class_size", Min: 2, Max: 200, Unit: "students per class"},
		{Key: "spare_capacity", Min: 0, Max: 10, Unit: "share of places above planned enrolment"},
		{Key: "staff_history_years", Min: 0, Max: 100, Unit: "years"},
	}
	for _, tier := range []string{"strong.", "average.", "weak."} {
		t = append(t,
			ranges.Range{Key: tier + "share", Min: 0, Max: 1, Unit: "share of schools"},
			ranges.Range{Key: tier + "classes_per_grade", Min: 1, Max: 64, Unit: "classes"},
			ranges.Range{Key: tier + "intake_mean", Min: -5, Max: 5, Unit: "intake SD"},
			ranges.Range{Key: tier + "ses_mean", Min: -5, Max: 5, Unit: "population SD"},
			ranges.Range{Key: tier + "migrant_share", Min: 0, Max: 1, Unit: "share of intake"},
			ranges.Range{Key: tier + "teacher_style", Min: 0, Max: 1, Unit: "index 0–1"},
			ranges.Range{Key: tier + "leadership", Min: 0, Max: 1, Unit: "index 0–1"},
			ranges.Range{Key: tier + "resources", Min: 0.01, Max: 10, Unit: "index, 1 = average school"},
			ranges.Range{Key: tier + "digital", Min: 0, Max: 1, Unit: "index 0–1"},
		)
	}
	return t
}()

// Bounds on a whole school system: about China's number of primary and
// secondary schools, and its 150 million and more students with room.
const (
	MaxSchools  = 250_000
	MaxStudents = 200_000_000
)
