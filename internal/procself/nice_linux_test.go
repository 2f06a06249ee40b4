package procself

import (
	"os"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestLowerAndRestore(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := Nice()
	if err != nil {
		t.Fatal(err)
	}
	if before >= 19 {
		t.Skip("already at the lowest priority")
	}
	restore, err := LowerThread(5)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := Nice(); now != min(before+5, 19) {
		t.Errorf("nice %d after LowerThread(5) from %d", now, before)
	}
	if !restore() {
		t.Skip("this user may not raise priority back (RLIMIT_NICE): the app stays lowered, as documented")
	}
	if now, _ := Nice(); now != before {
		t.Errorf("nice %d after restore, want %d", now, before)
	}
}

// A thread named otherwise than the process (a C library's helper) is lowered; Go's are not.
func TestLowerForeignThreads(t *testing.T) {
	done := make(chan struct{})
	ready := make(chan int)
	var helper func()
	helper = func() {
		runtime.LockOSThread() // this thread stays ours, renamed like Mesa's "llvmpipe-0"
		if unix.Gettid() == os.Getpid() {
			go helper() // the main thread names the process: keep it, take another
			<-done
			return
		}
		if err := unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&[]byte("helper-0\x00")[0])), 0, 0, 0); err != nil {
			t.Error(err)
		}
		ready <- unix.Gettid()
		<-done
		// the thread is not unlocked: it dies with the goroutine, taking its name and priority
	}
	go helper()
	tid := <-ready
	defer close(done)
	before, _ := unix.Getpriority(unix.PRIO_PROCESS, tid)
	me, _ := Nice()
	restore, err := LowerForeignThreads(3)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := unix.Getpriority(unix.PRIO_PROCESS, tid)
	if 20-after != min(20-before+3, 19) {
		t.Errorf("helper thread nice %d, was %d", 20-after, 20-before)
	}
	if now, _ := Nice(); now != me {
		t.Errorf("a Go thread was lowered: nice %d, was %d", now, me)
	}
	if restore() {
		if p, _ := unix.Getpriority(unix.PRIO_PROCESS, tid); p != before {
			t.Errorf("helper not restored")
		}
	}
}

// The main thread's busy work shows in MainAndForeignCPU; another Go thread's does not.
func TestMainAndForeignCPU(t *testing.T) {
	busy := func(d time.Duration) {
		x := 0
		for end := time.Now().Add(d); time.Now().Before(end); x++ {
		}
		_ = x
	}
	c0, ok := MainAndForeignCPU()
	if !ok {
		t.Fatal("unknown")
	}
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != os.Getpid() {
			busy(300 * time.Millisecond) // a Go thread, not counted
		}
		close(done)
	}()
	<-done
	c1, _ := MainAndForeignCPU()
	if d := c1 - c0; d > 150*time.Millisecond {
		t.Errorf("a Go thread's work counted: %v", d)
	}
}
