package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"slmscope/engine/estimate"
	"slmscope/hwprobe"
)

func TestProbeUsage(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		errHas  string
		outHas  string
		outJSON bool
	}{
		{args: []string{"--bogus"}, code: ExitUsage, errHas: "flag provided but not defined"},
		{args: []string{"extra"}, code: ExitUsage, errHas: `unexpected argument "extra"`},
		{args: []string{"--no-bandwidth", "--remeasure"}, code: ExitUsage, errHas: "contradict"},
		{args: []string{"-h"}, code: ExitOK, errHas: "usage: slmscope probe"},
		{args: []string{"--json", "--no-bandwidth", "--no-llama"}, code: ExitOK, outJSON: true},
		{args: []string{"--no-bandwidth", "--no-llama"}, code: ExitOK, outHas: "not asked (--no-llama)"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Run(append([]string{"probe"}, tc.args...), &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.errHas) || !strings.Contains(out.String(), tc.outHas) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
			if tc.outJSON {
				var m map[string]any
				if err := json.Unmarshal(out.Bytes(), &m); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out.String())
				}
				for _, k := range []string{"os", "arch", "cpu", "ram", "gpus", "gpu_notes", "bandwidth", "power", "llama_devices"} {
					if _, ok := m[k]; !ok {
						t.Errorf("JSON lacks %q", k)
					}
				}
			}
		})
	}
}

func TestWriteProbeText(t *testing.T) {
	r := &hwprobe.Report{OS: "linux", Arch: "amd64",
		CPU: hwprobe.CPU{Model: "Test CPU", Vendor: "V", PhysicalCores: 4, LogicalCores: 8, Features: []string{"AVX2"}, Source: "fixture"},
		RAM: hwprobe.RAM{TotalBytes: 4 << 30, AvailableBytes: 3 << 30, HostTotalBytes: 16 << 30, CgroupLimitBytes: 4 << 30, CgroupVersion: 2, CgroupPath: "/sys/fs/cgroup/app"},
		GPUs: []hwprobe.GPU{{Vendor: "NVIDIA", Name: "Fake 4090", MemoryTotalBytes: 24 << 30, MemoryFreeBytes: 20 << 30, BandwidthGBps: 1008,
			BandwidthSource: "NVML", PCIeGeneration: 4, PCIeWidth: 16, Source: "NVML (fake)", Unknown: hwprobe.Unknown{"power_watts": "NVML: NVML_ERROR_NOT_SUPPORTED: not supported by this device"}}},
		GPUNotes:     []string{"AMD ROCm SMI missing"},
		Bandwidth:    hwprobe.Bandwidth{ReadGBps: 20, TriadGBps: 15, Source: "measured", TheoreticalSource: "unknown (no DMI)"},
		Power:        hwprobe.Power{Source: "battery", BatterySource: "sysfs", BatteryPercent: 50, GPUWattsSource: "not available"},
		LlamaDevices: []hwprobe.LlamaDevice{{Name: "CUDA0", Description: "Fake 4090", Type: "GPU", MemoryFreeBytes: 20 << 30, MemoryTotalBytes: 24 << 30}},
	}
	var b bytes.Buffer
	writeProbeText(&b, r, estimate.MachineFromReport(r))
	for _, want := range []string{
		"Test CPU (V)", "4 physical cores, 8 logical",
		"Capped by a cgroup v2 limit of 4.3 GB (the machine has 17.2 GB)",
		"GPU: Fake 4090 — NVIDIA #0 · NVML (fake)",
		"Memory 25.8 GB, 21.5 GB free",
		"Bandwidth 1008 GB/s theoretical (NVML)",
		"PCIe 4 ×16",
		"power watts: unknown (NVML: NVML_ERROR_NOT_SUPPORTED",
		"AMD ROCm SMI missing",
		"read 20.0 GB/s · triad 15.0 GB/s",
		"theoretical: unknown (no DMI)",
		"On battery (50%) · sysfs",
		"GPU · CUDA0 (Fake 4090): 21.5 GB free of 25.8 GB",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}
