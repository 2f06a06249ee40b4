package catalog

// The 2025 families and the mixtures of experts. Numbers are copied from each model's
// published config.json (named in Source; for Gemma 3 its text_config); Params and Active
// are the totals its model card publishes.

var (
	qwen3  = family{name: "Qwen3", arch: "qwen3", org: "Qwen", tokenizer: tokQwen2, qkNorm: QKNormHead}
	gemma3 = family{name: "Gemma 3", arch: "gemma3", org: "google", tokenizer: tokGemma4, qkNorm: QKNormHead}
	gptOSS = family{name: "gpt-oss", arch: "gpt-oss", org: "openai", qkvBias: true}
)

// Notes shared by several entries.
const (
	qwen3Note = "Qwen3 uses Qwen2.5's 151936-token vocabulary (llama.cpp's qwen2 vocab file)"

	// gemma3VocabNote: llama.cpp's source bundle has no Gemma 3 tokenizer; Gemma 4's has the
	// same 262144 tokens, and speed depends on the vocabulary's size, not its words.
	gemma3VocabNote = "the twin uses Gemma 4's tokenizer (the same 262144 tokens; the bundle has no Gemma 3 vocab)"
	gemma3PadNote   = gemma3VocabNote + ", padded with 64 unused [PAD] tokens to the config's 262208 (image tokens)"
	gemma3TextNote  = "text weights only: the card's total includes a 0.4B SigLIP vision encoder a text twin does not hold"

	gptOSSNote = "no tokenizer of its 201088-token o200k vocabulary in llama.cpp's bundle: the twin generates one of exactly 201088 tokens; " +
		"yarn rope scaling (factor 32 over 4096) is not written, it changes no shape or speed; published weights are MXFP4 experts with BF16 elsewhere"
)

