package report

import (
	"strings"
	"testing"

	"slmscope/hwprobe"
)

func TestDeviceDisagreements(t *testing.T) {
	h200 := hwprobe.GPU{Name: "NVIDIA H200", Source: "NVML", MemoryTotalBytes: 150754820096}
	vk := func(desc string, total uint64) hwprobe.LlamaDevice {
		return hwprobe.LlamaDevice{Name: "Vulkan0", Description: desc, Type: "GPU", MemoryTotalBytes: total}
	}
	cpu := hwprobe.LlamaDevice{Name: "CPU", Description: "Intel Xeon", Type: "CPU"}
	tests := []struct {
		name  string
		gpus  []hwprobe.GPU
		devs  []hwprobe.LlamaDevice
		wants []string // each must be in one line; none means no line at all
	}{
		{"agree", []hwprobe.GPU{h200}, []hwprobe.LlamaDevice{vk("NVIDIA H200", 150754820096), cpu}, nil},
		{"CPU-only build", []hwprobe.GPU{h200}, []hwprobe.LlamaDevice{cpu}, []string{"NVIDIA H200 (from NVML) is not among llama.cpp's devices"}},
		{"memory", []hwprobe.GPU{h200}, []hwprobe.LlamaDevice{vk("NVIDIA H200", 80<<30), cpu}, []string{"NVML says 151 GB total, llama.cpp says 85.9 GB"}},
		{"lavapipe", nil, []hwprobe.LlamaDevice{vk("llvmpipe (LLVM 15.0.6, 256 bits)", 2<<30), cpu}, []string{"is the CPU in software"}},
		{"llama.cpp only", nil, []hwprobe.LlamaDevice{vk("AMD Radeon 780M", 0), cpu}, []string{"seen by llama.cpp only"}},
		{"unified", []hwprobe.GPU{{Name: "AMD Radeon 780M", Source: "sysfs", UnifiedMemory: true}}, []hwprobe.LlamaDevice{vk("AMD Radeon 780M Graphics", 0), cpu}, []string{"shares the system's RAM"}},
		{"not asked", []hwprobe.GPU{h200}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DeviceDisagreements(&hwprobe.Report{GPUs: tt.gpus, LlamaDevices: tt.devs})
			if len(got) != len(tt.wants) {
				t.Fatalf("got %q, want %d lines with %q", got, len(tt.wants), tt.wants)
			}
			for i, w := range tt.wants {
				if !strings.Contains(got[i], w) {
					t.Errorf("line %q lacks %q", got[i], w)
				}
			}
		})
	}
}
