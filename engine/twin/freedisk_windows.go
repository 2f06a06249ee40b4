//go:build windows

package twin

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// FreeDiskSpace returns the bytes available to this user on the volume holding dir.
func FreeDiskSpace(dir string) (uint64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, fmt.Errorf("cannot read free disk space for %s: %w", dir, err)
	}
	var free, total, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &free, &total, &totalFree); err != nil {
		return 0, fmt.Errorf("cannot read free disk space for %s: %w", dir, err)
	}
	return free, nil
}
