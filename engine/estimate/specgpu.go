package estimate

import (
	"fmt"
	"strings"

	"slmscope/internal/units"
)

// Spec-only GPU projection: a GPU never measured here is projected from its published
// specification alone, with constants fitted per llama.cpp backend on the published benchmark
// tables in testdata/published_gpu.tsv (Llama 2 7B, llama-bench pp512 and tg128):
//
//   - Metal: discussion #4167, Apple M1–M4 (github.com/ggml-org/llama.cpp/discussions/4167);
//   - CUDA: the CUDA scoreboard, discussion #15013;
//   - Vulkan: the Vulkan scoreboard, discussion #10879.
//
// Decode uses the package's decode form, seconds per token = overhead + bytes read per token /
// (published bandwidth × efficiency), with the overhead and efficiency fitted on the table's
// train rows only (relative least squares, as fitDecode weighs runs); the test rows, fixed in
// the table, judge it (published_gpu_test.go, which refits and checks these constants). Prompt
// speed is projected for Metal only, from the GPU core count: the CUDA and Vulkan tables give
// no compute figure.

// GPUSpec is what a vendor publishes about a GPU, and the llama.cpp backend that runs it.
type GPUSpec struct {
	Name         string
	Backend      string  // "metal", "cuda" or "vulkan"
	BandwidthGBs float64 // published memory bandwidth, GB/s
	GPUCores     int     // Apple GPU cores (Metal); 0 when unknown
}

// specFit is one backend's constants, fitted on the train rows of testdata/published_gpu.tsv.
type specFit struct {
	name        string  // the backend as llama.cpp names it
	table       string  // the published table: "llama.cpp discussion #4167"
	rows        int     // train rows the decode constants were fitted on
	overheadSec float64 // fixed seconds per generated token
	efficiency  float64 // share of the published bandwidth a token's bytes stream at
	band        float64 // relative half-width: 80th percentile of the test rows' decode errors
	heldOut     float64 // median decode error on the test rows
	// promptGFLOPSPerCore is Metal's effective prompt throughput per GPU core (2 FLOPs per
	// weight and token), the median of the train rows; promptBand its test rows' 80th
	// percentile error. Zero where the table gives no compute figure.
	promptGFLOPSPerCore, promptBand float64
}

var specFits = map[string]specFit{
	"metal":  {name: "Metal", table: "llama.cpp discussion #4167", rows: 30, overheadSec: 0.005484, efficiency: 0.9216, band: 0.053, heldOut: 0.034, promptGFLOPSPerCore: 253.6, promptBand: 0.152},
	"cuda":   {name: "CUDA", table: "llama.cpp discussion #15013", rows: 20, overheadSec: 0.000938, efficiency: 0.7427, band: 0.186, heldOut: 0.131},
	"vulkan": {name: "Vulkan", table: "llama.cpp discussion #10879", rows: 12, overheadSec: 0.002701, efficiency: 0.8357, band: 0.803, heldOut: 0.183},
}

// GPUFromSpec projects a GPU from its specification alone, uncalibrated: its decode model
// (overhead + bytes ÷ (bandwidth × the backend's fitted efficiency), band from the table's
// held-out rows) and its prompt model (Known only for Metal with a core count). Each basis names
// the published table the constants came from. False when the backend is not one of the
// tables' or the bandwidth is unknown.
func GPUFromSpec(s GPUSpec) (DecodeModel, PromptModel, bool) {
	f, ok := specFits[strings.ToLower(s.Backend)]
	if !ok || s.BandwidthGBs <= 0 {
		return DecodeModel{}, PromptModel{}, false
	}
	eff := s.BandwidthGBs * f.efficiency
	d := DecodeModel{
		Device: s.Name, OverheadSec: f.overheadSec,
		PriorGBs: eff, PriorLowGBs: eff / (1 + f.band), PriorHighGBs: eff * (1 + f.band), Band: f.band,
		Basis: fmt.Sprintf("uncalibrated: projected from %s × %.2f + %s per token (%s efficiency fitted on %d rows of %s; median error %s on its held-out rows)",
			units.GBps(s.BandwidthGBs), f.efficiency, units.Millis(f.overheadSec*msPerSecond), f.name, f.rows, f.table, units.Percent(f.heldOut)),
	}
	p := PromptModel{Device: s.Name, Basis: fmt.Sprintf("prompt speed not projected from %s's specification: %s gives no compute figure", s.Name, f.table)}
	if f.promptGFLOPSPerCore > 0 && s.GPUCores > 0 {
		p.GFLOPS, p.Known, p.Band = float64(s.GPUCores)*f.promptGFLOPSPerCore, true, f.promptBand
		p.Basis = fmt.Sprintf("uncalibrated: %d GPU cores × %.0f GFLOP/s (fitted on %s)", s.GPUCores, f.promptGFLOPSPerCore, f.table)
	}
	return d, p, true
}
