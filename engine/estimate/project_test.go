package estimate

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
)

func TestProjectUncalibrated(t *testing.T) {
	m := model(t, "llama-3.1-8b")
	machine := MachineSpec{RAMAvailableBytes: 32e9, MeasuredBandwidthGBs: 40, CPUCores: 8}
	ps := Project(machine, Calibration{}, []catalog.Model{m}, []quant.Quant{"Q8_0", "q4_k_m"}, 8192)
	if len(ps) != 2 {
		t.Fatalf("%d projections, want 2", len(ps))
	}
	p := ps[0]
	if p.Source != SourceProjected || p.Calibrated || p.Label() != "projected, uncalibrated" {
		t.Errorf("source %q calibrated %v", p.Source, p.Calibrated)
	}
	if !strings.Contains(p.Basis, "uncalibrated") || !strings.Contains(p.Basis, "40.0 GB/s") {
		t.Errorf("basis does not say what it rests on: %s", p.Basis)
	}
	// decode = 0.75 · 40 GB/s ÷ bytes read per token; band 0.5–1.0 of 40 GB/s.
	read := float64(p.ReadPerTokenBytes)
	if want := 30e9 / read; math.Abs(p.DecodeTPS-want) > 1e-9*want {
		t.Errorf("decode %.3f, want %.3f", p.DecodeTPS, want)
	}
	if math.Abs(p.DecodeTPSLow-20e9/read) > 1e-6 || math.Abs(p.DecodeTPSHigh-40e9/read) > 1e-6 {
		t.Errorf("band [%.3f, %.3f]", p.DecodeTPSLow, p.DecodeTPSHigh)
	}
	// KV at 8192 is exactly 1 GiB; memory adds up.
	if p.Memory.KVBytes != 1<<30 || p.Memory.TotalBytes != p.Memory.WeightBytes-p.Memory.IdleBytes+p.Memory.KVBytes+p.Memory.OverheadBytes || p.MemoryBytes != p.Memory.TotalBytes-p.Memory.RepackBytes {
		t.Errorf("memory %+v", p.Memory)
	}
	if !p.Fits || p.Device != "cpu" {
		t.Errorf("fits %v on %q", p.Fits, p.Device)
	}
	// Prompt from the per-core prior: 8 × 60 GFLOP/s at 2 FLOPs per parameter.
	if want := 480e9 / (2 * float64(p.Params)); math.Abs(p.PromptTPS-want)/want > 1e-9 {
		t.Errorf("prompt %.2f tok/s, want %.2f", p.PromptTPS, want)
	}
	if want := 512 / p.PromptTPS * 1000; math.Abs(p.TTFTMs-want) > 1e-6 {
		t.Errorf("ttft %.1f ms, want %.1f", p.TTFTMs, want)
	}
	if ps[1].Quant != "Q4_K_M" || ps[1].DecodeTPS <= p.DecodeTPS {
		t.Errorf("Q4_K_M (%s) should be faster than Q8_0: %.2f vs %.2f", ps[1].Quant, ps[1].DecodeTPS, p.DecodeTPS)
	}
	// Catalog alone: still projected, from the assumed bandwidth, and labelled.
	p = Project(MachineSpec{}, Calibration{}, []catalog.Model{m}, nil, 0)[0]
	if p.Calibrated || !strings.Contains(p.Basis, "no bandwidth measured") || p.Context != DefaultContext || p.Quant != "BF16" {
		t.Errorf("catalog-only projection: %+v", p)
	}
	// Unknown quant is reported, not projected.
	if _, errs := ProjectWith(machine, Calibration{}, []catalog.Model{m}, []quant.Quant{"Q9"}, Options{}); len(errs) != 1 {
		t.Errorf("errors %v", errs)
	}
}

