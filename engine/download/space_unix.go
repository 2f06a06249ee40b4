//go:build linux || darwin || freebsd

package download

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// freeDiskSpace returns the bytes available to this user on the file system holding dir.
func freeDiskSpace(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("cannot read free disk space for %s: %w", dir, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}

// isDiskFull reports whether a write failed because the disk (or quota) is full.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
