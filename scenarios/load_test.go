package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestShippedScenariosLoad(t *testing.T) {
	infos := Embedded()
	if len(infos) == 0 {
		t.Fatal("no shipped scenarios")
	}
	for _, info := range infos {
		s, err := Load(info.Name)
		if err != nil {
			t.Errorf("%s: %v", info.Name, err)
			continue
		}
		if s.Name != info.Name {
			t.Errorf("%s.toml has name %q, want the file's name", info.Name, s.Name)
		}
		if s.Description == "" {
			t.Errorf("%s has no description", info.Name)
		}
	}
	if _, err := Load(""); err != nil {
		t.Errorf("default scenario: %v", err)
	}
}

func TestOverridesKeepDefaults(t *testing.T) {
	s, err := Parse("x.toml", []byte("[model]\ngrowth_per_year = 0.5\n[population.weak]\nshare = 0.2\n[population.average]\nshare = 0.6\n"))
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if s.Model.GrowthPerYear != 0.5 {
		t.Errorf("growth_per_year = %g, want 0.5", s.Model.GrowthPerYear)
	}
	if s.Model.TeacherSD != def.Model.TeacherSD {
		t.Errorf("teacher_sd = %g, want the default %g", s.Model.TeacherSD, def.Model.TeacherSD)
	}
	if s.Population.Weak.IntakeMean != def.Population.Weak.IntakeMean {
		t.Errorf("weak.intake_mean lost its default")
	}
}

func TestBrokenScenarios(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		line      int
		key, msg  string
	}{
		{"unknown key with hint", "[run]\nyears = 3\nyaers = 4\n", 3, "run.yaers", "did you mean run.years?"},
		{"unknown model parameter", "[model]\ngrowth_per_yer = 0.3\n", 2, "model.growth_per_yer", "did you mean model.growth_per_year?"},
		{"unknown table", "[populaton]\ndistricts = 2\n", 1, "populaton", "did you mean population?"},
		{"wrong type", "[run]\nyears = \"ten\"\n", 2, "run.years", "incompatible types"},
		{"float for int", "[run]\nyears = 1.5\n", 2, "run.years", "incompatible types"},
		{"syntax", "name = \"open\n", 1, "name", "newlines"},
		{"years zero", "[run]\nyears = 0\n", 2, "run.years", "must be in [1,200]"},
		{"negative seed", "[run]\nseed = -3\n", 2, "run.seed", "must not be negative"},
		{"weeks too many", "[run]\nweeks_per_year = 60\n", 2, "run.weeks_per_year", "[1,52]"},
		{"no replications", "[run]\nreplications = 0\n", 2, "run.replications", "[1,100000]"},
		{"chance above one", "[model]\ntie_accept = 1.5\n", 2, "model.tie_accept", "[0,1]"},
		{"negative rate", "[model]\nclimate_rate = -1\n", 2, "model.climate_rate", "must not be negative"},
		{"zero scale", "\n[model]\nteacher_experience_scale = 0\n", 3, "model.teacher_experience_scale", "must be positive"},
		{"no schools", "[population]\ndistricts = 0\n", 2, "population.districts", "at least 1"},
		{"shares do not sum", "[population.strong]\nshare = 0.5\n", 2, "population.strong.share", "sum to 1"},
		{"migrant share", "[population.weak]\nmigrant_share = 2\n", 2, "population.weak.migrant_share", "[0,1]"},
		{"dotted key", "model.tie_accept = 7\n", 1, "model.tie_accept", "[0,1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("broken.toml", []byte(tt.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *scenarios.Error", err)
			}
			if e.File != "broken.toml" || e.Line != tt.line || e.Key != tt.key {
				t.Errorf("got file %q line %d key %q, want broken.toml line %d key %q", e.File, e.Line, e.Key, tt.line, tt.key)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not say %q", err, tt.msg)
			}
			if want := "broken.toml:"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q does not start with %q", err, want)
			}
		})
	}
}

func TestLoadFileAndMissing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "mine.toml")
	os.WriteFile(p, []byte("name = \"mine\"\n[run]\nyears = 2\n"), 0o644)
	s, err := Load(p)
	if err != nil || s.Name != "mine" || s.Run.Years != 2 {
		t.Fatalf("Load(%s) = %+v, %v", p, s, err)
	}
	_, err = Load(filepath.Join(dir, "nope.toml"))
	if err == nil || !strings.Contains(err.Error(), "nope.toml") {
		t.Errorf("missing file: got %v, want an error naming it", err)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"years", "years", 0}, {"yaers", "years", 2}, {"year", "years", 1}, {"kitten", "sitting", 3}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
