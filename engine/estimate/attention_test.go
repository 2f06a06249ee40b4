package estimate

import (
	"math"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
)

// A token's attention work grows with its position on every global layer, and stops growing
// at the window on a sliding-window layer (Gemma 3: five local layers of 1024 for each global
// one; gpt-oss: every other layer at 128).
func TestAttentionFlopsByPosition(t *testing.T) {
	for _, c := range []struct {
		id        string
		pos       int
		wantShare float64 // of the work a model without sliding layers would do
	}{
		{"llama-3.1-8b", 64, 1},
		{"llama-3.1-8b", 4096, 1},
		{"qwen3-4b", 576, 1},
		{"gemma-3-4b", 1024, 1},
		{"gemma-3-4b", 4096, (5.0/34*4096 + 29.0/34*1024) / 4096},
		{"gpt-oss-20b", 128, 1},
		{"gpt-oss-20b", 2048, (12*2048 + 12*128) / (24 * 2048.0)},
	} {
		m, ok := catalog.ByID(c.id)
		if !ok {
			t.Fatalf("no catalog model %s", c.id)
		}
		ts, err := Plan(m, quant.Q8_0)
		if err != nil {
			t.Fatal(err)
		}
		p := ProfileOf(m, ts, "cpu")
		full := 4 * float64(m.Layers*m.Heads*m.HeadDim) * float64(c.pos)
		if got := p.attnFlops(c.pos) / full; math.Abs(got-c.wantShare) > 1e-9 {
			t.Errorf("%s at position %d: %.4f of the full attention, want %.4f", c.id, c.pos, got, c.wantShare)
		}
	}
}

// Without a run past longPosition the attention term is held at 0 and the basis says it
// was not measured; with the ladder's long runs it is measured and named in GFLOP/s.
func TestAttentionTermNeedsLongRuns(t *testing.T) {
	var short []Measurement
	for _, m := range synthKernelRuns(t, 0.02) {
		if m.PromptTokens < longPosition {
			short = append(short, m)
		}
	}
	k := FitSpeed(synthMachine, short, catalog.All()).CPU.Kernels
	if k == nil || k.AttnMeasured || k.SecPerAttnGFLOP != 0 || !strings.Contains(k.Basis, "attention (not measured") {
		t.Errorf("fitted on short runs only: attention %v s/GFLOP, measured %v; basis %q", k.SecPerAttnGFLOP, k.AttnMeasured, k.Basis)
	}
	k = FitSpeed(synthMachine, synthKernelRuns(t, 0.02), catalog.All()).CPU.Kernels
	if k == nil || !k.AttnMeasured || !strings.Contains(k.Basis, "attention at 2") {
		t.Errorf("fitted with the long runs: basis %q, want attention at about 25 GFLOP/s", k.Basis)
	}
}

// A prompt model whose runs did not resolve attention says so, rather than naming the
// division guard's billion GFLOP/s.
func TestPromptBasisWithoutAttention(t *testing.T) {
	k := KernelModel{Kind: "prompt", Device: "cpu", Points: 5, Cost: map[string]float64{"Q8_0": 0.01}}
	k.describe(kernelPrior{what: "test"})
	if !strings.Contains(k.Basis, "attention (too small to see") || strings.Contains(k.Basis, "000000") {
		t.Errorf("basis %q", k.Basis)
	}
	k.SecPerGB = 1.0 / 40
	k.describe(kernelPrior{what: "test"})
	if !strings.Contains(k.Basis, "attention at 40 GFLOP/s") {
		t.Errorf("basis %q, want attention at 40 GFLOP/s", k.Basis)
	}
}
