package catalog

import "fmt"

// The numbers below are copied from each model's published Hugging Face config.json (named
// in Source); Params is the count its model card publishes. HeadDim is hidden/heads for all
// of them (Llama-3.2-3B's config states head_dim 128 = 3072/24 explicitly).

const (
	tokStarcoder = "starcoder" // ggml-vocab-starcoder.gguf, 49152 tokens
	tokLlamaBPE  = "llama-bpe" // ggml-vocab-llama-bpe.gguf, 128256 tokens
	tokQwen2     = "qwen2"     // ggml-vocab-qwen2.gguf, 151936 tokens
	tokLlamaSPM  = "llama-spm" // ggml-vocab-llama-spm.gguf, 32000 tokens
	tokPhi3      = "phi-3"     // ggml-vocab-phi-3.gguf, 32064 tokens
	tokGemma4    = "gemma-4"   // ggml-vocab-gemma-4.gguf, 262144 tokens
)

// qwenPadNote explains the Qwen2.5 7B-and-up vocab: the config's vocab_size (152064) is larger
// than the tokenizer's 151936 entries, as in the real checkpoints; the twin pads the token
// list with unused "[PADn]" tokens, exactly as llama.cpp's converter does for real GGUFs.
const qwenPadNote = "config vocab_size 152064 exceeds the tokenizer's 151936 tokens; the twin pads the list with 128 unused [PAD] tokens, as llama.cpp's converter does"

// family holds what every member of a model family shares: its display name, the llama.cpp
// architecture a twin is written as, the Hugging Face organisation its configs are published
// under and the tokenizer.
type family struct {
	name, arch, org, tokenizer string
	qkvBias                    bool   // the architecture has q/k/v biases (Qwen2)
	qkNorm                     string // the architecture normalises queries and keys (Qwen3, Gemma 3)
}

var (
	smolLM2 = family{name: "SmolLM2", arch: "llama", org: "HuggingFaceTB", tokenizer: tokStarcoder}
	qwen25  = family{name: "Qwen2.5", arch: "qwen2", org: "Qwen", tokenizer: tokQwen2, qkvBias: true}
	llama3  = family{name: "Llama 3.x", arch: "llama", org: "meta-llama", tokenizer: tokLlamaBPE}
)

// member completes m with the family's shared fields; its Source is the config.json
// published under the family's organisation with the model's Name.
func (f family) member(m Model) Model {
	m.Family, m.Arch, m.Tokenizer, m.QKVBias, m.QKNorm = f.name, f.arch, f.tokenizer, f.qkvBias, f.qkNorm
	if m.Source == "" {
		m.Source = f.org + "/" + m.Name + " config.json"
	}
	return m
}

// llama3RopeNote says why a Llama 3.x twin leaves out the model's rope scaling.
func llama3RopeNote(factor int) string {
	return fmt.Sprintf("llama3 rope scaling (factor %d) is not written; it changes no tensor shape or speed", factor)
}

// models is the whole catalog in display order: the 2024 dense families, then the 2025
// families and the mixtures of experts (models_2025.go).
var models = append(append([]Model{}, models2024...), models2025...)

