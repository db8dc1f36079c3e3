package scenarios

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the parser of scenario files from
// disk (extends resolved next to the file, then among the shipped ones),
// seeded with the shipped scenarios. Whatever the input, Parse must return
// a scenario or an error, never panic; a scenario it returns must pass
// validation again, and an error must name the file.
func FuzzParse(f *testing.F) {
	entries, _ := shipped.ReadDir(".")
	for _, e := range entries {
		data, _ := shipped.ReadFile(e.Name())
		f.Add(data)
	}
	f.Add([]byte("extends = \"/dev/zero\"\n"))
	f.Add([]byte("[model]\ngrowth_per_year = 1e308\n"))
	f.Add([]byte("name = \"../x\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.toml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.toml") && !strings.Contains(err.Error(), "extended by fuzz.toml") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if err := Check(s); err != nil {
			t.Errorf("a parsed scenario fails validation: %v", err)
		}
	})
}
