package report

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"schoolnet/scenarios"
	"schoolnet/sim/policy"
)

// The resolved scenario in a manifest is the JSON of scenarios.Scenario:
// its keys are the Go field names. The report names settings by their
// TOML keys, found by walking the same types.

// Policy is one policy of a scenario as the report shows it.
type Policy struct {
	Name, Kind string
	// Start and End are the first and last year it acts (End resolved
	// from 0 to the last year).
	Start, End int
	// Who says in words which schools it selects; Settings its other keys.
	Who      string
	Settings []Setting
}

// Setting is a key and its value, or a change of value.
type Setting struct{ Key, Value string }

// policies returns the scenario's policies.
func (sc *Scenario) policies() []Policy {
	years := int(num(path(sc.Spec, "Run", "Years")))
	list, _ := sc.Spec["Policies"].([]any)
	var out []Policy
	for _, raw := range list {
		m, _ := raw.(map[string]any)
		if m == nil {
			continue
		}
		p := Policy{Kind: str(m["Kind"]), Name: str(m["Name"]),
			Start: int(num(m["Start"])), End: int(num(m["End"]))}
		if p.Name == "" {
			p.Name = p.Kind
		}
		if p.End == 0 {
			p.End = years
		}
		sel, _ := m["Select"].(map[string]any)
		p.Who = who(sel)
		var t reflect.Type
		if s, ok := policy.NewSpec(p.Kind); ok {
			t = reflect.TypeOf(s).Elem()
		}
		rest := map[string]any{}
		for k, v := range m {
			switch k {
			case "Kind", "Name", "Start", "End", "Select":
			default:
				rest[k] = v
			}
		}
		p.Settings = flatten(rest, t, "")
		out = append(out, p)
	}
	return out
}

// who says which schools a selection takes.
func who(sel map[string]any) string {
	if sel == nil {
		return ""
	}
	tier := str(sel["Tier"])
	schools := tier + " schools"
	if tier == "any" {
		schools = "schools of any tier"
	}
	share := fmt.Sprintf("%s%%", strconv.FormatFloat(100*num(sel["Share"]), 'f', -1, 64))
	var s string
	switch rule := str(sel["Rule"]); rule {
	case "all":
		s = "every one of the " + schools
	case "rank":
		s = "the " + share + " of " + schools + " with the lowest reputation"
	case "lottery":
		s = "a random " + share + " of " + schools
	case "voluntary":
		s = fmt.Sprintf("the %s of %s that volunteer (selection strength %s)", share, schools, strconv.FormatFloat(num(sel["Strength"]), 'f', -1, 64))
	case "list":
		var names []string
		for _, v := range list(sel["IDs"]) {
			names = append(names, str(v))
		}
		for _, v := range list(sel["Schools"]) {
			names = append(names, "number "+strconv.FormatFloat(num(v), 'f', -1, 64))
		}
		s = "the " + schools + " listed: " + strings.Join(names, ", ")
	case "as":
		s = "the schools policy " + str(sel["As"]) + " selects"
	default:
		s = rule
	}
	var where []string
	for _, v := range list(sel["DistrictNames"]) {
		where = append(where, str(v))
	}
	for _, v := range list(sel["Districts"]) {
		where = append(where, "number "+strconv.FormatFloat(num(v), 'f', -1, 64))
	}
	if len(where) > 0 {
		s += ", in district " + strings.Join(where, ", ")
	}
	return s
}

// spans returns the stretches of the year axis in which any policy of
// the scenarios acts: year y runs from y−1 to y on the axis (a record of
// year y is taken at its end).
func spans(scs []*Scenario) [][2]float64 {
	active := map[int]bool{}
	for _, sc := range scs {
		for _, p := range sc.policies() {
			for y := p.Start; y <= p.End; y++ {
				active[y] = true
			}
		}
	}
	var years []int
	for y := range active {
		years = append(years, y)
	}
	sort.Ints(years)
	var out [][2]float64
	for _, y := range years {
		if n := len(out); n > 0 && out[n-1][1] == float64(y-1) {
			out[n-1][1] = float64(y)
			continue
		}
		out = append(out, [2]float64{float64(y - 1), float64(y)})
	}
	return out
}

// changes returns the settings (run, population, model) in which sc
// differs from ref, by TOML key, "old → new".
func changes(ref, sc *Scenario) []Setting {
	t := reflect.TypeFor[scenarios.Scenario]()
	a, b := flatten(settings(ref.Spec), t, ""), flatten(settings(sc.Spec), t, "")
	am := map[string]string{}
	for _, s := range a {
		am[s.Key] = s.Value
	}
	var out []Setting
	seen := map[string]bool{}
	for _, s := range b {
		seen[s.Key] = true
		if old, ok := am[s.Key]; !ok || old != s.Value {
			out = append(out, Setting{s.Key, orNone(old) + " → " + s.Value})
		}
	}
	for _, s := range a {
		if !seen[s.Key] {
			out = append(out, Setting{s.Key, s.Value + " → none"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// settings returns the run, population and model of a resolved scenario,
// with the roster reduced to its file and hash.
func settings(spec map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"Run", "Population", "Model"} {
		if v, ok := spec[k]; ok {
			out[k] = v
		}
	}
	if pop, ok := out["Population"].(map[string]any); ok {
		c := map[string]any{}
		for k, v := range pop {
			if k != "Roster" {
				c[k] = v
			}
		}
		if r, ok := pop["Roster"].(map[string]any); ok {
			c["RosterFile"] = fmt.Sprintf("%s (SHA-256 %.12s…)", str(r["file"]), str(r["sha256"]))
		}
		out["Population"] = c
	}
	return out
}

// flatten turns a JSON object of struct type t (nil: keep the JSON names)
// into dotted TOML keys and values, sorted by key.
func flatten(m map[string]any, t reflect.Type, prefix string) []Setting {
	var out []Setting
	for k, v := range m {
		key, ft := tomlName(t, k)
		if key == "-" {
			continue
		}
		if sub, ok := v.(map[string]any); ok {
			out = append(out, flatten(sub, ft, prefix+key+".")...)
			continue
		}
		out = append(out, Setting{prefix + key, value(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// tomlName returns the TOML key of the field whose JSON name is name in
// struct type t, and the field's type (nil if unknown).
func tomlName(t reflect.Type, name string) (string, reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return name, nil
	}
	for _, f := range reflect.VisibleFields(t) {
		js, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if js == "" {
			js = f.Name
		}
		if js != name || f.Anonymous {
			continue
		}
		tm, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if tm == "" {
			tm = name
		}
		return tm, f.Type
	}
	return name, nil
}

// value prints a JSON value as a scenario file would.
func value(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, value(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

func path(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) float64 {
	if x, ok := v.(float64); ok {
		return x
	}
	return math.NaN()
}

func list(v any) []any { l, _ := v.([]any); return l }
