package evaluate

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim/ranges"
)

// The SSP's published Grade 9 estimates (Wang & Liu 2025), DID and
// PSM-DID on volunteers.
var sspPublished = [NumOutcomes]float64{agents.Maths: 0.67, agents.Chinese: 0.63}

// sspPaths are the parameters on the SSP package's paths whose increase
// raises its estimated effect: until issue 11 the defaults were set at the
// top of their plausible ranges to chase the published figures; they now
// sit at the centre of the evidence (docs/MODEL.md, section 1).
var sspPaths = []string{
	"peer_relation_effect", "engagement_effect", "engagement_peer", "climate_effect",
	"mentoring_rate", "teacher_training_gain", "activity_tie_boost", "motivation_development",
}

// sspEstimates runs the SSP study with DID and PSM-DID and returns, per
// design and outcome ("did maths"), the mean estimate over replications,
// and a line for the log.
func sspEstimates(t *testing.T, base *scenarios.Scenario, set func(p *agents.Params)) (map[string]float64, string) {
	t.Helper()
	s := *base
	set(&s.Model)
	if err := scenarios.Check(&s); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), &s, Options{Designs: []string{DID, PSMDID}, Workers: runtime.NumCPU()})
	if err != nil {
		t.Fatal(err)
	}
	est := map[string]float64{}
	var b strings.Builder
	for _, row := range res.Rows() {
		if row.Outcome != "maths" && row.Outcome != "chinese" {
			continue
		}
		est[row.Design+" "+row.Outcome] = row.Estimate
		fmt.Fprintf(&b, " %s %s %+.3f (true %+.3f)", row.Design, row.Outcome, row.Estimate, row.True)
	}
	return est, b.String()
}

// TestSSPOutOfPlausibleReach checks the finding docs/EVALUATION.md reports
// about the SSP's +0.67 (maths) and +0.63 (Chinese): with every parameter
// on the SSP's paths at the top of its plausible range (ParamRanges'
// High), the study's DID and PSM-DID estimates still fall at least 0.1 SD
// short of the published figures, and at the defaults (the centre of the
// evidence) they are lower still. It replaces the hand calibration that
// set the defaults at the top of those ranges (retired by issue 11); the
// calibration proper, from many targets, is issue 12's. It fails if a
// change to the mechanisms brings the published figures within reach, so
// that the docs' finding is revisited. Slow (minutes); runs only when
// asked:
//
//	SCHOOLNET_SSP_REACH=1 go test ./results/evaluate -run SSPOutOfPlausibleReach -v -timeout 1h
func TestSSPOutOfPlausibleReach(t *testing.T) {
	if os.Getenv("SCHOOLNET_SSP_REACH") == "" {
		t.Skip("set SCHOOLNET_SSP_REACH=1 to run the SSP study at the defaults and at the top of the plausible ranges (minutes)")
	}
	base, err := scenarios.Load("shanghai-ssp-study")
	if err != nil {
		t.Fatal(err)
	}
	centre, line := sspEstimates(t, base, func(*agents.Params) {})
	t.Logf("%-28s%s", "defaults (centre)", line)
	top, line := sspEstimates(t, base, func(p *agents.Params) {
		for _, key := range sspPaths {
			r, ok := agents.ParamRanges.Lookup(key)
			if !ok {
				t.Fatalf("no range for %s", key)
			}
			ranges.Set(p, key, r.High)
		}
	})
	t.Logf("%-28s%s", "top of the plausible ranges", line)
	for _, d := range []string{DID, PSMDID} {
		for _, o := range []agents.Subject{agents.Maths, agents.Chinese} {
			k := d + " " + o.String()
			if gap := sspPublished[o] - top[k]; gap < 0.1 {
				t.Errorf("%s at the top of the ranges is %+.3f, within %.3f of the published %+.2f: the finding that it is out of plausible reach no longer holds (docs/EVALUATION.md)", k, top[k], gap, sspPublished[o])
			}
			// Ten replications: an estimate's mean varies by about 0.02.
			if centre[k] > top[k]+0.02 {
				t.Errorf("%s at the defaults %+.3f exceeds the top of the ranges %+.3f", k, centre[k], top[k])
			}
		}
	}
}
