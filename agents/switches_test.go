package agents

import "testing"

// TestSwitchesNameParameters checks that every switch names a parameter,
// its off value is allowed, and the parameters switched off validate.
func TestSwitchesNameParameters(t *testing.T) {
	for _, s := range Switches {
		r, ok := ParamRanges.Lookup(s.Key)
		if !ok || !r.Contains(s.Off) {
			t.Errorf("switch of %s: %s = %g is not an allowed parameter value", s.Mechanism, s.Key, s.Off)
		}
	}
	p := DefaultParams().SwitchedOff()
	if err := p.Validate(); err != nil {
		t.Errorf("parameters with every mechanism off: %v", err)
	}
}
