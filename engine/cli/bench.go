package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"text/tabwriter"

	"slmscope/engine"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

func init() {
	register("bench", "measure a model through llama.cpp: load, prompt and generation speed, memory", benchCommand)
}

// benchFlags are bench's command-line settings.
type benchFlags struct {
	model, quant            string
	promptTokens, genTokens int
	threads, ctxLen, repeat int
	device, gpuLayers       string
	asJSON, pace            bool
}

// declare defines bench's flags on fs, filling f when fs parses.
func (f *benchFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.model, "model", "twin:smollm2-135m", "twin:ID (see `slmscope models`) or a path to a .gguf file")
	fs.StringVar(&f.quant, "quant", "q8_0", "twin quantization: "+strings.ToLower(engine.JoinQuants(engine.TwinQuants(), ", ")))
	fs.IntVar(&f.promptTokens, "prompt-tokens", 512, "prompt length in tokens")
	fs.IntVar(&f.genTokens, "gen-tokens", 128, "tokens to generate")
	fs.IntVar(&f.threads, "threads", 0, fmt.Sprintf("CPU threads (0: chosen now from the %d cores, one fewer for each that other programs keep busy)", runtime.NumCPU()))
	fs.IntVar(&f.ctxLen, "context", 0, "context length (0: enough for prompt + generation, at least 2048)")
	fs.IntVar(&f.repeat, "repeat", 3, "repeats (each in a fresh worker); medians are reported")
	fs.StringVar(&f.device, "device", "auto", "where to run: auto (the GPU with the most free memory, else the CPU), cpu, or a llama.cpp device name from `slmscope probe` (Vulkan0)")
	fs.StringVar(&f.gpuLayers, "gpu-layers", "auto", "layers on the GPU: auto (as many as fit in its free memory) or a count (0: none)")
	fs.BoolVar(&f.pace, "pace", false, "then run the calibration's reference twin again: is the machine at the pace it was calibrated at?")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object")
}

// layers is --gpu-layers as LoadOptions takes it.
func (f *benchFlags) layers() (int, error) {
	return engine.ParseGPULayers(f.gpuLayers)
}

// inputErrors checks every number bench was given, one error (or nil) per flag, in the order
// bench reports them.
func (f *benchFlags) inputErrors() []error {
	var repeatErr error
	if f.repeat < 1 || f.repeat > 100 {
		repeatErr = &engine.InputError{Field: "--repeat", Problem: fmt.Sprintf("%d is not between 1 and 100", f.repeat)}
	}
	var threadErr error
	if f.threads < 0 {
		threadErr = &engine.InputError{Field: "--threads", Problem: fmt.Sprintf("%d is not a thread count: give at least 1, or 0 to let slmscope choose", f.threads)}
	} else {
		threadErr = engine.CheckThreads(f.threads)
	}
	_, layersErr := f.layers()
	return []error{tokenCount("--prompt-tokens", f.promptTokens, 1), tokenCount("--gen-tokens", f.genTokens, 2),
		threadErr, engine.CheckContext(f.ctxLen), repeatErr, engine.CheckDevice(f.device), layersErr}
}

func benchCommand(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("bench", stderr)
	var f benchFlags
	f.declare(fs)
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	if badInputs(stderr, "bench", f.inputErrors()...) {
		return ExitUsage
	}
	ref, err := engine.ParseModelRef(f.model, f.quant)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return ExitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	progress := func(s string) {
		if !f.asJSON {
			fmt.Fprintln(stderr, s)
		}
	}
	ms, cache := benchMachine(ctx)
	if err := engine.CanCheckPace(ms.Calibration); f.pace && err != nil {
		fmt.Fprintln(stderr, "bench: --pace:", oneLine(err.Error()))
		return ExitFail
	}
	layers, _ := f.layers()
	m, err := engine.MeasureAndRecord(ctx, engine.MeasureRequest{Model: ref, Cache: cache, Origin: engine.OriginBench, Machine: ms,
		Bench: engine.BenchOptions{PromptTokens: f.promptTokens, GenTokens: f.genTokens, Threads: f.threads, Context: f.ctxLen,
			Repeat: f.repeat, Device: f.device, GPULayers: layers, Progress: progress}})
	if err != nil {
		fmt.Fprintln(stderr, "bench:", oneLine(err.Error()))
		return ExitFail
	}
	res := m.Result
	// Every measurement goes into the run history, like the app's.
	if m.RecordErr != nil {
		fmt.Fprintln(stderr, "bench: warning: not added to the run history:", oneLine(m.RecordErr.Error()))
	}
	if f.pace { // the measurement stands whatever the check meets
		if p, err := engine.CheckPace(ctx, ms, cache, engine.Options{}, progress); err != nil {
			fmt.Fprintln(stderr, "bench: warning: --pace:", oneLine(err.Error()))
		} else {
			res.Pace = &p
		}
	}
	if f.asJSON {
		return writeJSON(stdout, stderr, "bench", res)
	}
	printBench(stdout, res)
	return ExitOK
}

