// Package catalog lists real language models with the numbers from their published configs,
// enough to compute parameter counts, memory needs and to write a twin with identical shapes.
package catalog

import (
	"fmt"
	"strings"
)

// Model is one real model as its published config describes it.
type Model struct {
	ID       string `json:"id"`                  // stable id used on the command line: "smollm2-135m"
	Name     string `json:"name"`                // display name: "SmolLM2-135M"
	Family   string `json:"family"`              // "SmolLM2", "Qwen2.5", "Llama 3.x", ...
	Params   int64  `json:"params"`              // published parameter count
	Source   string `json:"source"`              // the config the numbers came from (repository/file)
	Arch     string `json:"arch"`                // llama.cpp architecture written into a twin: "llama", "qwen2", "phi3"
	ArchNote string `json:"arch_note,omitempty"` // set when Arch substitutes an architecture llama.cpp lacks

	Layers         int     `json:"layers"`   // transformer blocks
	Hidden         int     `json:"hidden"`   // embedding width (hidden_size)
	Heads          int     `json:"heads"`    // attention heads
	KVHeads        int     `json:"kv_heads"` // key/value heads (GQA)
	HeadDim        int     `json:"head_dim"` // per-head width (hidden/heads unless the config says otherwise)
	FFN            int     `json:"ffn"`      // intermediate_size
	Vocab          int     `json:"vocab"`    // vocab_size
	Context        int     `json:"context"`  // max_position_embeddings (trained context)
	TiedEmbeddings bool    `json:"tied_embeddings"`
	QKVBias        bool    `json:"qkv_bias"` // attention q/k/v projections carry biases (Qwen2)
	RopeTheta      float64 `json:"rope_theta"`
	NormEps        float64 `json:"norm_eps"`

	// Tokenizer names the vocab-only GGUF from llama.cpp whose token count equals Vocab
	// ("starcoder" -> ggml-vocab-starcoder.gguf); empty means a generated tokenizer of
	// exactly Vocab tokens.
	Tokenizer string `json:"tokenizer"`

	// Note says what a user should know about the entry: which release was picked and why,
	// or how the twin's tokenizer differs from the real one (e.g. padded to the config size).
	Note string `json:"note,omitempty"`
}

// All returns every catalog entry, smallest family members first. The slice is a copy:
// callers may change it freely.
func All() []Model {
	out := make([]Model, len(models))
	copy(out, models)
	return out
}

// ByID finds a catalog entry by its ID ("qwen2.5-7b"); the match ignores case. Tiny is
// found too, under its own ID, so tests and tools can name it.
func ByID(id string) (Model, bool) {
	for _, m := range models {
		if strings.EqualFold(m.ID, id) {
			return m, true
		}
	}
	if strings.EqualFold(Tiny.ID, id) {
		return Tiny, true
	}
	return Model{}, false
}

// IDs lists the catalog IDs in catalog order, for usage messages.
func IDs() []string {
	out := make([]string, len(models))
	for i, m := range models {
		out[i] = m.ID
	}
	return out
}

// QDim is the width of the attention query projection (heads · head dim).
func (m Model) QDim() int { return m.Heads * m.HeadDim }

// KVDim is the width of each of the key and value projections (KV heads · head dim).
func (m Model) KVDim() int { return m.KVHeads * m.HeadDim }

// ParamCount is the number of weights computed from the shapes: token embeddings, the
// output projection when it is not tied to them, per layer the two RMS norms, the q/k/v/o
// projections (with q/k/v biases when the model has them) and the gated FFN (gate, up,
// down), and the final norm. It counts exactly the elements a twin's tensors hold.
func (m Model) ParamCount() int64 {
	h, v, f := int64(m.Hidden), int64(m.Vocab), int64(m.FFN)
	q, kv := int64(m.QDim()), int64(m.KVDim())
	n := v * h // token embeddings
	if !m.TiedEmbeddings {
		n += v * h
	}
	perLayer := 2*h + // attention and FFN norms
		h*q + 2*h*kv + q*h + // q, k, v, o
		3*h*f // gate, up, down
	if m.QKVBias {
		perLayer += q + 2*kv
	}
	n += int64(m.Layers) * perLayer
	n += h // output norm
	return n
}

// KVCacheBytes is the size of the key/value cache for ctx tokens at bytesPerElem bytes per
// element (2 for F16): 2 · layers · KV heads · head dim · context · bytes.
func (m Model) KVCacheBytes(ctx int, bytesPerElem int) int64 {
	return 2 * int64(m.Layers) * int64(m.KVDim()) * int64(ctx) * int64(bytesPerElem)
}

// Validate reports the first number that cannot describe a working transformer; every
// catalog entry passes, and twin writers call it before writing anything.
func (m Model) Validate() error {
	switch {
	case m.ID == "":
		return fmt.Errorf("model has no ID")
	case m.Layers <= 0 || m.Layers > 512:
		return fmt.Errorf("model %s: %d layers is outside 1..512", m.ID, m.Layers)
	case m.Hidden <= 0, m.Heads <= 0, m.KVHeads <= 0, m.HeadDim <= 0, m.FFN <= 0, m.Vocab <= 0, m.Context <= 0:
		return fmt.Errorf("model %s: hidden, heads, KV heads, head dim, FFN, vocab and context must all be positive", m.ID)
	case m.Heads%m.KVHeads != 0:
		return fmt.Errorf("model %s: %d heads is not a multiple of %d KV heads", m.ID, m.Heads, m.KVHeads)
	case m.HeadDim%2 != 0:
		return fmt.Errorf("model %s: head dim %d must be even for rotary embeddings", m.ID, m.HeadDim)
	case m.Arch != "llama" && m.Arch != "qwen2" && m.Arch != "phi3":
		return fmt.Errorf("model %s: architecture %q is not one slmscope can write (llama, qwen2, phi3)", m.ID, m.Arch)
	case m.Arch != "llama" && m.QDim() != m.Hidden:
		return fmt.Errorf("model %s: %s needs heads · head dim (%d) = hidden (%d)", m.ID, m.Arch, m.QDim(), m.Hidden)
	}
	return nil
}
