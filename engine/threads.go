package engine

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"time"

	"slmscope/hwprobe"
	"slmscope/internal/interference"
)

// Threads. llama.cpp's threads spin-wait for each other at every step of a token, so a thread
// that shares its core with another program holds all of them back: with 2 threads on 2 cores
// a program using half a core cost 58 % of the speed, while 1 thread beside a program using a
// whole core lost nothing to it (internal/interference's figures; README "Threads on a busy
// machine"). So the default is one thread per core that other programs leave free.
//
// A CPU quota (a container's or a systemd unit's cgroup) is the same trap in another form: 2
// spinning threads in a quota of 1 core use it up in half of each period and then all stop, so
// the 1B twin ran 7.7 to 13.4 tok/s on 2 threads against 13.4 to 16.4 on 1 (README, "Threads
// inside a CPU quota"). So the threads are at most the quota rounded to the nearest core, at least 1.

// cpuQuota reads the process's CPU quota; tests replace it.
var cpuQuota = hwprobe.ReadCPUQuota

// threadSample is how long ChooseThreads watches the machine before a run, per look.
const threadSample = 300 * time.Millisecond

// threadLooks is how many times ChooseThreads looks while it sees other programs busy: a
// program that keeps a core busy is busy in every look, while a burst (the kernel settling
// after slmscope wrote a 4.5 GB twin, a program starting) is gone by the next one. One look
// of 300 ms once gave a quiet machine's 8B bench 1 thread for 0.34 cores of such a burst.
const threadLooks = 3

// ChooseThreads picks llama.cpp's thread count for a run starting now: every core, less one for
// each core other programs keep busy (counting from a quarter of a core, where a shared core
// starts to cost more than a thread gains), no more than the CPU quota rounded, at least 1. It
// looks up to threadLooks times and goes by the quietest look. why says what it saw, for people.
// src samples the machine (nil: the real one).
func ChooseThreads(ctx context.Context, src interference.Source) (threads int, why string) {
	cores := runtime.NumCPU()
	quota := cpuQuota()
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
	return withinQuota(threads, why, quota)
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

// DefaultThreads is the thread count for work that does not look at the machine's load first
// (calibration, whose runs are checked for interference instead): every core, within the CPU
// quota. why says so.
func DefaultThreads() (threads int, why string) {
	cores := runtime.NumCPU()
	return withinQuota(cores, fmt.Sprintf("%d (every core)", cores), cpuQuota())
}

// withinQuota caps threads, chosen as why says, at the CPU quota rounded to the nearest core (at
// least 1), and says so. Round, not floor: in 1.5 cores, 2 threads still ran Qwen3-4B 3–39 %
// faster than 1 in each of 3 pairs, while in 1 core, 2 threads lost 11–42 % on the 1B twin
// (README, "Threads inside a CPU quota").
func withinQuota(threads int, why string, q hwprobe.CPUQuota) (int, string) {
	if q.Cores <= 0 {
		return threads, why
	}
	limit := max(1, int(math.Round(q.Cores)))
	if limit >= threads {
		return threads, fmt.Sprintf("%s; a CPU quota of %s (%s) allows them", why, q.CoresText(), q.Source)
	}
	return limit, fmt.Sprintf("%d: a CPU quota allows %s (%s), and llama.cpp's threads spin while they wait, so more threads than that use the quota up early and then all stop until the next period (without the quota: %s)",
		limit, q.CoresText(), q.Source, why)
}
