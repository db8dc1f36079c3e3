//go:build !unix

package scenarios

import "errors"

// mkfifo makes a named pipe at path; outside Unix the test skips it.
func mkfifo(path string) error { return errors.ErrUnsupported }
