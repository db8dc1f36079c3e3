package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"schoolnet/sim/policy"
)

//go:embed *.toml
var shipped embed.FS

// DefaultName is the scenario that runs when none is named.
const DefaultName = "baseline"

// Info describes a shipped scenario.
type Info struct {
	Name        string
	Description string
}

// Embedded lists the scenarios shipped in the binary, sorted by name.
func Embedded() []Info {
	entries, _ := shipped.ReadDir(".")
	var out []Info
	for _, e := range entries {
		s, err := Load(e.Name())
		if err != nil {
			panic("scenarios: shipped scenario is invalid: " + err.Error())
		}
		out = append(out, Info{strings.TrimSuffix(e.Name(), ".toml"), s.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Load reads a scenario. name is a path to a TOML file, or the name of a
// shipped scenario ("baseline" or "baseline.toml") when no such file
// exists; "" means DefaultName.
func Load(name string) (*Scenario, error) {
	if name == "" {
		name = DefaultName
	}
	src, err := open(name, ".", nil)
	if err != nil {
		return nil, err
	}
	return parse(src, nil)
}

// Parse decodes a scenario from data; file names it in errors. An extends
// key is resolved next to file on disk, then among the shipped scenarios.
func Parse(file string, data []byte) (*Scenario, error) {
	return parse(source{name: filepath.Base(file), path: file, data: data}, nil)
}

// ParseUntrusted decodes a scenario that came from outside, such as a file
// uploaded to a server: like [Parse], but extends is resolved among the
// shipped scenarios only, so that nothing is ever read from disk. file
// names it in errors; only its base name is used.
func ParseUntrusted(file string, data []byte) (*Scenario, error) {
	return parse(source{name: filepath.Base(file), data: data, shippedOnly: true}, nil)
}

// Shipped loads the shipped scenario of that name ("baseline" or
// "baseline.toml"), never a file on disk, whatever the working directory
// holds.
func Shipped(name string) (*Scenario, error) {
	src, err := openShipped(name)
	if err != nil {
		return nil, err
	}
	return parse(src, nil)
}

// openShipped returns the shipped scenario of that name.
func openShipped(name string) (source, error) {
	base := strings.TrimSuffix(name, ".toml") + ".toml"
	if strings.ContainsAny(name, `/\`) {
		return source{}, &Error{File: name, Err: errors.New("not a shipped scenario"), Hint: "one of the names `schoolnet scenarios` lists"}
	}
	data, err := shipped.ReadFile(base)
	if err != nil {
		return source{}, &Error{File: name, Err: errors.New("not a shipped scenario"), Hint: "one of the names `schoolnet scenarios` lists"}
	}
	return source{name: base, data: data, shippedOnly: true, embedded: true}, nil
}

// source is one scenario file's text and where it came from.
type source struct {
	name string // as errors show it
	path string // on disk, or "" for a shipped file
	data []byte
	// base, if not nil, is the source an extends key naming base.name
	// resolves to, instead of a file looked up on disk or among the
	// shipped scenarios: a sweep point extends the sweep scenario as it
	// was loaded.
	base *source
	// shippedOnly resolves extends among the shipped scenarios only,
	// never on disk (ParseUntrusted, Shipped, and every shipped file).
	shippedOnly bool
	// embedded marks a shipped file: its roster is a shipped one.
	embedded bool
}

// MaxFileBytes is the largest scenario file read: the shipped ones are a
// few KiB.
const MaxFileBytes = 1 << 20

// open finds a scenario: the path relative to dir on disk, or a shipped
// scenario of that name. from, if not nil, is the file whose extends key
// asked for it: then the file on disk must be named *.toml.
func open(name, dir string, from *Error) (source, error) {
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, name)
	}
	data, err := readScenarioFile(p)
	if from != nil && errors.Is(err, fs.ErrNotExist) && filepath.Ext(p) == "" {
		// extends = "good" names good.toml next to the file first, as
		// "baseline" names the shipped baseline.toml.
		if d, e2 := readScenarioFile(p + ".toml"); !errors.Is(e2, fs.ErrNotExist) {
			p, data, err = p+".toml", d, e2
		}
	}
	if err == nil && from != nil && filepath.Ext(p) != ".toml" {
		from.Err = fmt.Errorf("%q is not a scenario file: extends names a .toml file or a shipped scenario", name)
		return source{}, from
	}
	if err == nil {
		return source{name: filepath.Base(p), path: p, data: data}, nil
	}
	var tooBig *fileError
	if errors.As(err, &tooBig) {
		if from != nil {
			from.Err = fmt.Errorf("cannot read %q: %v", name, tooBig.msg)
			return source{}, from
		}
		return source{}, &Error{File: name, Err: errors.New(tooBig.msg)}
	}
	if !strings.ContainsRune(name, os.PathSeparator) {
		base := strings.TrimSuffix(name, ".toml") + ".toml"
		if embedded, e2 := shipped.ReadFile(base); e2 == nil {
			return source{name: base, data: embedded, shippedOnly: true, embedded: true}, nil
		}
	}
	if from != nil {
		from.Err = fmt.Errorf("cannot find %q next to the file or among the shipped scenarios", name)
		return source{}, from
	}
	return source{}, &Error{File: name, Err: fmt.Errorf("cannot read scenario: %w", unwrapPath(err)),
		Hint: "give a TOML file or one of the names `schoolnet scenarios` lists"}
}

// fileError is a file that exists but is not one a scenario can be read
// from.
type fileError struct{ msg string }

func (e *fileError) Error() string { return e.msg }

// readScenarioFile reads the file at p if it is a regular file of at most
// MaxFileBytes: never a device, a pipe or a directory, which could block
// or never end.
func readScenarioFile(p string) ([]byte, error) {
	return readBounded(p, MaxFileBytes, "a scenario is a TOML text file")
}

// readBounded reads the file at p if it is a regular file of at most
// limit bytes; what says what the file should be.
func readBounded(p string, limit int64, what string) ([]byte, error) {
	kind, _, _ := strings.Cut(strings.TrimPrefix(what, "a "), " is ")
	// Checked before opening too: opening a FIFO blocks until a writer
	// comes.
	if st, err := os.Stat(p); err == nil && !st.Mode().IsRegular() {
		return nil, &fileError{"not a regular file (" + what + ")"}
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case !st.Mode().IsRegular():
		return nil, &fileError{"not a regular file (" + what + ")"}
	case st.Size() > limit:
		return nil, &fileError{fmt.Sprintf("%d bytes; a %s file has at most %d", st.Size(), kind, limit)}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		return nil, &fileError{fmt.Sprintf("more than %d bytes; a %s file has at most %d", limit, kind, limit)}
	}
	return data, err
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeErr turns a TOML decoding error into an *Error for file. prefix
// is prepended to the key path and line, when not 0, overrides the line
// TOML reported (for text re-encoded from a table of the file).
func decodeErr(err error, src source, prefix string, relocate bool) error {
	e := &Error{File: src.name, Err: err}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		e.Line, e.Key, e.Err = pe.Position.Line, pe.LastKey, errors.New(pe.Message)
	} else if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Key, e.Err = m[2], errors.New(m[3])
	}
	if prefix != "" {
		e.Key = prefix + "." + e.Key
	}
	if relocate {
		e.Line = locate(src.data, e.Key)
	}
	e.Err = plainTypeErr(e.Err, e.Key)
	return e
}

var (
	incompatible = regexp.MustCompile(`^incompatible types: TOML value has type (\S+); destination has type (\S+)$`)
	mismatch     = regexp.MustCompile(`^type mismatch for \S+: expected table but found (\S+)$`)
)

// tomlTypes names the decoder's types of a value in the words of a
// scenario file's author.
var tomlTypes = map[string]string{
	"string": "text in quotes", "float64": "a number with a decimal point", "int64": "a whole number",
	"integer": "a whole number", "float": "a number", "bool": "true or false", "[]any": "an array",
	"[]map[string]any": "an array of tables", "map[string]any": "a table",
	"slice": "an array", "array": "an array", "map": "a table", "struct": "a table",
	"time.Time": "a date or time", "uint": "a whole number at least 0",
}

// plainTypeErr rewrites the TOML decoder's type errors, which speak of Go
// types, as what the key takes and what the file gave it.
func plainTypeErr(err error, key string) error {
	name := func(t string) string {
		if w, ok := tomlTypes[t]; ok {
			return w
		}
		return t
	}
	if m := incompatible.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("must be %s, got %s", name(m[2]), name(m[1]))
	}
	if m := mismatch.FindStringSubmatch(err.Error()); m != nil {
		if m[1] == "[]map[string]any" {
			return fmt.Errorf("must be a table, written [%s], not an array of tables, written [[%s]]", key, key)
		}
		return fmt.Errorf("must be a table, written [%s], got %s", key, name(m[1]))
	}
	return err
}

// parse decodes src on top of the scenario it extends (or the defaults).
// chain holds the files already being read, to catch circular extends.
func parse(src source, chain []string) (*Scenario, error) {
	// Every file, trusted or not, is bounded before a decoder sees it: a
	// deeply nested file costs the TOML decoder time and memory that grow
	// with the square of its depth.
	if src.base == nil { // a sweep point's text is generated, not read
		if err := CheckBounds(src.name, src.data); err != nil {
			return nil, err
		}
	}
	var head struct {
		Extends string `toml:"extends"`
	}
	mdHead, err := toml.Decode(string(src.data), &head)
	if err != nil {
		return nil, decodeErr(err, src, "", false)
	}
	s := Default()
	var inherited []policy.Spec
	if head.Extends != "" {
		at := &Error{File: src.name, Line: locate(src.data, "extends"), Key: "extends"}
		chain = append(chain, src.name)
		dir := "."
		if src.path != "" {
			dir = filepath.Dir(src.path)
		}
		var base source
		var err error
		if src.base != nil && head.Extends == src.base.name {
			base = *src.base
		} else if src.shippedOnly {
			if base, err = openShipped(head.Extends); err != nil {
				at.Err = fmt.Errorf("cannot find %q among the shipped scenarios (a shipped or uploaded scenario can extend only those)", head.Extends)
				return nil, at
			}
		} else if base, err = open(head.Extends, dir, at); err != nil {
			return nil, err
		}
		for _, f := range chain {
			if f == base.name {
				at.Err = fmt.Errorf("circular extends: %s -> %s", strings.Join(chain, " -> "), base.name)
				return nil, at
			}
		}
		b, err := parse(base, chain)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e != at {
				e.ExtendedBy = append(e.ExtendedBy, fmt.Sprintf("%s:%d", src.name, at.Line))
			}
			return nil, err
		}
		s = *b
		inherited = b.Policies
	}
	s.Extends, s.Policy, s.Policies = head.Extends, nil, nil
	if mdHead.IsDefined("sweep") && !s.Sweep.Defined() {
		s.Sweep = DefaultSweep()
	}
	if mdHead.IsDefined("study") && !s.Study.Defined() {
		s.Study = DefaultStudy()
	}
	md, err := toml.Decode(string(src.data), &s)
	if err != nil {
		return nil, decodeErr(err, src, "", false)
	}
	if s.Sweep.Method == SweepGrid {
		for _, key := range []string{"points", "seed"} {
			if md.IsDefined("sweep", key) {
				return nil, &Error{File: src.name, Line: locate(src.data, "sweep."+key), Key: "sweep." + key,
					Err: errors.New("only for method lhs: a grid has one point per combination of values")}
			}
		}
	}
	if err := checkSweepMethodKeys(&s.Sweep, src, md); err != nil {
		return nil, err
	}
	if md.IsDefined("sweep", "bootstrap") && s.Sweep.Bootstrap == 0 {
		// 0 stands for the default where the key is left out.
		return nil, &Error{File: src.name, Line: locate(src.data, "sweep.bootstrap"), Key: "sweep.bootstrap",
			Err: fmt.Errorf("must be in [1,100000], or -1 for no intervals, got 0 (leave the key out for %d)", DefaultBootstrap)}
	}
	if md.IsDefined("sweep", "design") {
		if err := s.readSweepDesign(src); err != nil {
			return nil, err
		}
	}
	for _, key := range md.Undecoded() {
		if key[0] == "policy" {
			continue // decoded per policy below
		}
		e := &Error{File: src.name, Line: locate(src.data, key.String()), Key: key.String(), Err: errors.New("unknown key")}
		parent := key[:len(key)-1]
		if hint := suggest(key[len(key)-1], keysOf(reflect.TypeFor[Scenario](), parent)); hint != "" {
			e.Hint = "did you mean " + strings.Join(append(parent[:len(parent):len(parent)], hint), ".") + "?"
		}
		return nil, e
	}
	if err := resolveRoster(&s, src, md); err != nil {
		return nil, err
	}
	if !md.IsDefined("name") {
		s.Name = safeName(strings.TrimSuffix(src.name, ".toml"))
	}
	own, err := decodePolicies(&s, src, inherited)
	if err != nil {
		return nil, err
	}
	if err := s.validate(); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.File = src.name
			e.Key = ownKey(e.Key, own)
			e.Line = locate(src.data, e.Key)
			// A policy's default (a pairing's end in year 3, say) can be
			// out of range for a short run: say that the file did not set it.
			// (Not in the generated text of a sweep point or --roster.)
			if strings.HasPrefix(e.Key, "policy[") && strings.Contains(e.Key, "].") && src.base == nil && e.Hint == "" && !sets(src.data, e.Key) {
				e.Hint = "this file does not set it: the value is the policy's default or comes from the file it extends; set it here"
			}
			if !sets(src.data, e.Key) {
				// A limit on several keys together (shares that do not sum
				// to 1, too many planned students): point at one the file
				// sets.
				for _, k := range e.also {
					if sets(src.data, k) {
						e.Key, e.Line = k, locate(src.data, k)
						break
					}
				}
			}
		}
		return nil, err
	}
	if err := checkRoster(&s); err != nil {
		return nil, err
	}
	if md.IsDefined("sweep", "design") {
		if err := s.checkDesign(); err != nil {
			return nil, err
		}
	}
	s.src = src
	return &s, nil
}

// decodePolicies decodes the file's [[policy]] tables into s.Policies. A
// table whose name matches an inherited policy overrides that policy's
// keys; the others are appended. It returns, for each policy of
// s.Policies, its 1-based position among the file's [[policy]] tables, or
// 0 if it comes unchanged from the base.
func decodePolicies(s *Scenario, src source, inherited []policy.Spec) ([]int, error) {
	own := make([]int, len(inherited))
	s.Policies = make([]policy.Spec, len(inherited))
	copy(s.Policies, inherited)
	for i, raw := range s.Policy {
		n := i + 1
		prefix := fmt.Sprintf("policy[%d]", n)
		at := func(key string, err error) *Error {
			return &Error{File: src.name, Line: locate(src.data, prefix+"."+key), Key: prefix + "." + key, Err: err}
		}
		kind, _ := raw["kind"].(string)
		name, _ := raw["name"].(string)
		for _, key := range []string{"kind", "name"} {
			if v, ok := raw[key]; ok {
				if _, ok := v.(string); !ok {
					return nil, at(key, fmt.Errorf("must be a string in quotes, such as %s = %q, got %v", key, map[string]string{"kind": "funding", "name": "pairs"}[key], v))
				}
			}
		}
		target := -1
		if name != "" {
			for k, p := range s.Policies {
				if p.Base().Label() != name {
					continue
				}
				if own[k] > 0 { // set by an earlier table of this file
					e := at("name", fmt.Errorf("two [[policy]] tables of this file are named %q (policy[%d] and policy[%d]); give each a distinct name", name, own[k], n))
					e.Line = locate(src.data, prefix+".name")
					return nil, e
				}
				target = k
			}
		}
		var spec policy.Spec
		switch {
		case target >= 0:
			spec = clone(s.Policies[target])
			if kind != "" && kind != spec.Base().Kind {
				return nil, at("kind", fmt.Errorf("policy %q is a %s policy in the scenario it extends; its kind cannot change", name, spec.Base().Kind))
			}
		case kind == "":
			e := at("kind", errors.New("missing: every policy needs a kind"))
			e.Hint = "one of " + strings.Join(policy.Kinds(), ", ")
			e.Line = locate(src.data, prefix)
			return nil, e
		default:
			var ok bool
			if spec, ok = policy.NewSpec(kind); !ok {
				e := at("kind", fmt.Errorf("unknown policy kind %q", kind))
				if hint := suggest(kind, policy.Kinds()); hint != "" {
					e.Hint = "did you mean " + hint + "?"
				} else {
					e.Hint = "one of " + strings.Join(policy.Kinds(), ", ")
				}
				return nil, e
			}
		}
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(raw); err != nil {
			return nil, at("kind", err)
		}
		md, err := toml.Decode(buf.String(), spec)
		if err != nil {
			return nil, decodeErr(err, src, prefix, true)
		}
		if keys := md.Undecoded(); len(keys) > 0 {
			key := keys[0]
			e := at(key.String(), errors.New("unknown key"))
			parent := key[:len(key)-1]
			if hint := suggest(key[len(key)-1], keysOf(reflect.TypeOf(spec).Elem(), parent)); hint != "" {
				e.Hint = "did you mean " + prefix + "." + strings.Join(append(parent[:len(parent):len(parent)], hint), ".") + "?"
			}
			return nil, e
		}
		if target >= 0 {
			s.Policies[target] = spec
			own[target] = n
		} else {
			s.Policies = append(s.Policies, spec)
			own = append(own, n)
		}
	}
	return own, nil
}

// inheritedMark follows the policy[n] of a key that ownKey finds in a
// policy the file inherits unchanged from the one it extends.
const inheritedMark = " (inherited)"

// ownKey rewrites a key "policies[k].x", which validate uses for the k-th
// policy of the resolved scenario, to the file's "policy[n].x"; a policy
// that comes unchanged from the base keeps its resolved position.
func ownKey(key string, own []int) string {
	var k int
	var rest string
	if n, _ := fmt.Sscanf(key, "policies[%d]", &k); n != 1 {
		return key
	}
	rest = key[strings.IndexByte(key, ']')+1:]
	if k >= 0 && k < len(own) && own[k] > 0 {
		return fmt.Sprintf("policy[%d]%s", own[k], rest)
	}
	return fmt.Sprintf("policy[%d]%s%s", k+1, inheritedMark, rest)
}

// clone returns a shallow copy of a spec, so that overriding it does not
// change the base scenario's.
func clone(p policy.Spec) policy.Spec {
	v := reflect.New(reflect.TypeOf(p).Elem())
	v.Elem().Set(reflect.ValueOf(p).Elem())
	return v.Interface().(policy.Spec)
}

// keysOf returns the TOML keys allowed under the table at path of struct
// type t (embedded structs' keys included; an array of tables' keys are
// its element's), or nil if path is not a table.
func keysOf(t reflect.Type, path []string) []string {
	for _, p := range path {
		found := false
		for _, f := range reflect.VisibleFields(t) {
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if f.Tag.Get("toml") == p && ft.Kind() == reflect.Struct {
				t, found = ft, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	var keys []string
	for _, f := range reflect.VisibleFields(t) {
		if k := f.Tag.Get("toml"); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return keys
}

// locate returns the line where the dotted key is set, or where its table
// starts, or 0 when it is not written in the file (a default). It follows
// [table] and [[array]] headers (the n-th [[policy]] is "policy[n]") and
// dotted keys, and finds a key set in an inline table on that table's
// line.
func locate(data []byte, key string) int {
	n, _ := locateKey(data, key)
	return n
}

// sets reports whether a file sets key itself (not only a table above it).
func sets(data []byte, key string) bool {
	_, exact := locateKey(data, key)
	return exact
}

// locateKey is locate, and whether the line found sets key itself.
func locateKey(data []byte, key string) (int, bool) {
	table, tableLine := "", 0
	count := map[string]int{}
	for n, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if i := strings.IndexByte(line, '#'); i >= 0 && !strings.ContainsAny(line[:i], `"'`) {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case strings.HasPrefix(line, "[["):
			name := strings.Trim(line, "[] ")
			count[name]++
			table = fmt.Sprintf("%s[%d]", name, count[name])
		case strings.HasPrefix(line, "["):
			table = strings.Trim(line, "[] ")
			for name, c := range count {
				if strings.HasPrefix(table, name+".") {
					table = fmt.Sprintf("%s[%d]%s", name, c, table[len(name):])
				}
			}
		case strings.Contains(line, "="):
			k := strings.TrimSpace(line[:strings.IndexByte(line, '=')])
			k = strings.ReplaceAll(strings.ReplaceAll(k, `"`, ""), " ", "")
			full := k
			if table != "" {
				full = table + "." + k
			}
			if full == key {
				return n + 1, true
			}
			if rest, ok := strings.CutPrefix(key, full+"."); ok { // an inline table holds key
				tableLine = n + 1
				first, _, _ := strings.Cut(rest, ".")
				if v := line[strings.IndexByte(line, '=')+1:]; regexp.MustCompile(`[{,]\s*"?` + regexp.QuoteMeta(first) + `"?\s*[=.]`).MatchString(v) {
					return n + 1, true
				}
			}
			continue
		default:
			continue
		}
		if key == table || strings.HasPrefix(key, table+".") {
			tableLine = n + 1
		}
	}
	return tableLine, false
}
