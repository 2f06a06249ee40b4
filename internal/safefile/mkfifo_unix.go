//go:build unix

package safefile

import "syscall"

// MakeFIFO creates a named pipe at path (for tests that prove pipes are refused).
func MakeFIFO(path string) error { return syscall.Mkfifo(path, 0o644) }
