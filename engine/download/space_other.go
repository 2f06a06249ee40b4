//go:build !linux && !darwin && !freebsd && !windows

package download

import (
	"errors"
	"syscall"
)

// freeDiskSpace is not implemented here; the free-space check is then skipped and a full
// disk is reported by the write itself.
func freeDiskSpace(string) (uint64, error) {
	return 0, errors.New("free disk space is unknown on this system")
}

// isDiskFull reports whether a write failed because the disk is full.
func isDiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }
