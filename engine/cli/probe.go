package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"slmscope/engine"
	"slmscope/hwprobe"
)

func init() {
	register("probe", "show this machine's CPU, usable RAM, GPUs, memory bandwidth and power", runProbe)
}

func runProbe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the full report as JSON")
	noBW := fs.Bool("no-bandwidth", false, "skip the ~0.5 s memory bandwidth measurement (a result cached this boot is still shown)")
	remeasure := fs.Bool("remeasure", false, "measure memory bandwidth again even if this boot's result is cached")
	noLlama := fs.Bool("no-llama", false, "do not start the llama.cpp worker to list its devices")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: slmscope probe [--json] [--no-bandwidth] [--remeasure] [--no-llama]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "slmscope probe: unexpected argument %q (see `slmscope probe -h`)\n", fs.Arg(0))
		return ExitUsage
	}
	if *noBW && *remeasure {
		fmt.Fprintln(stderr, "slmscope probe: --no-bandwidth and --remeasure contradict each other; pick one")
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	rep, err := hwprobe.Probe(ctx, hwprobe.Options{SkipBandwidth: *noBW, Remeasure: *remeasure})
	if err != nil {
		fmt.Fprintf(stderr, "slmscope probe: %s\n", oneLine(err.Error()))
		return ExitFail
	}
	if *noLlama {
		rep.LlamaDevicesNote = "not asked (--no-llama)"
	} else {
		fillLlamaDevices(ctx, rep)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "slmscope probe: could not write JSON: %v\n", err)
			return ExitFail
		}
		return ExitOK
	}
	writeProbeText(stdout, rep)
	return ExitOK
}

// fillLlamaDevices asks a short-lived llama.cpp worker for ggml's device list; a failure
// becomes the report's LlamaDevicesNote.
func fillLlamaDevices(ctx context.Context, rep *hwprobe.Report) {
	devs, note := engine.LlamaDevices(ctx)
	rep.LlamaDevices = append(rep.LlamaDevices[:0], devs...)
	if len(devs) == 0 {
		rep.LlamaDevicesNote = note
	}
}

// writeProbeText prints the report for people: each figure with its source, and the reason
// for everything unknown.
func writeProbeText(w io.Writer, r *hwprobe.Report) {
	gb := hwprobe.FormatBytes
	fmt.Fprintf(w, "System     %s/%s", r.OS, r.Arch)
	if r.Platform != "" {
		fmt.Fprintf(w, ", %s", r.Platform)
	}
	if r.Kernel != "" {
		fmt.Fprintf(w, ", kernel %s", r.Kernel)
	}
	fmt.Fprintln(w)

	c := r.CPU
	fmt.Fprintf(w, "CPU        %s (%s): %d physical / %d logical cores", orUnknown(c.Model), orUnknown(c.Vendor), c.PhysicalCores, c.LogicalCores)
	if c.FrequencyMHz > 0 {
		fmt.Fprintf(w, ", %.0f MHz", c.FrequencyMHz)
	}
	fmt.Fprintf(w, "\n           features: %s\n           source: %s; features: %s\n", strings.Join(c.Features, " "), c.Source, c.FeaturesSource)
	writeUnknown(w, c.Unknown)

	m := r.RAM
	fmt.Fprintf(w, "RAM        %s usable, %s available now", gb(m.TotalBytes), gb(m.AvailableBytes))
	if m.SwapTotalBytes > 0 {
		fmt.Fprintf(w, ", swap %s (%s used)", gb(m.SwapTotalBytes), gb(m.SwapUsedBytes))
	}
	fmt.Fprintln(w)
	if m.CgroupLimitBytes > 0 {
		fmt.Fprintf(w, "           cgroup v%d limit %s (machine has %s): %s\n", m.CgroupVersion, gb(m.CgroupLimitBytes), gb(m.HostTotalBytes), m.CgroupPath)
	} else if m.CgroupNote != "" {
		fmt.Fprintf(w, "           %s\n", m.CgroupNote)
	}
	fmt.Fprintf(w, "           source: %s\n", m.Source)
	writeUnknown(w, m.Unknown)

	if len(r.GPUs) == 0 {
		fmt.Fprintln(w, "GPUs       none found")
	}
	for _, g := range r.GPUs {
		fmt.Fprintf(w, "GPU        %s %d: %s\n", g.Vendor, g.Index, g.Name)
		if g.MemoryTotalBytes > 0 {
			fmt.Fprintf(w, "           memory %s, %s free", gb(g.MemoryTotalBytes), gb(g.MemoryFreeBytes))
			if g.UnifiedMemory {
				fmt.Fprint(w, " (unified with system RAM)")
			}
			fmt.Fprintln(w)
		}
		if g.BandwidthGBps > 0 {
			fmt.Fprintf(w, "           bandwidth %.0f GB/s (%s)\n", g.BandwidthGBps, g.BandwidthSource)
		}
		extra := append(g.DriverDetails(), g.LiveDetails()...)
		if len(extra) > 0 {
			fmt.Fprintf(w, "           %s\n", strings.Join(extra, ", "))
		}
		fmt.Fprintf(w, "           source: %s\n", g.Source)
		writeUnknown(w, g.Unknown)
	}
	for _, n := range r.GPUNotes {
		fmt.Fprintf(w, "           note: %s\n", n)
	}

	b := r.Bandwidth
	if b.ReadGBps > 0 {
		fmt.Fprintf(w, "Bandwidth  read %.1f GB/s, triad %.1f GB/s\n           source: %s\n", b.ReadGBps, b.TriadGBps, b.Source)
	} else {
		fmt.Fprintf(w, "Bandwidth  %s\n", b.Note)
	}
	if b.TheoreticalGBps > 0 {
		fmt.Fprintf(w, "           theoretical %.1f GB/s: %s\n", b.TheoreticalGBps, b.TheoreticalSource)
	} else {
		fmt.Fprintf(w, "           theoretical: %s\n", b.TheoreticalSource)
	}

	p := r.Power
	if p.Source == "unknown" {
		fmt.Fprintf(w, "Power      source %s", p.BatterySource)
	} else {
		fmt.Fprintf(w, "Power      on %s (%s)", p.Source, p.BatterySource)
	}
	if p.BatteryPercent > 0 {
		fmt.Fprintf(w, ", battery %.0f%%", p.BatteryPercent)
	}
	fmt.Fprintln(w)
	for _, z := range p.RAPL {
		fmt.Fprintf(w, "           RAPL %s: %.1f J counter (%s)\n", z.Name, z.EnergyJoules, z.Path)
	}
	if p.RAPLNote != "" {
		fmt.Fprintf(w, "           RAPL: %s\n", p.RAPLNote)
	}
	if p.GPUWatts > 0 {
		fmt.Fprintf(w, "           GPU power %.0f W (%s)\n", p.GPUWatts, p.GPUWattsSource)
	} else {
		fmt.Fprintf(w, "           GPU power: %s\n", p.GPUWattsSource)
	}

	fmt.Fprintln(w, "llama.cpp  devices ggml will use:")
	for _, d := range r.LlamaDevices {
		fmt.Fprintf(w, "           %s %s (%s)", d.Type, d.Name, d.Description)
		if d.MemoryTotalBytes > 0 {
			fmt.Fprintf(w, ": %s free of %s", gb(d.MemoryFreeBytes), gb(d.MemoryTotalBytes))
		}
		fmt.Fprintln(w)
	}
	if r.LlamaDevicesNote != "" {
		fmt.Fprintf(w, "           %s\n", r.LlamaDevicesNote)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "Note       %s\n", n)
	}
	fmt.Fprintf(w, "(probed in %.2f s)\n", r.ProbeSeconds)
}

func writeUnknown(w io.Writer, u hwprobe.Unknown) {
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "           %s: unknown (%s)\n", k, u[k])
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
