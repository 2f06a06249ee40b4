package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"slmscope/engine/estimate"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// Section kinds, so the Hardware screen can attach its live widgets (RAM bar, Re-measure) to
// the right card.
const (
	SectionSystem    = "system"
	SectionCPU       = "cpu"
	SectionRAM       = "ram"
	SectionGPU       = "gpu"
	SectionGPUNotes  = "gpu-notes"
	SectionBandwidth = "bandwidth"
	SectionLlama     = "llama"
	SectionPower     = "power"
	SectionNotes     = "notes"
)

// HardwareSection is one part of the hardware report: a title, a subtitle and lines, each
// figure with its source. It is slmscope's one hardware renderer: the Hardware screen shows
// the sections as cards, `slmscope probe` prints them, and the HTML report tabulates them.
type HardwareSection struct {
	Kind     string
	Title    string
	Subtitle string
	Lines    []string
	// GPU is the index into Report.GPUs for SectionGPU.
	GPU int
}

// HardwareSections renders r. The machine m supplies the bandwidth the projections use (it
// may be newer than r's, after a calibration) and the GPU-use note.
func HardwareSections(r *hwprobe.Report, m estimate.MachineSpec) []HardwareSection {
	if r == nil {
		return storedSections(m)
	}
	var out []HardwareSection
	sys := fmt.Sprintf("%s/%s", r.OS, r.Arch)
	if r.Platform != "" {
		sys += " · " + r.Platform
	}
	if r.Kernel != "" {
		sys += " · kernel " + r.Kernel
	}
	c := r.CPU
	cpu := []string{
		fmt.Sprintf("%s (%s)", orWord(c.Model, "unknown model"), orWord(c.Vendor, "unknown vendor")),
		fmt.Sprintf("%d physical cores, %d logical", c.PhysicalCores, c.LogicalCores),
	}
	if c.FrequencyMHz > 0 {
		cpu = append(cpu, fmt.Sprintf("%.0f MHz", c.FrequencyMHz))
	}
	if c.Quota.Cores > 0 {
		cpu = append(cpu, fmt.Sprintf("A CPU quota allows slmscope %s (%s): runs use at most that many threads, rounded", c.Quota.CoresText(), c.Quota.Source))
	}
	cpu = append(cpu, "Features llama.cpp uses: "+orWord(strings.Join(c.Features, " "), "none detected"),
		"Source: "+c.Source+"; features: "+c.FeaturesSource)
	out = append(out, HardwareSection{Kind: SectionCPU, Title: "CPU", Subtitle: sys, Lines: append(cpu, UnknownLines(c.Unknown)...)})
	out = append(out, HardwareSection{Kind: SectionRAM, Title: "RAM", Subtitle: "what a model can use now (cgroup-aware)",
		Lines: append([]string{RAMSummary(r.RAM)}, RAMLines(r.RAM)...)})
	for i, g := range r.GPUs {
		out = append(out, HardwareSection{Kind: SectionGPU, GPU: i, Title: "GPU: " + g.Name,
			Subtitle: fmt.Sprintf("%s #%d · %s", g.Vendor, g.Index, g.Source), Lines: GPULines(g)})
	}
	if len(r.GPUs) == 0 || len(r.GPUNotes) > 0 {
		notes := r.GPUNotes
		if len(notes) == 0 {
			notes = []string{"no GPU found"}
		}
		title := "GPUs: none found"
		if len(r.GPUs) > 0 {
			title = "GPUs: what is missing and why"
		}
		out = append(out, HardwareSection{Kind: SectionGPUNotes, Title: title, Lines: notes})
	}
	bw := r.Bandwidth
	if m.MeasuredBandwidthGBs > 0 && bw.ReadGBps == 0 { // not measured this boot: the calibration's figure
		bw = hwprobe.Bandwidth{ReadGBps: m.MeasuredBandwidthGBs, Source: "stored with this machine's calibration",
			TheoreticalGBps: bw.TheoreticalGBps, TheoreticalSource: bw.TheoreticalSource}
	}
	out = append(out, HardwareSection{Kind: SectionBandwidth, Title: "Memory bandwidth", Subtitle: "measured here vs theoretical",
		Lines: BandwidthLines(bw, r.GPUs)})
	llama := LlamaLines(r)
	if m.GPUNote != "" {
		llama = append(llama, m.GPUNote)
	}
	out = append(out, HardwareSection{Kind: SectionLlama, Title: "What llama.cpp sees", Subtitle: "ggml backend devices: what inference will use", Lines: llama})
	out = append(out, HardwareSection{Kind: SectionPower, Title: "Power", Subtitle: "for the energy and cost figures", Lines: PowerLines(r.Power)})
	if len(r.Notes) > 0 {
		out = append(out, HardwareSection{Kind: SectionNotes, Title: "Other notes", Lines: r.Notes})
	}
	return out
}