func TestProjectMeasuredAndCalibrated(t *testing.T) {
	small := model(t, "smollm2-135m")
	w, _ := WeightBytes(small, "Q8_0")
	when := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	var ms []Measurement
	// Three twins following 0.5 ms + bytes ÷ 12 GB/s exactly.
	for _, id := range []string{"smollm2-135m", "smollm2-360m", "qwen2.5-0.5b"} {
		cm := model(t, id)
		read, _, _ := readPerToken(cm, "Q8_0", 0, 512+64)
		wb, _ := WeightBytes(cm, "Q8_0")
		ms = append(ms, Measurement{ModelID: id, Quant: "Q8_0", WeightBytes: wb, Context: 2048, PromptTokens: 512, GenTokens: 128,
			GenTPS: 1 / (0.5e-3 + read/12e9), PromptTPS: 600, TTFTMs: 840, PeakRSSBytes: wb + 60e6, Twin: true, When: when, AvgPowerW: 30, PowerSource: "RAPL package"})
	}
	cal := Calibration{Key: "k", When: when, Measurements: ms}
	machine := MachineSpec{RAMAvailableBytes: 8e9, MeasuredBandwidthGBs: 15}
	ps := Project(machine, cal, []catalog.Model{small, model(t, "llama-3.2-1b")}, []quant.Quant{"Q8_0"}, 2048)
	p := ps[0]
	if p.Source != SourceMeasured || p.DecodeTPS != ms[0].GenTPS || p.TTFTMs != 840 || p.MeasuredPeakRSSBytes != w+60e6 {
		t.Errorf("measured projection: %+v", p)
	}
	if !strings.Contains(p.Basis, "twin: real speed, random words") {
		t.Errorf("measured basis %q", p.Basis)
	}
	q := ps[1]
	if q.Source != SourceProjected || !q.Calibrated || q.Label() != "projected" {
		t.Errorf("llama-3.2-1b: %s calibrated=%v", q.Source, q.Calibrated)
	}
	want := 1 / (0.5e-3 + float64(q.ReadPerTokenBytes)/12e9)
	if math.Abs(q.DecodeTPS-want)/want > 0.02 {
		t.Errorf("llama-3.2-1b decode %.2f, want %.2f (fit on three exact twins)", q.DecodeTPS, want)
	}
	if q.DecodeTPSLow >= q.DecodeTPS || q.DecodeTPSHigh <= q.DecodeTPS {
		t.Errorf("band [%.2f, %.2f] around %.2f", q.DecodeTPSLow, q.DecodeTPSHigh, q.DecodeTPS)
	}
	if !q.Cost.Power.Measured || q.Cost.Power.Watts != 30 {
		t.Errorf("power %+v, want the measured 30 W", q.Cost.Power)
	}
	// The JSON field names the CLI promises.
	data, _ := json.Marshal(q)
	for _, k := range []string{`"id"`, `"quant"`, `"params"`, `"memory_bytes"`, `"fits"`, `"decode_tps"`, `"decode_tps_low"`, `"decode_tps_high"`, `"prompt_tps"`, `"ttft_ms"`, `"source"`, `"basis"`} {
		if !strings.Contains(string(data), k) {
			t.Errorf("projection JSON lacks %s", k)
		}
	}
}

func TestProjectGPU(t *testing.T) {
	m := model(t, "llama-3.1-8b")
	gpu := GPU{Name: "RTX 4090", Vendor: "nvidia", FreeBytes: 23e9, BandwidthGBs: 1008, PowerLimitW: 450}
	p := Project(MachineSpec{RAMAvailableBytes: 32e9, MeasuredBandwidthGBs: 40, GPUs: []GPU{gpu}}, Calibration{}, []catalog.Model{m}, []quant.Quant{"Q4_K_M"}, 4096)[0]
	if p.Device != "RTX 4090" || p.Calibrated {
		t.Fatalf("device %q calibrated %v", p.Device, p.Calibrated)
	}
	read := float64(p.ReadPerTokenBytes)
	// Never measured here: from its specification, with the Vulkan scoreboard's constants.
	f := specFits["vulkan"]
	if want := 1 / (f.overheadSec + read/(f.efficiency*1008e9)); math.Abs(p.DecodeTPS-want)/want > 1e-9 {
		t.Errorf("decode %.1f, want %.1f", p.DecodeTPS, want)
	}
	if !strings.Contains(p.Basis, "Vulkan efficiency fitted on 12 rows of llama.cpp discussion #10879") {
		t.Errorf("basis %q does not name the published table", p.Basis)
	}
	if p.Cost.Power.Watts != 450 || p.Cost.Power.Measured {
		t.Errorf("power %+v, want the 450 W limit as a default", p.Cost.Power)
	}
	// Partial offload sits between CPU-only and all-GPU speed.
	small := gpu
	small.FreeBytes = 3e9
	q := Project(MachineSpec{RAMAvailableBytes: 32e9, MeasuredBandwidthGBs: 40, GPUs: []GPU{small}}, Calibration{}, []catalog.Model{m}, []quant.Quant{"Q4_K_M"}, 4096)[0]
	cpu := Project(MachineSpec{RAMAvailableBytes: 32e9, MeasuredBandwidthGBs: 40}, Calibration{}, []catalog.Model{m}, []quant.Quant{"Q4_K_M"}, 4096)[0]
	if q.FitVerdict.Placement != PlacePartial || q.DecodeTPS <= cpu.DecodeTPS || q.DecodeTPS >= p.DecodeTPS {
		t.Errorf("partial %.1f tok/s (%s), cpu %.1f, gpu %.1f", q.DecodeTPS, q.FitVerdict.Placement, cpu.DecodeTPS, p.DecodeTPS)
	}
}

