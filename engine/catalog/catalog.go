// Package catalog lists real language models with the numbers from their published configs,
// enough to compute parameter counts, memory needs and to write a twin with identical shapes.
package catalog

// Model is one real model as its published config describes it.
type Model struct {
	ID       string // stable id used on the command line: "smollm2-135m"
	Name     string // display name: "SmolLM2-135M"
	Family   string // "SmolLM2", "Qwen2.5", "Llama 3.x", ...
	Params   int64  // published parameter count
	Source   string // the config the numbers came from (repository/file)
	Arch     string // llama.cpp architecture written into a twin: "llama", "qwen2", "phi3"
	ArchNote string // set when Arch substitutes an architecture llama.cpp lacks

	Layers         int // transformer blocks
	Hidden         int // embedding width (hidden_size)
	Heads          int // attention heads
	KVHeads        int // key/value heads (GQA)
	HeadDim        int // per-head width (hidden/heads unless the config says otherwise)
	FFN            int // intermediate_size
	Vocab          int // vocab_size
	Context        int // max_position_embeddings (trained context)
	TiedEmbeddings bool
	QKVBias        bool // attention q/k/v projections carry biases (Qwen2)
	RopeTheta      float64
	NormEps        float64

	// Tokenizer names the vocab-only GGUF from llama.cpp whose token count equals Vocab
	// ("starcoder" -> ggml-vocab-starcoder.gguf); empty means a generated tokenizer of
	// exactly Vocab tokens.
	Tokenizer string
}
