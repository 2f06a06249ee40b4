package interference

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// snapshot is the counters at one moment: /proc/stat's CPU ticks, the measured processes'
// ticks and the kernel's memory stall total. The parsers are plain text readers, built on
// every OS so their tests run anywhere; only the Linux file reads the live system with them.
type snapshot struct {
	at        time.Time
	cpu       cpuTicks
	cores     int
	procTicks uint64 // utime + stime of the measured processes, summed
	procsOK   bool   // every measured process could be read
	memSomeUs uint64 // PSI memory "some" total, in µs
	memOK     bool
	waits     taskWaits // other programs' threads' run-queue waiting (waiting.go)
}

// cpuTicks is the aggregate "cpu" line of /proc/stat, in USER_HZ ticks.
type cpuTicks struct {
	busy  uint64 // user + nice + system + irq + softirq (guest time is inside user)
	total uint64 // busy + idle + iowait + steal
	steal uint64
}

// readSnapshot reads the counters under root ("/" = the live system) for pids.
func readSnapshot(root string, at time.Time, pids []int) (snapshot, error) {
	s := snapshot{at: at, procsOK: true}
	b, err := os.ReadFile(filepath.Join(root, "proc", "stat"))
	if err != nil {
		return s, fmt.Errorf("reading the CPU counters: %w", err)
	}
	if s.cpu, s.cores, err = parseStat(b); err != nil {
		return s, err
	}
	for _, pid := range pids {
		b, err := os.ReadFile(filepath.Join(root, "proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			s.procsOK = false
			continue
		}
		t, err := parsePidStat(b)
		if err != nil {
			s.procsOK = false
			continue
		}
		s.procTicks += t
	}
	if b, err := os.ReadFile(filepath.Join(root, "proc", "pressure", "memory")); err == nil {
		s.memSomeUs, s.memOK = parsePSISome(b)
	}
	s.waits = readTaskWaits(root, pids)
	return s, nil
}

// parseStat reads /proc/stat's aggregate "cpu" line and counts the "cpuN" lines.
func parseStat(b []byte) (cpuTicks, int, error) {
	var t cpuTicks
	found, cores := false, 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || !strings.HasPrefix(f[0], "cpu") {
			continue
		}
		if f[0] != "cpu" {
			cores++
			continue
		}
		if len(f) < 8 { // cpu user nice system idle iowait irq softirq [steal guest guest_nice]
			return t, 0, fmt.Errorf("the cpu line of /proc/stat has %d fields, want at least 8", len(f))
		}
		var v [8]uint64
		for i := range v {
			if i+1 >= len(f) {
				break
			}
			n, err := strconv.ParseUint(f[i+1], 10, 64)
			if err != nil {
				return t, 0, fmt.Errorf("the cpu line of /proc/stat: field %d: %w", i+1, err)
			}
			v[i] = n
		}
		user, nice, system, idle, iowait, irq, softirq, steal := v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
		t.busy = user + nice + system + irq + softirq
		t.steal = steal
		t.total = t.busy + idle + iowait + steal
		found = true
	}
	if !found {
		return t, 0, errors.New("no cpu line in /proc/stat")
	}
	if cores == 0 {
		cores = 1
	}
	return t, cores, nil
}

// parsePidStat reads utime + stime (fields 14 and 15) of /proc/<pid>/stat: the process's own
// threads, not its waited-for children (a worker that ended was counted in its own run).
func parsePidStat(b []byte) (uint64, error) {
	// The command name (field 2) is in parentheses and may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("no command name in a process's stat")
	}
	f := strings.Fields(string(b[i+1:]))
	const utime, stime = 11, 12 // counted from field 3 (state)
	if len(f) <= stime {
		return 0, fmt.Errorf("a process's stat has %d fields after its name, want at least %d", len(f), stime+1)
	}
	u, err := strconv.ParseUint(f[utime], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("a process's utime: %w", err)
	}
	s, err := strconv.ParseUint(f[stime], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("a process's stime: %w", err)
	}
	return u + s, nil
}

// parsePSISome reads the "some" line's total (µs) of /proc/pressure/memory.
func parsePSISome(b []byte) (uint64, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "some" {
			continue
		}
		for _, kv := range f[1:] {
			if v, ok := strings.CutPrefix(kv, "total="); ok {
				n, err := strconv.ParseUint(v, 10, 64)
				return n, err == nil
			}
		}
	}
	return 0, false
}

// compare turns two snapshots of a run of threads llama.cpp threads into a report.
func compare(a, b snapshot, threads int) Report {
	wall := b.at.Sub(a.at)
	if b.cpu.total < a.cpu.total || b.cpu.busy < a.cpu.busy || b.cpu.steal < a.cpu.steal {
		return NotMeasured("the CPU counters went backwards")
	}
	total := b.cpu.total - a.cpu.total
	cores := b.cores
	// Elapsed ticks per CPU: the counters' own clock, so USER_HZ never enters.
	perCPU := float64(total) / float64(cores)
	if wall < minInterval || perCPU < float64(minInterval/(10*time.Millisecond)) {
		return NotMeasured(fmt.Sprintf("the run was too short to measure what else ran (under %d ms)", minInterval.Milliseconds()))
	}
	if !a.procsOK || !b.procsOK {
		return NotMeasured("the measured processes' CPU time could not be read")
	}
	busy := float64(b.cpu.busy - a.cpu.busy)
	own := float64(b.procTicks) - float64(a.procTicks)
	r := Report{Measured: true, Cores: cores, Threads: threads, Seconds: round(wall.Seconds(), 3)}
	// Ticks are counted per CPU at each timer interrupt, a process's when it is charged: a
	// tick or two either way is noise, never negative use.
	used := max(busy-own, 0) / perCPU
	r.OtherCPUCores = round(used, 2)
	if ns, ok := waitedNs(a.waits, b.waits); ok {
		// What they wanted: what they used and what they waited for, at most every core.
		waiting := float64(ns) / float64(wall.Nanoseconds())
		r.OtherCPUWaitingCores = round(waiting, 2)
		r.OtherCPUCores = round(min(used+waiting, float64(cores)), 2)
	}
	r.StealPct = round(100*float64(b.cpu.steal-a.cpu.steal)/float64(total), 1)
	if a.memOK && b.memOK && b.memSomeUs >= a.memSomeUs {
		r.MemPressurePct = round(100*float64(b.memSomeUs-a.memSomeUs)/float64(wall.Microseconds()), 1)
	}
	return judge(r)
}

// judge sets Disturbed and Why from the figures.
func judge(r Report) Report {
	r.Disturbed = r.CPUDisturbed() || r.StealPct >= DisturbedStealPct || r.MemPressurePct >= DisturbedMemPressurePct
	r.Why = fmt.Sprintf("other programs used %.2f of %d cores during the run", r.OtherCPUCores, r.Cores)
	if r.OtherCPUWaitingCores >= waitingWorthSaying {
		r.Why = fmt.Sprintf("other programs wanted %.2f of %d cores during the run (they got %.2f; they waited for the rest)",
			r.OtherCPUCores, r.Cores, max(r.OtherCPUCores-r.OtherCPUWaitingCores, 0))
	}
	if r.StealPct >= DisturbedStealPct {
		r.Why += fmt.Sprintf("; the hypervisor took %.0f %% of the CPU time (steal)", r.StealPct)
	}
	if r.MemPressurePct >= DisturbedMemPressurePct {
		r.Why += fmt.Sprintf("; tasks waited for memory %.0f %% of the time", r.MemPressurePct)
	}
	return r
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}
