//go:build linux

package procself

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Lower raises the nice value of every thread of this process by delta (Linux schedules
// threads, not processes, so each one in /proc/self/task is set; threads started later
// inherit the value of the thread that starts them). It returns restore, which tries to put
// each thread back: that needs a nice limit (RLIMIT_NICE) or privilege most desktop users
// lack, and then restore reports false and the app stays at the lower priority, which costs
// it nothing while the machine is otherwise idle.
func Lower(delta int) (restore func() bool, err error) {
	return lowerIn("/proc/self/task", delta)
}

func lowerIn(taskDir string, delta int) (func() bool, error) {
	ents, err := os.ReadDir(taskDir)
	if err != nil {
		return func() bool { return false }, fmt.Errorf("list this process's threads to lower their priority: %w", err)
	}
	was := map[int]int{}
	for _, e := range ents {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// The raw syscall answers 20 - nice (1..40), never a negative number.
		p, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
		if err != nil {
			continue // the thread ended meanwhile
		}
		nice := 20 - p
		if unix.Setpriority(unix.PRIO_PROCESS, tid, min(nice+delta, 19)) == nil {
			was[tid] = nice
		}
	}
	if len(was) == 0 {
		return func() bool { return false }, fmt.Errorf("no thread of this process took a lower priority")
	}
	return func() bool {
		ok := true
		for tid, nice := range was {
			if err := unix.Setpriority(unix.PRIO_PROCESS, tid, nice); err != nil && err != unix.ESRCH {
				ok = false
			}
		}
		return ok
	}, nil
}

// Nice is the calling thread's nice value (tests, diagnostics).
func Nice() (int, error) {
	p, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
	if err != nil {
		return 0, fmt.Errorf("read this thread's priority: %w", err)
	}
	return 20 - p, nil
}
