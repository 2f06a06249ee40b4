package hwprobe

import (
	"context"
	"fmt"
	"strings"
)

// GPU is one graphics adapter. Zero numbers are "unknown" only when Unknown says so (with
// the reason); Source names the library or files the figures came from.
type GPU struct {
	Vendor   string `json:"vendor"` // NVIDIA, AMD, Intel, Apple, or the PCI vendor id
	Name     string `json:"name"`
	Index    int    `json:"index"`
	UUID     string `json:"uuid,omitempty"`
	PCIBusID string `json:"pci_bus_id,omitempty"`

	MemoryTotalBytes uint64 `json:"memory_total_bytes"`
	MemoryFreeBytes  uint64 `json:"memory_free_bytes"`
	MemoryUsedBytes  uint64 `json:"memory_used_bytes"`
	// UnifiedMemory is true when the GPU uses system RAM (Apple silicon, integrated GPUs).
	UnifiedMemory bool `json:"unified_memory"`
	// SharedMemoryBytes is system RAM the OS lets the GPU borrow (DXGI).
	SharedMemoryBytes uint64 `json:"shared_memory_bytes,omitempty"`

	// BandwidthGBps is the theoretical memory bandwidth (bus width × memory clock).
	BandwidthGBps      float64 `json:"bandwidth_gbps"`
	BandwidthSource    string  `json:"bandwidth_source,omitempty"`
	MemoryBusWidthBits int     `json:"memory_bus_width_bits,omitempty"`
	MaxMemoryClockMHz  int     `json:"max_memory_clock_mhz,omitempty"`

	Driver            string `json:"driver,omitempty"`
	CUDAVersion       string `json:"cuda_version,omitempty"`
	ComputeCapability string `json:"compute_capability,omitempty"`
	PCIeGeneration    int    `json:"pcie_generation,omitempty"`
	PCIeWidth         int    `json:"pcie_width,omitempty"`

	PowerWatts      float64 `json:"power_watts,omitempty"`
	PowerLimitWatts float64 `json:"power_limit_watts,omitempty"`
	TemperatureC    int     `json:"temperature_c,omitempty"`
	BusyPercent     int     `json:"busy_percent,omitempty"`

	Source  string  `json:"source"`
	Unknown Unknown `json:"unknown,omitempty"`
}

// ProbeGPUs lists GPUs through every vendor probe (cheap enough to call every second or two
// for live VRAM use). The notes say why a vendor found nothing.
func ProbeGPUs(ctx context.Context, opts Options) ([]GPU, []string) {
	return probeGPUs(ctx, opts)
}

// DriverDetails lists what is known of the GPU's software and link, in display order:
// "driver 550.54", "CUDA 12.4", "compute capability 8.9", "PCIe 4 ×16".
func (g GPU) DriverDetails() []string {
	var out []string
	if g.Driver != "" {
		out = append(out, "driver "+g.Driver)
	}
	if g.CUDAVersion != "" {
		out = append(out, "CUDA "+g.CUDAVersion)
	}
	if g.ComputeCapability != "" {
		out = append(out, "compute capability "+g.ComputeCapability)
	}
	if g.PCIeGeneration > 0 {
		out = append(out, fmt.Sprintf("PCIe %d ×%d", g.PCIeGeneration, g.PCIeWidth))
	}
	return out
}

// LiveDetails lists the readings that change while it works: power draw, limit, temperature.
func (g GPU) LiveDetails() []string {
	var out []string
	if g.PowerWatts > 0 {
		out = append(out, fmt.Sprintf("%.0f W", g.PowerWatts))
	}
	if g.PowerLimitWatts > 0 {
		out = append(out, fmt.Sprintf("limit %.0f W", g.PowerLimitWatts))
	}
	if g.TemperatureC > 0 {
		out = append(out, fmt.Sprintf("%d °C", g.TemperatureC))
	}
	return out
}

// IsSoftwareGPU reports a GPU device description that is really the CPU: Mesa's lavapipe
// (llvmpipe) and Google's SwiftShader. llama.cpp hides them unless GGML_VK_VISIBLE_DEVICES
// names them, and then lists them as a GPU.
func IsSoftwareGPU(description string) bool {
	d := strings.ToLower(description)
	return strings.Contains(d, "llvmpipe") || strings.Contains(d, "lavapipe") || strings.Contains(d, "swiftshader")
}
