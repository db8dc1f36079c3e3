package agents

import "schoolnet/sim/ranges"

// Switch is the value of a parameter that switches a mechanism off, so
// that results from before the mechanism existed can be reproduced.
type Switch struct {
	// Mechanism names the mechanism, as docs/MODEL.md does.
	Mechanism string
	// Key is the parameter's TOML name and Off its value that switches
	// the mechanism off.
	Key string
	Off float64
}

// Switches lists every switchable mechanism's switch-off values. With all
// of them set (Params.SwitchedOff), the model behaves as it did before
// those mechanisms existed (docs/MODEL.md, "Switching mechanisms off").
var Switches = []Switch{
	{"PortableEffectiveness", "context_share_junior", 0},
	{"PortableEffectiveness", "context_share_primary", 0},
	{"TeacherTransfer", "transfer_search", 0},
	{"TeacherAttrition (effectiveness term)", "attrition_effectiveness", 0},
	{"ResourceTerm (per pupil)", "resource_pupils", 0},
	{"ResourceTerm (diminishing returns)", "spending_concavity", 0},
	{"TrainingDose (routine training)", "routine_training", 0},
	{"ResourceUpdate (facility lag)", "facility_lag_weeks", 0},
	{"funding (crowd-out)", "funding_crowd_out", 0},
	{"TeacherDevelopment (training fade-out)", "training_fadeout", 0},
	{"LabelResponse (teachers)", "label_attrition", 0},
	{"LabelResponse (applicants)", "label_stigma", 0},
	{"LabelResponse (families)", "label_intake_ses", 0},
	{"TeacherDevelopment (remote learning)", "remote_learning", 0},
	{"MeasureReference (grade centres)", "reference_grade_weight", 0},
	{"IntakeResponse", "intake_response", 0},
	{"TeachingToTheTest", "test_inflation", 0},
}

// SwitchedOff returns p with every mechanism of Switches switched off.
func (p Params) SwitchedOff() Params {
	for _, s := range Switches {
		if !ranges.Set(&p, s.Key, s.Off) {
			panic("agents: switch of unknown key " + s.Key)
		}
	}
	return p
}

// PreCalibration holds the defaults that the parameters of the shipped
// calibration (docs/MODEL.md section 6) had before it set them. Golden files of earlier behaviour were
// written with these values; the tests that compare with them set them,
// so that a new calibration does not mean writing those files again.
var PreCalibration = []struct {
	Key   string
	Value float64
}{
	{"growth_per_year", 0.30},
	{"teacher_sd", 0.13},
	{"principal_sd", 0.08},
	{"climate_effect", 0.5},
	{"peer_achievement_effect", 0.05},
	{"hire_reputation", 0.02},
	{"attrition_base", 0.06},
	{"transfer_search", 0.65},
	{"peer_relation_effect", 0.30},
	{"mentoring_rate", 0.3},
	{"teacher_training_gain", 0.1},
	{"intake_response", 0.03},
	{"test_inflation", 0.03},
}

// Precalibrated returns p with the PreCalibration values.
func (p Params) Precalibrated() Params {
	for _, s := range PreCalibration {
		if !ranges.Set(&p, s.Key, s.Value) {
			panic("agents: pre-calibration value of unknown key " + s.Key)
		}
	}
	return p
}
