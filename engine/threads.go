package engine

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"time"

	"slmscope/internal/interference"
)

// Threads. llama.cpp's threads spin-wait for each other at every step of a token, so a thread
// that shares its core with another program holds all of them back: with 2 threads on 2 cores
// a program using half a core cost 58 % of the speed, while 1 thread beside a program using a
// whole core lost nothing to it (internal/interference's figures; README "Threads on a busy
// machine"). So the default is one thread per core that other programs leave free.

// threadSample is how long ChooseThreads watches the machine before a run, per look.
const threadSample = 300 * time.Millisecond

// threadLooks is how many times ChooseThreads looks while it sees other programs busy: a
// program that keeps a core busy is busy in every look, while a burst (the kernel settling
// after slmscope wrote a 4.5 GB twin, a program starting) is gone by the next one. One look
// of 300 ms once gave a quiet machine's 8B bench 1 thread for 0.34 cores of such a burst.
const threadLooks = 3

// ChooseThreads picks llama.cpp's thread count for a run starting now: every core, less one for
// each core other programs keep busy (counting from a quarter of a core, where a shared core
// starts to cost more than a thread gains), at least 1. It looks up to threadLooks times and
// goes by the quietest look. why says what it saw, for people. src samples the machine (nil:
// the real one).
func ChooseThreads(ctx context.Context, src interference.Source) (threads int, why string) {
	cores := runtime.NumCPU()
	if src == nil {
		src = interference.Start
	}
	var quietest interference.Report
	looks := 0
	for looks < threadLooks && ctx.Err() == nil {
		s := src(cores, os.Getpid())
		select {
		case <-ctx.Done():
		case <-time.After(threadSample):
		}
		r := s.Stop()
		looks++
		if looks == 1 || (r.Measured && r.OtherCPUCores < quietest.OtherCPUCores) {
			quietest = r
		}
		if n, _ := threadsFor(quietest, cores); n == cores || !quietest.Measured {
			break
		}
	}
	threads, why = threadsFor(quietest, cores)
	if looks > 1 {
		why += fmt.Sprintf(" (the quietest of %d looks %.1f s apart)", looks, threadSample.Seconds())
	}
	return threads, why
}

// threadsFor is ChooseThreads' rule for what other programs did, r, on cores cores.
func threadsFor(r interference.Report, cores int) (int, string) {
	if !r.Measured {
		return cores, fmt.Sprintf("%d (every core: what other programs use is not known here: %s)", cores, r.Why)
	}
	taken := int(math.Ceil(r.OtherCPUCores - interference.DisturbedOtherCores))
	n := max(1, cores-max(taken, 0))
	if n == cores {
		return n, fmt.Sprintf("%d (every core: other programs %s %.2f of %d cores just now)", n, r.CPUVerb(), r.OtherCPUCores, cores)
	}
	return n, fmt.Sprintf("%d of %d cores: other programs %s %.2f cores just now, and llama.cpp's threads wait for each other, so a thread sharing a core with them would slow every thread", n, cores, r.CPUVerb(), r.OtherCPUCores)
}
