package scenarios

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCheckBounds measures CheckBounds on the baseline scenario and
// on files of nearly MaxEntries entries and of 64 KiB of strings full
// of brackets (the teaching lab's upload limit): it should run at hundreds of MB/s, with
// no allocation.
func BenchmarkCheckBounds(b *testing.B) {
	baseline, _ := shipped.ReadFile("baseline.toml")
	var entries, strs strings.Builder
	entries.WriteString("[sweep]\nx = [\n")
	for range (MaxEntries - 10) / 2 { // a key and a comma each
		entries.WriteString("{a.b = 1.5},\n")
	}
	entries.WriteString("]\n")
	for k := 0; strs.Len() < 64<<10-100; k++ {
		fmt.Fprintf(&strs, "k%d = \"%s\"\n", k, strings.Repeat(`[{\"`, 20))
	}
	for _, bb := range []struct {
		name string
		data []byte
	}{
		{"baseline", baseline},
		{"entries-10000", []byte(entries.String())},
		{"strings-64KiB", []byte(strs.String())},
	} {
		b.Run(bb.name, func(b *testing.B) {
			if err := CheckBounds("b.toml", bb.data); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(bb.data)))
			b.ReportAllocs()
			for b.Loop() {
				CheckBounds("b.toml", bb.data)
			}
		})
	}
}
