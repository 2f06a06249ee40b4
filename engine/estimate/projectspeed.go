package estimate

import (
	"fmt"
	"math"

	"slmscope/engine/catalog"
	"slmscope/internal/units"
)

// decodeWork is what one generated token of the model being projected reads.
type decodeWork struct {
	m    catalog.Model
	ts   []Tensor
	w    Weights
	read float64 // bytes a token reads: the weights plus the F16 KV cache at pos
	pos  int     // the mean position of a generated token
}

// decodeProjection is a placement's decode speed, with its band, and what it rests on.
type decodeProjection struct {
	tps, low, high float64
	device         string // where it runs: "cpu", a GPU's name, or "GPU name + cpu"
	calibrated     bool
	uncalibrated   []string // kernels no calibration run measured
	basis          string
}

// projectDecode projects decode speed where the verdict v places the model — wholly on gpu,
// partly on gpu, or on the CPU (also when gpu's speed model is missing) — and picks the
// prompt model of the device that reads the prompt (the CPU for a partial offload).
func (pr projector) projectDecode(dw decodeWork, v Verdict, gpu *GPU) (decodeProjection, PromptModel) {
	sm := pr.sm
	switch {
	case v.Placement == PlaceGPU && gpu != nil && hasModel(sm.GPU, gpu.Name):
		return wholeDecode(sm.GPU[gpu.Name], gpu.Name, dw), sm.GPUPrompt[gpu.Name]
	case v.Placement == PlacePartial && v.ExpertsInRAM && gpu != nil && hasModel(sm.GPU, gpu.Name):
		return expertsInRAMDecode(sm.GPU[gpu.Name], sm.CPU, gpu.Name, v.CPUExpertLayers, dw), sm.CPUPrompt
	case v.Placement == PlacePartial && gpu != nil && hasModel(sm.GPU, gpu.Name):
		return partialDecode(sm.GPU[gpu.Name], sm.CPU, gpu.Name, v.GPULayers, dw), sm.CPUPrompt
	default:
		return wholeDecode(sm.CPU, "cpu", dw), sm.CPUPrompt
	}
}

// wholeDecode projects decode speed with every layer on device, whose decode model is d: from
// its kernel model when one was fitted, else from the bytes a token reads.
func wholeDecode(d DecodeModel, device string, dw decodeWork) decodeProjection {
	if d.Kernels != nil {
		return kernelDecode(*d.Kernels, ProfileOf(dw.m, dw.ts, device), dw.pos, device)
	}
	tps, low, high := d.TPS(dw.read)
	return decodeProjection{tps: tps, low: low, high: high, device: device, calibrated: d.Calibrated, basis: d.Basis}
}

// kernelDecode projects decode speed on device from the kernel model k.
func kernelDecode(k KernelModel, prof Profile, pos int, device string) decodeProjection {
	sec, band, uncal := k.Seconds(prof, pos)
	return decodeProjection{
		tps: 1 / sec, low: 1 / (sec * (1 + band)), high: (1 + band) / sec,
		device: device, calibrated: true, uncalibrated: uncal,
		basis: fmt.Sprintf("band ±%s%s%s; %s", units.Percent(band), uncalText(uncal), k.reachText(prof, pos), k.Basis),
	}
}

// partialDecode projects decode speed with gpuLayers of the model's blocks on the GPU called
// gpuName, whose decode model is g, and the rest on the CPU, whose model is cpu: each part's
// bytes at its device's rate, so that seconds per token = GPU share / GPU rate + CPU share / CPU
// rate. llama.cpp offloads the output layer first (i_gpu_start = n_layer + 1 − ngl), so the
// output head a token reads goes to the GPU with the blocks: gpuLayers blocks are llama.cpp's
// -ngl gpuLayers+1. (Until 2026-12-04 the head was counted on the CPU: a published 14B sweep on
// an RTX 5060 Ti, partial_offload_test.go, was then projected 18–23 % too slow at -ngl 40.)
func partialDecode(g, cpu DecodeModel, gpuName string, gpuLayers int, dw decodeWork) decodeProjection {
	layerRead := float64(dw.w.LayerBytes) + (dw.read-float64(dw.w.ReadPerToken))/float64(dw.m.Layers)
	onGPU := layerRead * float64(gpuLayers)
	if gpuLayers > 0 { // the output head (and norms) a token reads besides its blocks
		onGPU += math.Max(float64(dw.w.ReadPerToken)-float64(dw.w.LayerBytes)*float64(dw.m.Layers), 0)
	}
	onGPU = math.Min(onGPU, dw.read)
	return splitDecode(g, cpu, gpuName, fmt.Sprintf("%d of %d layers and the output layer", gpuLayers, dw.m.Layers), dw, onGPU)
}

// splitDecode projects decode speed with onGPU of the bytes a token reads on the GPU called
// gpuName (what names that part) and the rest on the CPU: from both devices' kernel models
// when both have one (kernelPartialDecode), else from their byte rates, with one fixed cost per
// token, the CPU's.
func splitDecode(g, cpu DecodeModel, gpuName, what string, dw decodeWork, onGPU float64) decodeProjection {
	if g.Kernels != nil && cpu.Kernels != nil {
		return kernelPartialDecode(g, cpu, gpuName, what, dw, onGPU)
	}
	gm, gs, gf := g.Seconds(onGPU)
	cm, cs, cf := cpu.Seconds(dw.read - onGPU)
	gm, gs, gf = gm-g.OverheadSec, gs-g.OverheadSec, gf-g.OverheadSec
	return decodeProjection{
		tps: 1 / (gm + cm), low: 1 / (gs + cs), high: 1 / (gf + cf),
		device: gpuName + " + cpu", calibrated: g.Calibrated && cpu.Calibrated,
		basis: fmt.Sprintf("partial offload: %s (%s per token) at the GPU's rate [%s], the rest (%s) at the CPU's [%s]",
			what, units.Bytes(int64(onGPU)), g.Basis, units.Bytes(int64(dw.read-onGPU)), cpu.Basis),
	}
}

