//go:build linux || darwin || freebsd

package safefile

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// FreeSpace returns the bytes available to this user on the file system holding dir.
func FreeSpace(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("cannot read free disk space for %s: %w", dir, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}

// IsDiskFull reports whether a write failed because the disk (or a quota) is full.
func IsDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
