package ui

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"slmscope/engine"
)

// uiThreadCPU pins the calling goroutine (the tests' UI goroutine) to its OS thread for the
// rest of the test and returns a reader of that thread's CPU time. The stall test blames the
// UI goroutine only for its own work: the process's CPU also counts the background jobs and
// the worker's readers, which run on other threads while the UI goroutine waits. On Linux it
// reads the thread's run time in nanoseconds from /proc; elsewhere the process's CPU time.
func uiThreadCPU(t testing.TB) func() (time.Duration, bool) {
	if runtime.GOOS != "linux" {
		return engine.ProcessCPUTime
	}
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	path := fmt.Sprintf("/proc/self/task/%d/schedstat", syscall.Gettid())
	if _, err := os.Stat(path); err != nil { // a kernel without scheduler statistics
		return engine.ProcessCPUTime
	}
	return func() (time.Duration, bool) {
		b, err := os.ReadFile(path)
		if err != nil {
			return 0, false
		}
		var ns int64
		if _, err := fmt.Sscan(string(b), &ns); err != nil {
			return 0, false
		}
		return time.Duration(ns), true
	}
}
