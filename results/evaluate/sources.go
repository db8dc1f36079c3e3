package evaluate

import (
	"fmt"
	"slices"
	"strings"

	"schoolnet/scenarios"
)

// The bias sources of the lab besides the selection on the principals'
// latent motivation, which every study of a voluntary scenario faces
// (docs/EVALUATION.md, "Where the bias can come from").
const (
	// SourceDip: the treated schools were chosen on a measured result of
	// the year before the policy (the study's pre-test), so a bad year
	// made them volunteer or rank low: regression to the mean.
	SourceDip = "dip"
	// SourceMeasurement: the study sees every score through the test's
	// measurement error (student error and a school-by-year shock).
	SourceMeasurement = "measurement"
	// SourceIntake: families move towards the treated schools
	// (agents.IntakeResponse).
	SourceIntake = "intake"
	// SourceInflation: the treated schools teach to the exam the study
	// reads (agents.TeachingToTheTest).
	SourceInflation = "inflation"
)

// SourceNames lists the bias sources in report order.
var SourceNames = []string{SourceDip, SourceMeasurement, SourceIntake, SourceInflation}

// The configurations of the bias decomposition besides one per source.
const (
	ConfigNone = "none" // every source off: today's lab, motivation only
	ConfigAll  = "all"  // every source as the scenario sets it
)

// Sources says which bias sources a study faces.
type Sources struct {
	Dip, Measurement, Intake, Inflation bool
}

// On reports whether source name is on.
func (s Sources) On(name string) bool {
	switch name {
	case SourceDip:
		return s.Dip
	case SourceMeasurement:
		return s.Measurement
	case SourceIntake:
		return s.Intake
	case SourceInflation:
		return s.Inflation
	}
	return false
}

// only returns the sources of s with just name left on.
func (s Sources) only(name string) Sources {
	return Sources{Dip: name == SourceDip && s.Dip, Measurement: name == SourceMeasurement && s.Measurement,
		Intake: name == SourceIntake && s.Intake, Inflation: name == SourceInflation && s.Inflation}
}

// Config is one configuration of a bias decomposition: a name (ConfigNone,
// a source alone, ConfigAll) and the sources it switches on.
type Config struct {
	Name    string
	Sources Sources
}

// ScenarioSources returns the bias sources a study of scn faces as the
// scenario sets them: a source is on when its magnitude is not zero (and,
// for the dip, when the scenario's selection is voluntary or by rank; for
// inflation, when the study reads the exam).
func ScenarioSources(scn *scenarios.Scenario) Sources {
	sp := scn.StudyOrDefault()
	return Sources{
		Dip:         sp.Dip > 0 && scenarios.Selector(scn) >= 0,
		Measurement: sp.Reliability < 1 || sp.SchoolNoise > 0,
		Intake:      scn.Model.IntakeResponse > 0,
		Inflation:   scn.Model.TestInflation > 0 && sp.Test == scenarios.TestExam,
	}
}

// Configs returns the configurations an evaluation of scn studies: with
// decompose, every source off, each source alone and all of them (a
// source the scenario switches off leaves its row equal to none);
// without, the scenario as set.
func Configs(scn *scenarios.Scenario, decompose bool) []Config {
	all := Config{ConfigAll, ScenarioSources(scn)}
	if !decompose {
		return []Config{all}
	}
	out := []Config{{ConfigNone, Sources{}}}
	for _, name := range SourceNames {
		out = append(out, Config{name, all.Sources.only(name)})
	}
	return append(out, all)
}

// Dip modes of a world: how its selection reads the measured results of
// the year before the policy.
const (
	dipNone     = iota // as the scenario's rule says
	dipTrue            // on the true results (measurement off)
	dipMeasured        // on the results as the study's test measured them
)

// worldKey identifies a treated world of a replication: the scenario or
// its lottery version, how its selection reads the results before the
// policy, and whether families respond to the treated schools.
type worldKey struct {
	lottery bool
	dip     int
	intake  bool
}

// worlds returns the scenario world and the lottery world a study under
// sources reads.
func (s Sources) worlds() (scn, lottery worldKey) {
	scn = worldKey{intake: s.Intake}
	if s.Dip {
		scn.dip = dipTrue
		if s.Measurement {
			scn.dip = dipMeasured
		}
	}
	return scn, worldKey{lottery: true, intake: s.Intake}
}

// worldKeys returns the treated worlds the configurations need, in order
// of first use, the scenario world before the lottery world of each.
func worldKeys(configs []Config, needScenario, needLottery bool) []worldKey {
	var out []worldKey
	for _, c := range configs {
		s, l := c.Sources.worlds()
		if needScenario && !slices.Contains(out, s) {
			out = append(out, s)
		}
		if needLottery && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// world returns the scenario of a treated world: base (the scenario run
// to the follow-up) or its lottery version, with the intake response
// switched off unless the key has it, and, for a dip, its selection told
// the standardised results before the policy and the weight of a bad
// year.
func (k worldKey) world(base, lottery *scenarios.Scenario, results []float64, weight float64) *scenarios.Scenario {
	c := *base
	if k.lottery {
		c = *lottery
	}
	if !k.intake {
		c.Model.IntakeResponse = 0
	}
	if k.dip != dipNone {
		return scenarios.Dipped(&c, results, weight)
	}
	return &c
}

// SwitchOff switches the named bias sources off in scn, every one of
// SourceNames when none is named, by setting their magnitudes to the
// values that remove them: [study] dip 0; reliability 1 and school_noise
// 0; [model] intake_response 0; test_inflation 0. With every source off
// the lab is the lab before the sources existed, byte for byte. It
// returns an error for an unknown name.
func SwitchOff(scn *scenarios.Scenario, names ...string) error {
	if len(names) == 0 {
		names = SourceNames
	}
	sp := scn.StudyOrDefault()
	for _, n := range names {
		switch n {
		case SourceDip:
			sp.Dip = 0
		case SourceMeasurement:
			sp.Reliability, sp.SchoolNoise = 1, 0
		case SourceIntake:
			scn.Model.IntakeResponse = 0
		case SourceInflation:
			scn.Model.TestInflation = 0
		default:
			return fmt.Errorf("evaluate: unknown bias source %q; one of %s", n, strings.Join(SourceNames, ", "))
		}
	}
	scn.Study = sp
	return nil
}
