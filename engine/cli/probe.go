package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"slmscope/engine"
	"slmscope/engine/estimate"
	"slmscope/engine/report"
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

// writeProbeText prints the report for people through the app's one hardware renderer:
// each figure with its source, and the reason for everything unknown.
func writeProbeText(w io.Writer, r *hwprobe.Report) {
	report.WriteHardwareText(w, report.HardwareSections(r, estimate.MachineFromReport(r)))
	fmt.Fprintf(w, "(probed in %.2f s)\n", r.ProbeSeconds)
}
