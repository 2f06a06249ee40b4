package interference

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Other programs' waiting time. /proc/stat says what other programs used, not what they asked
// for: with llama.cpp's threads on every core, a CPU-bound program gets only its fair share
// (two spinning threads and one loop on 2 cores: 0.67 of a core each), so a program that wants
// a whole core read as 0.68 cores. Linux keeps, per thread, the time it was ready to run but
// waited for a CPU (/proc/<pid>/task/<tid>/schedstat, second field, in ns); the other programs'
// waiting, added to what they used, is what they wanted. Threads that end during the run take
// their waiting with them, so the figure is a floor.

// waitingWorthSaying is the waiting, in cores, from which the sentences say "wanted" instead
// of "used": below it the two figures round to the same story.
const waitingWorthSaying = 0.05

// taskWaits is every thread's run-queue waiting time in ns, by thread id, outside the measured
// processes; ok is false where the kernel keeps no schedstat.
type taskWaits struct {
	ns map[int]uint64
	ok bool
}

// readTaskWaits reads the waiting time of every thread under root/proc except those of pids.
func readTaskWaits(root string, pids []int) taskWaits {
	own := map[string]bool{}
	for _, p := range pids {
		own[strconv.Itoa(p)] = true
	}
	procDir := filepath.Join(root, "proc")
	ents, err := os.ReadDir(procDir)
	if err != nil {
		return taskWaits{}
	}
	w := taskWaits{ns: map[int]uint64{}}
	for _, e := range ents {
		name := e.Name()
		if _, err := strconv.Atoi(name); err != nil || own[name] {
			continue // not a process, or one being measured
		}
		tasks, err := os.ReadDir(filepath.Join(procDir, name, "task"))
		if err != nil {
			continue // the process ended meanwhile
		}
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			b, err := os.ReadFile(filepath.Join(procDir, name, "task", t.Name(), "schedstat"))
			if err != nil {
				continue
			}
			if ns, ok := parseSchedstatWait(b); ok {
				w.ns[tid] = ns
				w.ok = true
			}
		}
	}
	return w
}

// parseSchedstatWait reads the second field of a schedstat file: "run_ns wait_ns timeslices".
func parseSchedstatWait(b []byte) (uint64, bool) {
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	n, err := strconv.ParseUint(f[1], 10, 64)
	return n, err == nil
}

// waitedNs is how long the threads of b waited during the interval since a: the growth of
// those seen in both, and all of a thread's waiting for one that started since.
func waitedNs(a, b taskWaits) (uint64, bool) {
	if !a.ok || !b.ok {
		return 0, false
	}
	var sum uint64
	for tid, nb := range b.ns {
		na, seen := a.ns[tid]
		if !seen {
			sum += nb
		} else if nb > na {
			sum += nb - na
		}
	}
	return sum, true
}
