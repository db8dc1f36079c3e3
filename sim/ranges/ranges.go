package ranges

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Evidence is the kind of evidence a default rests on.
type Evidence string

// Kinds of evidence, strongest first.
const (
	Measured     Evidence = "measured"      // a study measured it directly
	MetaAnalysis Evidence = "meta-analysis" // pooled over studies: a meta-analysis, or a review that summarises many studies' estimates
	Calibrated   Evidence = "calibrated"    // fitted so the model matches targets
	Assumption   Evidence = "assumption"    // a judgement, with the reasoning given
)

// Range describes one numeric input.
type Range struct {
	// Key is the input's TOML key relative to its table, with dots for
	// nested tables ("select.share").
	Key string
	// Min and Max bound the allowed values, inclusive. Both are finite.
	Min, Max float64
	// Unit says what the number counts ("SD/year", "RMB").
	Unit string
	// Low and High bound the plausible values: the range the published
	// evidence supports, which calibration and sensitivity analyses
	// explore. Both zero means none is given (a run setting, say).
	Low, High float64
	// Evidence is the kind of evidence the default rests on, and Source
	// the studies (or the reasoning of an assumption).
	Evidence Evidence
	Source   string
}

// Plausible reports whether r gives a plausible range.
func (r *Range) Plausible() bool { return r.Low != 0 || r.High != 0 }

// Contains reports whether x is finite and in the allowed range.
func (r *Range) Contains(x float64) bool { return x >= r.Min && x <= r.Max }

// Error is a value outside its allowed range.
type Error struct {
	Key   string
	Value float64
	Range Range
}

func (e *Error) Error() string { return e.Key + ": " + e.Reason() }

// Reason says what is wrong without the key: "must be in [0,1] (share of
// schools), got 2".
func (e *Error) Reason() string {
	r := &e.Range
	unit := ""
	if r.Unit != "" {
		unit = " (" + r.Unit + ")"
	}
	if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
		return fmt.Sprintf("must be a finite number in [%s,%s]%s, got %v", Format(r.Min), Format(r.Max), unit, e.Value)
	}
	return fmt.Sprintf("must be in [%s,%s]%s, got %s", Format(r.Min), Format(r.Max), unit, Format(e.Value))
}

// Format prints a bound or value readably: integers in full up to 2^53,
// others in the shortest form that reads back exactly.
func Format(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) <= 1<<53 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// Table holds the ranges of one struct's numeric inputs.
type Table []Range

// Lookup returns the range of key.
func (t Table) Lookup(key string) (*Range, bool) {
	for i := range t {
		if t[i].Key == key {
			return &t[i], true
		}
	}
	return nil, false
}

// Check checks every numeric field of the struct v points to against its
// range, in field order, and returns the first violation as an *Error.
// A numeric field without a range in t is a programming error: Check
// panics, and the owning package's tests catch it first.
func (t Table) Check(v any) error {
	var err error
	walk(reflect.ValueOf(v).Elem(), "", func(key string, f reflect.Value) bool {
		r, ok := t.Lookup(key)
		if !ok {
			panic("ranges: no range for key " + key)
		}
		if x := number(f); !r.Contains(x) {
			err = &Error{Key: key, Value: x, Range: *r}
			return false
		}
		return true
	})
	return err
}

// Keys returns the keys of the numeric fields of struct type typ, in field
// order; nested structs' keys are joined with dots, embedded structs'
// keys are the struct's own.
func Keys(typ reflect.Type) []string {
	var keys []string
	walk(reflect.New(typ).Elem(), "", func(key string, _ reflect.Value) bool {
		keys = append(keys, key)
		return true
	})
	return keys
}

// Missing returns the numeric keys of struct type typ that t has no range
// for, and the keys of t that typ lacks.
func (t Table) Missing(typ reflect.Type) (noRange, noField []string) {
	has := map[string]bool{}
	for _, k := range Keys(typ) {
		has[k] = true
		if _, ok := t.Lookup(k); !ok {
			noRange = append(noRange, k)
		}
	}
	for _, r := range t {
		if !has[r.Key] {
			noField = append(noField, r.Key)
		}
	}
	return noRange, noField
}

// Get returns the value of the numeric field of key in the struct v
// points to.
func Get(v any, key string) (float64, bool) {
	f, ok := field(v, key)
	if !ok {
		return 0, false
	}
	return number(f), true
}

// Set sets the numeric field of key in the struct v points to; an integer
// field takes x rounded to the nearest integer.
func Set(v any, key string, x float64) bool {
	f, ok := field(v, key)
	if !ok {
		return false
	}
	switch f.Kind() {
	case reflect.Float64, reflect.Float32:
		f.SetFloat(x)
	default:
		f.SetInt(int64(math.Round(x)))
	}
	return true
}

// IsInteger reports whether the numeric field of key in the struct v
// points to holds whole numbers (false if there is no such field).
func IsInteger(v any, key string) bool {
	f, ok := field(v, key)
	return ok && f.Kind() != reflect.Float64 && f.Kind() != reflect.Float32
}

func field(v any, key string) (reflect.Value, bool) {
	var out reflect.Value
	walk(reflect.ValueOf(v).Elem(), "", func(k string, f reflect.Value) bool {
		if k == key {
			out = f
			return false
		}
		return true
	})
	return out, out.IsValid()
}

// walk calls fn for each numeric field of struct value v, with its dotted
// TOML key, until fn returns false. It reports whether fn never did.
func walk(v reflect.Value, prefix string, fn func(key string, f reflect.Value) bool) bool {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		tag, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if tag == "-" {
			continue
		}
		f := v.Field(i)
		switch {
		case sf.Anonymous && f.Kind() == reflect.Struct:
			if !walk(f, prefix, fn) {
				return false
			}
		case tag == "":
			continue
		case f.Kind() == reflect.Struct:
			if !walk(f, prefix+tag+".", fn) {
				return false
			}
		case isNumber(f.Kind()):
			if !fn(prefix+tag, f) {
				return false
			}
		}
	}
	return true
}

func isNumber(k reflect.Kind) bool {
	switch k {
	case reflect.Float64, reflect.Float32, reflect.Int, reflect.Int64, reflect.Int32:
		return true
	}
	return false
}

func number(f reflect.Value) float64 {
	switch f.Kind() {
	case reflect.Float64, reflect.Float32:
		return f.Float()
	default:
		return float64(f.Int())
	}
}
