package estimate

import (
	"fmt"
	"math"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/internal/units"
)

// Decode efficiency: the share of a memory bandwidth that llama.cpp's token generation
// actually streams weights at.
//
// GPUs (against the vendor's theoretical bandwidth): 0.50–0.85, typical 0.65. Sources:
// llama.cpp's Apple-silicon benchmark thread (github.com/ggml-org/llama.cpp discussions/4167,
// 7B LLaMA tg128) reaches about 0.7 of 800 GB/s on M2 Ultra at F16 and 0.45–0.6 at Q4_0/Q8_0,
// and 0.7–0.85 on the 200 GB/s M1 Pro; the Metal Q6_K kernel commit reports ~290 GB/s of
// an M2 Max's 400 GB/s (0.72); CUDA results for 7B Q4_0 on an RTX 4090 (1008 GB/s, ≈150
// tok/s · 3.6 GB) land near 0.55. An unmeasured GPU is projected with this range and
// labelled "uncalibrated".
//
// CPUs (against slmscope's own bandwidth microbenchmark, which already reflects the real
// memory system): 0.5–1.0, typical 0.75. The top of the range is reached in practice: on the
// development machine a SmolLM2-135M Q8_0 twin generated 90 tok/s reading ≈ 156 MB per token
// (weights and KV), ≈ 14 GB/s against a microbenchmark reading of 13.4 GB/s, because small
// models partly stay in cache and the microbenchmark itself varies with load.
const (
	GPUEfficiencyLow     = 0.50
	GPUEfficiencyTypical = 0.65
	GPUEfficiencyHigh    = 0.85

	CPUEfficiencyLow     = 0.50
	CPUEfficiencyTypical = 0.75
	CPUEfficiencyHigh    = 1.00
)

// AssumedBandwidthGBs is used when no bandwidth was measured at all: a dual-channel DDR4
// desktop or laptop streams roughly 20 GB/s. Projections that rest on it say so and carry a
// band of half to double.
const AssumedBandwidthGBs = 20.0

// AssumedCPUGFLOPSPerCore is the prompt-processing prior per core when nothing was measured:
// 60 GFLOP/s of effective matrix throughput (AVX2-class core, quantized dot products). The
// prior is weak; one measured twin replaces it.
const AssumedCPUGFLOPSPerCore = 60.0

// GPUPromptEfficiency is the share of a GPU's FP16 TFLOPS prompt processing is assumed to
// reach when the GPU was not measured (uncalibrated).
const GPUPromptEfficiency = 0.35

// Band floors: a projection is never claimed tighter than these relative half-widths (with
// three or more runs, two runs, one run).
const (
	bandFloor     = 0.05
	bandTwoPoints = 0.10
	bandOnePoint  = 0.25
)

// Fit settings. The fits weight each run by 1/(relativeNoise · its seconds per token)², so
// residuals count relatively, and pull toward the prior with the spreads below.
const (
	relativeNoise   = 0.05 // assumed noise of one run's tokens/s
	overheadPriorSd = 5e-3 // seconds per generated token: prior spread of the fixed cost
	promptPriorSd   = 2e-4 // seconds per prompt token: prior spread of its fixed cost
	decodePriorRel  = 0.30 // prior relative spread of the effective bandwidth
	promptPriorRel  = 1.0  // prior relative spread of the prompt FLOP/s
	assumedBandLow  = 0.5  // projections on the assumed bandwidth: half ...
	assumedBandHigh = 2.0  // ... to double
)

// ProjectedGenTokens is how many tokens a projected run generates: its decode speed is read at
// their middle position, since the KV cache read grows over them.
const ProjectedGenTokens = 128

const (
	decodeGenTokens = ProjectedGenTokens
	defaultPrompt   = 512  // prompt tokens when none is given
	gb              = 1e9  // bytes per GB
	minSeconds      = 1e-9 // guards divisions
	msPerSecond     = 1000.0
)

