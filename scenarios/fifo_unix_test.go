//go:build unix

package scenarios

import "syscall"

// mkfifo makes a named pipe at path, for the test that a roster must be
// a regular file.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
