package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/runs"
	"slmscope/engine/twin"
	"slmscope/hwprobe"
)

// LadderStep is one twin the calibration measures.
type LadderStep struct {
	ModelID string
	Quant   quant.Quant
}

// DefaultLadder mixes the quantizations people run (Q4_K_M, Q5_K_M, Q3_K_M, Q6_K, Q8_0,
// Q4_0, F16) so the kernel fit sees every common kernel. Only matrices whose rows are a
// multiple of 256 take K-quant blocks, so the K-quant kernels themselves are measured on
// Llama 3.2 1B (2048 wide); the small SmolLM2 and Qwen2.5 shapes exercise the 32-block
// fallbacks (Q5_0, Q5_1, Q8_0) and pin the fixed and per-block costs. Llama 3.2 1B comes early
// (steps 4, 8, 11) so that a busy machine, which climbs fewer steps in the budget, still
// measures the K-quant kernels instead of only small twins. Steps that would not fit in memory
// or in the time left are skipped, and the calibration says so; projections of types never
// measured say "uncalibrated type".
var DefaultLadder = []LadderStep{
	{"smollm2-135m", quant.Q8_0},
	{"smollm2-135m", quant.Q4_0},
	{"smollm2-135m", quant.F16},
	{"llama-3.2-1b", quant.Q4_K_M},
	{"smollm2-135m", quant.Q4_K_M},
	{"qwen2.5-0.5b", quant.Q4_0},
	{"smollm2-360m", quant.Q8_0},
	{"llama-3.2-1b", quant.Q5_K_M},
	{"smollm2-135m", quant.Q6_K},
	{"qwen2.5-0.5b", quant.Q6_K},
	{"llama-3.2-1b", quant.Q3_K_M},
	{"smollm2-135m", quant.Q5_K_M},
	{"smollm2-360m", quant.Q4_K_M},
	{"llama-3.2-1b", quant.Q6_K},
	{"qwen2.5-0.5b", quant.Q4_K_M},
	{"smollm2-360m", quant.Q5_K_M},
	{"llama-3.2-1b", quant.Q4_0},
	{"qwen2.5-1.5b", quant.Q4_K_M},
	{"smollm2-1.7b", quant.Q8_0},
	{"llama-3.2-3b", quant.Q4_K_M},
	{"llama-3.1-8b", quant.Q4_0},
}

// CalibrateOptions configures "Measure this machine".
type CalibrateOptions struct {
	Budget       time.Duration // total time allowed (default 90 s)
	Ladder       []LadderStep  // default DefaultLadder
	Threads      int           // default all logical CPUs
	PromptTokens int           // default 128
	GenTokens    int           // default 32
	Machine      estimate.Machine
	Key          string // hardware key the result is cached under
	Cache        *twin.Cache
	Worker       Options
	// Progress hears the step (1-based), the number of steps, a sentence, and the overall
	// fraction done (0..1).
	Progress func(step, steps int, msg string, frac float64)
	// Record, when set, gets every measured step for the run history (see Record).
	Record func(runs.Run) error
}