// DecodeModel is "seconds per generated token = Overhead + bytes read per token / effective
// bandwidth" for one device, fitted on measured runs of different sizes with the measured (or
// theoretical) bandwidth as prior.
type DecodeModel struct {
	Device       string  `json:"device"`
	OverheadSec  float64 `json:"overhead_s"`
	BandwidthGBs float64 `json:"effective_bandwidth_gbs"`
	// PriorGBs is the prior's effective bandwidth (measured or theoretical × typical
	// efficiency); Low/High bound it for uncalibrated projections.
	PriorGBs     float64 `json:"prior_bandwidth_gbs"`
	PriorLowGBs  float64 `json:"prior_low_gbs"`
	PriorHighGBs float64 `json:"prior_high_gbs"`
	Points       int     `json:"points"`
	Calibrated   bool    `json:"calibrated"`
	// ResidualRMS and LOORMS are relative tokens/s errors: of the fit on its own points, and
	// of each point projected from the others (leave-one-out).
	ResidualRMS float64 `json:"residual_rms"`
	LOORMS      float64 `json:"loo_rms"`
	// Band is the relative half-width applied to projections: max(residual, leave-one-out,
	// 5%), at least 10% with two points and 25% with one.
	Band  float64 `json:"band"`
	Basis string  `json:"basis"`
	// Kernels is the kernel-aware model (kernelfit.go), set when runs of known tensor types
	// were measured; projections of known shapes use it instead of bytes alone.
	Kernels *KernelModel `json:"kernels,omitempty"`
}

// PromptModel is "seconds per prompt token = Overhead + 2 · params / FLOPS".
type PromptModel struct {
	Device      string  `json:"device"`
	OverheadSec float64 `json:"overhead_s"`
	GFLOPS      float64 `json:"effective_gflops"`
	Points      int     `json:"points"`
	Calibrated  bool    `json:"calibrated"`
	Known       bool    `json:"known"` // false when there is neither a measurement nor a prior
	Band        float64 `json:"band"`
	Basis       string  `json:"basis"`
	// Kernels is the per-type prompt model (kernelfit.go), set when runs of known tensor
	// types were measured.
	Kernels *KernelModel `json:"kernels,omitempty"`
}

// Seconds returns the projected seconds per token for a model that reads bytes per token:
// the central value, the slow end and the fast end of the band.
func (d DecodeModel) Seconds(bytes float64) (mid, slow, fast float64) {
	if !d.Calibrated {
		return d.OverheadSec + bytes/(d.PriorGBs*gb),
			d.OverheadSec + bytes/(d.PriorLowGBs*gb),
			d.OverheadSec + bytes/(d.PriorHighGBs*gb)
	}
	mid = d.OverheadSec + bytes/(d.BandwidthGBs*gb)
	return mid, mid * (1 + d.Band), mid / (1 + d.Band)
}

// TPS projects tokens per second for a model that reads bytes per token, with the band's low
// and high ends.
func (d DecodeModel) TPS(bytes float64) (tps, low, high float64) {
	mid, slow, fast := d.Seconds(bytes)
	return 1 / math.Max(mid, minSeconds), 1 / math.Max(slow, minSeconds), 1 / math.Max(fast, minSeconds)
}

// TPS projects prompt tokens per second for a model of params parameters (0 when unknown).
func (p PromptModel) TPS(params float64) float64 {
	if !p.Known || p.GFLOPS <= 0 {
		return 0
	}
	return 1 / math.Max(p.OverheadSec+2*params/(p.GFLOPS*gb), minSeconds)
}

// decodePrior is the prior effective bandwidth for a device with its range and a sentence.
type decodePrior struct {
	gbs, low, high float64
	what           string
}

func cpuDecodePrior(machine MachineSpec) decodePrior {
	if bw := machine.MeasuredBandwidthGBs; bw > 0 {
		return decodePrior{bw * CPUEfficiencyTypical, bw * CPUEfficiencyLow, bw * CPUEfficiencyHigh,
			fmt.Sprintf("measured memory bandwidth %.1f GB/s × %.2f (range %.2f–%.2f)", bw, CPUEfficiencyTypical, CPUEfficiencyLow, CPUEfficiencyHigh)}
	}
	bw := AssumedBandwidthGBs
	return decodePrior{bw * CPUEfficiencyTypical, bw * CPUEfficiencyTypical * assumedBandLow, bw * CPUEfficiencyTypical * assumedBandHigh,
		fmt.Sprintf("no bandwidth measured: assumed %.0f GB/s (typical dual-channel DDR4) × %.2f, band ½×–2×", bw, CPUEfficiencyTypical)}
}