// storedSections is the report for a machine known only from a stored calibration.
func storedSections(m estimate.MachineSpec) []HardwareSection {
	const stored = "Source: stored with the calibration (this machine was not probed)"
	out := []HardwareSection{
		{Kind: SectionCPU, Title: "CPU", Lines: []string{fmt.Sprintf("%s, %d cores", orWord(m.CPUName, "unknown model"), m.CPUCores), stored}},
		{Kind: SectionRAM, Title: "RAM", Lines: []string{fmt.Sprintf("%s usable of %s", units.GB(m.UsableRAM()), units.GB(m.RAMTotalBytes)), stored}},
	}
	for i, g := range m.GPUs {
		out = append(out, HardwareSection{Kind: SectionGPU, GPU: i, Title: "GPU: " + g.Name, Lines: []string{units.Bytes(g.TotalBytes), stored}})
	}
	bw := "CPU memory, measured: not measured"
	if m.MeasuredBandwidthGBs > 0 {
		bw = "CPU memory, measured: read " + units.GBps(m.MeasuredBandwidthGBs)
	}
	return append(out, HardwareSection{Kind: SectionBandwidth, Title: "Memory bandwidth", Lines: []string{bw, stored}})
}

// RAMSummary is the RAM figure every screen shows: "22.6 GB available of 24.4 GB".
func RAMSummary(m hwprobe.RAM) string {
	if m.TotalBytes == 0 {
		return "RAM: unknown"
	}
	return fmt.Sprintf("%s available of %s", units.GB(int64(m.AvailableBytes)), units.GB(int64(m.TotalBytes)))
}

// RAMLines are the RAM section's details: cgroup cap, swap, source, unknowns.
func RAMLines(m hwprobe.RAM) []string {
	var lines []string
	if m.CgroupLimitBytes > 0 {
		lines = append(lines, fmt.Sprintf("Capped by a cgroup v%d limit of %s (the machine has %s)", m.CgroupVersion, units.GB(int64(m.CgroupLimitBytes)), units.GB(int64(m.HostTotalBytes))))
	} else if m.CgroupNote != "" {
		lines = append(lines, "Cgroup: "+m.CgroupNote)
	}
	if m.SwapTotalBytes > 0 {
		lines = append(lines, fmt.Sprintf("Swap %s, %s used (a model that spills into swap runs far slower)", units.BytesU(m.SwapTotalBytes), units.BytesU(m.SwapUsedBytes)))
	} else {
		lines = append(lines, "No swap")
	}
	lines = append(lines, "Source: "+m.Source)
	return append(lines, UnknownLines(m.Unknown)...)
}

