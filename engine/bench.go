package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/ident"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
	"slmscope/internal/interference"
	"slmscope/internal/safefile"
	"slmscope/internal/units"
)

// DefaultPrompt is the prompt the app and benchmarks start from.
const DefaultPrompt = "Explain, in a few short paragraphs, why a small language model that was fine-tuned for one narrow task can answer faster and cheaper than a large general model, and what it gives up in exchange."

// ModelRef is a model to run: a catalog twin (written on demand into the twin cache) or a
// GGUF file the user has.
type ModelRef struct {
	Path   string        // the GGUF file (set for files; filled in for twins by Resolve)
	Twin   bool          // a twin: real speed, random words
	Model  catalog.Model // the catalog entry for twins
	Quant  quant.Quant   // the twin's quantization; the file's dominant type for files
	Label  string        // what to call it on screen
	Params int64
	// WeightBytes is the tensor data in the file (what the memory plan computes).
	WeightBytes int64
	Bytes       int64 // file size
	// ChatTemplate is set by Resolve when the file carries tokenizer.chat_template: a real
	// instruct model, whose prompt a chat run sends through that template.
	ChatTemplate bool
}

// TwinRef is the reference to m's twin at q.
func TwinRef(m catalog.Model, q quant.Quant) ModelRef {
	return ModelRef{Twin: true, Model: m, Quant: q, Label: m.Name + " (twin, " + q.String() + ")", Params: m.ParamCount()}
}

// Key identifies the model for maps and preferences (see ident.Key): a twin by catalog id
// and quant, a file by its path.
func (r ModelRef) Key() ident.Key {
	if r.Twin && r.Model.ID != "" && (r.Path == "" || strings.HasSuffix(r.Path, twin.FileName(r.Model, r.Quant))) {
		return ident.Twin(r.Model.ID, r.Quant)
	}
	return ident.File(r.Path)
}

// ParseModelRef reads "twin:ID" or a path to a .gguf file.
func ParseModelRef(spec, q string) (ModelRef, error) {
	if id, ok := strings.CutPrefix(spec, "twin:"); ok {
		m, ok := catalog.ByID(id)
		if !ok {
			return ModelRef{}, fmt.Errorf("no model %q in the catalog (see `slmscope models`)", id)
		}
		if q == "" {
			q = "q8_0"
		}
		tq, err := twin.ParseQuant(q)
		if err != nil {
			return ModelRef{}, err
		}
		return TwinRef(m, tq), nil
	}
	if spec == "" {
		return ModelRef{}, fmt.Errorf("no model given: use twin:ID (see `slmscope models`) or a path to a .gguf file")
	}
	st, err := safefile.Check(spec)
	if err != nil {
		return ModelRef{}, fmt.Errorf("model file %w", err)
	}
	return ModelRef{Path: spec, Label: baseName(spec), Bytes: st.Size()}, nil
}

// Resolve makes sure the model file exists: it writes a twin into the cache if needed
// (progress gets bytes written) and fills in Path, Params, Quant and Bytes from the file.
func (r *ModelRef) Resolve(ctx context.Context, cache *twin.Cache, progress func(done, total int64)) error {
	if r.Twin && r.Path == "" {
		if cache == nil {
			c, err := TwinCacheHere(ctx)
			if err != nil {
				return err
			}
			cache = c
		}
		p, err := cache.Path(ctx, r.Model, r.Quant, progress)
		if err != nil {
			return err
		}
		r.Path = p
	}
	if err := CheckModelFile(r.Path); err != nil {
		return err
	}
	f, err := gguf.Open(r.Path)
	if err != nil {
		return err
	}
	info := f.Info()
	r.Params = int64(info.ParamCount)
	r.WeightBytes = int64(info.WeightBytes)
	if !r.Twin {
		r.Quant = quant.Canonical(info.DominantType)
		// A twin file opened by path is still a twin: its words are noise.
		if v, ok := f.Get(twin.KeyTwin); ok {
			if b, ok := v.AsBool(); ok && b {
				r.Twin = true
				r.Label += " (" + units.TwinDisclaimer + ")"
			}
		}
	}
	if tmpl, ok := f.GetString(KeyChatTemplate); ok && tmpl != "" {
		r.ChatTemplate = true
	}
	if st, err := os.Stat(r.Path); err == nil {
		r.Bytes = st.Size()
	}
	return nil
}

