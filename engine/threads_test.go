package engine

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"slmscope/hwprobe"
	"slmscope/internal/interference"
)

func TestThreadsFor(t *testing.T) {
	tests := []struct {
		name    string
		r       interference.Report
		cores   int
		want    int
		mention string
	}{
		{"quiet", interference.Report{Measured: true, OtherCPUCores: 0.05}, 2, 2, "every core"},
		{"a little busy", interference.Report{Measured: true, OtherCPUCores: 0.2}, 2, 2, "0.20 of 2 cores"},
		{"half a core taken", interference.Report{Measured: true, OtherCPUCores: 0.5}, 2, 1, "1 of 2 cores"},
		{"one core taken", interference.Report{Measured: true, OtherCPUCores: 1.0}, 2, 1, "1.00 cores"},
		{"both taken", interference.Report{Measured: true, OtherCPUCores: 2.0}, 2, 1, "1 of 2 cores"},
		{"8 cores, 2.5 taken", interference.Report{Measured: true, OtherCPUCores: 2.5}, 8, 5, "5 of 8"},
		{"not measured", interference.NotMeasured("not measured on this OS"), 4, 4, "not measured on this OS"},
	}
	for _, tc := range tests {
		n, why := threadsFor(tc.r, tc.cores)
		if n != tc.want || !strings.Contains(why, tc.mention) {
			t.Errorf("%s: %d (%q), want %d mentioning %q", tc.name, n, why, tc.want, tc.mention)
		}
	}
}

// noQuota makes ChooseThreads see no CPU quota, whatever cgroup the test runs in.
func noQuota(t *testing.T) {
	t.Helper()
	saved := cpuQuota
	cpuQuota = func() hwprobe.CPUQuota { return hwprobe.CPUQuota{Note: "no CPU quota (a test)"} }
	t.Cleanup(func() { cpuQuota = saved })
}

func TestWithinQuota(t *testing.T) {
	tests := []struct {
		name    string
		threads int
		quota   float64
		want    int
		mention string
	}{
		{"no quota", 2, 0, 2, "every core"},
		{"1 core of 2", 2, 1.0, 1, "a CPU quota allows 1 core ("},
		{"1.5 cores of 2: 2 threads still win", 2, 1.5, 2, "quota of 1.5 cores"},
		{"1.2 cores of 2", 2, 1.2, 1, "allows 1.2 cores ("},
		{"half a core", 2, 0.5, 1, "allows 0.5 cores ("},
		{"4.6 cores of 8", 8, 4.6, 5, "without the quota: every core"},
		{"a quota above the cores left free", 1, 1.5, 1, "allows them"},
	}
	for _, tc := range tests {
		q := hwprobe.CPUQuota{Cores: tc.quota, Source: "cgroup v2 cpu.max"}
		n, why := withinQuota(tc.threads, "every core", q)
		if n != tc.want || !strings.Contains(why, tc.mention) {
			t.Errorf("%s: %d (%q), want %d mentioning %q", tc.name, n, why, tc.want, tc.mention)
		}
	}
}

// ChooseThreads keeps inside the process's CPU quota whatever the machine's load allows.
func TestChooseThreadsKeepsInsideTheQuota(t *testing.T) {
	saved := cpuQuota
	cpuQuota = func() hwprobe.CPUQuota { return hwprobe.CPUQuota{Cores: 1, Source: "cgroup v1 cpu.cfs_quota_us"} }
	t.Cleanup(func() { cpuQuota = saved })
	src, _ := looks(0.01)
	if got, why := ChooseThreads(context.Background(), src); got != 1 || !strings.Contains(why, "cpu.cfs_quota_us") {
		t.Errorf("%d threads (%q), want 1 naming the quota's file", got, why)
	}
}

// looks is a Source that reports one figure per look, in turn (the last one again after).
func looks(cores ...float64) (interference.Source, *int) {
	n := 0
	return func(threads int, _ ...int) interference.Sampling {
		r := interference.Report{Measured: true, Cores: 2, OtherCPUCores: cores[min(n, len(cores)-1)]}
		n++
		return interference.Fixed(r)(threads)
	}, &n
}

// ChooseThreads looks again when it sees other programs busy, and goes by the quietest look: a
// burst gives back every core, a program that stays busy keeps its core.
func TestChooseThreadsLooksAgainAtABurst(t *testing.T) {
	if runtime.NumCPU() != 2 {
		t.Skipf("the figures are for 2 cores; this machine has %d", runtime.NumCPU())
	}
	noQuota(t)
	tests := []struct {
		name      string
		seen      []float64
		want      int
		wantLooks int
		mention   string
	}{
		{"quiet at once", []float64{0.02}, 2, 1, "every core"},
		{"a burst, then quiet", []float64{0.34, 0.03}, 2, 2, "quietest of 2 looks"},
		{"a program that stays busy", []float64{1.0, 0.98, 1.01}, 1, 3, "quietest of 3 looks"},
	}
	for _, tc := range tests {
		src, n := looks(tc.seen...)
		got, why := ChooseThreads(context.Background(), src)
		if got != tc.want || *n != tc.wantLooks || !strings.Contains(why, tc.mention) {
			t.Errorf("%s: %d threads after %d looks (%q), want %d after %d mentioning %q", tc.name, got, *n, why, tc.want, tc.wantLooks, tc.mention)
		}
	}
}
