//go:build windows

package safefile

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
)

// FreeSpace returns the bytes available to this user on the volume holding dir.
func FreeSpace(dir string) (uint64, error) {
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

// IsDiskFull reports whether a write failed because the disk is full.
func IsDiskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}