func TestProjectGPUCalibrated(t *testing.T) {
	gpu := GPU{Name: "RTX 3060", FreeBytes: 11e9, BandwidthGBs: 360}
	var ms []Measurement
	for _, id := range []string{"qwen2.5-0.5b", "llama-3.2-1b", "qwen2.5-1.5b"} {
		cm := model(t, id)
		read, _, _ := readPerToken(cm, "Q8_0", 0, 512+64)
		// Runs on the GPU at 250 GB/s effective (0.69 of 360), 1 ms fixed cost.
		ms = append(ms, Measurement{ModelID: id, Quant: "Q8_0", Device: "RTX 3060", PromptTokens: 512, GenTokens: 128, GenTPS: 1 / (1e-3 + read/250e9)})
	}
	machine := MachineSpec{RAMAvailableBytes: 32e9, MeasuredBandwidthGBs: 40, GPUs: []GPU{gpu}}
	p := Project(machine, Calibration{Measurements: ms}, []catalog.Model{model(t, "llama-3.1-8b")}, []quant.Quant{"Q4_K_M"}, 4096)[0]
	if p.Device != "RTX 3060" || !p.Calibrated || p.Source != SourceProjected {
		t.Fatalf("device %q calibrated %v source %s", p.Device, p.Calibrated, p.Source)
	}
	want := 1 / (1e-3 + float64(p.ReadPerTokenBytes)/250e9)
	if math.Abs(p.DecodeTPS-want)/want > 0.03 {
		t.Errorf("decode %.1f tok/s, want %.1f from the GPU's own runs", p.DecodeTPS, want)
	}
	// CPU runs do not calibrate the GPU, and GPU runs do not calibrate the CPU.
	sm := FitSpeed(machine, ms, nil)
	if sm.CPU.Calibrated || !sm.GPU["RTX 3060"].Calibrated {
		t.Errorf("cpu calibrated %v, gpu calibrated %v", sm.CPU.Calibrated, sm.GPU["RTX 3060"].Calibrated)
	}
	v := Validate(machine, Calibration{Measurements: ms}, nil)
	if len(v.Models) != 3 || v.Models[0].Device != "RTX 3060" || v.MedianAbsErrorPct > 2 {
		t.Errorf("validation %+v", v)
	}
}

// project --gpu-layers N counts layers as llama.cpp does: the output layer, then N-1 blocks.
func TestForcedGPULayers(t *testing.T) {
	m, _ := catalog.ByID("llama-3.1-8b")
	machine := MachineSpec{RAMTotalBytes: 64 << 30, RAMAvailableBytes: 60 << 30, CPUCores: 8, MeasuredBandwidthGBs: 50,
		GPUs: []GPU{{Name: "Test GPU", FreeBytes: 80 << 30, TotalBytes: 80 << 30, BandwidthGBs: 1000}}}
	tests := []struct {
		layers     int
		placement  string
		blocks     int
		deviceText string
	}{
		{1, PlacePartial, 0, "Test GPU + cpu"},
		{17, PlacePartial, 16, "Test GPU + cpu"},
		{33, PlaceGPU, 32, "Test GPU"},
	}
	for _, tt := range tests {
		ps, err := ProjectWith(machine, Calibration{}, []catalog.Model{m}, []quant.Quant{quant.Q4_K_M}, Options{GPULayers: tt.layers})
		if err != nil || len(ps) != 1 {
			t.Fatalf("%d layers: %v, %d projections", tt.layers, err, len(ps))
		}
		v := ps[0].FitVerdict
		if v.Placement != tt.placement || v.GPULayers != tt.blocks || ps[0].Device != tt.deviceText {
			t.Errorf("%d layers: placement %s, %d blocks, device %q; want %s, %d, %q", tt.layers, v.Placement, v.GPULayers, ps[0].Device, tt.placement, tt.blocks, tt.deviceText)
		}
	}
}
