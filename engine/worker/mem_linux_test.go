//go:build linux

package worker

import (
	"maps"
	"strings"
	"testing"
)

func TestParseKB(t *testing.T) {
	tests := []struct {
		name, text string
		keys       []string
		want       map[string]uint64
	}{
		{"status", "Name:\tworker\nVmHWM:\t 8625364 kB\nVmRSS:\t  812340 kB\nThreads:\t3\n",
			[]string{"VmRSS", "VmHWM"}, map[string]uint64{"VmRSS": 812340 * 1024, "VmHWM": 8625364 * 1024}},
		{"smaps_rollup", "55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:  8620000 kB\nAnonHugePages:   3721216 kB\nShmemHugePages:  0 kB\n",
			[]string{"AnonHugePages"}, map[string]uint64{"AnonHugePages": 3721216 * 1024}},
		{"other units and garbage are left out", "VmRSS:\t12 MB\nVmHWM:\tlots kB\nVmSwap: 4 kB\n",
			[]string{"VmRSS", "VmHWM"}, map[string]uint64{}},
		{"a kernel without the line", "Rss: 10 kB\n", []string{"AnonHugePages"}, map[string]uint64{}},
	}
	for _, tc := range tests {
		if got := parseKB(strings.NewReader(tc.text), tc.keys); !maps.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The worker's own process: a resident set and a peak at least as large.
func TestMemoryUseOfThisProcess(t *testing.T) {
	rss, peak := memoryUse()
	if rss == 0 || peak < rss {
		t.Errorf("memoryUse() = %d, %d: want a resident set and a peak at least as large", rss, peak)
	}
}