// BenchOptions configures a benchmark: repeats each start a fresh worker, so load time and
// peak memory are measured from scratch every time.
type BenchOptions struct {
	Model        ModelRef
	PromptTokens int
	GenTokens    int
	Threads      int
	Context      int
	Repeat       int
	// Device and GPULayers say where the model runs (see LoadOptions): the zero values run on
	// the CPU; Device "" with GPULayers AutoLayers takes the hardware GPU with the most free
	// memory and as many layers as fit there.
	Device    string
	GPULayers int
	Worker    Options
	// Progress (may be nil) hears one line per step.
	Progress func(string)
}

// BenchRun is one repeat of a benchmark. BenchResult embeds it for the medians, so its field
// order is the order of the keys in `slmscope bench --json`.
type BenchRun struct {
	WorkerStartMs float64 `json:"worker_start_ms"`
	LoadMs        float64 `json:"load_ms"`
	TTFTMs        float64 `json:"ttft_ms"`
	PromptTokens  int     `json:"prompt_tokens"`
	PromptTPS     float64 `json:"prompt_tps"`
	GenTokens     int     `json:"gen_tokens"`
	GenTPS        float64 `json:"gen_tps"`
	TokenMsP50    float64 `json:"token_ms_p50"`
	TokenMsP95    float64 `json:"token_ms_p95"`
	PeakRSSBytes  uint64  `json:"peak_rss_bytes"`
	// HugePageBytes is the worker's memory in transparent huge pages (0: none, or not told).
	HugePageBytes  uint64  `json:"huge_page_bytes"`
	LlamaPromptTPS float64 `json:"llama_prompt_tps"`
	LlamaGenTPS    float64 `json:"llama_gen_tps"`
	AvgPowerW      float64 `json:"avg_power_w,omitempty"`
	PowerSource    string  `json:"power_source,omitempty"`
	Device         string  `json:"device"` // "cpu", or the GPU llama.cpp offloaded layers to
	// GPULayers is how many of the model's layers went to that GPU (llama.cpp's count: blocks
	// and the output layer); Placement says how they were chosen and llama.cpp's buffers.
	GPULayers int       `json:"gpu_layers"`
	Placement Placement `json:"placement"`
	// Interference is what other programs did during the run; in BenchResult, the busiest
	// run's (see busiest).
	Interference interference.Report `json:"interference"`
	// Steadiness is how evenly the tokens came; in BenchResult, the least even run's.
	Steadiness Steadiness `json:"steadiness"`
}

// BenchResult is the median over repeats (the embedded BenchRun; power source, device and
// token counts are the first repeat's), with every repeat kept.
type BenchResult struct {
	Model     string      `json:"model"`
	Twin      bool        `json:"twin"`
	Quant     quant.Quant `json:"quant"`
	Params    int64       `json:"params"`
	FileBytes int64       `json:"file_bytes"`
	Path      string      `json:"path"`
	Threads   int         `json:"threads"`
	// ThreadsWhy says how Threads was chosen when the caller let ChooseThreads pick it.
	ThreadsWhy   string `json:"threads_why,omitempty"`
	Context      int    `json:"context"`
	LlamaVersion string `json:"llama_version"`
	BenchRun
	Repeats int `json:"repeats"`
	// DisturbedRuns counts the repeats other programs slowed (Interference.Disturbed).
	DisturbedRuns int `json:"disturbed_runs"`
	// LeftOutRuns counts the disturbed repeats left out of the medians (see measuredRuns).
	LeftOutRuns int `json:"left_out_runs"`
	// UnevenRuns counts the repeats whose tokens came unevenly (Steadiness.Uneven).
	UnevenRuns int        `json:"uneven_runs"`
	Runs       []BenchRun `json:"runs"`
	When       time.Time  `json:"when"`
	Method     string     `json:"method"`
	// Pace is the machine's pace after the run against its calibration's (bench --pace).
	Pace *PaceCheck `json:"pace,omitempty"`
}

// Bench measures a model: Model must be resolved (see ModelRef.Resolve).
func Bench(ctx context.Context, o BenchOptions) (*BenchResult, error) {
	o = o.withDefaults()
	say := func(format string, args ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, args...))
		}
	}
	res := newBenchResult(o)
	for i := 0; i < o.Repeat; i++ {
		say("run %d/%d: starting worker", i+1, o.Repeat)
		if err := BenchAgain(ctx, o, res); err != nil {
			return nil, err
		}
		run := res.Runs[len(res.Runs)-1]
		say("run %d/%d: %.1f tok/s generation, %.0f tok/s prompt", i+1, o.Repeat, run.GenTPS, run.PromptTPS)
	}
	return res, nil
}

