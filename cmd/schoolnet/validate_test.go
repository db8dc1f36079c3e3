package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateBrokenScenarios runs schoolnet validate on broken scenarios
// of many kinds: each exits 2 and prints its own message with the file,
// line and key.
func TestValidateBrokenScenarios(t *testing.T) {
	const pairing = "[[policy]]\nkind = \"pairing\"\n"
	for _, tt := range []struct {
		name, src, want string
	}{
		{"syntax", "name = \"open\n", "main.toml:1: name: strings cannot contain newlines"},
		{"unknown key", "[run]\nyaers = 2\n", "main.toml:2: run.yaers: unknown key (did you mean run.years?)"},
		{"unknown table", "[modle]\ngrowth_per_year = 1\n", "main.toml:1: modle: unknown key (did you mean model?)"},
		{"wrong type", "[run]\nseed = \"x\"\n", "main.toml:2: run.seed: must be a whole number, got text in quotes"},
		{"out of range", "[model]\ntie_accept = 2\n", "main.toml:2: model.tie_accept: must be in [0,1] (chance), got 2"},
		{"negative", "[model]\nteacher_sd = -0.1\n", "main.toml:2: model.teacher_sd: must be in [0,1] (SD/year), got -0.1"},
		{"tier shares", "[population.weak]\nshare = 0.9\n", "main.toml:2: population.weak.share: tier shares must sum to 1"},
		{"no spin-up", "[run]\nspin_up_years = 0\n", "main.toml:2: run.spin_up_years: must be in [1,50]"},
		{"unknown policy kind", "[[policy]]\nkind = \"pairng\"\n", "main.toml:2: policy[1].kind: unknown policy kind \"pairng\" (did you mean pairing?)"},
		{"policy without kind", "[[policy]]\nend = 2\n", "main.toml:1: policy[1].kind: missing: every policy needs a kind"},
		{"unknown policy key", pairing + "mentoring_intensty = 1\n", "main.toml:3: policy[1].mentoring_intensty: unknown key (did you mean policy[1].mentoring_intensity?)"},
		{"policy value out of range", pairing + "mentoring_intensity = 3\n", "main.toml:3: policy[1].mentoring_intensity"},
		{"policy setting unknown", pairing + "mentoring = \"guru\"\n", "main.toml:3: policy[1].mentoring"},
		{"policy outside the run", "[run]\nyears = 3\n" + pairing + "start = 5\n", "main.toml:5: policy[1].start: must be a year of the run, in [1,3], got 5"},
		{"end before start", pairing + "start = 3\nend = 1\n", "main.toml:4: policy[1].end: must be in [start,6]"},
		{"conflicting policies", pairing + "name = \"a\"\n" + pairing + "name = \"b\"\n", "main.toml:4: policy[2]: conflicts with policy \"a\" (pairing): a school can be in only one pair, education group or alliance at a time"},
		{"conflicting kinds", pairing + "[[policy]]\nkind = \"education-group\"\n[policy.select]\ntier = \"weak\"\n", "main.toml:3: policy[2]: conflicts with policy \"pairing\""},
		{"duplicate names", "[[policy]]\nkind = \"funding\"\n[[policy]]\nkind = \"funding\"\n", "main.toml:3: policy[2]: two policies are named \"funding\""},
		{"bad selection", pairing + "[policy.select]\nrule = \"bribe\"\n", "main.toml:4: policy[1].select.rule: unknown rule \"bribe\""},
		{"missing extends", "extends = \"gone.toml\"\n", "main.toml:1: extends: cannot find \"gone.toml\""},
		{"circular extends", "extends = \"main.toml\"\n", "main.toml:1: extends: circular extends: main.toml -> main.toml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "main.toml")
			if err := os.WriteFile(p, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := run(t, "validate", p)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q)", code, stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q\nwant it to contain %q", strings.TrimSpace(stderr), tt.want)
			}
			// run refuses the same file the same way, and writes nothing.
			out := filepath.Join(dir, "out")
			if code, _, _ := run(t, "run", p, "--out", out, "--quiet"); code != 2 {
				t.Errorf("run: exit %d, want 2", code)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("run wrote output for an invalid scenario")
			}
		})
	}
}
