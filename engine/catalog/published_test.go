package catalog

import (
	"math"
	"strconv"
	"testing"
)

// config is the part of a published config.json a catalog entry copies; the test below holds
// each config's numbers as published so that a mistyped entry fails.
type config struct {
	source                                  string
	layers, hidden, heads, kvHeads, headDim int
	ffn, vocab, context                     int
	tied                                    bool
	experts, perToken, expertFFN, shared    int
	slidingWindow                           int
	total, active                           float64 // published, in parameters
	activeWithEmbeddings                    bool    // the publisher counts the embedding table as active
	totalTol, activeTol                     float64 // relative tolerance, with the reason beside the row
}

// TestShapesMatchPublishedConfigs checks the 2025 families and every mixture of experts
// against its config.json, and ParamCount / ActiveParamCount against the published totals.
func TestShapesMatchPublishedConfigs(t *testing.T) {
	const tol = 0.02
	want := map[string]config{
		"qwen3-0.6b": {source: "Qwen/Qwen3-0.6B", layers: 28, hidden: 1024, heads: 16, kvHeads: 8, headDim: 128, ffn: 3072, vocab: 151936, context: 40960, tied: true, total: 0.6e9, totalTol: tol},
		"qwen3-1.7b": {source: "Qwen/Qwen3-1.7B", layers: 28, hidden: 2048, heads: 16, kvHeads: 8, headDim: 128, ffn: 6144, vocab: 151936, context: 40960, tied: true, total: 1.7e9, totalTol: tol},
		"qwen3-4b":   {source: "Qwen/Qwen3-4B", layers: 36, hidden: 2560, heads: 32, kvHeads: 8, headDim: 128, ffn: 9728, vocab: 151936, context: 40960, tied: true, total: 4.0e9, totalTol: tol},
		"qwen3-8b":   {source: "Qwen/Qwen3-8B", layers: 36, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 12288, vocab: 151936, context: 40960, total: 8.2e9, totalTol: tol},
		"qwen3-14b":  {source: "Qwen/Qwen3-14B", layers: 40, hidden: 5120, heads: 40, kvHeads: 8, headDim: 128, ffn: 17408, vocab: 151936, context: 40960, total: 14.8e9, totalTol: tol},
		"qwen3-32b":  {source: "Qwen/Qwen3-32B", layers: 64, hidden: 5120, heads: 64, kvHeads: 8, headDim: 128, ffn: 25600, vocab: 151936, context: 40960, total: 32.8e9, totalTol: tol},
		// Google's announcement: 170M embedding and 100M transformer block parameters.
		"gemma-3-270m": {source: "google/gemma-3-270m-it", layers: 18, hidden: 640, heads: 4, kvHeads: 1, headDim: 256, ffn: 2048, vocab: 262144, context: 32768, tied: true, slidingWindow: 512, total: 270e6, totalTol: tol},
		"gemma-3-1b":   {source: "google/gemma-3-1b-it", layers: 26, hidden: 1152, heads: 4, kvHeads: 1, headDim: 256, ffn: 6912, vocab: 262144, context: 32768, tied: true, slidingWindow: 512, total: 1.0e9, totalTol: tol},
		"gemma-3-27b":  {source: "google/gemma-3-27b-it", layers: 62, hidden: 5376, heads: 32, kvHeads: 16, headDim: 128, ffn: 21504, vocab: 262208, context: 131072, tied: true, slidingWindow: 1024, total: 27e9, totalTol: tol},
		// "4B" and "12B" are rounded names; the cards' 4.3B and 12.2B include the 0.4B vision encoder.
		"gemma-3-4b":    {source: "google/gemma-3-4b-it", layers: 34, hidden: 2560, heads: 8, kvHeads: 4, headDim: 256, ffn: 10240, vocab: 262208, context: 131072, tied: true, slidingWindow: 1024, total: 4.3e9 - 0.42e9, totalTol: tol},
		"gemma-3-12b":   {source: "google/gemma-3-12b-it", layers: 48, hidden: 3840, heads: 16, kvHeads: 8, headDim: 256, ffn: 15360, vocab: 262208, context: 131072, tied: true, slidingWindow: 1024, total: 12.2e9 - 0.42e9, totalTol: tol},
		"llama-3.3-70b": {source: "meta-llama/Llama-3.3-70B-Instruct", layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128, ffn: 28672, vocab: 128256, context: 131072, total: 70.6e9, totalTol: tol},
		"phi-4-mini":    {source: "microsoft/Phi-4-mini-instruct", layers: 32, hidden: 3072, heads: 24, kvHeads: 8, headDim: 128, ffn: 8192, vocab: 200064, context: 131072, tied: true, total: 3.84e9, totalTol: tol},
		"smollm3-3b":    {source: "HuggingFaceTB/SmolLM3-3B", layers: 36, hidden: 2048, heads: 16, kvHeads: 4, headDim: 128, ffn: 11008, vocab: 128256, context: 65536, tied: true, total: 3.08e9, totalTol: tol},
		// The mixtures of experts. OpenAI's model card: 20.91B total, 3.61B active (embeddings
		// not counted); 116.83B / 5.13B for the 120b.
		"gpt-oss-20b":  {source: "openai/gpt-oss-20b", layers: 24, hidden: 2880, heads: 64, kvHeads: 8, headDim: 64, ffn: 2880, vocab: 201088, context: 131072, experts: 32, perToken: 4, expertFFN: 2880, slidingWindow: 128, total: 20.91e9, active: 3.61e9, totalTol: 0.005, activeTol: 0.005},
		"gpt-oss-120b": {source: "openai/gpt-oss-120b", layers: 36, hidden: 2880, heads: 64, kvHeads: 8, headDim: 64, ffn: 2880, vocab: 201088, context: 131072, experts: 128, perToken: 4, expertFFN: 2880, slidingWindow: 128, total: 116.83e9, active: 5.13e9, totalTol: 0.005, activeTol: 0.005},
		// Qwen's card: 30.5B total, 3.3B activated (rounded; embeddings counted).
		"qwen3-30b-a3b": {source: "Qwen/Qwen3-30B-A3B", layers: 48, hidden: 2048, heads: 32, kvHeads: 4, headDim: 128, ffn: 6144, vocab: 151936, context: 40960, experts: 128, perToken: 8, expertFFN: 768, total: 30.5e9, active: 3.3e9, activeWithEmbeddings: true, totalTol: tol, activeTol: 0.03},
		// IBM names it 1B-A400M: 1.3B total, "400M" active is a rounded figure, hence 10%.
		"granite-3.0-1b-a400m": {source: "ibm-granite/granite-3.0-1b-a400m-instruct", layers: 24, hidden: 1024, heads: 16, kvHeads: 8, headDim: 64, ffn: 512, vocab: 49155, context: 4096, tied: true, experts: 32, perToken: 8, expertFFN: 512, total: 1.33e9, active: 0.4e9, totalTol: tol, activeTol: 0.10},
		// DeepSeek-V3's report: 671B total (without the 14B MTP module), 37B activated.
		"deepseek-v3": {source: "deepseek-ai/DeepSeek-V3", layers: 61, hidden: 7168, heads: 128, kvHeads: 128, headDim: 192, ffn: 18432, vocab: 129280, context: 163840, experts: 256, perToken: 8, expertFFN: 2048, shared: 1, total: 671e9, active: 37e9, activeWithEmbeddings: true, totalTol: 0.005, activeTol: 0.03},
	}
	for id, c := range want {
		t.Run(id, func(t *testing.T) {
			m := must(t, id)
			if m.Source == "" || len(m.Source) < len(c.source) || m.Source[:len(c.source)] != c.source {
				t.Errorf("source %q, want %s's config", m.Source, c.source)
			}
			got := config{source: c.source, layers: m.Layers, hidden: m.Hidden, heads: m.Heads, kvHeads: m.KVHeads, headDim: m.HeadDim,
				ffn: m.FFN, vocab: m.Vocab, context: m.Context, tied: m.TiedEmbeddings, experts: m.Experts, perToken: m.ActiveExperts,
				expertFFN: m.ExpertFFN, shared: m.SharedExperts, slidingWindow: m.SlidingWindow,
				total: c.total, active: c.active, activeWithEmbeddings: c.activeWithEmbeddings, totalTol: c.totalTol, activeTol: c.activeTol}
			if got != c {
				t.Errorf("shapes differ from %s's config:\n got %+v\nwant %+v", c.source, got, c)
			}
			if rel := math.Abs(float64(m.ParamCount())/c.total - 1); rel > c.totalTol {
				t.Errorf("ParamCount %d is %.2f%% off the published %.4g (tolerance %.1f%%)", m.ParamCount(), 100*rel, c.total, 100*c.totalTol)
			}
			if c.active == 0 {
				if m.IsMoE() || m.Active != 0 {
					t.Errorf("dense in the test, MoE (%d experts, active %d) in the catalog", m.Experts, m.Active)
				}
				return
			}
			if m.Active != int64(c.active) {
				t.Errorf("Active = %d, want the published %.4g", m.Active, c.active)
			}
			active := float64(m.ActiveParamCount())
			if c.activeWithEmbeddings {
				active += float64(m.EmbeddingParams())
			}
			if rel := math.Abs(active/c.active - 1); rel > c.activeTol {
				t.Errorf("active parameters %.4g are %.2f%% off the published %.4g (tolerance %.1f%%)", active, 100*rel, c.active, 100*c.activeTol)
			}
			if a, n := m.ActiveParamCount(), m.ParamCount(); a >= n/2 {
				t.Errorf("an MoE reads %d of %d weights per token: the experts are not scaled", a, n)
			}
		})
	}
}