// Calibrate measures the twin ladder within the time budget. A cancelled context returns what
// was measured so far with ctx.Err(); the caller may keep it.
func Calibrate(ctx context.Context, o CalibrateOptions) (estimate.Calibration, error) {
	if o.Budget <= 0 {
		o.Budget = 90 * time.Second
	}
	if len(o.Ladder) == 0 {
		o.Ladder = DefaultLadder
	}
	if o.Threads <= 0 {
		o.Threads = runtime.NumCPU()
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
			return estimate.Calibration{}, err
		}
		o.Cache = c
	}
	start := time.Now()
	// Measure the memory bandwidth afresh: the per-boot cache may hold a figure taken while
	// the machine was busy, and the speed fit uses it as its prior.
	if o.Progress != nil {
		o.Progress(0, len(o.Ladder), "Measuring memory bandwidth…", 0)
	}
	if bw := hwprobe.CachedBandwidth(ctx, hwprobe.Options{Remeasure: true}); bw.ReadGBps > 0 {
		o.Machine.MeasuredBandwidthGBs = bw.ReadGBps
	}
	cal := estimate.Calibration{Key: o.Key, When: start.UTC(), Machine: o.Machine, BudgetSeconds: o.Budget.Seconds()}
	say := func(step int, msg string) {
		if o.Progress != nil {
			frac := min(time.Since(start).Seconds()/o.Budget.Seconds(), 1)
			o.Progress(step, len(o.Ladder), msg, frac)
		}
	}
	// Rates learned as the ladder runs, to predict whether the next step fits the budget.
	writeBps := 300e6 // a first guess for twin writing, replaced after the first write
	// The last measured step's time for one run and its file size: a run's time grows about
	// linearly with the bytes read per token, so the next one is predicted by scaling.
	var lastRunSec float64
	var lastSize int64
	// The climb runs each twin once; its other repeats come in passes after it (repeatLadder),
	// and reserved is the time they will take.
	var measured []ladderRun
	var reserved float64
	// Runs other programs disturbed are measured again or left out, never fitted on.
	var tally disturbTally
	finish := func() {
		for _, r := range measured {
			cal.Measurements = append(cal.Measurements, MeasurementFromBench(r.modelID, r.res, r.opts.Model))
			if o.Record != nil {
				if err := o.Record(RunFromBench(runs.OriginCalibration, r.opts.Model, r.res, o.Key)); err != nil {
					cal.Notes = append(cal.Notes, "run history: "+err.Error())
				}
			}
		}
	}
	for i, st := range o.Ladder {
		step := i + 1
		m, ok := catalog.ByID(st.ModelID)
		if !ok {
			cal.Notes = append(cal.Notes, fmt.Sprintf("skipped %s: not in the catalog", st.ModelID))
			continue
		}
		q, err := twin.ParseQuant(string(st.Quant))
		if err != nil {
			return cal, err
		}
		size, err := twin.Size(m, q)
		if err != nil {
			return cal, err
		}
		label := m.Name + " " + q.String()
		if v, err := estimate.FitAt(m, q, twin.RunContext, o.Machine, estimate.DefaultOverhead()); err == nil && !v.Fits && v.Placement != estimate.PlaceUnknown {
			cal.Notes = append(cal.Notes, fmt.Sprintf("skipped %s: %s", label, v.Sentence))
			continue
		}
		// Predict this step's time: writing the twin (unless cached) plus reading its weights
		// once per generated token at the rate the last step showed.
		predicted := 1.0
		if !o.Cache.Has(m, q) {
			predicted += float64(size) / writeBps
		}
		if lastSize > 0 {
			predicted += lastRunSec * float64(size) / float64(lastSize) * float64(calibrationRepeats(size))
		}
		left := o.Budget.Seconds() - time.Since(start).Seconds() - reserved
		if len(measured) >= 3 && predicted > left {
			cal.Notes = append(cal.Notes, fmt.Sprintf("stopped before %s: it would take about %.0f s and %.0f s of the budget were left", label, predicted, max(left, 0)))
			break
		}
		say(step, "Preparing the "+label+" twin…")
		ref := TwinRef(m, q)
		t0 := time.Now()
		wrote := !o.Cache.Has(m, q)
		if err := ref.Resolve(ctx, o.Cache, func(done, total int64) {
			say(step, fmt.Sprintf("Writing the %s twin (%.0f%%)…", label, 100*float64(done)/float64(max(total, 1))))
		}); err != nil {
			if ctx.Err() != nil {
				finish()
				return cal, ctx.Err()
			}
			var fit *twin.FitError
			if errors.As(err, &fit) {
				cal.Notes = append(cal.Notes, "skipped "+label+": "+err.Error())
				continue
			}
			return cal, err
		}
		if wrote {
			if sec := time.Since(t0).Seconds(); sec > 0.05 {
				writeBps = float64(size) / sec
			}
		}
		say(step, "Measuring "+label+"…")
		benchStart, disturbedBefore := time.Now(), tally.disturbed
		// Prompts alternate between half and one and a half times PromptTokens, so the
		// per-kernel prompt model sees how prompt speed moves with length.
		prompt := o.PromptTokens / 2
		if step%2 == 0 {
			prompt = o.PromptTokens * 3 / 2
		}
		bo := BenchOptions{Model: ref, PromptTokens: prompt, GenTokens: o.GenTokens, Threads: o.Threads, Repeat: 1, Worker: o.Worker}
		res := newBenchResult(bo)
		r := ladderRun{step: step, label: label, modelID: m.ID, opts: bo, res: res, want: calibrationRepeats(size)}
		err = measureClean(ctx, &r, benchLadderRun, &tally)
		cal.DisturbedRuns = tally.disturbed
		var busy *BusyError
		switch {
		case errors.As(err, &busy):
			return cal, err
		case errors.Is(err, errDisturbedLeftOut):
			cal.Notes = append(cal.Notes, fmt.Sprintf("left out %s: other programs disturbed it %d times in a row (%s)", label, maxDisturbedRetries+1, tally.last.Why))
			continue
		case err != nil:
			if ctx.Err() != nil {
				finish()
				return cal, ctx.Err()
			}
			cal.Notes = append(cal.Notes, fmt.Sprintf("%s failed: %v", label, err))
			continue
		}
		// the time of one run, disturbed tries left out, predicts the next steps
		lastRunSec, lastSize = time.Since(benchStart).Seconds()/float64(1+tally.disturbed-disturbedBefore), size
		r.runSec = lastRunSec
		reserved += float64(r.want-1) * lastRunSec
		measured = append(measured, r)
		say(step, fmt.Sprintf("%s: %.1f tok/s generation, %.0f tok/s prompt", label, res.GenTPS, res.PromptTPS))
	}
	// the repeats may run past the budget by a fifth when the machine slowed down on the way
	deadline := start.Add(o.Budget * 6 / 5)
	err := repeatLadder(ctx, measured, start.Add(o.Budget), deadline, benchLadderRun, say, &cal.Notes, &tally)
	cal.DisturbedRuns = tally.disturbed
	if busy := (*BusyError)(nil); errors.As(err, &busy) {
		return cal, err
	}
	if err != nil {
		finish()
		return cal, err
	}
	finish()
	if len(cal.Measurements) < 3 {
		cal.Notes = append(cal.Notes, fmt.Sprintf("only %d twins measured: projections lean on the bandwidth prior", len(cal.Measurements)))
	}
	say(len(o.Ladder), fmt.Sprintf("Measured %d twins in %.0f s.", len(cal.Measurements), time.Since(start).Seconds()))
	return cal, nil
}

