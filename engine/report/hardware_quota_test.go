package report

import (
	"strings"
	"testing"

	"slmscope/engine/estimate"
	"slmscope/hwprobe"
)

// The Hardware screen and page name a CPU quota beside the cores, and say nothing without one.
func TestHardwareSectionsNameTheCPUQuota(t *testing.T) {
	tests := []struct {
		name  string
		quota hwprobe.CPUQuota
		want  string
	}{
		{"a quota", hwprobe.CPUQuota{Cores: 1.5, Source: "cgroup v2 /sys/fs/cgroup/a/cpu.max"}, "A CPU quota allows slmscope 1.5 cores (cgroup v2 /sys/fs/cgroup/a/cpu.max)"},
		{"none", hwprobe.CPUQuota{Note: "no CPU quota"}, ""},
	}
	for _, tc := range tests {
		r := &hwprobe.Report{OS: "linux", Arch: "amd64", CPU: hwprobe.CPU{Model: "Test", PhysicalCores: 2, LogicalCores: 2, Quota: tc.quota}}
		cpu := HardwareSections(r, estimate.MachineSpec{})[0]
		joined := strings.Join(cpu.Lines, "\n")
		if tc.want != "" && !strings.Contains(joined, tc.want) || tc.want == "" && strings.Contains(joined, "quota") {
			t.Errorf("%s: CPU lines %q, want %q", tc.name, cpu.Lines, tc.want)
		}
	}
}