var models2024 = []Model{
	smolLM2.member(Model{
		ID: "smollm2-135m", Name: "SmolLM2-135M", Params: 135_000_000,
		Layers: 30, Hidden: 576, Heads: 9, KVHeads: 3, HeadDim: 64, FFN: 1536, Vocab: 49152,
		Context: 8192, TiedEmbeddings: true, RopeTheta: 100000, NormEps: 1e-5,
	}),
	smolLM2.member(Model{
		ID: "smollm2-360m", Name: "SmolLM2-360M", Params: 362_000_000,
		Layers: 32, Hidden: 960, Heads: 15, KVHeads: 5, HeadDim: 64, FFN: 2560, Vocab: 49152,
		Context: 8192, TiedEmbeddings: true, RopeTheta: 100000, NormEps: 1e-5,
	}),
	smolLM2.member(Model{
		ID: "smollm2-1.7b", Name: "SmolLM2-1.7B", Params: 1_710_000_000,
		Layers: 24, Hidden: 2048, Heads: 32, KVHeads: 32, HeadDim: 64, FFN: 8192, Vocab: 49152,
		Context: 8192, TiedEmbeddings: true, RopeTheta: 130000, NormEps: 1e-5,
	}),
	qwen25.member(Model{
		ID: "qwen2.5-0.5b", Name: "Qwen2.5-0.5B", Params: 490_000_000,
		Layers: 24, Hidden: 896, Heads: 14, KVHeads: 2, HeadDim: 64, FFN: 4864, Vocab: 151936,
		Context: 32768, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
	}),
	qwen25.member(Model{
		ID: "qwen2.5-1.5b", Name: "Qwen2.5-1.5B", Params: 1_540_000_000,
		Layers: 28, Hidden: 1536, Heads: 12, KVHeads: 2, HeadDim: 128, FFN: 8960, Vocab: 151936,
		Context: 131072, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
	}),
	qwen25.member(Model{
		ID: "qwen2.5-3b", Name: "Qwen2.5-3B", Params: 3_090_000_000,
		Layers: 36, Hidden: 2048, Heads: 16, KVHeads: 2, HeadDim: 128, FFN: 11008, Vocab: 151936,
		Context: 32768, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
	}),
	qwen25.member(Model{
		ID: "qwen2.5-7b", Name: "Qwen2.5-7B", Params: 7_610_000_000,
		Layers: 28, Hidden: 3584, Heads: 28, KVHeads: 4, HeadDim: 128, FFN: 18944, Vocab: 152064,
		Context: 131072, RopeTheta: 1e6, NormEps: 1e-6, Note: qwenPadNote,
	}),
	qwen25.member(Model{
		ID: "qwen2.5-14b", Name: "Qwen2.5-14B", Params: 14_700_000_000,
		Layers: 48, Hidden: 5120, Heads: 40, KVHeads: 8, HeadDim: 128, FFN: 13824, Vocab: 152064,
		Context: 131072, RopeTheta: 1e6, NormEps: 1e-5, Note: qwenPadNote,
	}),
	qwen25.member(Model{
		ID: "qwen2.5-32b", Name: "Qwen2.5-32B", Params: 32_500_000_000,
		Layers: 64, Hidden: 5120, Heads: 40, KVHeads: 8, HeadDim: 128, FFN: 27648, Vocab: 152064,
		Context: 131072, RopeTheta: 1e6, NormEps: 1e-5, Note: qwenPadNote,
	}),
	qwen25.member(Model{
		ID: "qwen2.5-72b", Name: "Qwen2.5-72B", Params: 72_700_000_000,
		Layers: 80, Hidden: 8192, Heads: 64, KVHeads: 8, HeadDim: 128, FFN: 29568, Vocab: 152064,
		Context: 131072, RopeTheta: 1e6, NormEps: 1e-5, Note: qwenPadNote,
	}),
	llama3.member(Model{
		ID: "llama-3.2-1b", Name: "Llama-3.2-1B", Params: 1_230_000_000,
		Layers: 16, Hidden: 2048, Heads: 32, KVHeads: 8, HeadDim: 64, FFN: 8192, Vocab: 128256,
		Context: 131072, TiedEmbeddings: true, RopeTheta: 500000, NormEps: 1e-5, Note: llama3RopeNote(32),
	}),
	llama3.member(Model{
		ID: "llama-3.2-3b", Name: "Llama-3.2-3B", Params: 3_210_000_000,
		Layers: 28, Hidden: 3072, Heads: 24, KVHeads: 8, HeadDim: 128, FFN: 8192, Vocab: 128256,
		Context: 131072, TiedEmbeddings: true, RopeTheta: 500000, NormEps: 1e-5, Note: llama3RopeNote(32),
	}),
	llama3.member(Model{
		ID: "llama-3.1-8b", Name: "Llama-3.1-8B", Params: 8_030_000_000,
		Layers: 32, Hidden: 4096, Heads: 32, KVHeads: 8, HeadDim: 128, FFN: 14336, Vocab: 128256,
		Context: 131072, RopeTheta: 500000, NormEps: 1e-5, Note: llama3RopeNote(8),
	}),
	llama3.member(Model{
		ID: "llama-3.1-70b", Name: "Llama-3.1-70B", Params: 70_600_000_000,
		Layers: 80, Hidden: 8192, Heads: 64, KVHeads: 8, HeadDim: 128, FFN: 28672, Vocab: 128256,
		Context: 131072, RopeTheta: 500000, NormEps: 1e-5, Note: llama3RopeNote(8),
	}),
	llama3.member(Model{
		ID: "llama-3.1-405b", Name: "Llama-3.1-405B", Params: 405_000_000_000,
		Layers: 126, Hidden: 16384, Heads: 128, KVHeads: 8, HeadDim: 128, FFN: 53248, Vocab: 128256,
		Context: 131072, RopeTheta: 500000, NormEps: 1e-5, Note: llama3RopeNote(8),
	}),
	{
		ID: "mistral-7b", Name: "Mistral-7B-v0.1", Family: "Mistral", Params: 7_240_000_000,
		Source: "mistralai/Mistral-7B-v0.1 config.json", Arch: "llama",
		Layers: 32, Hidden: 4096, Heads: 32, KVHeads: 8, HeadDim: 128, FFN: 14336, Vocab: 32000,
		Context: 32768, RopeTheta: 10000, NormEps: 1e-5, Tokenizer: tokLlamaSPM,
		Note: "v0.1 (vocab 32000) rather than v0.3 (32768) so llama.cpp's llama-spm tokenizer fits exactly; llama.cpp runs Mistral as llama, so its 4096-token sliding window is not applied",
	},
	{
		ID: "phi-3.5-mini", Name: "Phi-3.5-mini", Family: "Phi-3.5", Params: 3_820_000_000,
		Source: "microsoft/Phi-3.5-mini-instruct config.json", Arch: "phi3",
		Layers: 32, Hidden: 3072, Heads: 32, KVHeads: 32, HeadDim: 96, FFN: 8192, Vocab: 32064,
		Context: 131072, RopeTheta: 10000, NormEps: 1e-5, Tokenizer: tokPhi3,
		Note: "fused attn_qkv and fused gate+up FFN as in real Phi-3 GGUFs; longrope factors are not written (they change no speed)",
	},
}

// testModels are found by ByID but are not part of All.
var testModels = []Model{Tiny, TinyMoE}

// Tiny is a catalog-shaped test model, not part of All: 2 layers, hidden 64, 4 heads,
// 2 KV heads, FFN 192 and SmolLM2's real 49152-token tokenizer, so a twin of it is a few
// megabytes yet loads and runs in llama.cpp like any catalog model.
var Tiny = Model{
	ID: "tiny", Name: "Tiny test model", Family: "test", Params: 3_244_352, // its own shape count: no published model
	Source: "slmscope test shape (SmolLM2 layout, 2 layers)", Arch: "llama",
	Layers: 2, Hidden: 64, Heads: 4, KVHeads: 2, HeadDim: 16, FFN: 192, Vocab: 49152,
	Context: 512, TiedEmbeddings: true, RopeTheta: 100000, NormEps: 1e-5, Tokenizer: tokStarcoder,
	Note: "for tests only: the shape of no real model",
}
