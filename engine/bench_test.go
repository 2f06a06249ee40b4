package engine_test

import (
	"context"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/twin"
	"slmscope/hwprobe"
)

// BenchmarkGenerateSmolLM2Twin measures the speed goal: slmscope's wall-clock
// generation speed through the worker against llama.cpp's own counter for the same run
// (SmolLM2-135M twin, Q8_0, 2 threads, 128 tokens). Run with:
//
//	go test -run '^$' -bench GenerateSmolLM2 -benchtime 5x ./engine/
//
// It reports wall_tok/s, llama_tok/s and wall/llama (the goal is ≥ 0.97).
func BenchmarkGenerateSmolLM2Twin(b *testing.B) {
	ref := smolLM2Twin(b)
	ctx := context.Background()
	w := startWorker(b, ctx, measuringWorkerOptions())
	defer w.Close()
	if _, err := w.Load(ctx, engine.LoadOptions{Path: ref.Path, Threads: 2, Context: 2048, GPULayers: -1}); err != nil {
		b.Fatal(err)
	}
	var wall, llama, ratio float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := w.Generate(ctx, engine.GenerateOptions{Prompt: engine.DefaultPrompt, PromptTokens: 512, MaxTokens: 128, IgnoreEOS: true, Greedy: true}, nil)
		if err != nil {
			b.Fatal(err)
		}
		wall += r.GenTPS()
		llama += r.LlamaGenTPS()
		ratio += r.GenTPS() / r.LlamaGenTPS()
	}
	n := float64(b.N)
	b.ReportMetric(wall/n, "wall_tok/s")
	b.ReportMetric(llama/n, "llama_tok/s")
	b.ReportMetric(ratio/n, "wall/llama")
	if ratio/n < wallGoal {
		b.Errorf("slmscope's wall clock gave %.3f of llama.cpp's own counter; the goal is ≥ %.2f", ratio/n, wallGoal)
	}
}

// The speed and accuracy goals the benchmarks below check: they fail when a goal is missed, so
// run them on a quiet machine (make bench, make accuracy), never inside make test.
const (
	wallGoal           = 0.97 // slmscope's wall-clock tok/s ÷ llama.cpp's own counter
	decodeMedianGoal   = 10.0 // median |decode error| % over the ladder's leave-one-out
	memoryMaxErrorGoal = 10.0 // worst |memory error| % against the measured peak RSS
)

// BenchmarkWorkerStartAndLoad is the time from starting a worker to the SmolLM2-135M twin
// being loaded and ready: what a user waits before the first token on a cold start.
func BenchmarkWorkerStartAndLoad(b *testing.B) {
	ref := smolLM2Twin(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := startWorker(b, ctx, measuringWorkerOptions())
		if _, err := w.Load(ctx, engine.LoadOptions{Path: ref.Path, Threads: 2, Context: 2048, GPULayers: -1}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		w.Close()
		b.StartTimer()
	}
}

// smolLM2Twin resolves the SmolLM2-135M Q8_0 twin in the user's twin cache (written once).
func smolLM2Twin(b *testing.B) engine.ModelRef {
	b.Helper()
	ref, err := engine.ParseModelRef("twin:smollm2-135m", "q8_0")
	if err != nil {
		b.Fatal(err)
	}
	cache, err := twin.DefaultCache()
	if err != nil {
		b.Fatal(err)
	}
	if err := ref.Resolve(context.Background(), cache, nil); err != nil {
		b.Fatal(err)
	}
	return ref
}

// BenchmarkProjectionAccuracy runs the calibration ladder on this machine (90 s budget, as
// "Measure this machine" does) and reports how well the projections predict each measured
// twin from the others: the goals are a median absolute decode-speed error ≤ 10 % and
// memory within 10 % of the measured peak RSS for every twin. Run with:
//
//	go test -run '^$' -bench ProjectionAccuracy -benchtime 1x -timeout 30m ./engine/
func BenchmarkProjectionAccuracy(b *testing.B) {
	hw, err := hwprobe.Probe(context.Background(), hwprobe.Options{})
	if err != nil {
		b.Fatal(err)
	}
	machine := estimate.MachineFromReport(hw)
	for i := 0; i < b.N; i++ {
		cal, err := engine.Calibrate(context.Background(), engine.CalibrateOptions{
			Budget: 90 * time.Second, Machine: machine, Key: estimate.HardwareKey(hw), Worker: measuringWorkerOptions(),
		})
		if err != nil {
			b.Fatal(err)
		}
		v := estimate.Validate(machine, cal, catalog.All())
		b.ReportMetric(float64(len(cal.Measurements)), "twins")
		b.ReportMetric(v.MedianAbsErrorPct, "decode_median_abs_err_%")
		b.ReportMetric(v.MedianAbsMemoryErrorPct, "memory_median_abs_err_%")
		b.ReportMetric(v.MaxAbsMemoryErrorPct, "memory_max_abs_err_%")
		if v.MedianAbsErrorPct > decodeMedianGoal || v.MaxAbsMemoryErrorPct > memoryMaxErrorGoal {
			b.Errorf("decode median error %.1f %% (goal ≤ %.0f %%), worst memory error %.1f %% (goal ≤ %.0f %%)",
				v.MedianAbsErrorPct, decodeMedianGoal, v.MaxAbsMemoryErrorPct, memoryMaxErrorGoal)
		}
	}
}
