package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/runs"
	"slmscope/engine/twin"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// LadderStep is one twin the calibration measures, and after what prompt (promptFor).
type LadderStep struct {
	ModelID string
	Quant   quant.Quant
	Prompt  PromptLength
}

// DefaultLadder mixes the quantizations people run (Q4_K_M, Q5_K_M, Q3_K_M, Q6_K, Q8_0,
// Q4_0, F16) so the kernel fit sees every common kernel. Only matrices whose rows are a
// multiple of 256 take K-quant blocks, so the K-quant kernels themselves are measured on
// Llama 3.2 1B (2048 wide); the small SmolLM2 and Qwen2.5 shapes exercise the 32-block
// fallbacks (Q5_0, Q5_1, Q8_0) and pin the fixed and per-block costs. Llama 3.2 1B comes early
// (steps 4, 8, 11) so that a busy machine, which climbs fewer steps in the budget, still
// measures the K-quant kernels instead of only small twins. Granite 3.0 1B-A400M, a mixture of
// experts small enough to write and run in seconds (32 experts, 8 per token), puts the expert
// matrices' kernel among the measured runs, so projections of MoE models rest on one measured
// MoE rather than on dense runs alone. It runs twice: at Q4_K_M, as most MoE files are
// published, and at MXFP4_MOE, gpt-oss's published layout, because MXFP4's kernel (4-bit
// values through a table) is like no other the ladder measures: costed as Q5_0, gpt-oss-20b
// was projected at 7.2–7.3 tok/s in three sittings where it ran 9.1–11.0 (docs/accuracy.md).
// Then a second run of the kernels one step alone measured (Q5_K and Q3_K on Qwen3 0.6B, Q5_1
// on SmolLM2 360M): a kernel's cost fitted on one run takes that run's noise whole, and
// leave-one-out cannot check it (its run, left out, is projected from another kernel).
// Two SmolLM2-135M steps decode after a long prompt (LongPrompt), so that the kernel model
// measures what attention costs at a thousand positions rather than assuming it; the Q4_0 one
// runs after a short prompt too, in the same pass, so that one twin's two positions pin the
// cost between them. Without that pair the fit told attention from those kernels' costs only
// through the other twins, and the machine's drift between steps landed in it: 16–54 GFLOP/s
// in three calibrations of one machine (docs/accuracy.md).
// TestLadderMeasuresEveryPublishedKernel keeps the ladder covering the catalog's kernels.
// Steps that would not fit in memory or in the time left are skipped, and the calibration
// says so; projections of types never measured say "uncalibrated type".
var DefaultLadder = []LadderStep{
	{"smollm2-135m", quant.Q8_0, ShortPrompt},
	{"smollm2-135m", quant.Q4_0, LongPrompt},
	{"smollm2-135m", quant.Q4_0, ShortPrompt},
	{"smollm2-135m", quant.F16, ShortPrompt},
	{"llama-3.2-1b", quant.Q4_K_M, ShortPrompt},
	{"smollm2-135m", quant.Q4_K_M, LongPrompt},
	{"qwen2.5-0.5b", quant.Q4_0, ShortPrompt},
	{"smollm2-360m", quant.Q8_0, ShortPrompt},
	{"llama-3.2-1b", quant.Q5_K_M, ShortPrompt},
	{"smollm2-135m", quant.Q6_K, ShortPrompt},
	{"qwen2.5-0.5b", quant.Q6_K, ShortPrompt},
	{"llama-3.2-1b", quant.Q3_K_M, ShortPrompt},
	{"granite-3.0-1b-a400m", quant.Q4_K_M, ShortPrompt},
	{"granite-3.0-1b-a400m", quant.MXFP4_MOE, ShortPrompt},
	{"smollm2-135m", quant.Q5_K_M, ShortPrompt},
	{"qwen3-0.6b", quant.Q5_K_M, ShortPrompt},
	{"smollm2-360m", quant.Q5_K_M, ShortPrompt},
	{"qwen3-0.6b", quant.Q3_K_M, ShortPrompt},
	{"smollm2-360m", quant.Q4_K_M, ShortPrompt},
	{"llama-3.2-1b", quant.Q6_K, ShortPrompt},
	{"qwen2.5-0.5b", quant.Q4_K_M, ShortPrompt},
	{"llama-3.2-1b", quant.Q4_0, ShortPrompt},
	{"qwen2.5-1.5b", quant.Q4_K_M, ShortPrompt},
	{"smollm2-1.7b", quant.Q8_0, ShortPrompt},
	{"llama-3.2-3b", quant.Q4_K_M, ShortPrompt},
	{"llama-3.1-8b", quant.Q4_0, ShortPrompt},
}

