package scenarios

import "reflect"

// Locate returns the line of a TOML file's text where the dotted key is
// set, or where its table starts, or 0 when the file does not write it; the
// n-th table of an array of tables [[name]] is "name[n]". It is the
// position finder of scenario errors, for other TOML inputs (calibration
// targets) whose errors are shaped as *Error.
func Locate(data []byte, key string) int { return locate(data, key) }

// Suggest returns the candidate nearest to a misspelt key or name, or ""
// if none is close enough to be a likely misspelling.
func Suggest(key string, candidates []string) string { return suggest(key, candidates) }

// DecodeError turns an error of the TOML decoder on file's text into an
// *Error with the line and key the decoder reported.
func DecodeError(file string, data []byte, err error) error {
	return decodeErr(err, source{name: file, data: data}, "", false)
}

// KeysOf returns the TOML keys allowed under the table at path of struct
// type t, for a "did you mean" hint (Suggest) on an unknown key.
func KeysOf(t reflect.Type, path []string) []string { return keysOf(t, path) }
