package engine

import (
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
)

// The GPU ladder: when llama.cpp lists a GPU, calibration measures twins with every layer on
// it after the CPU ladder, so projections on that GPU are fitted to it (docs/gpu.md).

// GPULadder is measured with every layer on the GPU: a GPU reads weights so fast that the
// small twins measure its fixed cost per token, and the larger ones its bandwidth. Its kernels
// are the catalog's (TestLadderMeasuresEveryPublishedKernel): Qwen2.5 0.5B at Q4_K_M for the
// Q5_0 fallback of matrices whose rows are no multiple of 256 (gpt-oss's 2880-wide ones at
// Q4_K_M), and Granite's MoE at MXFP4_MOE for gpt-oss's published experts. Both come after
// the 3B, so that a short budget still measures the fixed cost and the bandwidth first; they
// cost the 8B steps about 12 s of it (each GPU run costs about 6 s, docs/gpu.md).
var GPULadder = []LadderStep{
	{"smollm2-135m", quant.Q8_0, ShortPrompt},
	{"smollm2-135m", quant.Q4_0, ShortPrompt},
	{"llama-3.2-1b", quant.Q4_K_M, ShortPrompt},
	{"qwen2.5-1.5b", quant.Q4_K_M, ShortPrompt},
	{"smollm2-1.7b", quant.Q8_0, ShortPrompt},
	{"llama-3.2-3b", quant.Q4_K_M, ShortPrompt},
	{"granite-3.0-1b-a400m", quant.Q4_K_M, ShortPrompt},
	{"granite-3.0-1b-a400m", quant.MXFP4_MOE, ShortPrompt},
	{"qwen2.5-0.5b", quant.Q4_K_M, ShortPrompt},
	{"llama-3.1-8b", quant.Q4_0, ShortPrompt},
	{"llama-3.1-8b", quant.Q8_0, ShortPrompt},
}

// calibrationGPU is the GPU the GPU ladder runs on: the one with the most bandwidth of those
// llama.cpp lists (the machine keeps only those), "" when there is none.
func calibrationGPU(m estimate.MachineSpec) string {
	best := -1
	for i, g := range m.GPUs {
		if g.Name != "" && (best < 0 || g.BandwidthGBs > m.GPUs[best].BandwidthGBs) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return m.GPUs[best].Name
}

// fitMachine is the machine a step must fit: without its GPUs on the CPU ladder.
func (c *calibration) fitMachine() estimate.MachineSpec {
	m := c.o.Machine
	if c.gpu == "" {
		m.GPUs = nil
	}
	return m
}

// unfit notes and reports a step that does not fit: in memory at all, or, on the GPU ladder,
// wholly on the GPU.
func (c *calibration) unfit(m catalog.Model, q quant.Quant, label string) bool {
	v, err := estimate.FitAt(m, q, twin.RunContext, c.fitMachine(), estimate.DefaultOverhead())
	if err != nil || (v.Fits || v.Placement == estimate.PlaceUnknown) && (c.gpu == "" || v.Placement == estimate.PlaceGPU) {
		return false
	}
	c.note("skipped %s%s: %s", label, c.where(), v.Sentence)
	return true
}

// gpuLoadBps is the rate the GPU ladder's time prediction assumes for loading a twin (read
// from the cache and copied to the GPU).
const gpuLoadBps = 1e9

// predict is the measuring time of a step whose twin has size bytes and reads read bytes per
// token (stepRead; 0: unknown, scaled by size), from the last step's. On the CPU a run's time
// grows about linearly with the bytes read per token: an MoE's active experts, not its file
// (by its file, Granite's 1B-A400M twin, which runs in about a third of Llama 3.2 1B's time,
// was predicted at 19–28 s for its three runs, against 0–16 s left, in the 7 of 9 sittings of
// 2026-12-07 whose climb stopped there). On a GPU a token
// costs little and about the same for small twins (on the H200, 2.2 ms for 135M and 2.5 ms
// for 1.5B): a run is mostly the worker's start and the load, so the step costs the last one's
// time plus loading the extra bytes (scaling by bytes predicted 61 s for a step of a few).
func (c *calibration) predict(size int64, read float64) float64 {
	if c.lastSize <= 0 {
		return 1
	}
	per := c.lastRunSec * float64(size) / float64(c.lastSize)
	if read > 0 && c.lastRead > 0 {
		per = c.lastRunSec * read / c.lastRead
	}
	if c.gpu != "" {
		per = c.lastRunSec + max(float64(size-c.lastSize), 0)/gpuLoadBps
	}
	return 1 + per*float64(c.repeats(size))
}

// repeats is how many runs a step of size bytes gets: calibrationRepeats on the CPU, one on a
// GPU. A GPU run costs seconds, nearly all of it the worker's start, the load and Vulkan's
// pipelines, and its tokens vary little (the H200's runs: mean ÷ median token 0.96), while the
// budget spent on repeats kept every H200 ladder at or below 1.5B, 2.3 doublings short of an 8B
// (docs/gpu.md): there the sizes are worth more than the repeats.
func (c *calibration) repeats(size int64) int {
	if c.gpu != "" {
		return 1
	}
	return calibrationRepeats(size)
}

// where names the ladder in notes: "" on the CPU, " on the GPU" on the GPU's.
func (c *calibration) where() string {
	if c.gpu == "" {
		return ""
	}
	return " on the GPU"
}
