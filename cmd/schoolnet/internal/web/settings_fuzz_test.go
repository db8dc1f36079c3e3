package web

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"schoolnet/scenarios"
)

// FuzzSettings feeds the settings' JSON decoding, and the settings that
// decode to the shipped SSP scenario, what the fuzzer makes of the
// settings the page shows for each shipped scenario and of hostile ones.
// Nothing may panic; a refusal is a *settingsError or a JSON syntax
// error; settings that decode encode back to themselves; settings Apply
// accepts leave a scenario that passes the validator and the server's
// limits check. `go test -run '^$' -fuzz '^FuzzSettings$'
// ./cmd/schoolnet/internal/web` runs it.
func FuzzSettings(f *testing.F) {
	for _, info := range scenarios.Embedded() {
		scn, err := scenarios.Shipped(info.Name)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(ReadSettings(scn))
		f.Add(b)
	}
	for _, s := range []string{
		`{"funding_per_school": 1e308}`, `{"years": 1e9}`, `{"replications": 1000000000}`,
		`{"seed": -2}`, `{"fundng": 1}`, `{"alliance": "review", "pairing_share": 1}`,
		`{"years": [[[[1]]]]}`, `null`, `{"rotation_share": 0.5, "selection_rule": "lottery", "years": 1}`,
	} {
		f.Add([]byte(s))
	}
	opt := DefaultOptions()
	f.Fuzz(func(t *testing.T, data []byte) {
		var st Settings
		if err := json.Unmarshal(data, &st); err != nil {
			var bad *settingsError
			var syn *json.SyntaxError
			if !errors.As(err, &bad) && !errors.As(err, &syn) {
				t.Fatalf("refused with %T: %v", err, err)
			}
			return
		}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		var again Settings
		if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again, st) {
			t.Fatalf("%s decodes to %+v, %v; want %+v", b, again, err, st)
		}
		scn, err := scenarios.Shipped("shanghai-ssp")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Apply(scn); err != nil {
			return
		}
		if err := scenarios.Check(scn); err != nil {
			t.Fatalf("Apply accepted %s, but the validator refuses: %v", data, err)
		}
		opt.checkLimits(scn)
		describe(scn, &opt)
	})
}
