package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// decodeStrict decodes one JSON value from r into v, refusing unknown
// fields and anything after the value. what names the value in messages
// ("settings"), fields lists the fields it has.
func decodeStrict(r io.Reader, v any, what string, fields []string) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return explainJSON(err, what, fields)
	}
	switch _, err := dec.Token(); {
	case err == io.EOF:
		return nil
	case err != nil && !errors.As(err, new(*json.SyntaxError)):
		return err // the body was cut off, or too slow
	}
	return fmt.Errorf("%s goes on after its JSON object; send one object", what)
}

// explainJSON turns encoding/json's error into a message that names the
// field and says what it wants. Errors of an inner value (a
// *settingsError) and of the body's reading pass through.
func explainJSON(err error, what string, fields []string) error {
	var inner *settingsError
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &inner):
		return err
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("%s: unknown field %s; the fields are %s", what, strings.TrimPrefix(err.Error(), "json: unknown field "), strings.Join(fields, ", "))
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("%s must be %s, got %s", what, jsonKind(typ.Type), typ.Value)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: %s must be %s, got %s", what, typ.Field, jsonKind(typ.Type), typ.Value)
	case errors.As(err, &syn):
		return fmt.Errorf("%s is not valid JSON (at byte %d): %v", what, syn.Offset, syn)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s ends in the middle of its JSON object", what)
	}
	return err
}

// jsonKind says in words what JSON a Go type takes.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	}
	return t.String()
}

// jsonFields lists the JSON names of a struct type's fields.
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// requestFields are runRequest's fields, for messages.
var requestFields = jsonFields(reflect.TypeFor[runRequest]())