// newBenchResult is a benchmark of o's model with no runs yet (BenchAgain adds them).
func newBenchResult(o BenchOptions) *BenchResult {
	o = o.withDefaults()
	return &BenchResult{
		Model: o.Model.Label, Twin: o.Model.Twin, Quant: o.Model.Quant, Params: o.Model.Params,
		FileBytes: o.Model.Bytes, Path: o.Model.Path, Threads: o.Threads, Context: o.Context,
		When:   time.Now().UTC(),
		Method: "each repeat starts a fresh worker; greedy sampling; times are slmscope's wall clock on the parent side of the pipe; llama_* are llama.cpp's perf counters for the same run; peak RSS is the worker's VmHWM; values are medians over repeats, leaving out the repeats other programs disturbed while any repeat ran undisturbed; interference is other programs' CPU time during the run (all busy CPU time minus the worker's and slmscope's), from the busiest repeat of those; steadiness is the mean token rate over the median token's, from the least even repeat of those",
	}
}

// BenchAgain measures one more repeat of res's model with o (as Bench did) and takes the
// medians again. The calibration spreads a twin's repeats over the ladder with it, so that a
// slow minute of a shared machine lands on one repeat of several twins, which the median
// drops, rather than on every repeat of one.
func BenchAgain(ctx context.Context, o BenchOptions, res *BenchResult) error {
	o = o.withDefaults()
	run, ver, err := benchOnce(ctx, o)
	if err != nil {
		return err
	}
	res.LlamaVersion = ver
	res.Runs = append(res.Runs, run)
	res.Repeats = len(res.Runs)
	res.takeMedians()
	return nil
}

func (o BenchOptions) withDefaults() BenchOptions {
	if o.Repeat <= 0 {
		o.Repeat = 1
	}
	if o.PromptTokens <= 0 {
		o.PromptTokens = 512
	}
	if o.GenTokens <= 0 {
		o.GenTokens = 128
	}
	if o.Threads <= 0 {
		o.Threads, _ = DefaultThreads()
	}
	if o.Context <= 0 {
		o.Context = max(2048, o.PromptTokens+o.GenTokens+16)
	}
	return o
}

// takeMedians sets res's embedded BenchRun to the medians of its measured runs (measuredRuns;
// power source, device and token counts from the first run).
func (res *BenchResult) takeMedians() {
	used := measuredRuns(res.Runs)
	med := func(f func(BenchRun) float64) float64 {
		xs := make([]float64, len(used))
		for i, r := range used {
			xs[i] = f(r)
		}
		return units.Median(xs)
	}
	res.WorkerStartMs = med(func(r BenchRun) float64 { return r.WorkerStartMs })
	res.LoadMs = med(func(r BenchRun) float64 { return r.LoadMs })
	res.TTFTMs = med(func(r BenchRun) float64 { return r.TTFTMs })
	res.PromptTPS = med(func(r BenchRun) float64 { return r.PromptTPS })
	res.GenTPS = med(func(r BenchRun) float64 { return r.GenTPS })
	res.TokenMsP50 = med(func(r BenchRun) float64 { return r.TokenMsP50 })
	res.TokenMsP95 = med(func(r BenchRun) float64 { return r.TokenMsP95 })
	res.PeakRSSBytes = uint64(med(func(r BenchRun) float64 { return float64(r.PeakRSSBytes) }))
	res.HugePageBytes = uint64(med(func(r BenchRun) float64 { return float64(r.HugePageBytes) }))
	res.LlamaPromptTPS = med(func(r BenchRun) float64 { return r.LlamaPromptTPS })
	res.LlamaGenTPS = med(func(r BenchRun) float64 { return r.LlamaGenTPS })
	res.AvgPowerW = med(func(r BenchRun) float64 { return r.AvgPowerW })
	res.PowerSource = res.Runs[0].PowerSource
	res.Device, res.GPULayers, res.Placement = res.Runs[0].Device, res.Runs[0].GPULayers, res.Runs[0].Placement
	res.PromptTokens = res.Runs[0].PromptTokens
	res.GenTokens = res.Runs[0].GenTokens
	_, res.DisturbedRuns = busiest(res.Runs)
	res.Interference, _ = busiest(used)
	res.LeftOutRuns = len(res.Runs) - len(used)
	res.Steadiness, res.UnevenRuns = unevenest(used)
}

// measuredRuns is the runs a benchmark's medians are taken over: the undisturbed ones when
// other programs disturbed some repeats but not all, else every run. With the medians over
// every repeat, a burst of other work during one of two repeats is half the result: an 8B twin
// benched on 2 threads while a test suite ran beside its first repeat reported 246.7 ms a
// token, the first repeat's 351.1 and the quiet second's 142.4 averaged (2026-12-07,
// docs/accuracy.md). A machine busy through every repeat is still reported, as disturbed.
func measuredRuns(rs []BenchRun) []BenchRun {
	var quiet []BenchRun
	for _, r := range rs {
		if !r.Interference.Disturbed {
			quiet = append(quiet, r)
		}
	}
	if len(quiet) == 0 {
		return rs
	}
	return quiet
}

