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

// threadSample is how long ChooseThreads watches the machine before a run.
const threadSample = 300 * time.Millisecond

// ChooseThreads picks llama.cpp's thread count for a run starting now: every core, less one for
// each core other programs keep busy (counting from a quarter of a core, where a shared core
// starts to cost more than a thread gains), at least 1. why says what it saw, for people. src
// samples the machine (nil: the real one).
func ChooseThreads(ctx context.Context, src interference.Source) (threads int, why string) {
	cores := runtime.NumCPU()
	if src == nil {
		src = interference.Start
	}
	s := src(cores, os.Getpid())
	select {
	case <-ctx.Done():
	case <-time.After(threadSample):
	}
	r := s.Stop()
	return threadsFor(r, cores)
}

// threadsFor is ChooseThreads' rule for what other programs did, r, on cores cores.
func threadsFor(r interference.Report, cores int) (int, string) {
	if !r.Measured {
		return cores, fmt.Sprintf("%d (every core: what other programs use is not known here: %s)", cores, r.Why)
	}
	taken := int(math.Ceil(r.OtherCPUCores - interference.DisturbedOtherCores))
	n := max(1, cores-max(taken, 0))
	if n == cores {
		return n, fmt.Sprintf("%d (every core: other programs used %.2f of %d cores just now)", n, r.OtherCPUCores, cores)
	}
	return n, fmt.Sprintf("%d of %d cores: other programs used %.2f cores just now, and llama.cpp's threads wait for each other, so a thread sharing a core with them would slow every thread", n, cores, r.OtherCPUCores)
}