// CalibrateOptions configures "Measure this machine".
type CalibrateOptions struct {
	Budget time.Duration // measuring time allowed (default 90 s)
	// WriteBudget is the time allowed for writing twins the cache lacks (default Budget): a
	// fresh install writes every twin, and that time is not taken from the measuring. A twin
	// that would not be written in what is left is skipped (written twins are kept, so the
	// next calibration measures it).
	WriteBudget time.Duration
	// GrowBudget is the measuring time the CPU ladder may add when the runs measured within
	// Budget miss issue 22's quality goals, or when it stopped before a step that measures a
	// kernel none of them did (default Budget/2; negative: none). A noisy machine
	// measures fewer twins in its budget, and fewer runs per kernel give wider bands.
	GrowBudget   time.Duration
	Ladder       []LadderStep // default DefaultLadder
	Threads      int          // default all logical CPUs
	PromptTokens int          // default 128
	GenTokens    int          // default 32
	Machine      estimate.MachineSpec
	Key          string // hardware key the result is cached under
	Cache        *twin.Cache
	Worker       Options
	// Progress hears the step (1-based), the number of steps, a sentence, and the overall
	// fraction done (0..1).
	Progress func(step, steps int, msg string, frac float64)
	// Record, when set, gets every measured step for the run history (see Record).
	Record func(runs.Run) error
	// GPUBudget is the measuring time of the GPU ladder, run after the CPU ladder when
	// Machine has a GPU that llama.cpp lists (default Budget/2; negative: no GPU ladder).
	GPUBudget time.Duration
	// GPULadder is the GPU ladder (default GPULadder).
	GPULadder []LadderStep
}

// Calibrate measures the twin ladder within the time budget. The budget counts measuring time
// only: writing twins (a fresh install writes every one) has its own progress and is not
// counted, so a first calibration measures as much as any later one. A cancelled context returns
// what was measured so far with ctx.Err(); the caller may keep it.
func Calibrate(ctx context.Context, o CalibrateOptions) (estimate.Calibration, error) {
	if err := o.withDefaults(); err != nil {
		return estimate.Calibration{}, err
	}
	cal, err := calibrateOn(ctx, o, "")
	gpu := calibrationGPU(o.Machine)
	if err != nil || gpu == "" || o.GPUBudget < 0 {
		return cal, err
	}
	g := o
	g.Budget, g.Ladder, g.Machine = o.GPUBudget, o.GPULadder, cal.Machine
	gcal, err := calibrateOn(ctx, g, gpu)
	cal.Measurements = append(cal.Measurements, gcal.Measurements...)
	cal.Notes = append(cal.Notes, gcal.Notes...)
	cal.DisturbedRuns += gcal.DisturbedRuns
	return cal, err
}

// calibrateOn climbs one ladder: on the CPU when gpu is "", else with every layer on the GPU
// called gpu (a step that does not go wholly there is left out, with a note).
func calibrateOn(ctx context.Context, o CalibrateOptions, gpu string) (estimate.Calibration, error) {
	c := &calibration{o: o, gpu: gpu, start: time.Now(), writeBps: 300e6}
	// Measure the memory bandwidth afresh: the per-boot cache may hold a figure taken while
	// the machine was busy, and the speed fit uses it as its prior.
	if gpu == "" {
		c.say(0, "Measuring memory bandwidth…")
		if bw := hwprobe.CachedBandwidth(ctx, hwprobe.Options{Remeasure: true}); bw.ReadGBps > 0 {
			c.o.Machine.MeasuredBandwidthGBs = bw.ReadGBps
		}
	}
	c.cal = estimate.Calibration{Key: o.Key, When: c.start.UTC(), Machine: c.o.Machine, BudgetSeconds: o.Budget.Seconds()}
	next, err := c.climbFrom(ctx, 0)
	if err != nil {
		return c.cal, err
	}
	err = c.repeat(ctx, false)
	// A first calibration on a noisy machine can end with too few runs for bands as narrow as
	// the goals, or before a step that measures a kernel no run has (unmeasuredAhead): then it
	// climbs further, within GrowBudget.
	for err == nil && gpu == "" && next < len(c.o.Ladder) && c.grown < c.o.GrowBudget {
		miss := c.growReason(next)
		if miss == "" {
			break
		}
		more := min(c.o.GrowBudget-c.grown, c.o.Budget/2)
		c.grown += more
		c.o.Budget += more
		c.note("measured %.0f s more: after %s %s", more.Seconds(), units.Count(len(c.measured), "twin"), miss)
		c.say(next+1, fmt.Sprintf("Measuring %.0f s more: after %s %s…", more.Seconds(), units.Count(len(c.measured), "twin"), miss))
		c.reserved = 0 // the repeats reserved for are done
		if next, err = c.climbFrom(ctx, next); err != nil {
			return c.cal, err
		}
		err = c.repeat(ctx, false)
	}
	if err == nil {
		err = c.repeat(ctx, true)
	}
	c.cal.BudgetSeconds = c.o.Budget.Seconds()
	c.cal.DisturbedRuns = c.tally.disturbed
	if busy := (*BusyError)(nil); errors.As(err, &busy) {
		return c.cal, err
	}
	c.finish()
	if err != nil {
		return c.cal, err
	}
	if len(c.cal.Measurements) < 3 {
		c.cal.Notes = append(c.cal.Notes, fmt.Sprintf("only %s measured: projections lean on the bandwidth prior", units.Count(c.cal.Twins(), "twin")))
	}
	if c.writing > 0 {
		c.cal.Notes = append(c.cal.Notes, fmt.Sprintf("writing the twins took %.0f s, not counted in the budget", c.writing.Seconds()))
	}
	c.say(len(c.o.Ladder), fmt.Sprintf("Measured %s in %.0f s.", units.Count(c.cal.Twins(), "twin"), c.measuring().Seconds()))
	return c.cal, nil
}