func gpuDecodePrior(g GPU) decodePrior {
	bw := g.BandwidthGBs
	return decodePrior{bw * GPUEfficiencyTypical, bw * GPUEfficiencyLow, bw * GPUEfficiencyHigh,
		fmt.Sprintf("%s bandwidth %.0f GB/s × %.2f (published llama.cpp range %.2f–%.2f)", g.Name, bw, GPUEfficiencyTypical, GPUEfficiencyLow, GPUEfficiencyHigh)}
}

// fitDecode fits the decode model on samples (those with a decode speed, DecodeTPS) with the
// prior.
func fitDecode(device string, ss []speedSample, prior decodePrior) DecodeModel {
	d := DecodeModel{Device: device, PriorGBs: prior.gbs, PriorLowGBs: prior.low, PriorHighGBs: prior.high}
	var pts []speedSample
	for _, s := range ss {
		if s.m.DecodeTPS() > 0 {
			pts = append(pts, s)
		}
	}
	d.Points = len(pts)
	if len(pts) == 0 {
		d.Band = (prior.high - prior.low) / (2 * prior.gbs)
		d.Basis = "uncalibrated: " + prior.what
		return d
	}
	th, ok := decodeTheta(pts, prior)
	if !ok {
		d.Band = (prior.high - prior.low) / (2 * prior.gbs)
		d.Basis = "uncalibrated (the measurements could not be fitted): " + prior.what
		d.Points = 0
		return d
	}
	d.OverheadSec, d.BandwidthGBs, d.Calibrated = th[0], 1/th[1], true
	res := make([]float64, len(pts))
	for i, s := range pts {
		res[i] = relErr(1/(th[0]+th[1]*s.readByte/gb), s.m.DecodeTPS())
	}
	d.ResidualRMS = rms(res)
	if len(pts) >= 3 {
		loo := make([]float64, len(pts))
		for i := range pts {
			others := append(append([]speedSample(nil), pts[:i]...), pts[i+1:]...)
			t, ok := decodeTheta(others, prior)
			if !ok {
				t = th
			}
			loo[i] = relErr(1/(t[0]+t[1]*pts[i].readByte/gb), pts[i].m.DecodeTPS())
		}
		d.LOORMS = rms(loo)
	}
	d.Band = math.Max(math.Max(d.ResidualRMS, d.LOORMS), bandFloor)
	switch len(pts) {
	case 1:
		d.Band = math.Max(d.Band, bandOnePoint)
	case 2:
		d.Band = math.Max(d.Band, bandTwoPoints)
	}
	d.Basis = fmt.Sprintf("fitted on %d measured run(s) on %s: %.2f ms + bytes ÷ %.1f GB/s per token (prior %s); band ±%.0f%% from fit and leave-one-out errors",
		len(pts), onDevice(device, sampleThreads(pts)), d.OverheadSec*msPerSecond, d.BandwidthGBs, prior.what, d.Band*100)
	d.Kernels = fitDecodeKernels(device, pts, prior)
	return d
}

// sampleThreads is the thread count of every sample, or 0 when they differ or one did not say.
func sampleThreads(ss []speedSample) int {
	t := 0
	for i, s := range ss {
		if s.m.Threads <= 0 || i > 0 && s.m.Threads != t {
			return 0
		}
		t = s.m.Threads
	}
	return t
}

// onDevice names the device runs were measured on and, when they all said it, their thread
// count: a projection fitted on them holds for that many threads.
func onDevice(device string, threads int) string {
	if threads > 0 {
		return device + " at " + units.Count(threads, "thread")
	}
	return device
}

