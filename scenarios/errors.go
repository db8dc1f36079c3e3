package scenarios

import (
	"fmt"
	"strings"
)

// Error is a problem with a scenario file, shaped like encoding/csv's
// ParseError. It prints as
//
//	baseline.toml:12: run.years: must be in [1,200], got 0
//
// File or Line may be missing when unknown.
type Error struct {
	File string
	Line int
	// Key is the dotted key path, such as "model.growth_per_year".
	Key string
	Err error
	// Hint, if any, suggests a fix ("did you mean ...?").
	Hint string
	// ExtendedBy lists, for an error in a file another extends, where the
	// extends keys are that lead to it, nearest first ("main.toml:1").
	ExtendedBy []string
	// also are keys the error is as much about as Key (the factors of a
	// product that is too large): where the file does not set Key, the
	// message names the first of them it sets.
	also []string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Err.Error())
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	if len(e.ExtendedBy) > 0 {
		b.WriteString("; extended by " + strings.Join(e.ExtendedBy, ", extended by "))
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// suggest returns the candidate nearest to key by edit distance, if it is
// close enough to be a likely misspelling.
func suggest(key string, candidates []string) string {
	best, bestD := "", len(key)/2+2
	for _, c := range candidates {
		if d := editDistance(key, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
