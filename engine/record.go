package engine

import (
	"slmscope/engine/estimate"
	"slmscope/engine/runs"
	"slmscope/internal/interference"
)

// RunFromBench turns a benchmark of ref into a run-history entry from origin on the machine
// with hardware key machine.
func RunFromBench(origin string, ref ModelRef, r *BenchResult, machine string) runs.Run {
	run := runs.Run{When: r.When, Origin: origin, Key: ref.Key(), Label: ref.Label, Quant: r.Quant, Twin: r.Twin,
		Params: r.Params, Machine: machine, Threads: r.Threads, Context: r.Context,
		PromptTokens: r.PromptTokens, GenTokens: r.GenTokens, LoadMs: r.LoadMs, TTFTMs: r.TTFTMs,
		PromptTPS: r.PromptTPS, GenTPS: r.GenTPS, TokenMsP50: r.TokenMsP50, TokenMsP95: r.TokenMsP95,
		PeakRSSBytes: int64(r.PeakRSSBytes), Interference: reportCopy(r.Interference),
		Device: r.Device, GPULayers: r.GPULayers}
	if ref.Twin {
		run.ModelID = ref.Model.ID
	} else {
		run.File = ref.Path
	}
	return run
}

// RunFromSummary turns a Live run into a run-history entry; appCPU is the app's own CPU use
// during the run in cores (0 = not measured).
func RunFromSummary(sum *RunSummary, machine string, appCPU float64) runs.Run {
	r := sum.Result
	run := runs.Run{Origin: runs.OriginLive, Key: sum.Model.Key(), Label: sum.Model.Label, Quant: sum.Model.Quant,
		Twin: sum.Model.Twin, Params: sum.Model.Params, Machine: machine, Threads: sum.Threads, Context: sum.Info.Context,
		PromptTokens: r.PromptTokens, GenTokens: r.GenTokens, LoadMs: sum.LoadMs,
		TTFTMs: float64(r.TTFT.Nanoseconds()) / 1e6, PromptTPS: r.PromptTPS(), GenTPS: r.GenTPS(),
		TokenMsP50: r.TokenMsPercentile(50), TokenMsP95: r.TokenMsPercentile(95),
		PeakRSSBytes: int64(r.Stats.PeakRSSBytes), AppCPUShare: appCPU, Interference: reportCopy(r.Interference),
		Device: runDevice(sum.Placement), GPULayers: sum.Placement.GPULayers}
	if sum.Model.Twin {
		run.ModelID = sum.Model.Model.ID
	} else {
		run.File = sum.Model.Path
	}
	return run
}

// Record appends run to the user's run history; a failure is returned for the caller to
// say, and never stops the measurement it describes.
func Record(run runs.Run) error {
	path, err := runs.DefaultPath()
	if err != nil {
		return err
	}
	return runs.Append(path, run)
}

// reportCopy is f for a run-history entry, which must not share the result's memory.
func reportCopy(f interference.Report) *interference.Report { return &f }

// MeasurementFromBench turns a benchmark into the estimator's input.
func MeasurementFromBench(modelID string, r *BenchResult, ref ModelRef) estimate.Measurement {
	return estimate.Measurement{
		ModelID: modelID, Quant: r.Quant, Params: r.Params,
		FileBytes: r.FileBytes, WeightBytes: ref.WeightBytes,
		Context: r.Context, Threads: r.Threads, Device: r.Device, GPULayers: r.GPULayers,
		GenTPS: r.GenTPS, GenTokens: r.GenTokens, TokenMsP50: r.TokenMsP50, TokenMsP95: r.TokenMsP95, PromptTPS: r.PromptTPS, PromptTokens: r.PromptTokens,
		TTFTMs: r.TTFTMs, LoadMs: r.LoadMs, PeakRSSBytes: int64(r.PeakRSSBytes), Read: r.Placement.Read,
		AvgPowerW: r.AvgPowerW, PowerSource: r.PowerSource, Twin: r.Twin, When: r.When,
		TokenMsP50Runs: repeatTokenMs(r.Runs),
	}
}
