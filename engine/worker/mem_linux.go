//go:build linux

package worker

import (
	"bufio"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// hugePageUse returns how much of this process's memory sits in transparent huge pages
// (AnonHugePages in /proc/self/smaps_rollup, which kernels since 4.14 have), 0 if unknown.
func hugePageUse() uint64 {
	return procKB("/proc/self/smaps_rollup", "AnonHugePages")["AnonHugePages"]
}

// memoryUse returns the resident set size now and its peak (VmRSS, VmHWM from /proc/self/status).
func memoryUse() (rss, peak uint64) {
	kb := procKB("/proc/self/status", "VmRSS", "VmHWM")
	return kb["VmRSS"], kb["VmHWM"]
}

// procKB reads the "Key:   N kB" lines of a /proc file whose key is one of keys, in bytes;
// keys it cannot read are absent.
func procKB(path string, keys ...string) map[string]uint64 {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	return parseKB(f, keys)
}

// parseKB is procKB's parser, apart so that tests can feed it a file's text.
func parseKB(r io.Reader, keys []string) map[string]uint64 {
	out := map[string]uint64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || !slices.Contains(keys, k) {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
			out[k] = n * 1024
		}
	}
	return out
}
