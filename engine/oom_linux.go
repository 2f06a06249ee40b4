//go:build linux

package engine

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// oomKills counts the out-of-memory kills the kernel has made: system-wide (/proc/vmstat)
// plus this process's cgroup (memory.events), so a kill inside a container is seen too. A
// rise while a worker ran means the kernel killed it for memory.
func oomKills() uint64 {
	n, _ := counter("/proc/vmstat", "oom_kill")
	if cg := ownCgroup(); cg != "" {
		m, _ := counter("/sys/fs/cgroup"+cg+"/memory.events", "oom_kill")
		n += m
	}
	return n
}

// oomCountable reports whether oomKills can see OOM kills here at all.
func oomCountable() bool {
	_, ok := counter("/proc/vmstat", "oom_kill")
	return ok
}

// counter reads "key value" from a kernel statistics file.
func counter(path, key string) (uint64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if ok && k == key {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// ownCgroup is this process's cgroup v2 path ("" if unknown).
func ownCgroup() string {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			return strings.TrimSpace(p)
		}
	}
	return ""
}
