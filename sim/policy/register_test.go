package policy

import (
	"strings"
	"testing"
)

// TestRegisterRefuses: a kind must be a lower-case name not yet taken,
// with a constructor; a refused kind leaves the registry as it was.
func TestRegisterRefuses(t *testing.T) {
	fresh := func() Spec { return &FundingSpec{} }
	before := Kinds()
	for _, tt := range []struct {
		kind string
		new  func() Spec
		want string
	}{
		{"funding", fresh, "already registered"},
		{"Grant", fresh, "lower-case"},
		{"", fresh, "lower-case"},
		{"9lives", fresh, "lower-case"},
		{"no constructor", nil, "lower-case"},
		{"no-constructor", nil, "no constructor"},
	} {
		if err := Register(tt.kind, tt.new); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Register(%q): %v, want an error with %q", tt.kind, err, tt.want)
		}
	}
	if got := Kinds(); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Errorf("kinds after refusals %v, want %v", got, before)
	}
}
