//go:build !linux && !darwin && !freebsd && !windows

package twin

import "errors"

// FreeDiskSpace is not implemented on this system; the cache then skips its disk check.
func FreeDiskSpace(dir string) (uint64, error) {
	return 0, errors.New("free disk space is unknown on this system")
}
