package estimate

import (
	"fmt"
	"strings"

	"slmscope/hwprobe"
)

// MachineFromReport converts the hardware probe's report into the estimator's Machine:
// usable RAM (already cgroup-capped by the probe) with the cgroup limit beside it, the CPU,
// the measured read bandwidth, every GPU with its free memory, theoretical bandwidth and
// power limit, and for Apple silicon Metal's working-set cap (which the probe reports as the
// GPU's total memory). A machine with a battery counts as a laptop for default power. When
// the report carries llama.cpp's device list and it has no GPU device, the GPUs are left out
// (GPUNote says so): the runtime could not use them.
func MachineFromReport(r *hwprobe.Report) MachineSpec {
	if r == nil {
		return MachineSpec{}
	}
	m := MachineSpec{
		RAMTotalBytes:        int64(r.RAM.TotalBytes),
		RAMAvailableBytes:    int64(r.RAM.AvailableBytes),
		CgroupLimitBytes:     int64(r.RAM.CgroupLimitBytes),
		CPUName:              r.CPU.Model,
		CPUCores:             r.CPU.PhysicalCores,
		MeasuredBandwidthGBs: r.Bandwidth.ReadGBps,
		Laptop:               r.Power.OnBattery || r.Power.BatteryPercent > 0,
	}
	if m.CPUCores == 0 {
		m.CPUCores = r.CPU.LogicalCores
	}
	if len(r.LlamaDevices) > 0 && !hasGPUBackend(r.LlamaDevices) && len(r.GPUs) > 0 {
		m.GPUNote = "the GPUs are not used: this llama.cpp build lists no GPU device (CPU-only runtime)"
		return m
	}
	for _, g := range r.GPUs {
		eg := GPU{
			Name: g.Name, Vendor: strings.ToLower(g.Vendor),
			TotalBytes: int64(g.MemoryTotalBytes), FreeBytes: int64(g.MemoryFreeBytes),
			BandwidthGBs: g.BandwidthGBps, PowerLimitW: g.PowerLimitWatts, Unified: g.UnifiedMemory,
		}
		if eg.Vendor == "apple" && g.MemoryTotalBytes > 0 {
			m.AppleWorkingSetBytes = int64(g.MemoryTotalBytes)
		}
		m.GPUs = append(m.GPUs, eg)
	}
	return m
}

// hasGPUBackend reports whether llama.cpp listed a GPU or integrated-GPU device.
func hasGPUBackend(ds []hwprobe.LlamaDevice) bool {
	for _, d := range ds {
		if strings.EqualFold(d.Type, "GPU") || strings.EqualFold(d.Type, "IGPU") {
			return true
		}
	}
	return false
}

// HardwareKey identifies a machine for the calibration cache: OS, architecture, CPU model
// and core count, total RAM rounded to the GB, and the GPUs' names. It changes when the
// hardware does, not when free memory moves.
func HardwareKey(r *hwprobe.Report) string {
	if r == nil {
		return ""
	}
	ram := r.RAM.HostTotalBytes
	if ram == 0 {
		ram = r.RAM.TotalBytes
	}
	parts := []string{r.OS, r.Arch, r.CPU.Model, fmt.Sprintf("%dc", r.CPU.LogicalCores), fmt.Sprintf("%dGB", (ram+5e8)/1e9)}
	for _, g := range r.GPUs {
		parts = append(parts, g.Name)
	}
	return strings.Join(parts, "|")
}
