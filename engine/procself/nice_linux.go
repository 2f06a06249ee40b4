//go:build linux

package procself

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// LowerThread raises the calling OS thread's nice value by delta (Linux schedules threads,
// so this is the thread alone: call it on a goroutine locked to its thread, such as Fyne's
// main goroutine, which draws the window). The process's other threads keep their priority:
// those reading the worker's tokens, whose timing is the measurement. It returns restore, to
// call on the same thread, which tries to put the value back: that needs a nice limit
// (RLIMIT_NICE) or privilege most desktop users lack; then restore reports false and the
// thread stays lower, which costs the window nothing while the machine is otherwise idle.
func LowerThread(delta int) (restore func() bool, err error) {
	tid := unix.Gettid()
	nice, err := Nice()
	if err != nil {
		return func() bool { return false }, err
	}
	if err := unix.Setpriority(unix.PRIO_PROCESS, tid, min(nice+delta, 19)); err != nil {
		return func() bool { return false }, fmt.Errorf("lower this thread's priority: %w", err)
	}
	return func() bool { return unix.Setpriority(unix.PRIO_PROCESS, tid, nice) == nil }, nil
}

// Nice is the calling thread's nice value.
func Nice() (int, error) {
	// The raw syscall answers 20 - nice (1..40), never a negative number.
	p, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
	if err != nil {
		return 0, fmt.Errorf("read this thread's priority: %w", err)
	}
	return 20 - p, nil
}