// calibrationRepeats is how many times a twin is measured (the median is kept). A short run
// on a shared machine moves by ±10 %, so small twins, which cost well under a second each,
// are measured three times; large ones, where one run takes many seconds, once. The repeats
// are spread over the ladder (repeatLadder).
func calibrationRepeats(fileBytes int64) int {
	switch {
	case fileBytes < 1<<30:
		return 3
	case fileBytes < 3<<30:
		return 2
	}
	return 1
}

// MeasurementFromBench turns a benchmark into the estimator's input.
func MeasurementFromBench(modelID string, r *BenchResult, ref ModelRef) estimate.Measurement {
	return estimate.Measurement{
		ModelID: modelID, Quant: r.Quant, Params: r.Params,
		FileBytes: r.FileBytes, WeightBytes: ref.WeightBytes,
		Context: r.Context, Threads: r.Threads, Device: r.Device,
		GenTPS: r.GenTPS, GenTokens: r.GenTokens, TokenMsP50: r.TokenMsP50, PromptTPS: r.PromptTPS, PromptTokens: r.PromptTokens,
		TTFTMs: r.TTFTMs, LoadMs: r.LoadMs, PeakRSSBytes: int64(r.PeakRSSBytes),
		AvgPowerW: r.AvgPowerW, PowerSource: r.PowerSource, Twin: r.Twin, When: r.When,
	}
}
