package agents

import (
	"reflect"

	"schoolnet/sim/ranges"
)

// Params holds every parameter of the model's mechanisms. The zero value is
// not useful: start from [DefaultParams] and override what differs.
//
// Rates are per school year unless a name says otherwise; the engine divides
// them by the number of weeks in a year. Achievement is in standard
// deviations (SD) of the baseline population of the same grade. Each field's
// comment gives its default, its unit and the source of the default; the
// same table is in docs/MODEL.md, and a test keeps the two in step.
type Params struct {
	// Learning growth (LearningGrowth).

	// GrowthPerYear is the mean yearly achievement growth of a student in an
	// average school, on the latent scale. Default 0.37 SD/year, the
	// posterior median of the shipped calibration (docs/MODEL.md section
	// 6), in the range 0.32-0.46: Bloom, Hill, Black & Lipsey (2008), annual
	// gains in grades 7-9 of 0.24-0.32 SD of the system's scores, times the
	// system's SD in latent units (docs/CALIBRATION.md, "Units").
	GrowthPerYear float64 `toml:"growth_per_year"`
	// GrowthNoise is the SD of the idiosyncratic part of a student's yearly
	// growth. Default 0.25 SD/year: assumption, so that test-retest
	// correlation of yearly scores is about 0.9.
	GrowthNoise float64 `toml:"growth_noise"`
	// StyleEffect is the extra yearly growth per unit of teaching style
	// (0 teacher-centred, 1 student-centred) above the baseline mean. Default
	// 0.05 SD/year per unit: assumption; Wang & Liu (2025) find no mediation
	// through style, so it is kept small.
	StyleEffect float64 `toml:"style_effect"`
	// PeerAchievementEffect is the extra growth per SD of class-mean
	// achievement above the grade's reference centre (linear in means).
	// Default 0.053 SD/year per SD, the posterior median of the shipped
	// calibration (docs/MODEL.md section 6), in the plausible range 0-0.1:
	// Sacerdote (2011) reviews peer effects of 0.1-0.3 on levels, which
	// accumulate over years of exposure; on yearly gains linear-in-means
	// effects are small to nonexistent (Burke & Sass 2013), and schools
	// whose peers are about 1 SD stronger add little (Abdulkadiroglu,
	// Angrist & Pathak 2014; for China, Zhang 2013). Before issue 11 the
	// default was 0.10, which alone gave strong schools 0.13 SD a year more
	// growth than weak ones.
	PeerAchievementEffect float64 `toml:"peer_achievement_effect"`
	// PeerRelationEffect is the extra growth per unit of peer-relationship
	// quality above the baseline mean. Default 0.51 SD/year per unit (1 SD
	// of peer relations among students, about 0.21, is worth 0.11 SD a
	// year): the posterior median of the shipped calibration (docs/MODEL.md
	// section 6), in the plausible range 0.1-0.8, from the small-to-moderate friendship-
	// achievement associations of Wentzel, Jablansky & Scalise (2018) and
	// Wentzel (1998) to the strong cooperation-relationship-achievement link
	// of Roseth, Johnson & Johnson (2008); rank (largest mediator) from
	// Wang & Liu (2025).
	PeerRelationEffect float64 `toml:"peer_relation_effect"`
	// EngagementEffect is the extra growth per unit of engagement above the
	// baseline mean. Default 0.25 SD/year per unit (1 SD of engagement,
	// about 0.165, is worth 0.04 SD a year): the centre of its plausible
	// range 0.1-0.6 (not calibrated); engagement
	// and achievement correlate at r ≈ 0.27-0.33 (Lei, Cui & Zhou 2018;
	// Wong et al. 2024), after Fredricks, Blumenfeld & Paris (2004).
	EngagementEffect float64 `toml:"engagement_effect"`
	// ResourceEffect is the extra growth per unit of the school's resource
	// index above the baseline mean (1 = the average school's stock).
	// Default 0.05 SD/year per unit: Hanushek (2003), small and uncertain
	// returns to school resources.
	ResourceEffect float64 `toml:"resource_effect"`
	// ClimateEffect is the extra growth per unit of school climate above the
	// baseline mean. Default 0.55 SD/year per unit: the posterior median of
	// the shipped calibration (docs/MODEL.md section 6). Leadership acts on
	// learning through climate and morale, so 1 SD of principals'
	// leadership within a tier is then worth about 0.03 SD a year, the centre of the principal effects of
	// 0.01-0.13 SD per SD reported by Bartanen, Husain & Liebowitz (2024),
	// Branch, Hanushek & Rivkin (2012) and Grissom, Egalite & Lindsay
	// (2021); after Thapa et al. (2013), climate is consistently
	// associated with achievement.
	ClimateEffect float64 `toml:"climate_effect"`

	// LoadEffect is the growth lost per unit share of a teacher's time taken
	// from teaching by collaboration duties. Default 0.3 SD/year per unit
	// (a teacher away a tenth of the time costs their students 0.03 SD a
	// year): assumption; Croft (2015) and Armstrong (2015) on the time cost
	// of partnerships.
	LoadEffect float64 `toml:"load_effect"`

	// TeachingHours is a teacher's teaching time in hours a week. Policies
	// turn hours taken from teaching into a teacher's Load, the share of
	// this time lost (Load = hours / TeachingHours, at most 1). Default 16
	// hours a week: assumption; Chinese junior secondary teachers teach
	// about 12-16 lessons a week.
	TeachingHours float64 `toml:"teaching_hours"`

	// Baseline realism (issue 11: absolute learning).

	// ReferenceGradeWeight sets what LearningGrowth and EngagementUpdate
	// centre a student's peer relations and engagement, and a class's mean
	// achievement, on: at 1 (the default) the mean over the weeks of the
	// reference year of the student's own grade (GradeCentre), so that a
	// student whose year is the grade's average grows by growth_per_year
	// plus the school terms; at 0 the whole population's year-end means,
	// the centring before issue 11, under which newcomers, who start the
	// year with no peer ties, grew about 0.08 SD a year less than
	// growth_per_year in their first grade in every school. Values between
	// blend the two (for sensitivity analysis only).
	ReferenceGradeWeight float64 `toml:"reference_grade_weight"`

	// Engagement (EngagementUpdate).

	// EngagementRate is how fast engagement relaxes to its target. Default
	// 2.0 per year (half-life about four months): assumption.
	EngagementRate float64 `toml:"engagement_rate"`
	// EngagementPeer is the shift of the engagement target per unit of
	// peer-relationship quality above the baseline mean. Default 0.20: the
	// centre of its plausible range 0.1-0.5 (not calibrated); after Wentzel (1998) and Wang & Eccles
	// (2012), peer support predicts engagement.
	EngagementPeer float64 `toml:"engagement_peer"`
	// EngagementClimate is the shift of the engagement target per unit of
	// climate above the baseline mean. Default 0.30: assumption, after
	// Thapa et al. (2013).
	EngagementClimate float64 `toml:"engagement_climate"`
	// EngagementStyle is the shift of the engagement target per unit of the
	// class teachers' mean style above the baseline mean. Default 0.10:
	// assumption; Chen (2018) on student-centred blended teaching.
	EngagementStyle float64 `toml:"engagement_style"`

	// Peer ties (PeerTieUpdate).

	// TieMeetRate is the number of candidate peers a student meets in a
	// year (the weekly chance is TieMeetRate/W, at most 1). Default 20 per
	// year: assumption, giving students about 2.7 ties of their 6 slots in
	// the baseline, near the 3-4 friends adolescents name in Add Health
	// (Moody 2001); about 43% of ties last a year.
	TieMeetRate float64 `toml:"tie_meet_rate"`
	// TieSameClass is the share of meetings drawn from the student's class;
	// the rest are drawn from the whole grade (own class included).
	// Default 0.8: assumption; Chinese classes stay together for all
	// lessons.
	TieSameClass float64 `toml:"tie_same_class"`
	// TieAccept is the chance that a meeting of two identical students with
	// free slots becomes a tie, at the baseline climate. Default 0.6:
	// assumption.
	TieAccept float64 `toml:"tie_accept"`
	// TieClimateInclusion is the rise in acceptance, and the fall in the
	// migrant-status penalty, per unit of climate above the baseline mean.
	// Default 0.5: assumption; direction from Liu (2021), member schools'
	// inclusion of migrant children.
	TieClimateInclusion float64 `toml:"tie_climate_inclusion"`
	// HomophilyAchievement is the fall in log acceptance per SD of difference
	// in mean achievement. Default 0.5: assumption, after McPherson,
	// Smith-Lovin & Cook (2001).
	HomophilyAchievement float64 `toml:"homophily_achievement"`
	// HomophilySES is the fall in log acceptance per SD of difference in SES.
	// Default 0.5: assumption, after McPherson, Smith-Lovin & Cook (2001).
	HomophilySES float64 `toml:"homophily_ses"`
	// HomophilyMigrant is the fall in log acceptance when one student is a
	// migrant and the other local. Default 1.0: assumption, after Liu (2021)
	// on migrant children in member schools.
	HomophilyMigrant float64 `toml:"homophily_migrant"`
	// TieDropRate is the yearly hazard that a tie between identical
	// students ends; dissimilarity raises it by the factor (1 + d). Default
	// 0.5 per year: assumption, adolescent friendships are about half
	// stable over a year (Poulin & Chan 2010).
	TieDropRate float64 `toml:"tie_drop_rate"`
	// ActivityTieBoost is the rise in the chance of meeting peers per unit
	// of a school's joint-activity intensity (partner-school activities,
	// new extracurricular courses). Default 0.75 (full-intensity
	// activities raise meetings by three quarters): the centre of its
	// plausible range (not calibrated); assumption; Roseth, Johnson & Johnson (2008),
	// cooperative activities build peer relationships; Wang & Liu (2025)
	// find peer relationships the largest mediator of SSP. Plausible range
	// 0.5-1: at 1 full intensity reaches one meeting a week, the most the
	// mechanism allows, so a larger value would only make intensities
	// below full indistinguishable.
	ActivityTieBoost float64 `toml:"activity_tie_boost"`
	// TieStrengthRate is how fast a tie's strength grows towards 1. Default
	// 2.0 per year: assumption.
	TieStrengthRate float64 `toml:"tie_strength_rate"`

	// Leadership (LeadershipUpdate).

	// LeadershipExperienceRate is the yearly growth of a new principal's
	// instructional leadership towards their potential, per unit of gap; it falls
	// as 1/(1 + experience/LeadershipExperienceScale). Default 0.15 per year:
	// assumption, after Clark, Martorell & Rockoff (2009), principals improve
	// in their first years.
	LeadershipExperienceRate float64 `toml:"leadership_experience_rate"`
	// LeadershipExperienceScale is the experience in years at which that
	// growth has halved. Default 5 years: assumption, after Clark et al. (2009).
	LeadershipExperienceScale float64 `toml:"leadership_experience_scale"`
	// NoviceGap is how far below their potential new principals' leadership
	// starts; experience closes the gap. Default 0.15 (index 0-1):
	// assumption, after Clark et al. (2009).
	NoviceGap float64 `toml:"novice_gap"`
	// PrincipalSD is the SD of principals' leadership potential around their
	// tier's mean. Default 0.093 (index 0-1): the posterior median of the
	// shipped calibration (docs/MODEL.md section 6) in the assumed range
	// 0.05-0.12.
	PrincipalSD float64 `toml:"principal_sd"`
	// PrincipalTurnover is the yearly chance that a school's principal is
	// succeeded by a new one. Default 0.1 per year (mean tenure 10 years):
	// assumption, after the 2014 national policy on rotating school
	// leaders every few terms (Liu 2021).
	PrincipalTurnover float64 `toml:"principal_turnover"`
	// MentoringRate is the yearly rate at which a fully mentored, averagely
	// motivated principal closes the gap to the mentor's leadership (a
	// share 1 − e^(−1) ≈ 0.63 of it in a year of weekly steps at rate 1).
	// Default 0.52 per year (about two fifths of the gap in a year): the
	// posterior median of the shipped calibration (docs/MODEL.md section
	// 6) in the plausible range 0.1-1 (assumption); SSP mentoring by principals and
	// experts, Wang & Liu (2025).
	MentoringRate float64 `toml:"mentoring_rate"`
	// TrainingRate is the yearly leadership gain of full-time-equivalent
	// leadership training. Default 0.1 per year: assumption.
	TrainingRate float64 `toml:"training_rate"`
	// ContextDiscount is the largest share of leadership lost when all of a
	// principal's experience comes from a different kind of school. Default
	// 0.3: assumption; Wang & Liu (2025) report principals moved from strong
	// to struggling schools found their experience insufficient.
	ContextDiscount float64 `toml:"context_discount"`
	// MotivationResponse is the slope, on the logit scale, of a school's
	// response to reform inputs on its principal's latent reform motivation.
	// Default 1.0: assumption; Croft (2015) names leadership motivation as
	// the unobserved confounder.
	MotivationResponse float64 `toml:"motivation_response"`
	// MotivationDevelopment is the extra yearly effectiveness gain of every
	// teacher per SD of the principal's latent reform motivation, reforms
	// or not: motivated principals' schools improve faster anyway, which
	// makes the motivation a confounder of any comparison of volunteers
	// with other schools. Default 0.01 SD/year per SD: assumption; Croft
	// (2015) names leadership motivation as what matching cannot see, and
	// Kraft & Papay (2014) find teachers improve faster in schools with
	// more supportive professional environments (about 0.005 SD a year per
	// SD of the environment). Plausible range 0-0.015: at 0.015 a quarter
	// of the variance of teacher effectiveness would lie between schools of
	// a tier, where studies find most of it within schools (Hanushek &
	// Rivkin 2010).
	MotivationDevelopment float64 `toml:"motivation_development"`

	// Responses to a reform that a study can mistake for its effect
	// (IntakeResponse, TeachingToTheTest). Both act only on schools a
	// policy treats (see BeforeTreatment).

	// IntakeResponse is the share of a treated school's entering cohort
	// whose places go, each year, to families who move towards it from
	// untreated schools of its district and tier: the most advantaged
	// (SES and prior achievement, with idiosyncratic taste) take the places
	// of its least advantaged entrants, who go to the schools the movers
	// left. Default 0.064, the posterior median of the shipped calibration
	// (docs/MODEL.md section 6) in the range 0-0.1: assumption, after Hastings, Kane & Staiger
	// (2005), whose estimated preferences make the families a newly
	// favoured school attracts richer and higher-scoring than its intake,
	// and Machin & Vernoit (2011) and Eyles & Machin (2019), who find the
	// prior attainment of English academies' intakes rose after
	// conversion. How large the response is for a programme like the
	// SSP is not measured: at 0.03 a treated weak school's Grade 7 intake
	// gains about 0.05 SD of prior achievement and its untreated
	// neighbours of the tier lose as much. 0 switches the response off.
	IntakeResponse float64 `toml:"intake_response"`
	// TestInflation is the yearly rise, while a school is treated, of its
	// students' scores on the high-stakes exam above what they have
	// learned (teaching to the test), in SD of the baseline grade; it
	// accumulates for at most TestPrepYears years. Default 0.066 SD a year,
	// the posterior median of the shipped calibration (docs/MODEL.md
	// section 6) in the range 0.013-0.1, which spans the 0.04 SD (reading)
	// to 0.10 SD (maths) by which a year of high
	// accountability pressure raised the state test above a low-stakes
	// audit test (Jennings & Lauen 2016); Jacob (2005), Klein, Hamilton,
	// McCaffrey & Stecher (2000) and Koretz & Barron (1998) find gains on
	// high-stakes tests several times those on low-stakes ones, growing
	// over the first years. Learning is unchanged: only a study that reads
	// the exam sees it. 0 switches it off.
	TestInflation float64 `toml:"test_inflation"`

	// Climate and morale (ClimateUpdate, MoraleUpdate).

	// ClimateRate is how fast school climate relaxes to its target. Default
	// 1.0 per year: assumption.
	ClimateRate float64 `toml:"climate_rate"`
	// ClimateBase is the climate target of a school with zero leadership and
	// morale. Default 0.15: assumption; the baseline's mean climate is then
	// about 0.48.
	ClimateBase float64 `toml:"climate_base"`
	// ClimateLeadership is the climate target's rise per unit of effective
	// leadership. Default 0.4: assumption, after Hallinger & Heck (1998),
	// leadership acts on learning through climate.
	ClimateLeadership float64 `toml:"climate_leadership"`
	// ClimateMorale is the climate target's rise per unit of mean teacher
	// morale. Default 0.3: assumption.
	ClimateMorale float64 `toml:"climate_morale"`
	// MoraleRate is how fast a teacher's morale relaxes to its target.
	// Default 2.0 per year: assumption.
	MoraleRate float64 `toml:"morale_rate"`
	// MoraleBase is the morale target with zero leadership and climate.
	// Default 0.2: assumption; the baseline's mean morale is then about 0.52.
	MoraleBase float64 `toml:"morale_base"`
	// MoraleLeadership is the morale target's rise per unit of effective
	// leadership. Default 0.4: assumption, after Leithwood & Jantzi (2006).
	MoraleLeadership float64 `toml:"morale_leadership"`
	// MoraleClimate is the morale target's rise per unit of climate.
	// Default 0.3: assumption.
	MoraleClimate float64 `toml:"morale_climate"`
	// MoraleLoad is the morale target's fall per unit of a teacher's share
	// of time taken from teaching (collaboration duties). Default 0.5:
	// assumption; Croft (2015) on the time cost of partnerships.
	MoraleLoad float64 `toml:"morale_load"`

	// Teachers (TeacherDevelopment, TeacherAttrition).

	// TeacherExperienceGain is a new teacher's yearly effectiveness gain; it
	// decays as exp(-experience/TeacherExperienceScale). Default 0.04
	// SD/year: Kraft & Papay (2014), steep early returns to experience.
	TeacherExperienceGain float64 `toml:"teacher_experience_gain"`
	// TeacherExperienceScale is the experience in years over which that gain
	// decays by a factor e. Default 4 years: Kraft & Papay (2014).
	TeacherExperienceScale float64 `toml:"teacher_experience_scale"`
	// TeacherTrainingGain is the yearly effectiveness gain of full-time
	// equivalent training for an averagely motivated school. Default 0.24
	// SD/year per year of FTE training: the posterior median of the shipped
	// calibration (docs/MODEL.md section 6) in the plausible range
	// 0.02-0.5; Kraft, Blazar &
	// Hogan (2018) find coaching that takes a small fraction of a
	// teacher's time raises achievement by about 0.18 SD (0.10 in large
	// programmes); the model makes the gain permanent, so the range stays
	// well below that ratio.
	TeacherTrainingGain float64 `toml:"teacher_training_gain"`
	// CollaborationGain is the yearly share of the gap to better
	// collaboration partners' effectiveness that a teacher closes. Default
	// 0.1 per year: Jackson & Bruegmann (2009), peer learning among
	// teachers.
	CollaborationGain float64 `toml:"collaboration_gain"`
	// StyleDrift is the yearly share of the gap to collaboration partners'
	// style that a teacher's style closes. Default 0.05 per year: assumption;
	// Wang & Liu (2025) and Chen (2018): style changes slowly.
	StyleDrift float64 `toml:"style_drift"`
	// AttritionBase is the yearly chance that a teacher of average morale in
	// an average school leaves. Default 0.06 per year, the posterior median
	// of the shipped calibration (docs/MODEL.md section 6) in the range
	// 0.04-0.13 (assumption for Chinese public schools), below Ingersoll's (2001) US figure of about 0.13.
	AttritionBase float64 `toml:"attrition_base"`
	// AttritionMorale is the rise in the logit of leaving per unit of morale
	// below the baseline mean. Default 3.0: assumption, after Ingersoll (2001).
	AttritionMorale float64 `toml:"attrition_morale"`
	// AttritionWeakness is the rise in the logit of leaving per SD of the
	// school's mean achievement below the baseline mean. Default 0.8:
	// assumption, after Hanushek, Kain & Rivkin (2004).
	AttritionWeakness float64 `toml:"attrition_weakness"`
	// HireEffectiveness is a new teacher's mean effectiveness before the
	// reputation term, on the scale where experience gains (up to
	// TeacherExperienceGain·TeacherExperienceScale = 0.16) accumulate;
	// learning uses deviations from the baseline teacher mean (about
	// +0.16), so novices start about 0.2 SD below the average teacher.
	// Default -0.05 SD/year: Kraft & Papay (2014), novices well below
	// experienced teachers.
	HireEffectiveness float64 `toml:"hire_effectiveness"`
	// HireReputation is the rise in a new hire's mean effectiveness per unit
	// of school reputation (SD of mean achievement). Default 0.023 SD/year,
	// the posterior median of the shipped calibration (docs/MODEL.md
	// section 6) in the plausible range 0-0.05: strong schools attract
	// somewhat stronger candidates (Hanushek, Kain & Rivkin 2004), but
	// disadvantaged students' teachers are only slightly less effective,
	// by 2-4% of the achievement gap (Isenberg et al. 2014; Max &
	// Glazerman 2014), and hiring and transfer patterns explain little of
	// it (Isenberg et al. 2016). Before issue 11 the default was 0.08;
	// docs/MODEL.md 7.19 gives the strong-weak difference in teacher
	// effectiveness it leads to, with attrition higher in weak schools and
	// movers drifting to strong ones.
	HireReputation float64 `toml:"hire_reputation"`
	// TeacherSD is the SD of effectiveness among teachers and new hires.
	// Default 0.19 SD/year on the latent scale, the posterior median of the
	// shipped calibration (docs/MODEL.md section 6), in the range
	// 0.145-0.215: Hanushek & Rivkin (2010), 0.11-0.15 SD of the system's
	// scores, times the system's SD in latent units.
	TeacherSD float64 `toml:"teacher_sd"`

	// Teachers' context and mobility (PortableEffectiveness,
	// TransferUtility, TeacherTransfer, AcceptOffer; TeacherAttrition's
	// effectiveness term). docs/MODEL.md 7.20–7.22 give the equations.

	// AttritionEffectiveness is the rise in the logit of leaving per SD of
	// effectiveness (TeacherSD) below the reference mean: less effective
	// teachers leave more. Default 0.25 (in the baseline leavers then
	// average about 0.35 teacher SD below stayers, 0.2 without the term):
	// assumption for the size;
	// the direction is measured by Boyd, Grossman, Lankford, Loeb &
	// Wyckoff (2008), Hanushek & Rivkin (2010) and Goldhaber, Gross &
	// Player (2011); Feng & Sass (2017) find the most effective leave more
	// too, which a linear term leaves out. 0 switches the term off.
	AttritionEffectiveness float64 `toml:"attrition_effectiveness"`
	// ContextShareJunior is the share of a junior secondary teacher's
	// value added (its deviation from the reference mean) that belongs to
	// the school where it was built and does not move with the teacher:
	// the portable share is 1 − ContextShareJunior. Default 0.4 (portable
	// 0.6), the middle of 0-0.8: Chetty, Friedman & Rockoff (2014) and Xu,
	// Özek & Corritore (2012) find value added fully portable (grades 3-8
	// pooled); Glazerman et al. (2013) find top-20% teachers moved to
	// low-achieving middle schools raised scores not at all. 0 switches
	// portability off in junior secondary schools.
	ContextShareJunior float64 `toml:"context_share_junior"`
	// ContextSharePrimary is the same share for primary schools. Default
	// 0.15 (portable 0.85), the middle of 0-0.3: Jackson (2013), teacher-
	// school match explains away a quarter of teacher quality; Glazerman
	// et al. (2013), transferred teachers raised elementary scores by
	// 0.10-0.25 SD; Chetty et al. (2014), full portability.
	ContextSharePrimary float64 `toml:"context_share_primary"`
	// ContextMismatch is the relative rise of the context share per SD of
	// difference between the two schools' mean intake SES: a teacher moved
	// from an advantaged school to a disadvantaged one carries less.
	// Default 0.2 per SD, the middle of 0-0.4: Xu, Özek & Corritore (2012)
	// and Sass et al. (2012) find no change across poverty levels (0);
	// Wang & Liu (2025) report context-specific expertise of staff moved
	// from strong to weak schools.
	ContextMismatch float64 `toml:"context_mismatch"`
	// TransferSearch is the yearly chance that a teacher at the start of a
	// career looks at the vacancies of other schools; it falls with
	// experience (TransferExperience). 0 switches voluntary transfers off.
	// Default 0.63, the posterior median of the shipped calibration
	// (docs/MODEL.md section 6): about 4% of teachers move between
	// schools in a year in the baseline, inside 2-6.5% (Texas, 6.5% within
	// districts: Hanushek, Kain & Rivkin 2004; Chinese transfers need the
	// county bureau's approval and are rarer: assumption); 0.3-1 gives
	// 2-5.5%.
	TransferSearch float64 `toml:"transfer_search"`
	// TransferExperience is the fall, on the log scale, of the chance of
	// looking per ten years of experience (up to 30 years). Default 0.35:
	// Hanushek, Kain & Rivkin (2004), school switching falls from 16.8% a
	// year in the first two years to 8.2% at 11-30 years.
	TransferExperience float64 `toml:"transfer_experience"`
	// TransferCost is the cost, in logit units, of moving to an otherwise
	// identical school (the constant of TransferUtility). Default 1.2:
	// calibrated so that the Talent Transfer Initiative's offer (a fifth
	// of a year's pay for two years, to the district's lowest-achieving
	// schools) is taken up by about 22% (Glazerman et al. 2013).
	TransferCost float64 `toml:"transfer_cost"`
	// TransferAdvantage is the value, in logit units, of one SD of a
	// school's reputation (its lagged mean achievement). Default 0.9:
	// Hanushek, Kain & Rivkin (2004), schools of disadvantaged, low-
	// achieving students must pay 20-50% more to hold teachers, which with
	// TransferPay is 0.5-1.3 per SD across the model's tier gap.
	TransferAdvantage float64 `toml:"transfer_advantage"`
	// TransferDistance is the cost, in logit units, of every 10 km between
	// the two schools (commuting or moving house). Default 0.3:
	// assumption, after Boyd, Lankford, Loeb & Wyckoff (2005), teachers
	// strongly prefer jobs near home.
	TransferDistance float64 `toml:"transfer_distance"`
	// TransferPay is the value, in logit units, of extra pay worth a
	// whole year's salary (TeacherSalary). Default 4: Clotfelter, Glennie,
	// Ladd & Vigdor (2008), a bonus of 4.5% of pay cut teachers' leaving
	// of hard-to-staff schools by 12-17%.
	TransferPay float64 `toml:"transfer_pay"`
	// TeacherSalary is a teacher's yearly pay, which turns incentives in
	// RMB into a share of pay. Default 110,000 RMB: National Bureau of
	// Statistics, mean yearly wage of urban non-private units in education,
	// about 110,000-120,000 RMB in 2021-2022.
	TeacherSalary float64 `toml:"teacher_salary"`

	// Resources (ResourceUpdate).

	// ResourceLagWeeks is the number of weeks between spending money and the
	// facilities or courses it buys being in use. Default 20 weeks:
	// assumption; Wang & Liu (2025) labs and courses built over a term.
	ResourceLagWeeks int `toml:"resource_lag_weeks"`
	// FacilityUnitCost is the money that buys one unit of the facilities
	// index (1 = the average school's stock). Default 5,000,000 RMB:
	// assumption, so SSP's 1M RMB is a fifth of a school's facilities.
	FacilityUnitCost float64 `toml:"facility_unit_cost"`
	// CourseUnitCost is the money that buys one unit of the courses index.
	// Default 2,000,000 RMB: assumption.
	CourseUnitCost float64 `toml:"course_unit_cost"`
	// FacilityDepreciation is the yearly share of facilities that wears out.
	// Default 0.08 per year: assumption, a 12-year life.
	FacilityDepreciation float64 `toml:"facility_depreciation"`
	// CourseDepreciation is the yearly share of courses that lapse. Default
	// 0.20 per year: assumption, courses need renewing every five years.
	CourseDepreciation float64 `toml:"course_depreciation"`

	// Money and its responses (ResourceUpdate, ResourceTerm,
	// TeacherDevelopment, LabelResponse; funding and double-teacher
	// policies). Each has a value that switches it off (docs/MODEL.md 7.14–7.16).

	// ResourcePupils is the planned enrolment for which the unit costs
	// hold: a school of n pupils needs n/ResourcePupils times the money for
	// the same rise in its resource index, so that the index is resources
	// per pupil (1 = the average school's). 0 switches this off: money
	// buys the same stock in a school of any size. Default 810 pupils, the
	// average tier's 6 classes × 3 grades × 45; school-finance effects are
	// reckoned per pupil (Jackson & Mackevicius 2024).
	ResourcePupils float64 `toml:"resource_pupils"`
	// SpendingConcavity θ is the curvature of the returns to what money
	// buys: the resource term of LearningGrowth has slope
	// ResourceEffect·(R̄/R)^θ, and training's effect on a teacher has slope
	// (T_0/(T_0 + T))^θ in this year's training T over the routine T_0
	// (RoutineTraining), so each unit buys less where there is more
	// (diminishing returns to money per pupil). 0 switches it off
	// (linear). Default 0.5: Jackson & Mackevicius (2024) find effects
	// similar across the US range of baseline spending (θ ≈ 0), while
	// across countries achievement stops rising with spending above about
	// USD 35,000 cumulative per pupil from age 6 to 15 (OECD 2012, PISA in
	// Focus 13; Hanushek & Woessmann 2011: above USD 25,000), a level
	// Shanghai exceeds (θ ≥ 1); Kraft, Blazar & Hogan (2018) find no larger
	// effects of coaching programmes with more hours.
	SpendingConcavity float64 `toml:"spending_concavity"`
	// RoutineTraining T_0 is the share of a teacher's working year spent in
	// routine professional development, the level against which extra
	// training has diminishing returns (SpendingConcavity). 0 switches the
	// diminishing returns to training off. Default 0.045 (72 hours of
	// about 1,600): China's Ministry of Education requires at least 360
	// hours of training per teacher every five years (MOE 2011).
	RoutineTraining float64 `toml:"routine_training"`
	// FacilityLagWeeks is the number of weeks between spending money on
	// facilities (construction, labs) and their use; 0 switches it off
	// (facilities arrive after ResourceLagWeeks like courses). Default 80
	// weeks, two school years: Jackson & Mackevicius (2024) find the
	// benefits of capital spending take about five years to materialise
	// and are about half those of other spending; Cellini, Ferreira &
	// Rothstein (2010) and Lafortune & Schönholzer (2022) find effects on
	// achievement only years after new facilities are funded, Martorell,
	// Stange & McFarlin (2016) little effect at all.
	FacilityLagWeeks int `toml:"facility_lag_weeks"`
	// FundingCrowdOut is the share of targeted money that a school's
	// regular budget loses while the targeted money is paid (substitution,
	// crowd-out). 0 switches it off. Default 0.5: Cascio, Gordon & Reber
	// (2013), Title I raised school spending by 50 cents on the dollar;
	// Gordon (2004), none at first and almost all of it within three years.
	FundingCrowdOut float64 `toml:"funding_crowd_out"`
	// TrainingFadeout is the yearly share of the effectiveness a teacher
	// gained from training that is lost again (fade-out). 0 switches it
	// off: training gains are permanent. Default 0.5 a year: Liu & Phelps
	// (2020) find teachers lose the knowledge gained in professional
	// development within weeks; Garet et al. (2008, 2011) find effects on
	// teachers that do not persist into the next year and none on
	// achievement; practice-based learning in one's own classroom lasts
	// (Taylor & Tyler 2012), and so does learning beside a remote expert
	// (RemoteLearning), which does not fade.
	TrainingFadeout float64 `toml:"training_fadeout"`
	// LabelAttrition is the rise in the logit of a teacher leaving a school
	// that carries a public label (School.Label = 1). 0 switches it off.
	// Default 0.2 (a 6% yearly chance becomes 7.2%): assumption; Bénabou,
	// Kramarz & Prost (2009) find the French ZEP label discouraged
	// teachers from staying and had no effect on achievement; Feng, Figlio
	// & Sass (2018) find an "F" grade raised teacher departures in Florida,
	// Dizon-Ross (2020) did not in New York.
	LabelAttrition float64 `toml:"label_attrition"`
	// LabelStigma is the fall in a labelled school's reputation in the eyes
	// of applicants (new hires' mean effectiveness falls by
	// HireReputation·LabelStigma) and of families (School.PerceivedReputation),
	// in SD of mean achievement. 0 switches it off. Default 0.25:
	// assumption; Figlio & Lucas (2004): published school grades move
	// house prices beyond the information in scores; Bénabou, Kramarz &
	// Prost (2009).
	LabelStigma float64 `toml:"label_stigma"`
	// LabelIntakeSES is the fall in the mean SES of a labelled school's
	// intake drawn from its catchment, in population SD: better-off
	// families avoid it. 0 switches it off. Default 0.1: assumption;
	// Davezies & Garrouste (2020): the French RAR label lowered the
	// chance of attending a labelled school and raised private enrolment,
	// driven by high-SES pupils; Beffy & Davezies (2013): more blue-collar
	// children entered labelled schools.
	LabelIntakeSES float64 `toml:"label_intake_ses"`
	// RemoteLearning is the yearly share of the gap to a remote expert's
	// effectiveness that a local teacher closes per unit of remote share
	// of their lessons (double-teacher lessons: the local teacher teaches
	// beside the expert). 0 switches it off. Default 0.25 a year: Li, Liu,
	// Yang & Yu (2023) find a third of the Dual-Teacher programme's +0.98
	// SD in maths over three years (+0.34) came through the local
	// teachers' better teaching: a teacher improving linearly by g a year
	// gives students 4.5·g over three years, so g ≈ 0.076 SD/year a year,
	// about a quarter of a 0.3 SD gap to the expert; peer learning among
	// teachers closes about 0.1 of the gap a year (Jackson & Bruegmann
	// 2009); coaching raises instruction markedly (Kraft, Blazar & Hogan
	// 2018).
	RemoteLearning float64 `toml:"remote_learning"`

	// School reputation (ReputationUpdate).

	// ReputationWeight is the weight of this year's mean achievement in the
	// school's reputation. Default 0.3: assumption, reputations lag results.
	ReputationWeight float64 `toml:"reputation_weight"`
}