// decodeTheta solves for [overhead s, seconds per GB] with relative weights and the prior.
func decodeTheta(pts []speedSample, prior decodePrior) ([]float64, bool) {
	x := make([][]float64, len(pts))
	y := make([]float64, len(pts))
	w := make([]float64, len(pts))
	for i, s := range pts {
		x[i] = []float64{1, s.readByte / gb}
		y[i] = 1 / s.m.DecodeTPS()
		w[i] = 1 / (y[i] * y[i] * relativeNoise * relativeNoise)
	}
	muS := 1 / prior.gbs
	mu := []float64{0, muS}
	lambda := []float64{1 / (overheadPriorSd * overheadPriorSd), 1 / (decodePriorRel * muS * decodePriorRel * muS)}
	th, err := linearFit(x, y, w, mu, lambda)
	if err != nil {
		return nil, false
	}
	if th[0] < 0 || th[1] <= 0 { // refit through the origin: no negative fixed cost
		lambda[0] = 1e30
		th, err = linearFit(x, y, w, mu, lambda)
		if err != nil || th[1] <= 0 {
			return nil, false
		}
		th[0] = 0
	}
	return th, true
}

// relErr is (projected − measured) / measured.
func relErr(projected, measured float64) float64 { return (projected - measured) / measured }

// SpeedModels holds the decode and prompt models for the CPU and every GPU of a machine.
type SpeedModels struct {
	CPU       DecodeModel            `json:"cpu"`
	CPUPrompt PromptModel            `json:"cpu_prompt"`
	GPU       map[string]DecodeModel `json:"gpu,omitempty"`
	GPUPrompt map[string]PromptModel `json:"gpu_prompt,omitempty"`
}

// FitSpeed fits every device's models from the measurements (CPU runs for the CPU, runs whose
// Device names a GPU for that GPU), each with its prior.
func FitSpeed(machine MachineSpec, ms []Measurement, models []catalog.Model) SpeedModels {
	var sm SpeedModels
	cpu := speedSamples(ms, models, "cpu")
	sm.CPU = fitDecode("cpu", cpu, cpuDecodePrior(machine))
	g, what, known := cpuPromptPrior(machine)
	sm.CPUPrompt = fitPrompt("cpu", cpu, g, what, known)
	for _, gpu := range machine.GPUs {
		if gpu.Name == "" {
			continue
		}
		ss := speedSamples(ms, models, gpu.Name)
		if gpu.BandwidthGBs <= 0 && len(ss) == 0 {
			continue
		}
		prior := gpuDecodePrior(gpu)
		if gpu.BandwidthGBs <= 0 {
			prior = cpuDecodePrior(machine)
			prior.what = gpu.Name + " bandwidth unknown; " + prior.what
		}
		if sm.GPU == nil {
			sm.GPU, sm.GPUPrompt = map[string]DecodeModel{}, map[string]PromptModel{}
		}
		sm.GPU[gpu.Name] = fitDecode(gpu.Name, ss, prior)
		gf, gwhat, gknown := 0.0, gpu.Name+" FP16 throughput unknown", false
		if gpu.TFLOPS > 0 {
			gf, gwhat, gknown = gpu.TFLOPS*1000*GPUPromptEfficiency, fmt.Sprintf("%s %.0f TFLOPS × %.2f", gpu.Name, gpu.TFLOPS, GPUPromptEfficiency), true
		}
		sm.GPUPrompt[gpu.Name] = fitPrompt(gpu.Name, ss, gf, gwhat, gknown)
		// A GPU never measured here is projected from its specification, with the constants
		// fitted on llama.cpp's published tables for its backend (specgpu.go), which say so.
		if d, p, ok := GPUFromSpec(GPUSpec{Name: gpu.Name, Backend: gpuBackend(gpu), BandwidthGBs: gpu.BandwidthGBs}); ok && len(ss) == 0 {
			sm.GPU[gpu.Name] = d
			if p.Known || !gknown {
				sm.GPUPrompt[gpu.Name] = p
			}
		}
	}
	return sm
}

// gpuBackend is the llama.cpp backend that runs g in slmscope's runtime: Metal on Apple
// silicon, else Vulkan (the GPU build the packages carry).
func gpuBackend(g GPU) string {
	if g.Vendor == "apple" {
		return "metal"
	}
	return "vulkan"
}

// Label is "calibrated" or "uncalibrated" for a decode model.
func (d DecodeModel) Label() string {
	if d.Calibrated {
		return "calibrated"
	}
	return "uncalibrated"
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
