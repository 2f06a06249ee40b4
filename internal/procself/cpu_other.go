//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !windows

package procself

import "time"

// CPUTime is unknown on this OS.
func CPUTime() (time.Duration, bool) { return 0, false }
