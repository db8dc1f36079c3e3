package scenarios

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// nest returns "x = " and a value n levels deep: n-1 inline tables
// around 1, or n-1 arrays.
func nest(open, close string, n int) string {
	return "x = " + strings.Repeat(open, n-1) + "1" + strings.Repeat(close, n-1) + "\n"
}

func dotted(n int) string { return strings.TrimSuffix(strings.Repeat("a.", n), ".") }

func TestCheckBounds(t *testing.T) {
	const deep = "nested more than 16 levels deep"
	entries := func(n int) string {
		var b strings.Builder
		b.WriteString("x = [\n")
		for range n {
			b.WriteString("1,\n")
		}
		return b.String() + "]\n"
	}
	for _, tt := range []struct {
		name, src string
		line      int    // of the refusal, 0 if accepted
		want      string // in the refusal
	}{
		{"inline tables at 16", nest("{a=", "}", 16), 0, ""},
		{"inline tables at 17", nest("{a=", "}", 17), 1, deep},
		{"arrays at 16", nest("[", "]", 16), 0, ""},
		{"arrays at 17", nest("[", "]", 17), 1, deep},
		{"dotted key of 16 parts", dotted(16) + " = 1\n", 0, ""},
		{"dotted key of 17 parts", dotted(17) + " = 1\n", 1, deep},
		{"dotted key of 17 parts, spaced", strings.ReplaceAll(dotted(17), ".", " . ") + " = 1\n", 1, deep},
		{"header of 16 parts", "[" + dotted(16) + "]\n", 0, ""},
		{"header of 17 parts", "# a comment\n[" + dotted(17) + "]\nb = 1\n", 2, deep},
		{"header of 15 parts and a key", "[" + dotted(15) + "]\nb = 1\n", 0, ""},
		{"header of 16 parts and a key", "[" + dotted(16) + "]\nb = 1\n", 2, deep},
		{"array header of 15 parts", "[[" + dotted(15) + "]]\n", 0, ""},
		{"array header of 16 parts", "[[" + dotted(16) + "]]\n", 1, deep},
		{"a new header starts from its own depth", "[" + dotted(15) + "]\n[a]\n" + dotted(15) + " = 1\n", 0, ""},
		{"inline table within a dotted key", "[a.b]\nc.d = {e.f = {g = [[[[[[[[[[1]]]]]]]]]]}}\n", 2, deep},
		{"inline table within a dotted key at 16", "[a.b]\nc.d = {e.f = {g = [[[[[[[[[1]]]]]]]]]}}\n", 0, ""},
		{"deep in a multi-line array", "x = [\n  1,\n  [[[[[[[[[[[[[[[[2]]]]]]]]]]]]]]]],\n]\n", 3, deep},
		{"brackets in strings", `a = "[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{"` + "\n" + `b = '[[[[[[[[[[[[[[[[[[[[[['` + "\n", 0, ""},
		{"escaped quotes in a string", `a = "\"[[[[[[[[[[[[[[[[[[[[[[\\"` + "\nb = 1\n", 0, ""},
		{"brackets in multi-line strings", "a = \"\"\"\n[[[[[[[[[[[[[[[[[[[[\n\"\" \\\"\"\" \n{{{{{{{{{{{{{{{{{{{{\"\"\"\"\"\nb = '''\n[[[[[[[[[[[[[[[[[[[[['''\n", 0, ""},
		{"brackets in comments", "# [[[[[[[[[[[[[[[[[[[[[[[[\na = 1 # {{{{{{{{{{{{{{{{{{{{{{\n", 0, ""},
		{"dots in quoted keys", `"` + dotted(40) + `" = 1` + "\n" + `'` + dotted(40) + `' = 2` + "\n", 0, ""},
		{"dots in values", "a = 0.5\nb = [1.5, 2.5]\nc = {d = 1.5}\n", 0, ""},
		{"after a multi-line string", "a = \"\"\"\nx\"\"\"\n" + nest("[", "]", 17), 3, deep},
		{"line of 4096 bytes", "a = \"" + strings.Repeat("x", MaxLineBytes-6) + "\"\n", 0, ""},
		{"line of 4097 bytes", "a = 1\nb = \"" + strings.Repeat("x", MaxLineBytes-5) + "\"\n", 2, "line is 4097 bytes long, more than the 4096 allowed"},
		{"last line too long", "a = 1\n#" + strings.Repeat("x", MaxLineBytes), 2, "line is 4097 bytes long"},
		{"long line in a multi-line string", "a = '''\n" + strings.Repeat("x", MaxLineBytes+1) + "\n'''\n", 2, "line is 4097 bytes long"},
		{"10000 entries", entries(MaxEntries - 1), 0, ""},
		{"10001 entries", entries(MaxEntries), 10001, "more than 10000 keys, table headers and array elements"},
		{"unclosed brackets", "x = " + strings.Repeat("[", 100), 1, deep},
		{"unclosed header", strings.Repeat("[", 100) + "\na = 1\n", 0, ""},
		{"closing brackets only", strings.Repeat("]}", 100) + "\na = 1\n", 0, ""},
		{"not TOML at all", "x = [1] [2] [3]\n{{{{\n", 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBounds("up.toml", []byte(tt.src))
			if tt.line == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.File != "up.toml" || e.Line != tt.line || !strings.Contains(e.Err.Error(), tt.want) {
				t.Errorf("got %q (line %d), want up.toml:%d: ...%s...", err, e.Line, tt.line, tt.want)
			}
		})
	}
}

