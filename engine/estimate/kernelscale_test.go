package estimate

import (
	"math"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/quant"
)

// bitsExponents reads off each family's measured kernels whether their time per weight
// follows their bits, and bitsScale applies it to an unmeasured kernel.
func TestBitsScale(t *testing.T) {
	const s = 0.05 // seconds per GB streamed
	eff := func(typ gguf.GGMLType, perWeight, perByte float64) float64 {
		return perWeight + perByte*typ.BitsPerWeight()/8 - typ.BitsPerWeight()/8*s
	}
	tests := []struct {
		name       string
		cost       map[string]float64
		kernel, m  string
		wantScale  float64
		wantFamily bool // the k-quant family has an exponent
	}{
		{"compute-bound K-quants: the same time per weight",
			map[string]float64{"Q5_K": eff(gguf.TypeQ5_K, 0.1, 0), "Q6_K": eff(gguf.TypeQ6_K, 0.1, 0), "Q8_0": eff(gguf.TypeQ8_0, 0.1, 0)},
			"Q3_K", "Q5_K", 1, true},
		{"bandwidth-bound K-quants: time per byte",
			map[string]float64{"Q5_K": eff(gguf.TypeQ5_K, 0, 0.08), "Q6_K": eff(gguf.TypeQ6_K, 0, 0.08)},
			"Q3_K", "Q5_K", gguf.TypeQ3_K.BitsPerWeight() / gguf.TypeQ5_K.BitsPerWeight(), true},
		{"faster with more bits: clamped to the same time per weight",
			map[string]float64{"Q3_K": eff(gguf.TypeQ3_K, 0.2, 0), "Q6_K": eff(gguf.TypeQ6_K, 0.1, 0)},
			"Q5_K", "Q6_K", 1, true},
		{"one measured K-quant beside a float kernel: time per byte",
			map[string]float64{"Q5_K": eff(gguf.TypeQ5_K, 0.1, 0), "F16": eff(gguf.TypeF16, 0.1, 0)},
			"Q3_K", "Q5_K", gguf.TypeQ3_K.BitsPerWeight() / gguf.TypeQ5_K.BitsPerWeight(), false},
		{"one measured K-quant: the legacy kernels tell for both",
			map[string]float64{"Q6_K": eff(gguf.TypeQ6_K, 0.1, 0), "Q5_0": eff(gguf.TypeQ5_0, 0.1, 0), "Q8_0": eff(gguf.TypeQ8_0, 0.1, 0)},
			"Q5_K", "Q6_K", 1, false},
		{"one measured K-quant among bandwidth-bound legacy kernels: time per byte",
			map[string]float64{"Q6_K": eff(gguf.TypeQ6_K, 0, 0.08), "Q5_0": eff(gguf.TypeQ5_0, 0, 0.08), "Q8_0": eff(gguf.TypeQ8_0, 0, 0.08)},
			"Q5_K", "Q6_K", gguf.TypeQ5_K.BitsPerWeight() / gguf.TypeQ6_K.BitsPerWeight(), false},
		{"float kernels do not tell for quantized ones",
			map[string]float64{"Q6_K": eff(gguf.TypeQ6_K, 0.1, 0), "F16": eff(gguf.TypeF16, 0, 0.08), "F32": eff(gguf.TypeF32, 0, 0.08)},
			"Q5_K", "Q6_K", gguf.TypeQ5_K.BitsPerWeight() / gguf.TypeQ6_K.BitsPerWeight(), false},
		{"from another family: time per byte",
			map[string]float64{"Q5_K": eff(gguf.TypeQ5_K, 0.1, 0), "Q6_K": eff(gguf.TypeQ6_K, 0.1, 0), "Q8_0": eff(gguf.TypeQ8_0, 0.1, 0)},
			"F16", "Q8_0", 16 / gguf.TypeQ8_0.BitsPerWeight(), true},
	}
	for _, tc := range tests {
		k := KernelModel{Kind: "decode", SecPerGB: s, Cost: tc.cost}
		k.BitsExponent = bitsExponents(k)
		if _, ok := k.BitsExponent["k-quant"]; ok != tc.wantFamily {
			t.Errorf("%s: exponents %v", tc.name, k.BitsExponent)
		}
		if got := k.bitsScale(tc.kernel, tc.m); math.Abs(got-tc.wantScale) > 1e-9 {
			t.Errorf("%s: %s from %s scaled %.4f, want %.4f", tc.name, tc.kernel, tc.m, got, tc.wantScale)
		}
	}
}

// On a machine whose K-quant kernels all take the same time per weight (compute-bound, as
// on a 2-thread x86 CPU), a Q3_K_M model projected from runs that never measured Q3_K is
// right; scaled by bits per weight from Q5_K it came out about 25 % too fast.
func TestUnmeasuredKernelComputeBound(t *testing.T) {
	const perWeight = 0.12 // seconds per 10⁹ weights for every K-quant
	cost := map[gguf.GGMLType]float64{}
	for typ, c := range synthCost {
		cost[typ] = c
	}
	for _, typ := range []gguf.GGMLType{gguf.TypeQ3_K, gguf.TypeQ5_K, gguf.TypeQ6_K} {
		cost[typ] = perWeight - typ.BitsPerWeight()/8*synthSecPerGB
	}
	truth := func(m catalog.Model, q quant.Quant, pos int) (Profile, float64) {
		return synthDecode(t, m, q, pos, func(typ gguf.GGMLType) float64 { return cost[typ] })
	}
	var pts []kernelPoint
	for _, id := range synthModels {
		m, _ := catalog.ByID(id)
		for _, q := range synthQuants {
			p, sec := truth(m, q, 64+16)
			pts = append(pts, kernelPoint{prof: p, n: 64 + 16, y: sec})
		}
	}
	k, ok := fitKernels("cpu", "decode", pts, kernelPrior{secPerGB: synthSecPerGB})
	if !ok {
		t.Fatal("no fit")
	}
	m, _ := catalog.ByID("llama-3.2-3b")
	p, want := truth(m, quant.Q3_K_M, 256)
	got, _, uncal := k.Seconds(p, 256)
	if len(uncal) == 0 {
		t.Fatal("Q3_K was measured")
	}
	if e := relErr(1/got, 1/want); math.Abs(e) > 0.03 {
		t.Errorf("Q3_K_M projected %+.1f %% off (%v, exponents %v)", 100*e, uncal, k.BitsExponent)
	}
}