// kernelPartialDecode is partialDecode where both devices have a kernel model: the time per
// token is the GPU's share of the bytes a token reads times the whole model's time on the GPU,
// plus the CPU's share times its time on the CPU, each from its own kernel model. A byte-rate
// model fitted on small twins missed the 8B twin's partial run on an H200 by +17 %: the CPU's
// kernels on 14336-wide matrices stream slower than on the ladder's narrow ones, and the GPU's
// per-block dispatch cost is not a byte rate; the kernel models hold both (that sitting's
// calibration replayed: +4 %, gpu_check_replay_test.go). Between its two end points this is
// the same line as the byte rates draw, which the published 5060 Ti sweep checks.
func kernelPartialDecode(g, cpu DecodeModel, gpuName, onGPUWhat string, dw decodeWork, onGPU float64) decodeProjection {
	gp, cp := wholeDecode(g, gpuName, dw), wholeDecode(cpu, "cpu", dw)
	f := onGPU / math.Max(dw.read, 1)
	at := func(gpuTPS, cpuTPS float64) float64 {
		return 1 / math.Max(f/math.Max(gpuTPS, minSeconds)+(1-f)/math.Max(cpuTPS, minSeconds), minSeconds)
	}
	return decodeProjection{
		tps: at(gp.tps, cp.tps), low: at(gp.low, cp.low), high: at(gp.high, cp.high),
		device: gpuName + " + cpu", calibrated: gp.calibrated && cp.calibrated,
		uncalibrated: append(gp.uncalibrated, cp.uncalibrated...),
		basis: fmt.Sprintf("partial offload: %s (%s, %s of the bytes a token reads) on the GPU: "+
			"that share of the whole model's time per token on the GPU (%s) plus the rest of its time on the CPU (%s) [GPU: %s] [CPU: %s]",
			onGPUWhat, units.Bytes(int64(onGPU)), units.Percent(f), units.TokPerSec(gp.tps), units.TokPerSec(cp.tps), gp.basis, cp.basis),
	}
}

// expertsInRAMDecode projects decode speed with the expert stacks of a mixture of experts'
// first cpuLayers blocks in system RAM and the rest on the GPU called gpuName (llama.cpp's
// --n-cpu-moe): the active experts a token reads there at the CPU's rate, the rest at the
// GPU's, on the same line between the two end points as partialDecode (splitDecode). What it
// does not model: the hand-over of each layer's activations between the devices (two per
// layer, small for one token) and kernels that differ in cost per byte between the experts and
// the rest. Never measured here: the worker sets no tensor
// overrides, so this placement is projected only.
func expertsInRAMDecode(g, cpu DecodeModel, gpuName string, cpuLayers int, dw decodeWork) decodeProjection {
	share := float64(cpuLayers) / float64(max(dw.m.Layers, 1))
	onCPU := math.Min(float64(dw.w.ExpertReadPerToken)*share, dw.read)
	d := splitDecode(g, cpu, gpuName, "everything but those experts", dw, dw.read-onCPU)
	d.basis = fmt.Sprintf("the experts of %d of %d layers in system RAM (llama.cpp's --n-cpu-moe; projected only, never measured here): their active experts (%s per token) at the CPU's rate, the rest (%s) on the GPU; %s",
		cpuLayers, dw.m.Layers, units.Bytes(int64(onCPU)), units.Bytes(int64(dw.read-onCPU)), d.basis)
	return d
}

// promptProjection is a projection's prompt speed and time to first token, and what they
// rest on.
type promptProjection struct {
	tps                           float64
	ttftMs, ttftMsLow, ttftMsHigh float64
	basis                         string
}

// projectPrompt projects the prompt speed of m (params weights, typed tensors ts) on device
// and the time to first token of promptTokens: from prompt's per-kernel model when it was
// fitted on that device, else from its FLOPs model.
func projectPrompt(prompt PromptModel, m catalog.Model, ts []Tensor, params int64, device string, promptTokens int) promptProjection {
	pp := promptProjection{tps: prompt.TPS(float64(params - idleExpertParams(m, ts)))} // 2 FLOPs per weight a token multiplies
	switch {
	case prompt.Kernels != nil && device == prompt.Device:
		sec, band, uncal := prompt.Kernels.Seconds(ProfileOf(m, ts, device), promptTokens)
		pp.tps, pp.ttftMs = 1/sec, sec*float64(promptTokens)*msPerSecond
		pp.ttftMsLow, pp.ttftMsHigh = pp.ttftMs/(1+band), pp.ttftMs*(1+band)
		pp.basis = fmt.Sprintf("prompt %s and time to first token %s for %d tokens (band ±%s) from the per-kernel prompt model%s (%s)",
			units.TokPerSec(pp.tps), units.Millis(pp.ttftMs), promptTokens, units.Percent(band), uncalText(uncal), prompt.Kernels.Basis)
	case pp.tps > 0:
		pp.ttftMs = float64(promptTokens) / pp.tps * msPerSecond
		pp.basis = fmt.Sprintf("prompt %.0f tok/s, time to first token = %d prompt tokens ÷ prompt speed (%s)", pp.tps, promptTokens, prompt.Basis)
	default:
		pp.basis = "prompt speed not projected: " + prompt.Basis
	}
	return pp
}
