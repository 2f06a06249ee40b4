//go:build linux || darwin || freebsd

package twin

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// FreeDiskSpace returns the bytes available to this user on the file system holding dir.
func FreeDiskSpace(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("cannot read free disk space for %s: %w", dir, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
