package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
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
	data, err := os.ReadFile(name)
	if err != nil {
		base := strings.TrimSuffix(name, ".toml") + ".toml"
		if embedded, e2 := shipped.ReadFile(base); e2 == nil && !strings.ContainsRune(name, os.PathSeparator) {
			return Parse(base, embedded)
		}
		return nil, &Error{File: name, Err: fmt.Errorf("cannot read scenario: %w", errors.Unwrap(err))}
	}
	return Parse(filepath.Base(name), data)
}

var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// Parse decodes a scenario from data; file names it in errors. Keys left
// out keep their defaults.
func Parse(file string, data []byte) (*Scenario, error) {
	s := Default()
	md, err := toml.Decode(string(data), &s)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: file, Line: pe.Position.Line, Key: pe.LastKey, Err: errors.New(pe.Message)}
		}
		if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &Error{File: file, Line: line, Key: m[2], Err: errors.New(m[3])}
		}
		return nil, &Error{File: file, Err: err}
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		key := keys[0]
		e := &Error{File: file, Line: locate(data, key.String()), Key: key.String(), Err: errors.New("unknown key")}
		if hint := suggest(key[len(key)-1], knownKeys(key[:len(key)-1])); hint != "" {
			e.Hint = "did you mean " + strings.Join(append(key[:len(key)-1:len(key)-1], hint), ".") + "?"
		} else if len(key) > 1 && knownKeys(key[:len(key)-1]) == nil {
			e.Hint = "no such table; known tables: run, population, model"
		}
		return nil, e
	}
	if err := s.validate(); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.File, e.Line = file, locate(data, e.Key)
		}
		return nil, err
	}
	return &s, nil
}

// knownKeys returns the TOML keys allowed under the table at path, or nil
// if path is not a table of Scenario.
func knownKeys(path []string) []string {
	t := reflect.TypeFor[Scenario]()
	for _, p := range path {
		found := false
		for i := range t.NumField() {
			if f := t.Field(i); f.Tag.Get("toml") == p && f.Type.Kind() == reflect.Struct {
				t, found = f.Type, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	keys := make([]string, t.NumField())
	for i := range keys {
		keys[i] = t.Field(i).Tag.Get("toml")
	}
	return keys
}

// locate returns the line where the dotted key is set, or where its table
// starts, or 0 when it is not written in the file (a default). It follows
// [table] headers and dotted keys; it does not parse inline tables.
func locate(data []byte, key string) int {
	table, tableLine := "", 0
	for n, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if i := strings.IndexByte(line, '#'); i >= 0 && !strings.ContainsAny(line[:i], `"'`) {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case strings.HasPrefix(line, "["):
			table = strings.Trim(line, "[] ")
			if key == table || strings.HasPrefix(key, table+".") {
				tableLine = n + 1
			}
		case strings.Contains(line, "="):
			k := strings.TrimSpace(line[:strings.IndexByte(line, '=')])
			k = strings.ReplaceAll(strings.ReplaceAll(k, `"`, ""), " ", "")
			full := k
			if table != "" {
				full = table + "." + k
			}
			if full == key {
				return n + 1
			}
		}
	}
	return tableLine
}