// withDefaults fills the options a caller left out.
func (o *CalibrateOptions) withDefaults() error {
	if o.Budget <= 0 {
		o.Budget = 90 * time.Second
	}
	if o.WriteBudget <= 0 {
		o.WriteBudget = o.Budget
	}
	if o.GrowBudget == 0 {
		o.GrowBudget = o.Budget / 2
	}
	if len(o.Ladder) == 0 {
		o.Ladder = DefaultLadder
	}
	if o.GPUBudget == 0 {
		o.GPUBudget = o.Budget / 2
	}
	if len(o.GPULadder) == 0 {
		o.GPULadder = GPULadder
	}
	if o.Threads <= 0 {
		o.Threads, _ = DefaultThreads()
	}
	if o.PromptTokens <= 0 {
		o.PromptTokens = 128
	}
	if o.GenTokens <= 0 {
		o.GenTokens = 32
	}
	if o.Cache == nil {
		c, err := twin.DefaultCache()
		if err != nil {
			return err
		}
		o.Cache = c
	}
	return nil
}

// calibration is one Calibrate in progress: the ladder's climb, with the rates it learns to
// predict whether the next step fits the budget.
type calibration struct {
	o     CalibrateOptions
	gpu   string // the GPU this ladder runs on; "" for the CPU
	cal   estimate.Calibration
	start time.Time
	// writing is the time spent writing twins, which the budget does not count; writeBps is
	// how fast they were written (a first guess until one is).
	writing  time.Duration
	writeBps float64
	// The last measured step's time for one run, its file size and the bytes a token of it
	// reads (stepRead): a run's time grows about linearly with the bytes read per token, so the
	// next one is predicted by scaling.
	lastRunSec float64
	lastSize   int64
	lastRead   float64
	// The climb runs each twin once; its other repeats come in passes after it (repeatLadder),
	// and reserved is the time they will take.
	measured []ladderRun
	reserved float64
	// grown is the measuring time added to the budget because the quality missed its goals.
	grown time.Duration
	// Runs other programs disturbed are measured again or left out, never fitted on.
	tally disturbTally
}

// measuring is the time spent so far, twin writing left out.
func (c *calibration) measuring() time.Duration { return time.Since(c.start) - c.writing }

// say reports progress: the fraction is of the measuring budget.
func (c *calibration) say(step int, msg string) {
	if c.o.Progress != nil {
		frac := min(c.measuring().Seconds()/c.o.Budget.Seconds(), 1)
		c.o.Progress(step, len(c.o.Ladder), msg, max(frac, 0))
	}
}

func (c *calibration) note(format string, args ...any) {
	c.cal.Notes = append(c.cal.Notes, fmt.Sprintf(format, args...))
}

// finish turns the measured twins into the calibration's measurements and the run history.
func (c *calibration) finish() {
	for _, r := range c.measured {
		ms := MeasurementFromBench(r.modelID, r.res, r.opts.Model)
		if c.gpu != "" {
			if !r.res.Placement.Whole() {
				c.note("left out %s on the GPU: llama.cpp put %s layers there, not all", r.label, r.res.Placement.Offloaded)
				continue
			}
			ms.Device = c.gpu // as the machine names it, which llama.cpp's name may not match
		}
		c.cal.Measurements = append(c.cal.Measurements, ms)
		if c.o.Record != nil {
			if err := c.o.Record(RunFromBench(runs.OriginCalibration, r.opts.Model, r.res, c.o.Key)); err != nil {
				c.note("run history: %v", err)
			}
		}
	}
}

