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
	"granitemoe": true, "gemma3": true, "gpt-oss": true,
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
// only part (Phi-4-mini).
func ropeDim(m catalog.Model) int {
	if m.RopeDim > 0 {
		return m.RopeDim
	}
	return m.HeadDim
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
	if a == "granitemoe" {
		kvs = append(kvs,
			gguf.KV{Key: a + ".logit_scale", Value: f(m.LogitScale)},
			gguf.KV{Key: a + ".residual_scale", Value: f(m.ResidualScale)},
			gguf.KV{Key: a + ".embedding_scale", Value: f(m.EmbeddingScale)},
			gguf.KV{Key: a + ".attention.scale", Value: f(m.AttentionScale)})
	}
	return kvs, nil
}