// GPULines are one GPU's details.
func GPULines(g hwprobe.GPU) []string {
	var lines []string
	if g.MemoryTotalBytes > 0 {
		lines = append(lines, fmt.Sprintf("Memory %s, %s free", units.BytesU(g.MemoryTotalBytes), units.BytesU(g.MemoryFreeBytes)))
	}
	if g.UnifiedMemory {
		lines = append(lines, "Unified memory: shares system RAM with the CPU")
	}
	if g.SharedMemoryBytes > 0 {
		lines = append(lines, "May borrow "+units.BytesU(g.SharedMemoryBytes)+" of system RAM")
	}
	if g.BandwidthGBps > 0 {
		lines = append(lines, fmt.Sprintf("Bandwidth %s theoretical (%s)", units.GBps(g.BandwidthGBps), g.BandwidthSource))
	}
	if drv := g.DriverDetails(); len(drv) > 0 {
		lines = append(lines, strings.Join(drv, " · "))
	}
	if live := g.LiveDetails(); len(live) > 0 {
		lines = append(lines, strings.Join(live, " · "))
	}
	return append(lines, UnknownLines(g.Unknown)...)
}

// BandwidthLines are the bandwidth section: measured, theoretical, the GPUs' figures.
func BandwidthLines(b hwprobe.Bandwidth, gpus []hwprobe.GPU) []string {
	var lines []string
	if b.ReadGBps > 0 {
		m := "CPU memory, measured: read " + units.GBps(b.ReadGBps)
		if b.TriadGBps > 0 {
			m += " · triad " + units.GBps(b.TriadGBps)
		}
		lines = append(lines, m, "Source: "+orWord(b.Source, "slmscope's microbenchmark"))
	} else {
		lines = append(lines, "CPU memory, measured: "+orWord(b.Note, "not measured yet"))
	}
	if b.TheoreticalGBps > 0 {
		line := "CPU memory, theoretical: " + units.GBps(b.TheoreticalGBps)
		if b.ReadGBps > 0 {
			line += fmt.Sprintf(" (measured read reaches %.0f%% of it)", 100*b.ReadGBps/b.TheoreticalGBps)
		}
		lines = append(lines, line, "Source: "+b.TheoreticalSource)
	} else if b.TheoreticalSource != "" {
		lines = append(lines, "CPU memory, theoretical: "+b.TheoreticalSource)
	}
	for _, g := range gpus {
		if g.BandwidthGBps > 0 {
			lines = append(lines, fmt.Sprintf("GPU %s: %s theoretical (%s)", g.Name, units.GBps(g.BandwidthGBps), g.BandwidthSource))
		}
	}
	return append(lines, "Generation speed is bounded by bandwidth ÷ bytes read per token.")
}

// LlamaLines lists ggml's backend devices.
func LlamaLines(r *hwprobe.Report) []string {
	var lines []string
	for _, d := range r.LlamaDevices {
		line := fmt.Sprintf("%s · %s (%s)", d.Type, d.Name, d.Description)
		if d.MemoryTotalBytes > 0 {
			line += fmt.Sprintf(": %s free of %s", units.BytesU(d.MemoryFreeBytes), units.BytesU(d.MemoryTotalBytes))
		}
		lines = append(lines, line)
	}
	if r.LlamaDevicesNote != "" {
		lines = append(lines, r.LlamaDevicesNote)
	}
	if len(lines) == 0 {
		return append(lines, "Not asked yet.")
	}
	return append(lines, DeviceDisagreements(r)...)
}

