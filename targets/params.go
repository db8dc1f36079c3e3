package targets

import (
	"fmt"
	"reflect"
	"strings"

	"schoolnet/agents"
	"schoolnet/scenarios"
	"schoolnet/sim/policy"
	"schoolnet/sim/ranges"
)

// Param is one parameter a calibration estimates: a model key
// ("model.peer_relation_effect") or a key of a policy of the target
// scenarios ("policy.ssp-pairs.mentoring_intensity"), with its range from
// the single table of ranges it belongs to (agents.ParamRanges or the
// policy kind's Ranges): the prior spans its plausible range [Low, High].
type Param struct {
	Key   string
	Range ranges.Range
	// Default is the parameter's value in the first target scenario that
	// has it.
	Default float64
	// Integer is true for a whole-number key: a draw is rounded.
	Integer bool
}

// Param resolves a parameter key against the file's scenarios. A key
// without a plausible range (no published evidence, or an assumption
// without a range) cannot be calibrated.
func (f *File) Param(key string) (Param, error) {
	model, isModel := strings.CutPrefix(key, "model.")
	rest, isPolicy := strings.CutPrefix(key, "policy.")
	var p Param
	switch {
	case isModel:
		r, ok := agents.ParamRanges.Lookup(model)
		if !ok {
			e := fmt.Errorf("%q: no such model parameter", key)
			if h := scenarios.Suggest(model, agents.ParamKeys()); h != "" {
				e = fmt.Errorf("%w (did you mean model.%s?)", e, h)
			}
			return p, e
		}
		p = Param{Key: key, Range: *r}
		scn := f.Groups[0].Scenario
		p.Default, _ = ranges.Get(&scn.Model, model)
		p.Integer = ranges.IsInteger(&scn.Model, model)
	case isPolicy:
		var found bool
		for _, g := range f.Groups {
			spec, sub, ok := policyKey(g.Scenario, rest)
			if !ok {
				continue
			}
			r, ok := spec.Ranges().Lookup(sub)
			if !ok {
				return p, fmt.Errorf("%q: policy %s (%s) has no numeric key %q", key, spec.Base().Label(), spec.Base().Kind, sub)
			}
			if found && r.Key != p.Range.Key {
				continue
			}
			if !found {
				p = Param{Key: key, Range: *r}
				p.Default, _ = ranges.Get(spec, sub)
				p.Integer = ranges.IsInteger(spec, sub)
				found = true
			} else if *r != p.Range {
				return p, fmt.Errorf("%q names policies of different kinds in the target scenarios", key)
			}
		}
		if !found {
			return p, fmt.Errorf("%q: no target scenario has a policy of that name (write policy.<policy name>.<key>)", key)
		}
	default:
		return p, fmt.Errorf("%q: a calibrated parameter is model.<key> or policy.<policy name>.<key>", key)
	}
	if !p.Range.Plausible() {
		return p, fmt.Errorf("%q has no plausible range (published evidence) to draw from", key)
	}
	return p, nil
}

// policyKey finds the policy of scn whose name starts rest ("NAME.key")
// and returns it with the key within it.
func policyKey(scn *scenarios.Scenario, rest string) (policy.Spec, string, bool) {
	var best policy.Spec
	for _, s := range scn.Policies {
		if n := s.Base().Label(); strings.HasPrefix(rest, n+".") && (best == nil || len(n) > len(best.Base().Label())) {
			best = s
		}
	}
	if best == nil {
		return nil, "", false
	}
	return best, strings.TrimPrefix(rest, best.Base().Label()+"."), true
}

// Set returns a copy of scn with the parameter at x (rounded for an
// integer key); the scenario's own policies are not changed. A scenario
// without the parameter's policy is returned as it is.
func (p *Param) Set(scn *scenarios.Scenario, x float64) *scenarios.Scenario {
	c := *scn
	if model, ok := strings.CutPrefix(p.Key, "model."); ok {
		ranges.Set(&c.Model, model, x)
		return &c
	}
	rest := strings.TrimPrefix(p.Key, "policy.")
	spec, sub, ok := policyKey(scn, rest)
	if !ok {
		return &c
	}
	c.Policies = make([]policy.Spec, len(scn.Policies))
	for k, s := range scn.Policies {
		if s != spec {
			c.Policies[k] = s
			continue
		}
		v := reflect.New(reflect.TypeOf(s).Elem())
		v.Elem().Set(reflect.ValueOf(s).Elem())
		clone := v.Interface().(policy.Spec)
		ranges.Set(clone, sub, x)
		c.Policies[k] = clone
	}
	return &c
}

// getNumber returns the numeric field of key in the struct v points to.
func getNumber(v any, key string) (float64, bool) { return ranges.Get(v, key) }