// DefaultParams returns the documented defaults.
func DefaultParams() Params {
	return Params{
		GrowthPerYear:         0.37,
		GrowthNoise:           0.25,
		StyleEffect:           0.05,
		PeerAchievementEffect: 0.053,
		PeerRelationEffect:    0.51,
		EngagementEffect:      0.25,
		ResourceEffect:        0.05,
		ClimateEffect:         0.55,
		LoadEffect:            0.3,
		TeachingHours:         16,
		ReferenceGradeWeight:  1,

		EngagementRate:    2.0,
		EngagementPeer:    0.20,
		EngagementClimate: 0.30,
		EngagementStyle:   0.10,

		TieMeetRate:          20,
		TieSameClass:         0.8,
		TieAccept:            0.6,
		TieClimateInclusion:  0.5,
		HomophilyAchievement: 0.5,
		HomophilySES:         0.5,
		HomophilyMigrant:     1.0,
		TieDropRate:          0.5,
		ActivityTieBoost:     0.75,
		TieStrengthRate:      2.0,

		LeadershipExperienceRate:  0.15,
		LeadershipExperienceScale: 5,
		NoviceGap:                 0.15,
		PrincipalSD:               0.093,
		PrincipalTurnover:         0.1,
		MentoringRate:             0.52,
		TrainingRate:              0.1,
		ContextDiscount:           0.3,
		MotivationResponse:        1.0,
		MotivationDevelopment:     0.01,
		IntakeResponse:            0.064,
		TestInflation:             0.066,

		ClimateRate:       1.0,
		ClimateBase:       0.15,
		ClimateLeadership: 0.4,
		ClimateMorale:     0.3,
		MoraleRate:        2.0,
		MoraleBase:        0.2,
		MoraleLeadership:  0.4,
		MoraleClimate:     0.3,
		MoraleLoad:        0.5,

		TeacherExperienceGain:  0.04,
		TeacherExperienceScale: 4,
		TeacherTrainingGain:    0.24,
		CollaborationGain:      0.1,
		StyleDrift:             0.05,
		AttritionBase:          0.06,
		AttritionMorale:        3.0,
		AttritionWeakness:      0.8,
		HireEffectiveness:      -0.05,
		HireReputation:         0.023,
		TeacherSD:              0.19,

		AttritionEffectiveness: 0.25,
		ContextShareJunior:     0.4,
		ContextSharePrimary:    0.15,
		ContextMismatch:        0.2,
		TransferSearch:         0.63,
		TransferExperience:     0.35,
		TransferCost:           1.2,
		TransferAdvantage:      0.9,
		TransferDistance:       0.3,
		TransferPay:            4,
		TeacherSalary:          110000,

		ResourceLagWeeks:     20,
		FacilityUnitCost:     5e6,
		CourseUnitCost:       2e6,
		FacilityDepreciation: 0.08,
		CourseDepreciation:   0.20,

		ResourcePupils:    810,
		SpendingConcavity: 0.5,
		RoutineTraining:   0.045,
		FacilityLagWeeks:  80,
		FundingCrowdOut:   0.5,
		TrainingFadeout:   0.5,
		LabelAttrition:    0.2,
		LabelStigma:       0.25,
		LabelIntakeSES:    0.1,
		RemoteLearning:    0.25,

		ReputationWeight: 0.3,
	}
}

// ParamError reports a parameter outside its allowed range. Key is the
// parameter's TOML name.
type ParamError struct {
	Key string
	Err string
	// Also names the other keys a limit on a product or sum of several
	// keys (the planned students, the tier shares) is as much about as
	// Key, so that a message can point at the one a file sets.
	Also []string
}

func (e *ParamError) Error() string { return "agents: " + e.Key + ": " + e.Err }

// Validate checks every parameter against its allowed range in
// [ParamRanges]. The first violation is returned as a *ParamError.
func (p *Params) Validate() error {
	if err := ParamRanges.Check(p); err != nil {
		re := err.(*ranges.Error)
		return &ParamError{Key: re.Key, Err: re.Reason()}
	}
	return nil
}

// ParamKeys returns the TOML names of all parameters, in declaration order.
func ParamKeys() []string {
	t := reflect.TypeFor[Params]()
	keys := make([]string, t.NumField())
	for i := range keys {
		keys[i] = t.Field(i).Tag.Get("toml")
	}
	return keys
}
