//go:build linux || darwin || freebsd || netbsd || openbsd

package procself

import (
	"time"

	"golang.org/x/sys/unix"
)

// CPUTime is the user + system CPU time this process (all its threads, not its children) has
// used so far; false if the OS would not say. The same counters as utime + stime in
// /proc/self/stat, in microseconds rather than clock ticks.
func CPUTime() (time.Duration, bool) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