// benchMachine takes one quick look at the machine (no bandwidth run), which serves the twin
// cache's fit rule and the run history's hardware key. The cache is nil when either fails:
// Resolve then falls back to the default cache and says what goes wrong there.
func benchMachine(ctx context.Context) (engine.MachineState, *engine.TwinCache) {
	ms, err := engine.LoadMachine(ctx, engine.MachineOptions{ProbeOptions: hwprobe.Options{SkipBandwidth: true}})
	cache, cerr := engine.NewTwinCache(ms)
	if err != nil || cerr != nil {
		cache = nil
	}
	return ms, cache
}

func printBench(w io.Writer, r *engine.BenchResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v, how string) { fmt.Fprintf(tw, "%s\t%s\t%s\n", k, v, how) }
	twin := ""
	if r.Twin {
		twin = " — " + units.TwinDisclaimer
	}
	fmt.Fprintf(tw, "%s%s\n", r.Model, twin)
	row("file", fmt.Sprintf("%s, %s params, %s", units.BytesU(uint64(r.FileBytes)), units.Params(r.Params), r.Quant), r.Path)
	row("llama.cpp", "v"+r.LlamaVersion, fmt.Sprintf("%d threads, context %d", r.Threads, r.Context))
	if r.ThreadsWhy != "" {
		row("threads", fmt.Sprint(r.Threads), "chosen: "+r.ThreadsWhy)
	}
	row("device", r.Placement.Summary(), "placed: "+r.Placement.Why)
	if b := r.Placement.BufferText(); b != "" {
		row("buffers", b, "llama.cpp's own buffer sizes per device")
	}
	if r.Placement.BuildNote != "" {
		row("GPU build", "not used", r.Placement.BuildNote)
	}
	if r.Placement.Read != "" {
		how := "llama.cpp maps the file (its default)"
		if r.Placement.ReadWhy != "" {
			how = r.Placement.ReadWhy
		}
		row("weights", r.Placement.Read, how)
	}
	row("worker start", fmt.Sprintf("%.0f ms", r.WorkerStartMs), "measured: process start to llama.cpp ready")
	row("model load", fmt.Sprintf("%.0f ms", r.LoadMs), "measured: llama.cpp load + context creation")
	row("time to first token", fmt.Sprintf("%.0f ms", r.TTFTMs), fmt.Sprintf("measured: %d-token prompt", r.PromptTokens))
	row("prompt", fmt.Sprintf("%.1f tok/s", r.PromptTPS), fmt.Sprintf("measured (llama.cpp counter: %.1f tok/s)", r.LlamaPromptTPS))
	row("generation", fmt.Sprintf("%.1f tok/s", r.GenTPS), fmt.Sprintf("measured over %d tokens (llama.cpp counter: %.1f tok/s)", r.GenTokens, r.LlamaGenTPS))
	row("per-token latency", fmt.Sprintf("p50 %.1f ms, p95 %.1f ms", r.TokenMsP50, r.TokenMsP95), "measured between tokens")
	peak := "unknown on this OS"
	if r.PeakRSSBytes > 0 {
		peak = units.BytesU(r.PeakRSSBytes)
	}
	row("peak memory", peak, "measured: worker's peak resident set")
	if r.HugePageBytes > 0 {
		row("in huge pages", units.BytesU(r.HugePageBytes), "measured: worker's memory in transparent huge pages at the end")
	}
	row("other programs", interferenceFigure(r.Interference), interferenceHow(r.Repeats-r.LeftOutRuns))
	row("steadiness", r.Steadiness.Figure(), steadinessHow(r.Repeats-r.LeftOutRuns))
	fmt.Fprintf(tw, "medians over %s\n", units.Count(r.Repeats-r.LeftOutRuns, "run"))
	_ = tw.Flush()
	if s := r.LeftOut(); s != "" {
		fmt.Fprintln(w, s)
	}
	if s := r.Interference.Sentence(); s != "" {
		if r.Repeats > 1 {
			s += fmt.Sprintf(" (%d of %d runs were disturbed.)", r.DisturbedRuns, r.Repeats)
		}
		fmt.Fprintln(w, s)
	} else if s := r.Steadiness.Sentence(); s != "" {
		if r.Repeats > 1 {
			s += fmt.Sprintf(" (%d of %d runs were uneven.)", r.UnevenRuns, r.Repeats)
		}
		fmt.Fprintln(w, s)
	}
	if r.Pace != nil {
		fmt.Fprintln(w, r.Pace.Why)
	}
}

func steadinessHow(repeats int) string {
	how := engine.SteadinessHow()
	if repeats > 1 {
		how += " (the least even run)"
	}
	return how
}

// interferenceFigure is what other programs did, for a table cell.
func interferenceFigure(f engine.InterferenceReport) string {
	if f.Disturbed {
		return f.Figure() + " (disturbed)"
	}
	return f.Figure()
}

func interferenceHow(repeats int) string {
	how := "measured: all busy CPU time minus the worker's and slmscope's, during the run"
	if repeats > 1 {
		how += " (the busiest run)"
	}
	return how
}