// climb takes one step of the ladder: done says the budget is spent. An error ends the
// calibration (what was measured is kept in c.cal when it is a cancel).
func (c *calibration) climb(ctx context.Context, step int, st LadderStep) (done bool, err error) {
	m, ok := catalog.ByID(st.ModelID)
	if !ok {
		c.note("skipped %s: not in the catalog", st.ModelID)
		return false, nil
	}
	q, err := twin.ParseQuant(string(st.Quant))
	if err != nil {
		return false, err
	}
	size, err := twin.Size(m, q)
	if err != nil {
		return false, err
	}
	label := m.Name + " " + q.String()
	if c.unfit(m, q, label) {
		return false, nil
	}
	// Predict this step's measuring time: reading its weights once per generated token at the
	// rate the last step showed. Writing the twin is not counted.
	read := stepRead(m, q)
	predicted := c.predict(size, read)
	left := c.o.Budget.Seconds() - c.measuring().Seconds() - c.reserved
	if len(c.measured) >= 3 && predicted > left {
		c.note("stopped before %s: it would take about %.0f s and %.0f s of the budget were left", label, predicted, max(left, 0))
		return true, nil
	}
	if !c.o.Cache.Has(m, q) {
		write := float64(size) / c.writeBps
		if w := c.o.WriteBudget.Seconds() - c.writing.Seconds(); len(c.measured) >= 3 && write > w {
			c.note("skipped %s: writing its twin would take about %.0f s and %.0f s of the time for writing twins were left (twins written now are kept: the next calibration goes further)", label, write, max(w, 0))
			return false, nil
		}
	}
	ref, skip, err := c.prepare(ctx, step, m, q, size, label)
	if err != nil || skip {
		return false, err
	}
	return false, c.measure(ctx, step, m, size, label, ref, c.o.promptFor(step, st))
}

// prepare writes the step's twin unless the cache has it, with its own progress; skip says
// the twin cannot be written here (noted).
func (c *calibration) prepare(ctx context.Context, step int, m catalog.Model, q quant.Quant, size int64, label string) (ModelRef, bool, error) {
	c.say(step, "Preparing the "+label+" twin…")
	ref := TwinRef(m, q)
	t0 := time.Now()
	wrote := !c.o.Cache.Has(m, q)
	err := ref.Resolve(ctx, c.o.Cache, func(done, total int64) {
		c.say(step, fmt.Sprintf("Writing the %s twin (%.0f%%; first time only, not counted in the budget)…", label, 100*float64(done)/float64(max(total, 1))))
	})
	if wrote {
		took := time.Since(t0)
		c.writing += took
		if err == nil && took > 50*time.Millisecond {
			c.writeBps = float64(size) / took.Seconds()
		}
	}
	var fit *twin.FitError
	switch {
	case err == nil:
		return ref, false, nil
	case ctx.Err() != nil:
		c.finish()
		return ref, false, ctx.Err()
	case errors.As(err, &fit):
		c.note("skipped %s: %v", label, err)
		return ref, true, nil
	}
	return ref, false, err
}

// measure benchmarks the step's twin once (measured again while other programs disturb it)
// and adds it to the climb.
func (c *calibration) measure(ctx context.Context, step int, m catalog.Model, size int64, label string, ref ModelRef, prompt int) error {
	c.say(step, "Measuring "+label+"…")
	benchStart, disturbedBefore := time.Now(), c.tally.disturbed
	bo := BenchOptions{Model: ref, PromptTokens: prompt, GenTokens: c.o.GenTokens, Threads: c.o.Threads, Repeat: 1, Worker: c.o.Worker}
	if c.gpu != "" {
		bo.Device, bo.GPULayers = "auto", AutoLayers
	}
	res := newBenchResult(bo)
	r := ladderRun{step: step, label: label, modelID: m.ID, opts: bo, res: res, want: c.repeats(size)}
	err := measureClean(ctx, &r, benchLadderRun, &c.tally)
	c.cal.DisturbedRuns = c.tally.disturbed
	var busy *BusyError
	switch {
	case errors.As(err, &busy):
		return err
	case errors.Is(err, errDisturbedLeftOut):
		c.note("left out %s: other programs disturbed it %d times in a row (%s)", label, maxDisturbedRetries+1, c.tally.last.Why)
		return nil
	case err != nil && ctx.Err() != nil:
		c.finish()
		return ctx.Err()
	case err != nil:
		c.note("%s failed: %v", label, err)
		return nil
	}
	// the time of one run, disturbed tries left out, predicts the next steps
	c.lastRunSec, c.lastSize, c.lastRead = time.Since(benchStart).Seconds()/float64(1+c.tally.disturbed-disturbedBefore), size, stepRead(m, ref.Quant)
	r.runSec = c.lastRunSec
	c.reserved += float64(r.want-1) * c.lastRunSec
	c.measured = append(c.measured, r)
	c.say(step, fmt.Sprintf("%s: %.1f tok/s generation, %.0f tok/s prompt", label, res.GenTPS, res.PromptTPS))
	return nil
}