var models2025 = []Model{
	qwen3.member(Model{
		ID: "qwen3-0.6b", Name: "Qwen3-0.6B", Params: 600_000_000,
		Layers: 28, Hidden: 1024, Heads: 16, KVHeads: 8, HeadDim: 128, FFN: 3072, Vocab: 151936,
		Context: 40960, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6, Note: qwen3Note,
	}),
	qwen3.member(Model{
		ID: "qwen3-1.7b", Name: "Qwen3-1.7B", Params: 1_700_000_000,
		Layers: 28, Hidden: 2048, Heads: 16, KVHeads: 8, HeadDim: 128, FFN: 6144, Vocab: 151936,
		Context: 40960, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6, Note: qwen3Note,
	}),
	qwen3.member(Model{
		ID: "qwen3-4b", Name: "Qwen3-4B", Params: 4_000_000_000,
		Layers: 36, Hidden: 2560, Heads: 32, KVHeads: 8, HeadDim: 128, FFN: 9728, Vocab: 151936,
		Context: 40960, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6, Note: qwen3Note,
	}),
	qwen3.member(Model{
		ID: "qwen3-8b", Name: "Qwen3-8B", Params: 8_200_000_000,
		Layers: 36, Hidden: 4096, Heads: 32, KVHeads: 8, HeadDim: 128, FFN: 12288, Vocab: 151936,
		Context: 40960, RopeTheta: 1e6, NormEps: 1e-6, Note: qwen3Note,
	}),
	qwen3.member(Model{
		ID: "qwen3-14b", Name: "Qwen3-14B", Params: 14_800_000_000,
		Layers: 40, Hidden: 5120, Heads: 40, KVHeads: 8, HeadDim: 128, FFN: 17408, Vocab: 151936,
		Context: 40960, RopeTheta: 1e6, NormEps: 1e-6, Note: qwen3Note,
	}),
	qwen3.member(Model{
		ID: "qwen3-32b", Name: "Qwen3-32B", Params: 32_800_000_000,
		Layers: 64, Hidden: 5120, Heads: 64, KVHeads: 8, HeadDim: 128, FFN: 25600, Vocab: 151936,
		Context: 40960, RopeTheta: 1e6, NormEps: 1e-6, Note: qwen3Note,
	}),
	func() Model {
		m := qwen3.member(Model{
			ID: "qwen3-30b-a3b", Name: "Qwen3-30B-A3B", Params: 30_500_000_000, Active: 3_300_000_000,
			Layers: 48, Hidden: 2048, Heads: 32, KVHeads: 4, HeadDim: 128, FFN: 6144, Vocab: 151936,
			Context: 40960, RopeTheta: 1e6, NormEps: 1e-6,
			MoE:  MoE{Experts: 128, ActiveExperts: 8, ExpertFFN: 768},
			Note: qwen3Note + "; 8 of 128 experts per token, no shared expert",
		})
		m.Arch = "qwen3moe"
		return m
	}(),
	gemma3.member(Model{
		ID: "gemma-3-270m", Name: "Gemma-3-270M", Source: "google/gemma-3-270m-it config.json", Params: 270_000_000,
		Layers: 18, Hidden: 640, Heads: 4, KVHeads: 1, HeadDim: 256, FFN: 2048, Vocab: 262144,
		Context: 32768, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
		Attention: Attention{SlidingWindow: 512, SlidingPattern: 6, RopeThetaLocal: 10000, PostNorms: true},
		Note:      gemma3VocabNote + "; 168 M of its 268 M weights are the embedding table",
	}),
	gemma3.member(Model{
		ID: "gemma-3-1b", Name: "Gemma-3-1B", Source: "google/gemma-3-1b-it config.json", Params: 1_000_000_000,
		Layers: 26, Hidden: 1152, Heads: 4, KVHeads: 1, HeadDim: 256, FFN: 6912, Vocab: 262144,
		Context: 32768, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
		Attention: Attention{SlidingWindow: 512, SlidingPattern: 6, RopeThetaLocal: 10000, PostNorms: true},
		Note:      gemma3VocabNote,
	}),
	gemma3.member(Model{
		ID: "gemma-3-4b", Name: "Gemma-3-4B", Source: "google/gemma-3-4b-it config.json (text_config)", Params: 4_000_000_000,
		Layers: 34, Hidden: 2560, Heads: 8, KVHeads: 4, HeadDim: 256, FFN: 10240, Vocab: 262208,
		Context: 131072, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
		Attention: Attention{SlidingWindow: 1024, SlidingPattern: 6, RopeThetaLocal: 10000, PostNorms: true},
		Note:      gemma3PadNote + "; " + gemma3TextNote + "; linear rope scaling (factor 8) is not written",
	}),
	gemma3.member(Model{
		ID: "gemma-3-12b", Name: "Gemma-3-12B", Source: "google/gemma-3-12b-it config.json (text_config)", Params: 12_000_000_000,
		Layers: 48, Hidden: 3840, Heads: 16, KVHeads: 8, HeadDim: 256, FFN: 15360, Vocab: 262208,
		Context: 131072, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
		Attention: Attention{SlidingWindow: 1024, SlidingPattern: 6, RopeThetaLocal: 10000, PostNorms: true},
		Note:      gemma3PadNote + "; " + gemma3TextNote + "; linear rope scaling (factor 8) is not written",
	}),
	gemma3.member(Model{
		ID: "gemma-3-27b", Name: "Gemma-3-27B", Source: "google/gemma-3-27b-it config.json (text_config)", Params: 27_000_000_000,
		Layers: 62, Hidden: 5376, Heads: 32, KVHeads: 16, HeadDim: 128, FFN: 21504, Vocab: 262208,
		Context: 131072, TiedEmbeddings: true, RopeTheta: 1e6, NormEps: 1e-6,
		Attention: Attention{SlidingWindow: 1024, SlidingPattern: 6, RopeThetaLocal: 10000, PostNorms: true},
		Note:      gemma3PadNote + "; " + gemma3TextNote + "; query_pre_attn_scalar 168 is applied by llama.cpp itself for this size",
	}),
	gptOSS.member(Model{
		ID: "gpt-oss-20b", Name: "gpt-oss-20b", Params: 20_910_000_000, Active: 3_610_000_000,
		Layers: 24, Hidden: 2880, Heads: 64, KVHeads: 8, HeadDim: 64, FFN: 2880, Vocab: 201088,
		Context: 131072, QKVBias: true, RopeTheta: 150000, NormEps: 1e-5,
		Attention: Attention{SlidingWindow: 128, SlidingPattern: 2, OutBias: true, Sinks: true},
		MoE:       MoE{Experts: 32, ActiveExperts: 4, ExpertFFN: 2880, ExpertBiases: true},
		Note:      gptOSSNote, PublishedQuant: "MXFP4_MOE",
	}),
	gptOSS.member(Model{
		ID: "gpt-oss-120b", Name: "gpt-oss-120b", Params: 116_830_000_000, Active: 5_130_000_000,
		Layers: 36, Hidden: 2880, Heads: 64, KVHeads: 8, HeadDim: 64, FFN: 2880, Vocab: 201088,
		Context: 131072, QKVBias: true, RopeTheta: 150000, NormEps: 1e-5,
		Attention: Attention{SlidingWindow: 128, SlidingPattern: 2, OutBias: true, Sinks: true},
		MoE:       MoE{Experts: 128, ActiveExperts: 4, ExpertFFN: 2880, ExpertBiases: true},
		Note:      gptOSSNote, PublishedQuant: "MXFP4_MOE",
	}),
	llama3.member(Model{
		ID: "llama-3.3-70b", Name: "Llama-3.3-70B", Params: 70_600_000_000,
		Source: "meta-llama/Llama-3.3-70B-Instruct config.json",
		Layers: 80, Hidden: 8192, Heads: 64, KVHeads: 8, HeadDim: 128, FFN: 28672, Vocab: 128256,
		Context: 131072, RopeTheta: 500000, NormEps: 1e-5, Note: llama3RopeNote(8) + "; same shapes as Llama 3.1 70B",
	}),
	{
		ID: "phi-4-mini", Name: "Phi-4-mini", Family: "Phi-4", Params: 3_840_000_000,
		Source: "microsoft/Phi-4-mini-instruct config.json", Arch: "phi3",
		Layers: 32, Hidden: 3072, Heads: 24, KVHeads: 8, HeadDim: 128, FFN: 8192, Vocab: 200064,
		Context: 131072, TiedEmbeddings: true, RopeTheta: 10000, NormEps: 1e-5,
		Attention: Attention{RopeDim: 96}, // partial_rotary_factor 0.75
		Note: "no tokenizer of its 200064-token vocabulary in llama.cpp's bundle: the twin generates one of exactly 200064 tokens; " +
			"fused attn_qkv and gate+up as in real Phi-3/4 GGUFs; longrope factors are not written (they change no speed)",
	},
	{
		ID: "smollm3-3b", Name: "SmolLM3-3B", Family: "SmolLM3", Params: 3_080_000_000,
		Source: "HuggingFaceTB/SmolLM3-3B config.json", Arch: "smollm3",
		Layers: 36, Hidden: 2048, Heads: 16, KVHeads: 4, HeadDim: 128, FFN: 11008, Vocab: 128256,
		Context: 65536, TiedEmbeddings: true, RopeTheta: 5e6, NormEps: 1e-6, Tokenizer: tokLlamaBPE,
		Note: "Llama 3's 128256-token vocabulary; every 4th layer has no rope (llama.cpp's smollm3 applies that itself)",
	},
	{
		ID: "granite-3.0-1b-a400m", Name: "Granite-3.0-1B-A400M", Family: "Granite 3", Params: 1_330_000_000, Active: 400_000_000,
		Source: "ibm-granite/granite-3.0-1b-a400m-instruct config.json", Arch: "granitemoe",
		Layers: 24, Hidden: 1024, Heads: 16, KVHeads: 8, HeadDim: 64, FFN: 512, Vocab: 49155,
		Context: 4096, TiedEmbeddings: true, RopeTheta: 10000, NormEps: 1e-6, Tokenizer: tokStarcoder,
		MoE:    MoE{Experts: 32, ActiveExperts: 8, ExpertFFN: 512},
		Scales: Scales{EmbeddingScale: 12, ResidualScale: 0.22, AttentionScale: 0.015625, LogitScale: 6},
		Note:   "the small MoE the calibration ladder measures; StarCoder's 49152 tokens padded with 3 unused [PAD] tokens to the config's 49155, as Granite's own tokenizer is",
	},
	{
		ID: "deepseek-v3", Name: "DeepSeek-V3", Family: "DeepSeek", Params: 671_000_000_000, Active: 37_000_000_000,
		Source: "deepseek-ai/DeepSeek-V3 config.json", Arch: "deepseek2",
		Layers: 61, Hidden: 7168, Heads: 128, KVHeads: 128, HeadDim: 192, FFN: 18432, Vocab: 129280,
		Context: 163840, RopeTheta: 10000, NormEps: 1e-6,
		Attention: Attention{MLA: &MLA{QLoRARank: 1536, KVLoRARank: 512, NopeDim: 128, RopeDim: 64, VHeadDim: 128}},
		MoE:       MoE{Experts: 256, ActiveExperts: 8, ExpertFFN: 2048, SharedExperts: 1, DenseLayers: 3},
		Note: "the honest \"does not fit\": 671B weights (the 685B download adds a 14B multi-token-prediction layer llama.cpp skips); " +
			"no tokenizer of its 129280-token vocabulary in llama.cpp's bundle: the twin generates one of exactly 129280 tokens; " +
			"the twin (about 380 GB at Q4) splits attn_kv_b into attn_k_b/attn_v_b as llama.cpp runs MLA; yarn rope scaling is not written; same shapes as DeepSeek-R1",
	},
}

// TinyMoE is Tiny with a mixture of experts (qwen3moe: 8 experts, 2 per token, q/k norms),
// for tests of the MoE paths: a few megabytes, loads and runs in llama.cpp like a catalog model.
var TinyMoE = Model{
	ID: "tiny-moe", Name: "Tiny MoE test model", Family: "test", Params: 3_270_016, // its own shape count: no published model
	Active: 3_196_288, Source: "slmscope test shape (Qwen3-MoE layout, 2 layers)", Arch: "qwen3moe",
	Layers: 2, Hidden: 64, Heads: 4, KVHeads: 2, HeadDim: 16, FFN: 192, Vocab: 49152,
	Context: 512, TiedEmbeddings: true, RopeTheta: 100000, NormEps: 1e-6, Tokenizer: tokStarcoder,
	Attention: Attention{QKNorm: QKNormHead},
	MoE:       MoE{Experts: 8, ActiveExperts: 2, ExpertFFN: 32},
	Note:      "for tests only: the shape of no real model",
}
