//go:build !linux

package results

import "errors"

// exchange would swap the folders a and b in one step; outside Linux
// Commit renames them one after the other instead.
var exchange = func(a, b string) error { return errors.ErrUnsupported }
