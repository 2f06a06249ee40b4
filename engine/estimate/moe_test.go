package estimate

import (
	"math"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
)

func TestExpertsTouched(t *testing.T) {
	tests := []struct {
		e, k, n int
		want    float64
	}{
		{32, 4, 1, 4},                   // one token: exactly its k experts
		{32, 4, 2, 32 * (1 - 0.765625)}, // 32·(1 − (28/32)²) = 7.5
		{32, 4, 0, 0},
		{8, 8, 5, 8}, // every expert active
		{128, 8, 512, 128 * (1 - math.Pow(120.0/128, 512))}, // a long prompt touches them all
		{0, 4, 10, 0},
	}
	for _, tc := range tests {
		if got := ExpertsTouched(tc.e, tc.k, tc.n); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("ExpertsTouched(%d, %d, %d) = %.4f, want %.4f", tc.e, tc.k, tc.n, got, tc.want)
		}
	}
	if got := ExpertsTouched(128, 8, 512); got < 127.9 {
		t.Errorf("512 tokens touch %.2f of 128 experts, want nearly all", got)
	}
	for n := 1; n < 64; n++ {
		if ExpertsTouched(32, 4, n+1) <= ExpertsTouched(32, 4, n) {
			t.Fatalf("touched experts must grow with the batch (n=%d)", n)
		}
	}
}

// TestMoEWeights: memory holds every expert, a token reads its shared weights and its active
// experts' share, and the counts agree with the catalog's.
func TestMoEWeights(t *testing.T) {
	for _, id := range []string{"gpt-oss-20b", "qwen3-30b-a3b", "granite-3.0-1b-a400m", "deepseek-v3", "qwen3-8b"} {
		t.Run(id, func(t *testing.T) {
			m := model(t, id)
			w, err := WeightsOf(m, quant.Q8_0)
			if err != nil {
				t.Fatal(err)
			}
			if w.Params != m.ParamCount() {
				t.Errorf("params %d, catalog %d: memory must count every expert", w.Params, m.ParamCount())
			}
			if d := math.Abs(float64(w.ActiveParams)/float64(m.ActiveParamCount()) - 1); d > 1e-6 {
				t.Errorf("active params %d, catalog %d", w.ActiveParams, m.ActiveParamCount())
			}
			share := float64(w.ReadPerToken) / float64(w.Bytes)
			activeShare := float64(m.ActiveParamCount()) / float64(m.ParamCount())
			if math.Abs(share-activeShare) > 0.02 {
				t.Errorf("reads %.3f of the weights per token, active share is %.3f", share, activeShare)
			}
			if m.IsMoE() && share > 0.35 { // Granite 1B-A400M: 32 %, its tied embeddings are a large share
				t.Errorf("an MoE reads %.0f%% of its weights per token", 100*share)
			}
			ts, _ := Plan(m, quant.Q8_0)
			one, many := BatchReadBytes(m, ts, 1), BatchReadBytes(m, ts, 512)
			if m.IsMoE() && !(float64(one) < 1.01*float64(w.ReadPerToken) && many > 3*one && many <= w.Bytes+int64(512*m.Hidden*2)) {
				t.Errorf("batch reads: 1 token %d, 512 tokens %d, per token %d, all %d", one, many, w.ReadPerToken, w.Bytes)
			}
		})
	}
}

// TestMoEProjectionBasis: an MoE's projection names the active and total weights it used,
// and decodes faster than a dense model of the same memory.
func TestMoEProjectionBasis(t *testing.T) {
	machine := MachineSpec{RAMAvailableBytes: 64e9, MeasuredBandwidthGBs: 40, CPUCores: 8}
	ps := Project(machine, Calibration{}, []catalog.Model{model(t, "gpt-oss-20b"), model(t, "qwen3-14b")}, []quant.Quant{"Q8_0"}, 4096)
	if len(ps) != 2 {
		t.Fatalf("%d projections", len(ps))
	}
	moe, dense := ps[0], ps[1]
	for _, want := range []string{"reads 3.61B of 20.9B weights per token", "4 of 32 experts per layer", "memory holds every expert"} {
		if !strings.Contains(moe.Basis, want) {
			t.Errorf("basis lacks %q: %s", want, moe.Basis)
		}
	}
	if strings.Contains(dense.Basis, "experts") {
		t.Errorf("a dense model's basis mentions experts: %s", dense.Basis)
	}
	if moe.Memory.WeightBytes <= dense.Memory.WeightBytes || moe.DecodeTPS < 3*dense.DecodeTPS {
		t.Errorf("gpt-oss-20b: %d B weights, %.1f tok/s; Qwen3-14B: %d B, %.1f tok/s: the MoE holds more and should decode far faster",
			moe.Memory.WeightBytes, moe.DecodeTPS, dense.Memory.WeightBytes, dense.DecodeTPS)
	}
	if moe.PromptTPS < 2*dense.PromptTPS {
		t.Errorf("prompt: MoE %.1f, dense %.1f tok/s: a token multiplies only its experts", moe.PromptTPS, dense.PromptTPS)
	}
}

func TestMLAKVCache(t *testing.T) {
	m := model(t, "deepseek-v3")
	kv, err := modelKV(m, 4096, "F16")
	if err != nil {
		t.Fatal(err)
	}
	if want := m.KVCacheBytes(4096, 2); kv != want {
		t.Errorf("MLA KV cache %d, want %d", kv, want)
	}
}
