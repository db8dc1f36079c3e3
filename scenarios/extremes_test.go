package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"schoolnet/agents"
	"schoolnet/results"
	"schoolnet/sim"
	"schoolnet/sim/ranges"
)

// extremeBase is a tiny system with every policy kind active: pairing,
// rotation, funding, double-teacher and school choice in one scenario,
// education groups and curriculum alliances in the other (they exclude
// pairing).
const extremeBase = `
[run]
seed = 3
years = 2
weeks_per_year = 4
spin_up_years = 1
replications = 1

[population]
districts = 2
schools_per_district = 5
class_size = 8
staff_history_years = 2
[population.strong]
classes_per_grade = 1
[population.average]
classes_per_grade = 1
[population.weak]
classes_per_grade = 2
`

var extremePolicies = []string{`
[[policy]]
kind = "pairing"
end = 0
select.rule = "all"
[[policy]]
kind = "rotation"
end = 0
who = "both"
select.rule = "all"
[[policy]]
kind = "funding"
end = 0
select.rule = "voluntary"
select.tier = "any"
select.share = 1
[[policy]]
kind = "double-teacher"
end = 0
select.rule = "all"
[[policy]]
kind = "school-choice"
end = 0
select.rule = "all"
select.tier = "any"
`, `
[[policy]]
kind = "education-group"
end = 0
structure = "tight"
select.rule = "all"
[[policy]]
kind = "curriculum-alliance"
review = true
select.rule = "all"
select.tier = "strong"
`}

// TestEngineSurvivesExtremes sets every model parameter, population key
// and policy key, one at a time, to each end of its allowed range, and
// runs the scenarios with every policy: the engine must not panic on any
// input that passes validation, and every number it reports must be
// finite.
func TestEngineSurvivesExtremes(t *testing.T) {
	type variant struct {
		name string
		set  func(s *Scenario) bool
	}
	var variants []variant
	for _, r := range agents.ParamRanges {
		for _, x := range []float64{r.Min, r.Max} {
			variants = append(variants, variant{fmt.Sprintf("model.%s=%g", r.Key, x), func(s *Scenario) bool {
				return ranges.Set(&s.Model, r.Key, x)
			}})
		}
	}
	for _, r := range agents.PopulationRanges {
		for _, x := range []float64{r.Min, r.Max} {
			if x > 20 && r.Key != "city_radius_km" && r.Key != "district_radius_km" {
				continue // sizes: the maximum would make a huge system; bounded elsewhere
			}
			variants = append(variants, variant{fmt.Sprintf("population.%s=%g", r.Key, x), func(s *Scenario) bool {
				return ranges.Set(&s.Population, r.Key, x)
			}})
		}
	}
	for i := range extremePolicies {
		s := mustParse(t, extremeBase+extremePolicies[i])
		for _, p := range s.Policies {
			kind := p.Base().Kind
			for _, r := range p.Ranges() {
				for _, x := range []float64{r.Min, r.Max} {
					variants = append(variants, variant{fmt.Sprintf("%s.%s=%g", kind, r.Key, x), func(s *Scenario) bool {
						for _, q := range s.Policies {
							if q.Base().Kind == kind {
								return ranges.Set(q, r.Key, x)
							}
						}
						return false
					}})
				}
			}
		}
	}
	// Funding's three shares must sum to 1: leave them.
	funding := map[string]bool{"facilities": true, "courses": true, "training": true}
	for _, end := range []string{"min", "max"} {
		variants = append(variants, variant{"every model parameter at its " + end, func(s *Scenario) bool {
			for _, r := range agents.ParamRanges {
				ranges.Set(&s.Model, r.Key, map[string]float64{"min": r.Min, "max": r.Max}[end])
			}
			return true
		}}, variant{"every policy key at its " + end + ", one week a year", func(s *Scenario) bool {
			s.Run.WeeksPerYear = 1
			for _, p := range s.Policies {
				for _, r := range p.Ranges() {
					if r.Key != "start" && r.Key != "end" && r.Key != "select.share" && !funding[r.Key] {
						ranges.Set(p, r.Key, map[string]float64{"min": r.Min, "max": r.Max}[end])
					}
				}
			}
			return true
		}})
	}
	if testing.Short() {
		variants = variants[:len(variants)/4]
	}
	ran := 0
	for _, v := range variants {
		for i, pol := range extremePolicies {
			s := mustParse(t, extremeBase+pol)
			if !v.set(s) {
				continue // not this scenario's key
			}
			if err := s.validate(); err != nil {
				if strings.HasPrefix(v.name, "every") {
					t.Errorf("%s (policies %d): refused: %v", v.name, i, err)
				}
				continue // refused with another key's value
			}
			ran++
			if err := runGuarded(s); err != nil {
				t.Errorf("%s (policies %d): %v", v.name, i, err)
			}
		}
	}
	t.Logf("%d variants ran", ran)
	if ran < 100 {
		t.Errorf("only %d extreme variants ran", ran)
	}
}

func mustParse(t *testing.T, text string) *Scenario {
	t.Helper()
	s, err := Parse("extreme.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runGuarded runs s and returns a panic or a non-finite output as an
// error.
func runGuarded(s *Scenario) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	recs, err := sim.Replicate(context.Background(), s.Config(1), 1, 1, nil)
	if err != nil {
		return err
	}
	var metrics []sim.YearMetrics
	for _, y := range recs[0] {
		metrics = append(metrics, sim.Summarise(y))
	}
	var yearly, schools bytes.Buffer
	id := results.RunID{Scenario: "extreme", Hash: "h", Seed: 1}
	if err := results.WriteYearly(&yearly, results.CSV, id, [][]sim.YearMetrics{metrics}); err != nil {
		return err
	}
	if err := results.WriteSchools(&schools, results.CSV, id, recs); err != nil {
		return err
	}
	// A gap is undefined only when one of its groups has no students.
	for _, m := range metrics {
		g := m.Groups
		for _, gap := range []struct {
			x    float64
			a, b int
		}{{m.GapStrongWeak, sim.GroupStrong, sim.GroupWeak}, {m.GapMigrantLocal, sim.GroupMigrant, sim.GroupLocal}, {m.GapSES(), sim.GroupSESQ1 + 3, sim.GroupSESQ1}} {
			if math.IsNaN(gap.x) != (g[gap.a].Students == 0 || g[gap.b].Students == 0) {
				return fmt.Errorf("year %d: a gap of %v between groups of %d and %d students", m.Year, gap.x, g[gap.a].Students, g[gap.b].Students)
			}
		}
	}
	// A non-finite number is written as an empty cell (a missing value);
	// no column of these files is ever legitimately empty, but the means
	// of a group without students (treated in year 0, say) and the gaps
	// checked above, which are undefined.
	for _, file := range []*bytes.Buffer{&yearly, &schools} {
		lines := strings.Split(strings.TrimSuffix(file.String(), "\n"), "\n")
		header := strings.Split(lines[0], ",")
		students := slices.Index(header, "students")
		for _, line := range lines[1:] {
			cells := strings.Split(line, ",")
			for k, c := range cells {
				undefined := file == &yearly && (cells[students] == "0" || strings.HasPrefix(header[k], "gap_"))
				if c == "" && !undefined || strings.Contains(c, "NaN") || strings.Contains(c, "Inf") {
					return fmt.Errorf("a non-finite number in the result files, column %s: %s", header[k], line)
				}
			}
		}
	}
	return nil
}
