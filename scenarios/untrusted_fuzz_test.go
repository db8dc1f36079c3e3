package scenarios

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseUntrusted feeds ParseUntrusted, as the teaching lab does with
// an uploaded file, what the fuzzer makes of the shipped scenarios and of
// files over CheckBounds' limits. It must never panic; what it refuses is
// an *Error naming the file; what CheckBounds refuses it refuses with
// CheckBounds' message, before decoding; what it accepts passes Check.
// `go test -run '^$' -fuzz '^FuzzParseUntrusted$' ./scenarios` runs it.
func FuzzParseUntrusted(f *testing.F) {
	entries, _ := shipped.ReadDir(".")
	for _, e := range entries {
		data, _ := shipped.ReadFile(e.Name())
		f.Add(data)
	}
	for _, src := range []string{
		nest("{a=", "}", 17),
		nest("[", "]", 17),
		dotted(17) + " = 1\n",
		"[[" + dotted(16) + "]]\n",
		"description = \"\"\"\n[[[[\"\"\"\"\"\n[run]\nyears = 3\n",
		"extends = \"baseline\"\n[run]\nyears = 2\n",
		"extends = \"/etc/passwd\"\n",
		"[[policy]]\nkind = \"funding\"\nper_school = 1e308\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		bounds := CheckBounds("fuzz.toml", data)
		scn, err := ParseUntrusted("dir/fuzz.toml", data)
		switch {
		case bounds != nil:
			if err == nil || err.Error() != bounds.Error() {
				t.Fatalf("CheckBounds refuses with %q, ParseUntrusted says %v", bounds, err)
			}
		case err == nil:
			if err := Check(scn); err != nil {
				t.Fatalf("accepted, but Check refuses it: %v", err)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "fuzz.toml") {
			t.Fatalf("refused with %q (%T), want an *Error naming fuzz.toml", err, err)
		}
	})
}
