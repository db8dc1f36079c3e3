package evaluate

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"

	"schoolnet/agents"
	"schoolnet/scenarios"
)

// The SSP figures the defaults are calibrated towards (Wang & Liu 2025):
// Grade 9 maths and Chinese, by DID and by PSM-DID, and the mediators'
// ranking.
var sspTargets = [NumOutcomes]float64{agents.Maths: 0.67, agents.Chinese: 0.63}

// sspLoss is the calibration's objective for one evaluation of the SSP
// study: the squared distances of the DID and PSM-DID estimates of maths
// and Chinese from the published figures, plus 1 if the estimated
// mediation does not rank peer relationships above leadership (composite)
// or puts teaching style's share outside ±0.1.
func sspLoss(res *Result) (loss float64, report string) {
	var b strings.Builder
	for _, row := range res.Rows() {
		k := -1
		switch row.Outcome {
		case "maths":
			k = int(agents.Maths)
		case "chinese":
			k = int(agents.Chinese)
		}
		if k < 0 || (row.Design != DID && row.Design != PSMDID) {
			continue
		}
		d := row.Estimate - sspTargets[k]
		loss += d * d
		fmt.Fprintf(&b, " %s %s %+.3f (true %+.3f)", row.Design, row.Outcome, row.Estimate, row.True)
	}
	for _, m := range res.MediationRows() {
		if m.Outcome == "composite" {
			fmt.Fprintf(&b, " | %s est %+.2f model %+.2f", m.Mediator, m.EstShare, m.ModelShare)
		}
	}
	med := res.MediationRows()
	share := map[string]float64{}
	for _, m := range med {
		if m.Outcome == "composite" {
			share[m.Mediator] = m.EstShare
		}
	}
	if !(share["peer_relations"] > share["leadership"]) || math.Abs(share["teaching_style"]) > 0.1 {
		loss++
		b.WriteString(" (ranking missed)")
	}
	return loss, b.String()
}

// TestCalibrateSSP reproduces the calibration of the defaults against the
// SSP figures. It is slow (minutes) and runs only when asked:
//
//	SCHOOLNET_CALIBRATE=1 go test ./results/evaluate -run CalibrateSSP -v -timeout 2h
//
// The parameters whose every plausible increase raises the SSP estimates
// (docs/MODEL.md, section 7.1, "plausible range") are at the top of their
// ranges in the defaults; this checks that lowering any of them to the
// middle of its range moves the estimates away from the figures (or leaves
// them within the noise), and
// searches a grid of the two leadership parameters, whose increase also
// raises the estimated leadership mediation, for the best fit that keeps
// peer relationships ranked first. It logs each point and fails if the
// defaults are not the best point found.
func TestCalibrateSSP(t *testing.T) {
	if os.Getenv("SCHOOLNET_CALIBRATE") == "" {
		t.Skip("set SCHOOLNET_CALIBRATE=1 to run the calibration (minutes)")
	}
	base, err := scenarios.Load("shanghai-ssp-study")
	if err != nil {
		t.Fatal(err)
	}
	eval := func(name string, set func(p *agents.Params)) float64 {
		s := *base
		set(&s.Model)
		if err := scenarios.Check(&s); err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), &s, Options{Designs: []string{DID, PSMDID}, Mediation: true, Bootstrap: 100, Workers: runtime.NumCPU()})
		if err != nil {
			t.Fatal(err)
		}
		loss, report := sspLoss(res)
		t.Logf("%-32s loss %.4f:%s", name, loss, report)
		return loss
	}
	// The loss varies by about 0.02 between parameter values whose effect
	// is too small for ten replications to see.
	const noise = 0.02
	def := eval("defaults", func(*agents.Params) {})
	best := def
	upper := []struct {
		key   string
		mid   float64
		field func(p *agents.Params) *float64
	}{
		{"peer_relation_effect", 0.45, func(p *agents.Params) *float64 { return &p.PeerRelationEffect }},
		{"engagement_effect", 0.35, func(p *agents.Params) *float64 { return &p.EngagementEffect }},
		{"engagement_peer", 0.3, func(p *agents.Params) *float64 { return &p.EngagementPeer }},
		{"activity_tie_boost", 0.75, func(p *agents.Params) *float64 { return &p.ActivityTieBoost }},
		{"teacher_training_gain", 0.26, func(p *agents.Params) *float64 { return &p.TeacherTrainingGain }},
		{"motivation_development", 0.0075, func(p *agents.Params) *float64 { return &p.MotivationDevelopment }},
	}
	for _, u := range upper {
		loss := eval(u.key+" at mid-range", func(p *agents.Params) { *u.field(p) = u.mid })
		if loss < def-noise {
			t.Errorf("%s at the middle of its range fits better (loss %.4f) than the default (%.4f)", u.key, loss, def)
		}
	}
	for _, ce := range []float64{0.5, 0.75, 1.0} {
		for _, mr := range []float64{0.5, 0.75, 1.0} {
			loss := eval(fmt.Sprintf("climate_effect %.2f mentoring %.2f", ce, mr), func(p *agents.Params) {
				p.ClimateEffect, p.MentoringRate = ce, mr
			})
			best = min(best, loss)
		}
	}
	if best < def-noise {
		t.Errorf("a grid point fits better (loss %.4f) than the defaults (%.4f)", best, def)
	}
}
