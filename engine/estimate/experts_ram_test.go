package estimate

import (
	"strings"
	"testing"

	"slmscope/engine/quant"
)

// TestExpertsInRAM places a mixture of experts too big for the GPU as llama.cpp's --n-cpu-moe
// does: the experts of the fewest first blocks in RAM so that the rest fits on the GPU; a
// dense model never, and a GPU too small even for the non-expert part falls back to layers.
func TestExpertsInRAM(t *testing.T) {
	const GB = int64(1e9)
	moe, mem := modelMemory(t, "qwen3-30b-a3b", quant.Q4_K_M)
	experts, rest := mem.Weights.ExpertBytes, mem.RequiredBytes-mem.Weights.ExpertBytes
	if experts <= 0 || rest <= 0 {
		t.Fatalf("expert bytes %d of %d", experts, mem.RequiredBytes)
	}
	gpu := func(free int64) MachineSpec {
		return MachineSpec{RAMAvailableBytes: 64 * GB, GPUs: []GPU{{Name: "RTX 4080", FreeBytes: free, BandwidthGBs: 717}}}
	}
	tests := []struct {
		name         string
		machine      MachineSpec
		placement    string
		expertsInRAM bool
		cpuLayers    int // -1: between 1 and all, checked against the GPU's free memory
		sentence     string
	}{
		{"the whole model fits", gpu(mem.RequiredBytes + GB), PlaceGPU, false, 0, "fits on the GPU"},
		{"some layers' experts leave", gpu(16 * GB), PlacePartial, true, -1, "--n-cpu-moe"},
		{"every expert leaves", gpu(rest + rest/100), PlacePartial, true, moe.Layers, "--cpu-moe"},
		{"too small even without experts: layers", gpu(rest / 2), PlacePartial, false, 0, "layers on the GPU"},
		{"RAM too small for the experts", MachineSpec{RAMAvailableBytes: 2 * GB, GPUs: []GPU{{Name: "RTX 4080", FreeBytes: rest + rest/100}}}, PlaceNone, false, 0, ""},
	}
	for _, tc := range tests {
		v := Judge(moe, mem, tc.machine)
		if v.Placement != tc.placement || v.ExpertsInRAM != tc.expertsInRAM {
			t.Errorf("%s: %s, experts in RAM %v; want %s, %v (%s)", tc.name, v.Placement, v.ExpertsInRAM, tc.placement, tc.expertsInRAM, v.Sentence)
			continue
		}
		if !strings.Contains(v.Sentence, tc.sentence) {
			t.Errorf("%s: sentence %q lacks %q", tc.name, v.Sentence, tc.sentence)
		}
		if !tc.expertsInRAM {
			continue
		}
		n := v.CPUExpertLayers
		onGPU := mem.RequiredBytes - int64(n)*(experts/int64(moe.Layers))
		if free := tc.machine.GPUs[0].FreeBytes; onGPU > free || tc.cpuLayers > 0 && n != tc.cpuLayers || n < 1 || n > moe.Layers {
			t.Errorf("%s: experts of %d layers in RAM leave %d bytes for %d free", tc.name, n, onGPU, free)
		}
		if n > 1 && mem.RequiredBytes-int64(n-1)*(experts/int64(moe.Layers)) <= tc.machine.GPUs[0].FreeBytes {
			t.Errorf("%s: %d layers' experts in RAM, but %d would do", tc.name, n, n-1)
		}
	}
	dense, dmem := modelMemory(t, "qwen3-14b", quant.Q8_0)
	if v := Judge(dense, dmem, gpu(8*GB)); v.ExpertsInRAM || dmem.Weights.ExpertBytes != 0 {
		t.Errorf("a dense model got experts in RAM: %s", v.Sentence)
	}
}

// TestExpertsInRAMSpeedLiesBetweenTheDevices: with some experts in RAM, decode is slower than
// on the GPU alone and faster than on the CPU alone, and slower the more experts are in RAM.
func TestExpertsInRAMSpeedLiesBetweenTheDevices(t *testing.T) {
	m := model(t, "qwen3-30b-a3b")
	w, err := WeightsOf(m, quant.Q4_K_M)
	if err != nil {
		t.Fatal(err)
	}
	read := float64(w.ReadPerToken)
	dw := decodeWork{m: m, w: w, read: read}
	g := DecodeModel{Device: "RTX 4080", BandwidthGBs: 600, Calibrated: true, Band: bandFloor}
	cpu := DecodeModel{Device: "cpu", BandwidthGBs: 60, Calibrated: true, Band: bandFloor}
	gpuTPS, _, _ := g.TPS(read)
	cpuTPS, _, _ := cpu.TPS(read)
	last := gpuTPS
	for _, n := range []int{1, m.Layers / 2, m.Layers} {
		p := expertsInRAMDecode(g, cpu, g.Device, n, dw)
		if p.tps >= last || p.tps <= cpuTPS {
			t.Errorf("experts of %d layers in RAM: %.1f tok/s, want under %.1f and over the CPU's %.1f", n, p.tps, last, cpuTPS)
		}
		if !strings.Contains(p.basis, "--n-cpu-moe") {
			t.Errorf("basis %q does not say it is llama.cpp's --n-cpu-moe", p.basis)
		}
		last = p.tps
	}
}