// DeviceDisagreements compares the vendor libraries' GPUs (NVML, ROCm, sysfs, DXGI) with
// llama.cpp's devices and says, in a sentence each, where they differ: a GPU llama.cpp cannot
// use, a device only llama.cpp sees, memory figures that disagree, a software GPU, and memory
// an integrated GPU shares with the system.
func DeviceDisagreements(r *hwprobe.Report) []string {
	if len(r.LlamaDevices) == 0 {
		return nil
	}
	var lines []string
	matched := map[int]bool{}
	for _, g := range r.GPUs {
		i := matchLlamaDevice(g, r.LlamaDevices)
		if i < 0 {
			lines = append(lines, fmt.Sprintf("⚠ %s (from %s) is not among llama.cpp's devices: models run without it. A GPU build of llama.cpp and the GPU's Vulkan driver are needed.", g.Name, gpuSource(g)))
			continue
		}
		matched[i] = true
		d := r.LlamaDevices[i]
		if g.UnifiedMemory {
			lines = append(lines, fmt.Sprintf("%s shares the system's RAM: its memory is not free a second time beside RAM.", d.Name))
		}
		if g.MemoryTotalBytes > 0 && d.MemoryTotalBytes > 0 && differ(g.MemoryTotalBytes, d.MemoryTotalBytes) {
			lines = append(lines, fmt.Sprintf("%s memory: %s says %s total, llama.cpp says %s; fits use llama.cpp's free figure.",
				g.Name, gpuSource(g), units.BytesU(g.MemoryTotalBytes), units.BytesU(d.MemoryTotalBytes)))
		}
	}
	for i, d := range r.LlamaDevices {
		if d.Type != "GPU" && d.Type != "IGPU" || matched[i] {
			continue
		}
		if hwprobe.IsSoftwareGPU(d.Description) {
			lines = append(lines, fmt.Sprintf("%s (%s) is the CPU in software: listed, never chosen by default.", d.Name, d.Description))
			continue
		}
		lines = append(lines, fmt.Sprintf("%s (%s) is seen by llama.cpp only: no vendor library reported it.", d.Name, d.Description))
	}
	return lines
}

// matchLlamaDevice is the index of the llama.cpp GPU device whose description names g, or -1.
func matchLlamaDevice(g hwprobe.GPU, devs []hwprobe.LlamaDevice) int {
	name := strings.ToLower(g.Name)
	for i, d := range devs {
		desc := strings.ToLower(d.Description)
		if (d.Type == "GPU" || d.Type == "IGPU") && name != "" && (strings.Contains(desc, name) || strings.Contains(name, desc)) {
			return i
		}
	}
	return -1
}

// differ reports two memory sizes more than 5 % apart.
func differ(a, b uint64) bool {
	lo, hi := min(a, b), max(a, b)
	return float64(hi-lo) > 0.05*float64(hi)
}

// gpuSource names the vendor library a GPU came from.
func gpuSource(g hwprobe.GPU) string {
	if g.Source != "" {
		return g.Source
	}
	return "the vendor library"
}

// PowerLines are the power section.
func PowerLines(p hwprobe.Power) []string {
	var lines []string
	switch p.Source {
	case "battery":
		lines = append(lines, fmt.Sprintf("On battery (%.0f%%) · %s", p.BatteryPercent, p.BatterySource))
	case "ac":
		lines = append(lines, "On mains power · "+p.BatterySource)
	default:
		lines = append(lines, "Power source "+p.BatterySource)
	}
	for _, z := range p.RAPL {
		lines = append(lines, fmt.Sprintf("RAPL %s energy counter: %.1f J (%s)", z.Name, z.EnergyJoules, z.Path))
	}
	if p.RAPLNote != "" {
		lines = append(lines, "CPU energy (RAPL): "+p.RAPLNote)
	}
	if p.GPUWatts > 0 {
		lines = append(lines, fmt.Sprintf("GPU power now: %.0f W (%s)", p.GPUWatts, p.GPUWattsSource))
	} else {
		lines = append(lines, "GPU power: "+p.GPUWattsSource)
	}
	return lines
}

// UnknownLines renders an Unknown map as "field: unknown (reason)" lines, sorted.
func UnknownLines(u hwprobe.Unknown) []string {
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s: unknown (%s)", strings.ReplaceAll(k, "_", " "), u[k]))
	}
	return out
}

// WriteHardwareText prints the sections for a terminal: the title in a column, the lines
// indented beside it.
func WriteHardwareText(w io.Writer, secs []HardwareSection) {
	for _, s := range secs {
		title := s.Title
		if s.Subtitle != "" {
			title += " — " + s.Subtitle
		}
		fmt.Fprintln(w, title)
		for _, l := range s.Lines {
			fmt.Fprintln(w, "    "+l)
		}
	}
}

func orWord(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
