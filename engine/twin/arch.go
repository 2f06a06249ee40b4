package twin

import (
	"fmt"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
)

// writable lists the architectures a twin can be written in: those whose tensors
// catalog.Model.Tensors lists and whose extra metadata archKVs writes, each checked by a test
// that loads and runs a twin in the pinned llama.cpp (engine/moe_twin_test.go).
var writable = map[string]bool{
	"llama": true, "qwen2": true, "phi3": true, "qwen3": true, "qwen3moe": true, "smollm3": true,
	"granitemoe": true, "gemma3": true, "gpt-oss": true, "deepseek2": true,
}

// swaDefault is the sliding-window layer pattern llama.cpp v0.5.0 assumes per architecture
// (load_swa_pattern's default in src/models/<arch>.cpp): a twin writes no pattern key, so
// the model's must be this one.
var swaDefault = map[string]int{"gemma3": 6, "gpt-oss": 2}

// CanWrite says whether slmscope can write a twin of m, and if not, why.
func CanWrite(m catalog.Model) error {
	if !writable[m.Arch] {
		return fmt.Errorf("%s: slmscope cannot write %s twins yet (%s has no twin writer)", m.Name, m.Arch, m.Arch)
	}
	return nil
}

// ropeDim is the number of rotary dimensions per head: all of them unless the model rotates
// only part (Phi-4-mini), or the rotary key of latent attention (DeepSeek's MLA).
func ropeDim(m catalog.Model) int {
	switch {
	case m.MLA != nil:
		return m.MLA.RopeDim
	case m.RopeDim > 0:
		return m.RopeDim
	}
	return m.HeadDim
}

// attnShape is the head_count_kv, key_length and value_length a twin writes. For MLA they
// describe the cache llama.cpp keeps, one latent "head" of the compressed kv plus the rotary
// key (as its converter writes them); the per-head dims go in the *_length_mla keys.
func attnShape(m catalog.Model) (kvHeads, keyLen, valLen int) {
	if a := m.MLA; a != nil {
		return 1, a.KVLoRARank + a.RopeDim, a.KVLoRARank
	}
	return m.KVHeads, m.HeadDim, m.HeadDim
}

// archKVs returns the metadata beyond the common keys that llama.cpp's loader reads for m's
// architecture: expert counts for MoE (src/llama-model.cpp, load_hparams), sliding windows,
// Gemma 3's local rope base, Granite's scales.
func archKVs(m catalog.Model) ([]gguf.KV, error) {
	if err := CanWrite(m); err != nil {
		return nil, err
	}
	a := m.Arch
	u := func(v int) gguf.Value { return gguf.Uint32(uint32(v)) }
	f := func(v float64) gguf.Value { return gguf.Float32(float32(v)) }
	var kvs []gguf.KV
	if m.IsMoE() {
		kvs = append(kvs,
			gguf.KV{Key: a + ".expert_count", Value: u(m.Experts)},
			gguf.KV{Key: a + ".expert_used_count", Value: u(m.ActiveExperts)},
			gguf.KV{Key: a + ".expert_feed_forward_length", Value: u(m.ExpertFFN)})
		if a == "granitemoe" && m.ExpertFFN != m.FFN {
			return nil, fmt.Errorf("%s: granitemoe reads its experts' width from feed_forward_length, so FFN (%d) must equal ExpertFFN (%d)", m.ID, m.FFN, m.ExpertFFN)
		}
	}
	if m.SlidingWindow > 0 {
		if want, ok := swaDefault[a]; !ok || want != m.SlidingPattern {
			return nil, fmt.Errorf("%s: llama.cpp's %s does not use a sliding-window pattern of %d", m.ID, a, m.SlidingPattern)
		}
		kvs = append(kvs, gguf.KV{Key: a + ".attention.sliding_window", Value: u(m.SlidingWindow)})
	}
	if m.RopeThetaLocal > 0 {
		kvs = append(kvs, gguf.KV{Key: a + ".rope.freq_base_swa", Value: f(m.RopeThetaLocal)})
	}
	if m.MLA != nil {
		kvs = append(kvs, mlaKVs(m)...)
	}
	if a == "granitemoe" {
		kvs = append(kvs,
			gguf.KV{Key: a + ".logit_scale", Value: f(m.LogitScale)},
			gguf.KV{Key: a + ".residual_scale", Value: f(m.ResidualScale)},
			gguf.KV{Key: a + ".embedding_scale", Value: f(m.EmbeddingScale)},
			gguf.KV{Key: a + ".attention.scale", Value: f(m.AttentionScale)})
	}
	return kvs, nil
}

// mlaKVs is what llama.cpp's deepseek2 loader reads beyond the MoE counts
// (src/models/deepseek2.cpp, load_arch_hparams): the latent ranks, the per-head dims that make
// it take the MLA path (attn_k_b/attn_v_b, latent cache), the dense lead and DeepSeek-V3's
// routing (sigmoid gating, normalized top-k weights scaled by routed_scaling_factor 2.5). YaRN
// keys are optional there and change no shape or speed, so none is written.
func mlaKVs(m catalog.Model) []gguf.KV {
	a, l := m.Arch, m.MLA
	u := func(v int) gguf.Value { return gguf.Uint32(uint32(v)) }
	kvs := []gguf.KV{
		{Key: a + ".attention.kv_lora_rank", Value: u(l.KVLoRARank)},
		{Key: a + ".attention.key_length_mla", Value: u(l.NopeDim + l.RopeDim)},
		{Key: a + ".attention.value_length_mla", Value: u(l.VHeadDim)},
		{Key: a + ".leading_dense_block_count", Value: u(m.DenseLayers)},
		{Key: a + ".expert_shared_count", Value: u(m.SharedExperts)},
		{Key: a + ".expert_weights_scale", Value: gguf.Float32(2.5)},
		{Key: a + ".expert_weights_norm", Value: gguf.Bool(true)},
		{Key: a + ".expert_gating_func", Value: u(gatingSigmoid)},
	}
	if l.QLoRARank > 0 {
		kvs = append(kvs, gguf.KV{Key: a + ".attention.q_lora_rank", Value: u(l.QLoRARank)})
	}
	return kvs
}

// gatingSigmoid is llama.cpp's LLAMA_EXPERT_GATING_FUNC_TYPE_SIGMOID, DeepSeek-V3's router.
const gatingSigmoid = 2