// TestCheckBoundsShipped checks that every shipped scenario is well
// within bounds, and that the check allocates nothing.
func TestCheckBoundsShipped(t *testing.T) {
	entries, _ := shipped.ReadDir(".")
	for _, e := range entries {
		data, _ := shipped.ReadFile(e.Name())
		if err := CheckBounds(e.Name(), data); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
		if n := testing.AllocsPerRun(10, func() { CheckBounds(e.Name(), data) }); n != 0 {
			t.Errorf("%s: %v allocations, want 0", e.Name(), n)
		}
	}
}

// genValue returns a random TOML value and its depth below the key it is
// set to, up to max levels: scalars (some strings full of brackets),
// arrays and inline tables with dotted keys.
func genValue(r *rand.Rand, room int) (string, int) {
	if room == 0 || r.IntN(4) == 0 {
		switch r.IntN(4) {
		case 0:
			return `"]]{[\"#` + "x" + `"`, 0
		case 1:
			return `'[[{#'`, 0
		case 2:
			return "1.5", 0
		}
		return "true", 0
	}
	var parts []string
	depth := 0
	if r.IntN(2) == 0 {
		for range children(r) {
			v, d := genValue(r, room-1)
			parts = append(parts, v)
			depth = max(depth, d+1)
		}
		return "[" + strings.Join(parts, ", ") + "]", depth
	}
	for k := range children(r) {
		n := 1 + r.IntN(min(3, room))
		v, d := genValue(r, room-n)
		parts = append(parts, fmt.Sprintf("k%d%s = %s", k, strings.Repeat(".q", n-1), v))
		depth = max(depth, d+n)
	}
	return "{" + strings.Join(parts, ", ") + "}", depth
}

// children returns 1, or 2 one time in four, so that a value stays small
// however deep.
func children(r *rand.Rand) int { return 1 + r.IntN(4)/3 }

// decodedDepth is the nesting depth of a decoded TOML value, as
// MaxNesting counts it.
func decodedDepth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			d = max(d, 1+decodedDepth(x))
		}
	case []any:
		for _, x := range v {
			d = max(d, 1+decodedDepth(x))
		}
	case []map[string]any:
		for _, x := range v {
			d = max(d, 1+decodedDepth(x))
		}
	}
	return d
}

// TestCheckBoundsDepthIsExact checks CheckBounds' depth against the
// depth BurntSushi/toml decodes, for random files of tables, dotted
// keys, inline tables and arrays around the limit.
func TestCheckBoundsDepthIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var refused, accepted int
	for range 2000 {
		hdr := r.IntN(6)
		v, d := genValue(r, 20-hdr)
		src := "v = " + v + "\n"
		if hdr > 0 {
			src = "top = 1\n[" + dotted(hdr) + "]\n" + src
		}
		var m map[string]any
		if _, err := toml.Decode(src, &m); err != nil {
			t.Fatalf("generated TOML does not decode: %v\n%s", err, src)
		}
		depth := decodedDepth(m)
		if depth != hdr+1+d {
			t.Fatalf("generator's depth %d, decoded %d:\n%s", hdr+1+d, depth, src)
		}
		err := CheckBounds("gen.toml", []byte(src))
		if (err != nil) != (depth > MaxNesting) {
			t.Fatalf("depth %d: CheckBounds says %v\n%s", depth, err, src)
		}
		if err != nil {
			refused++
		} else {
			accepted++
		}
	}
	if refused < 100 || accepted < 100 {
		t.Errorf("%d refused and %d accepted: the generator misses the limit", refused, accepted)
	}
}

// TestParseUntrustedBounded checks that ParseUntrusted refuses what
// CheckBounds refuses before decoding anything: nesting that costs the
// decoders hundreds of megabytes is refused in a few allocations.
func TestParseUntrustedBounded(t *testing.T) {
	for _, src := range []string{
		"[[policy]]\nkind = \"funding\"\nx = " + strings.Repeat("{a=", 4000) + "1" + strings.Repeat("}", 4000) + "\n",
		dotted(2000) + " = 1\n",
		"[" + dotted(2000) + "]\n",
	} {
		var err error
		allocs := testing.AllocsPerRun(5, func() { _, err = ParseUntrusted("../up.toml", []byte(src)) })
		if err == nil || !strings.HasPrefix(err.Error(), "up.toml:") || !strings.Contains(err.Error(), "nested more than 16") {
			t.Errorf("got %v, want up.toml:N: nested more than 16 ...", err)
		}
		if allocs > 10 {
			t.Errorf("%v allocations to refuse it, want a handful", allocs)
		}
	}
}
