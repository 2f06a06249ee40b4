//go:build linux

package worker

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// hugePageUse returns how much of this process's memory sits in transparent huge pages
// (AnonHugePages in /proc/self/smaps_rollup, which kernels since 4.14 have), 0 if unknown.
func hugePageUse() uint64 {
	data, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		v, ok := strings.CutPrefix(line, "AnonHugePages:")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 2 && f[1] == "kB" {
			if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
				return n * 1024
			}
		}
	}
	return 0
}

// memoryUse returns the resident set size now and its peak (VmRSS, VmHWM from /proc/self/status).
func memoryUse() (rss, peak uint64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "VmRSS":
			rss = n * 1024
		case "VmHWM":
			peak = n * 1024
		}
	}
	return rss, peak
}
