//go:build !linux && !darwin && !freebsd && !windows

package safefile

import (
	"errors"
	"syscall"
)

// FreeSpace is not implemented on this system; the cache then skips its disk check.
func FreeSpace(dir string) (uint64, error) {
	return 0, errors.New("free disk space is unknown on this system")
}

// IsDiskFull reports whether a write failed because the disk is full.
func IsDiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }
