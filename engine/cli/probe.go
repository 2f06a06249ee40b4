package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"slmscope/engine"
	"slmscope/hwprobe"
)

func init() {
	register("probe", "show this machine's CPU, usable RAM, GPUs, memory bandwidth and power", runProbe)
}

func runProbe(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("probe", stderr)
	asJSON := fs.Bool("json", false, "print the full report as JSON")
	noBW := fs.Bool("no-bandwidth", false, "skip the ~0.5 s memory bandwidth measurement (a result cached this boot is still shown)")
	remeasure := fs.Bool("remeasure", false, "measure memory bandwidth again even if this boot's result is cached")
	noLlama := fs.Bool("no-llama", false, "do not start the llama.cpp worker to list its devices")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: slmscope probe [--json] [--no-bandwidth] [--remeasure] [--no-llama]")
		fs.PrintDefaults()
	}
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	if *noBW && *remeasure {
		fmt.Fprintln(stderr, "slmscope probe: --no-bandwidth and --remeasure contradict each other; pick one")
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	// The same machine model as every screen and command: the probe plus what the
	// calibration adds (its bandwidth, when none was measured this boot).
	ms, err := engine.LoadMachine(ctx, engine.MachineOptions{ProbeOptions: hwprobe.Options{SkipBandwidth: *noBW, Remeasure: *remeasure}})
	if err != nil {
		return fail(stderr, "probe", err)
	}
	rep := ms.Hardware
	for _, w := range ms.Warnings {
		fmt.Fprintln(stderr, "slmscope probe: warning:", oneLine(w))
	}
	if *noLlama {
		rep.LlamaDevicesNote = "not asked (--no-llama)"
	} else {
		fillLlamaDevices(ctx, rep)
	}
	if *asJSON {
		return writeJSON(stdout, stderr, "probe", rep)
	}
	writeProbeText(stdout, rep, ms.Machine)
	return ExitOK
}

// fillLlamaDevices asks a short-lived llama.cpp worker for ggml's device list; the report's
// LlamaDevicesNote says which build answered, or why none did.
func fillLlamaDevices(ctx context.Context, rep *hwprobe.Report) {
	devs, note := engine.LlamaDevices(ctx)
	rep.LlamaDevices = append(rep.LlamaDevices[:0], devs...)
	rep.LlamaDevicesNote = note
}

// writeProbeText prints the report for people through the app's one hardware renderer:
// each figure with its source, and the reason for everything unknown.
func writeProbeText(w io.Writer, r *hwprobe.Report, m engine.MachineSpec) {
	engine.WriteHardwareText(w, engine.HardwareSections(r, m))
	fmt.Fprintf(w, "(probed in %.2f s)\n", r.ProbeSeconds)
}