// LeftOut says which repeats the medians left out and why ("" when none): "1 of 3 runs was
// disturbed and left out of the medians: other programs used 0.93 of 2 cores during the run."
func (res *BenchResult) LeftOut() string {
	if res.LeftOutRuns == 0 {
		return ""
	}
	worst, _ := busiest(res.Runs)
	verb := "were"
	if res.LeftOutRuns == 1 {
		verb = "was"
	}
	return fmt.Sprintf("%d of %d runs %s disturbed and left out of the medians: %s.", res.LeftOutRuns, len(res.Runs), verb, strings.TrimSuffix(worst.Why, "."))
}

// busiest is the interference of the run other programs disturbed most (the most other CPU
// among disturbed runs, else among measured ones), and how many runs were disturbed: one
// disturbed repeat is enough to say that the medians may be low.
func busiest(rs []BenchRun) (interference.Report, int) {
	var worst interference.Report
	n := 0
	for i, r := range rs {
		f := r.Interference
		if f.Disturbed {
			n++
		}
		switch {
		case i == 0:
			worst = f
		case f.Disturbed != worst.Disturbed:
			if f.Disturbed {
				worst = f
			}
		case f.Measured && (!worst.Measured || f.OtherCPUCores > worst.OtherCPUCores):
			worst = f
		}
	}
	return worst, n
}

func benchOnce(ctx context.Context, o BenchOptions) (BenchRun, string, error) {
	wo := o.Worker
	wo.Device = o.Device
	w, err := Start(ctx, wo)
	if err != nil {
		return BenchRun{}, "", err
	}
	defer w.Close()
	_, err = w.Load(ctx, LoadOptions{Path: o.Model.Path, Threads: o.Threads, Context: o.Context, Device: o.Device, GPULayers: o.GPULayers})
	if err != nil {
		return BenchRun{}, "", err
	}
	if w.Placement.OnGPU() {
		// A GPU backend builds its kernels (Vulkan pipelines, CUDA graphs) on first use, which
		// took seconds on the first prompt: warm up once, as llama-bench does, unmeasured.
		if _, err := w.Generate(ctx, GenerateOptions{Prompt: DefaultPrompt, PromptTokens: o.PromptTokens, MaxTokens: 4, IgnoreEOS: true, Greedy: true}, nil); err != nil {
			return BenchRun{}, "", err
		}
	}
	meter := startEnergy()
	r, err := w.Generate(ctx, GenerateOptions{Prompt: DefaultPrompt, PromptTokens: o.PromptTokens, MaxTokens: o.GenTokens, IgnoreEOS: true, Greedy: true}, nil)
	if err != nil {
		return BenchRun{}, "", err
	}
	watts, powerSrc := meter.watts()
	if r.Cancelled {
		return BenchRun{}, "", context.Canceled
	}
	return BenchRun{
		WorkerStartMs: w.StartMs, LoadMs: w.Model.LoadMs,
		TTFTMs: float64(r.TTFT.Nanoseconds()) / 1e6, PromptTPS: r.PromptTPS(), GenTPS: r.GenTPS(),
		TokenMsP50: r.TokenMsPercentile(50), TokenMsP95: r.TokenMsPercentile(95),
		PeakRSSBytes: r.Stats.PeakRSSBytes, HugePageBytes: r.Stats.HugePageBytes, LlamaPromptTPS: r.LlamaPromptTPS(), LlamaGenTPS: r.LlamaGenTPS(),
		PromptTokens: r.PromptTokens, GenTokens: r.GenTokens,
		AvgPowerW: watts, PowerSource: powerSrc, Device: runDevice(w.Placement), GPULayers: w.Placement.GPULayers, Placement: w.Placement,
		Interference: r.Interference,
		Steadiness:   SteadinessOf(r.GenTokens, r.GenTPS(), r.TokenMsPercentile(50), r.TokenMsPercentile(95)),
	}, w.Ready.LlamaVersion, nil
}

func baseName(p string) string {
	i := strings.LastIndexAny(p, `/\`)
	return p[i+1:]
}

// runDevice names where a model ran, as the projections' machine names it: the GPU's own
// name when llama.cpp put every layer there, "GPU + cpu" when some, else "cpu".
func runDevice(p Placement) string {
	if !p.OnGPU() {
		return "cpu"
	}
	name := p.Device
	if p.Description != "" {
		name = p.Description
	}
	if !p.Whole() {
		return name + " + cpu" // partly on the CPU: no one device's speed
	}
	return name
}
