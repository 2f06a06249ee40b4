//go:build linux

package procself

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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

// LowerForeignThreads raises by delta the nice value of this process's threads that Go did
// not start: those named otherwise than the process, the helper threads of C libraries, such
// as Mesa's llvmpipe rasterizers that draw the window where there is no GPU ("llvmpipe-0").
// Go's threads, which read the worker's tokens, keep their priority. restore tries to put each
// back (see LowerThread for when it cannot).
func LowerForeignThreads(delta int) (restore func() bool, err error) {
	return lowerForeign("/proc/self", delta)
}

func lowerForeign(proc string, delta int) (func() bool, error) {
	self, err := os.ReadFile(filepath.Join(proc, "comm"))
	if err != nil {
		return func() bool { return false }, fmt.Errorf("read this process's name: %w", err)
	}
	ents, err := os.ReadDir(filepath.Join(proc, "task"))
	if err != nil {
		return func() bool { return false }, fmt.Errorf("list this process's threads: %w", err)
	}
	was := map[int]int{}
	for _, e := range ents {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join(proc, "task", e.Name(), "comm"))
		if err != nil || strings.TrimSpace(string(comm)) == strings.TrimSpace(string(self)) {
			continue // ended meanwhile, or one of Go's
		}
		p, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
		if err != nil {
			continue
		}
		nice := 20 - p
		if unix.Setpriority(unix.PRIO_PROCESS, tid, min(nice+delta, 19)) == nil {
			was[tid] = nice
		}
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

// MainAndForeignCPU is the CPU time used so far by the process's main thread and by the
// threads Go did not start (see LowerForeignThreads): in a Fyne app, the threads that lay out
// and draw the window, without Go's threads that do other work. False if /proc cannot say.
func MainAndForeignCPU() (time.Duration, bool) {
	return mainAndForeignCPU("/proc/self")
}

func mainAndForeignCPU(proc string) (time.Duration, bool) {
	self, err := os.ReadFile(filepath.Join(proc, "comm"))
	if err != nil {
		return 0, false
	}
	pid := strconv.Itoa(os.Getpid())
	ents, err := os.ReadDir(filepath.Join(proc, "task"))
	if err != nil {
		return 0, false
	}
	var ticks int64
	for _, e := range ents {
		dir := filepath.Join(proc, "task", e.Name())
		if e.Name() != pid {
			comm, err := os.ReadFile(filepath.Join(dir, "comm"))
			if err != nil || strings.TrimSpace(string(comm)) == strings.TrimSpace(string(self)) {
				continue
			}
		}
		stat, err := os.ReadFile(filepath.Join(dir, "stat"))
		if err != nil {
			continue
		}
		// Fields after the parenthesised name: utime and stime are the 12th and 13th.
		i := strings.LastIndexByte(string(stat), ')')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * time.Second / userHZ, true
}

// userHZ is the kernel's clock tick for /proc times: 100 on every Linux architecture Go
// supports (USER_HZ is fixed by the ABI, whatever the kernel's internal HZ).
const userHZ = 100