// TestTensorsOfEachArchitecture pins the tensors llama.cpp v0.5.0 requires per architecture
// (src/models/<arch>.cpp) on the last block of one model each.
func TestTensorsOfEachArchitecture(t *testing.T) {
	tests := []struct {
		id      string
		present map[string][]uint64
		absent  []string
	}{
		{"qwen3-0.6b", map[string][]uint64{"attn_q.weight": {1024, 2048}, "attn_q_norm.weight": {128}, "attn_k_norm.weight": {128}, "attn_output.weight": {2048, 1024}}, []string{"attn_q.bias"}},
		{"qwen3-30b-a3b", map[string][]uint64{"ffn_gate_inp.weight": {2048, 128}, "ffn_gate_exps.weight": {2048, 768, 128}, "ffn_down_exps.weight": {768, 2048, 128}, "attn_k_norm.weight": {128}}, []string{"ffn_gate.weight", "ffn_gate_shexp.weight"}},
		{"gemma-3-1b", map[string][]uint64{"post_attention_norm.weight": {1152}, "post_ffw_norm.weight": {1152}, "ffn_norm.weight": {1152}, "attn_q_norm.weight": {256}, "attn_k.weight": {1152, 256}}, nil},
		{"gpt-oss-20b", map[string][]uint64{"attn_sinks.weight": {64}, "attn_output.bias": {2880}, "attn_q.bias": {4096}, "post_attention_norm.weight": {2880},
			"ffn_gate_inp.bias": {32}, "ffn_up_exps.weight": {2880, 2880, 32}, "ffn_up_exps.bias": {2880, 32}, "ffn_down_exps.bias": {2880, 32}}, []string{"ffn_norm.weight"}},
		{"granite-3.0-1b-a400m", map[string][]uint64{"ffn_gate_inp.weight": {1024, 32}, "ffn_gate_exps.weight": {1024, 512, 32}}, []string{"attn_q_norm.weight"}},
		{"deepseek-v3", map[string][]uint64{"attn_q_a.weight": {7168, 1536}, "attn_kv_a_mqa.weight": {7168, 576}, "attn_k_b.weight": {128, 512, 128}, "attn_v_b.weight": {512, 128, 128},
			"attn_output.weight": {128 * 128, 7168}, "ffn_gate_shexp.weight": {7168, 2048}, "ffn_gate_exps.weight": {7168, 2048, 256}}, []string{"attn_q.weight", "attn_kv_b.weight"}},
		{"phi-4-mini", map[string][]uint64{"attn_qkv.weight": {3072, 3072 + 2*1024}, "ffn_up.weight": {3072, 2 * 8192}}, []string{"output.weight"}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			m := must(t, tc.id)
			last := "blk." + strconv.Itoa(m.Layers-1) + "."
			shape := map[string][]uint64{}
			for _, ts := range m.Tensors() {
				shape[ts.Name] = ts.Dims
			}
			for name, dims := range tc.present {
				got, ok := shape[last+name]
				if !ok || len(got) != len(dims) {
					t.Errorf("%s: %v (present %v), want %v", last+name, got, ok, dims)
					continue
				}
				for i := range dims {
					if got[i] != dims[i] {
						t.Errorf("%s: %v, want %v", last+name, got, dims)
						break
					}
				}
			}
			for _, name := range tc.absent {
				if _, ok := shape[last+name]; ok {
					t.Errorf("%s should not be there", last+name)
				}
				if _, ok := shape[name]; ok {
					t.Errorf("%s should not be there", name)
				}
			}
		})
	}
	// DeepSeek's first three layers are dense.
	ds := must(t, "deepseek-v3")
	for _, ts := range ds.Tensors() {
		if ts.Layer >= 0 && ts.Layer < 3 && ts.Experts > 0 {
			t.Fatalf("%s: DeepSeek's layer %d should be dense", ts.Name, ts.Layer)
		}
	}
}

func TestKVCacheBytesMLA(t *testing.T) {
	// 61 layers · (512 latent + 64 rope) · 4096 tokens · 2 bytes
	if got, want := must(t, "deepseek-v3").KVCacheBytes(4096, 2), int64(61*576*4096*2); got != want {
		t.Errorf("MLA KV cache = %d, want %d", got, want)
	}
}
