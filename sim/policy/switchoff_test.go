package policy

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"schoolnet/agents"
	"schoolnet/sim"
)

var updateGolden = flag.Bool("golden", false, "rewrite the switch-off golden files in testdata")

// switchOffCases are a small funding scenario and a small double-teacher
// scenario whose records were stored in testdata before the funding and
// double-teacher mechanisms of issue 11 existed (commit 68c40ee). With
// every new key of those mechanisms switched off (moneyKeysOff), the
// records must be the same to the last bit.
var switchOffCases = []struct {
	golden string
	spec   func(t *testing.T) Spec
}{
	{"switchoff-funding.golden", func(t *testing.T) Spec {
		f := spec(t, "funding").(*FundingSpec)
		f.Start, f.End = 1, 2
		f.PerSchool = 3e6
		f.Select = Selection{Rule: RuleAll, Tier: "weak"}
		return f
	}},
	{"switchoff-double-teacher.golden", func(t *testing.T) Spec {
		d := spec(t, "double-teacher").(*DoubleTeacherSpec)
		d.Start, d.End = 1, 2
		d.RemoteShare, d.Uptake = 0.6, 1
		d.Connectivity = ConnectFull
		return d
	}},
}

// moneyKeysOff switches off every mechanism that issue 11 added to funding
// and double-teacher lessons, in the parameters and in the spec.
func moneyKeysOff(p *agents.Params, s Spec) {
	p.ResourcePupils, p.SpendingConcavity, p.RoutineTraining, p.FacilityLagWeeks = 0, 0, 0, 0
	p.FundingCrowdOut, p.TrainingFadeout = 0, 0
	p.LabelAttrition, p.LabelStigma, p.LabelIntakeSES = 0, 0, 0
	p.RemoteLearning = 0
}

// goldenRecords writes the records of years 0..Years, one school a line,
// with every number at full precision.
func goldenRecords(recs []sim.YearRecord) string {
	var b strings.Builder
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, y := range recs {
		for _, r := range y.Schools {
			all := r.All()
			fmt.Fprintf(&b, "%d %d %d n=%d", y.Year, r.School, r.Tier, all.N)
			for _, z := range all.Z {
				b.WriteString(" " + g(z))
			}
			for _, x := range []float64{all.Composite, all.CompositeSq, all.PeerRelations, all.Engagement,
				r.Leadership, r.Style, r.Morale, r.Effectiveness, r.Climate, r.Resources,
				r.Cost.Money, r.Cost.TeacherHours, r.Cost.TravelHours} {
				b.WriteString(" " + g(x))
			}
			fmt.Fprintf(&b, " leavers=%d treated=%d\n", r.Leavers, r.Member.Treated)
		}
	}
	return b.String()
}

// TestMoneyKeysOffRestoreOldOutput runs each case with the new keys
// switched off and compares its records byte for byte with those the code
// gave before the mechanisms existed. If a later change elsewhere moves
// the baseline on purpose, regenerate with
//
//	go test ./sim/policy -run MoneyKeysOff -golden
//
// only after checking that this branch's mechanisms are not the cause.
func TestMoneyKeysOffRestoreOldOutput(t *testing.T) {
	for _, tc := range switchOffCases {
		t.Run(tc.golden, func(t *testing.T) {
			s := tc.spec(t)
			cfg := testConfig(7, s)
			moneyKeysOff(&cfg.Params, s)
			_, recs := run(t, cfg, nil)
			got := goldenRecords(recs)
			path := filepath.Join("testdata", tc.golden)
			if *updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("with the keys off, line %d differs from the old code's output:\n got  %s\n want %s", i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("with the keys off, %d lines, want %d", len(gl), len(wl))
			}
		})
	}
}
