package web

import (
	"testing"

	"schoolnet/results"
)

// TestEveryOutcomeHasPlainWords checks that every outcome the page can
// show (the result files' headline outcomes, the effect per million and
// the charts' series) has a plain label, an explanation and a way it is
// better, so that the page never shows a raw column name.
func TestEveryOutcomeHasPlainWords(t *testing.T) {
	names := []string{results.PerMillion}
	for _, o := range results.Headlines {
		names = append(names, o.Name)
	}
	for _, s := range ChartSeries {
		names = append(names, s.Key)
	}
	for _, n := range names {
		o, ok := outcomeTexts[n]
		if !ok {
			t.Errorf("outcome %q has no entry in outcomeTexts (outcomes.go): the page would show its raw name", n)
			continue
		}
		if o.Label == "" || o.Explain == "" {
			t.Errorf("outcome %q: label %q, explanation %q", n, o.Label, o.Explain)
		}
		switch o.Better {
		case higherBetter, lowerBetter, towardZero, lowerCost, neutral:
		default:
			t.Errorf("outcome %q: unknown direction %q", n, o.Better)
		}
	}
}

// TestVerdict checks the words the comparison colours by: better or
// worse by each outcome's own direction, and no verdict while the
// interval includes 0. A shrinking gap is better, more money spent is
// worse.
func TestVerdict(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, tt := range []struct {
		name                 string
		better               string
		pinned, diff, lo, hi *float64
		want                 string
	}{
		{"achievement up", higherBetter, f(-0.8), f(0.1), f(0.05), f(0.15), verdictBetter},
		{"achievement down", higherBetter, f(-0.8), f(-0.1), f(-0.15), f(-0.05), verdictWorse},
		{"achievement unclear", higherBetter, f(-0.8), f(0.1), f(-0.05), f(0.25), verdictUnclear},
		{"positive gap shrinks", towardZero, f(1.7), f(-0.2), f(-0.3), f(-0.1), verdictBetter},
		{"positive gap widens", towardZero, f(1.7), f(0.2), f(0.1), f(0.3), verdictWorse},
		{"negative gap shrinks", towardZero, f(-0.86), f(0.1), f(0.05), f(0.15), verdictBetter},
		{"negative gap widens", towardZero, f(-0.86), f(-0.1), f(-0.15), f(-0.05), verdictWorse},
		{"gap overshoots", towardZero, f(0.1), f(-0.3), f(-0.35), f(-0.25), verdictWorse},
		{"more money spent", lowerCost, f(0), f(23e6), f(22e6), f(24e6), verdictWorse},
		{"less money spent", lowerCost, f(5e6), f(-1e6), f(-2e6), f(-0.5e6), verdictBetter},
		{"less inequality", lowerBetter, f(0.49), f(-0.02), f(-0.03), f(-0.01), verdictBetter},
		{"style changed", neutral, f(0.4), f(0.1), f(0.05), f(0.15), verdictNone},
		{"a gap from zero", towardZero, f(0), f(0.1), f(0.05), f(0.15), verdictChanged},
		{"one replication", higherBetter, f(0), f(0.1), nil, nil, verdictNone},
	} {
		if got := verdict(tt.better, tt.pinned, tt.diff, tt.lo, tt.hi); got != tt.want {
			t.Errorf("%s: verdict %q, want %q", tt.name, got, tt.want)
		}
	}
}
