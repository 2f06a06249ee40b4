// Package catalog lists real language models with the numbers from their published configs,
// enough to compute parameter counts, memory needs and to write a twin with identical shapes.
package catalog

import (
	"fmt"
	"strings"
)

// Model is one real model as its published config describes it.
type Model struct {
	ID       string `json:"id"`                      // stable id used on the command line: "smollm2-135m"
	Name     string `json:"name"`                    // display name: "SmolLM2-135M"
	Family   string `json:"family"`                  // "SmolLM2", "Qwen2.5", "Llama 3.x", ...
	Params   int64  `json:"params"`                  // published parameter count (the total, for MoE)
	Active   int64  `json:"active_params,omitempty"` // published active parameters per token (MoE only)
	Source   string `json:"source"`                  // the config the numbers came from (repository/file)
	Arch     string `json:"arch"`                    // llama.cpp architecture written into a twin: "llama", "qwen2", "phi3"
	ArchNote string `json:"arch_note,omitempty"`     // set when Arch substitutes an architecture llama.cpp lacks

	Layers         int     `json:"layers"`   // transformer blocks
	Hidden         int     `json:"hidden"`   // embedding width (hidden_size)
	Heads          int     `json:"heads"`    // attention heads
	KVHeads        int     `json:"kv_heads"` // key/value heads (GQA)
	HeadDim        int     `json:"head_dim"` // per-head width (hidden/heads unless the config says otherwise)
	FFN            int     `json:"ffn"`      // intermediate_size (of the dense layers, for MoE)
	Vocab          int     `json:"vocab"`    // vocab_size
	Context        int     `json:"context"`  // max_position_embeddings (trained context)
	TiedEmbeddings bool    `json:"tied_embeddings"`
	QKVBias        bool    `json:"qkv_bias"` // attention q/k/v projections carry biases (Qwen2, gpt-oss)
	RopeTheta      float64 `json:"rope_theta"`
	NormEps        float64 `json:"norm_eps"`

	Attention // variants of attention: q/k norms, sliding windows, sinks, partial rotary, MLA
	MoE       // mixture of experts; all zero for a dense model
	Scales    // Granite's fixed multipliers; all zero elsewhere

	// Tokenizer names the vocab-only GGUF from llama.cpp whose token count equals Vocab
	// ("starcoder" -> ggml-vocab-starcoder.gguf); empty means a generated tokenizer of
	// exactly Vocab tokens.
	Tokenizer string `json:"tokenizer"`

	// Note says what a user should know about the entry: which release was picked and why,
	// or how the twin's tokenizer differs from the real one (e.g. padded to the config size).
	Note string `json:"note,omitempty"`
	// PublishedQuant is the quantization the model's makers published it in, when they did
	// (gpt-oss: MXFP4 experts, "MXFP4_MOE" as llama.cpp's converter writes it). Compare and
	// `slmscope project` show it beside the usual ones, and pick it when it runs well: its other
	// quantizations add bytes, not quality.
	PublishedQuant string `json:"published_quant,omitempty"`
}

// QKNorm says where a model RMS-normalises its queries and keys before attention.
const (
	QKNormHead = "head" // per head, weights of head dim (Qwen3, Gemma 3)
	QKNormFull = "full" // over the whole projection, weights of q dim and kv dim (OLMoE)
)

// Attention holds the attention features beyond plain grouped-query attention. Each changes
// tensors a twin must write or work a token does, so the config's value is kept.
type Attention struct {
	QKNorm string `json:"qk_norm,omitempty"` // "", QKNormHead or QKNormFull
	// SlidingWindow is how many recent tokens a local layer attends to; SlidingPattern n makes
	// every n-th layer global and the others local (Gemma 3: 6, gpt-oss: 2).
	SlidingWindow  int     `json:"sliding_window,omitempty"`
	SlidingPattern int     `json:"sliding_pattern,omitempty"`
	RopeThetaLocal float64 `json:"rope_theta_local,omitempty"` // rope base of the local layers when it differs (Gemma 3)
	RopeDim        int     `json:"rope_dim,omitempty"`         // rotary dims when partial (Phi-4-mini 96 of 128); 0 means HeadDim
	PostNorms      bool    `json:"post_norms,omitempty"`       // extra RMS norms after attention and after the FFN (Gemma 3)
	OutBias        bool    `json:"out_bias,omitempty"`         // the attention output projection has a bias (gpt-oss)
	Sinks          bool    `json:"sinks,omitempty"`            // one learned attention sink per head (gpt-oss)
	MLA            *MLA    `json:"mla,omitempty"`              // DeepSeek's multi-head latent attention
}

// MLA is DeepSeek's multi-head latent attention: queries and keys/values pass through
// low-rank projections, and the KV cache holds the compressed latent, not per-head keys.
type MLA struct {
	QLoRARank  int `json:"q_lora_rank"`
	KVLoRARank int `json:"kv_lora_rank"`
	NopeDim    int `json:"qk_nope_head_dim"`
	RopeDim    int `json:"qk_rope_head_dim"`
	VHeadDim   int `json:"v_head_dim"`
}

// MoE describes a mixture-of-experts FFN. A token passes through ActiveExperts of Experts
// routed experts (plus SharedExperts always-on ones), so it reads far fewer weights than the
// model holds; memory still needs every expert.
type MoE struct {
	Experts       int  `json:"experts,omitempty"`        // routed experts per MoE layer
	ActiveExperts int  `json:"active_experts,omitempty"` // routed experts chosen per token
	ExpertFFN     int  `json:"expert_ffn,omitempty"`     // each expert's intermediate size
	SharedExperts int  `json:"shared_experts,omitempty"` // always-used experts, each of ExpertFFN (DeepSeek)
	DenseLayers   int  `json:"dense_layers,omitempty"`   // leading layers with a dense FFN of FFN (DeepSeek's first_k_dense_replace)
	ExpertBiases  bool `json:"expert_biases,omitempty"`  // the router and the experts carry biases (gpt-oss)
}

// IsMoE says whether the model routes tokens to experts.
func (m Model) IsMoE() bool { return m.Experts > 0 }

// Scales are Granite's multipliers (embedding, residual, attention and logits scaling in its
// config): no tensor, but llama.cpp requires the logit scale in the GGUF.
type Scales struct {
	EmbeddingScale float64 `json:"embedding_scale,omitempty"`
	ResidualScale  float64 `json:"residual_scale,omitempty"`
	AttentionScale float64 `json:"attention_scale,omitempty"`
	LogitScale     float64 `json:"logit_scale,omitempty"`
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
	for _, m := range testModels {
		if strings.EqualFold(m.ID, id) {
			return m, true
		}
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

// ParamCount is the number of weights the model's tensors hold (Tensors): every expert
// counted, and the token embeddings once when the output projection is tied to them.
func (m Model) ParamCount() int64 {
	var n int64
	for _, t := range m.Tensors() {
		n += t.Elements()
	}
	return n
}

// ActiveParamCount is the number of weights one generated token passes through: every
// tensor outside the experts, ActiveExperts/Experts of each expert tensor, and of the token
// embeddings only the output projection's share (one row of an untied embedding table is
// looked up, not multiplied). For a dense model it is ParamCount less the untied embeddings.
// Publishers differ on the embeddings: OpenAI leaves them out of gpt-oss's active count,
// Qwen and DeepSeek count them (ActiveParamCount + EmbeddingParams).
func (m Model) ActiveParamCount() int64 {
	var n float64
	for _, t := range m.Tensors() {
		switch {
		case t.Name == "token_embd.weight" && !m.TiedEmbeddings:
		case t.Experts > 0:
			n += float64(t.Elements()) * float64(m.ActiveExperts) / float64(t.Experts)
		default:
			n += float64(t.Elements())
		}
	}
	return int64(n)
}

// EmbeddingParams is the size of the token embedding table (vocab · hidden).
func (m Model) EmbeddingParams() int64 { return int64(m.Vocab) * int64(m.Hidden) }

// KVCacheBytes is the size of the key/value cache for ctx tokens at bytesPerElem bytes per
// element (2 for F16): 2 · layers · KV heads · head dim · context · bytes. A model with
// latent attention (MLA) caches its compressed latent and rotary key instead:
// layers · (kv_lora_rank + rope dim) · context · bytes. Sliding-window layers are counted at
// the full context (llama.cpp's unified KV cache does so unless SWA caching is enabled).
func (m Model) KVCacheBytes(ctx int, bytesPerElem int) int64 {
	if m.MLA != nil {
		return int64(m.Layers) * int64(m.MLA.KVLoRARank+m.MLA.RopeDim) * int64(ctx) * int64(bytesPerElem)
	}
	return 2 * int64(m.Layers) * int64(m.KVDim()) * int64(ctx) * int64(bytesPerElem)
}

// Architectures lists the llama.cpp architectures catalog entries may name.
var Architectures = []string{"llama", "qwen2", "phi3", "qwen3", "qwen3moe", "gemma3", "gpt-oss", "granitemoe", "smollm3", "deepseek2"}

// Validate reports the first number that cannot describe a working transformer; every
// catalog entry passes, and twin writers call it before writing anything.
func (m Model) Validate() error {
	if m.ID == "" {
		return fmt.Errorf("model has no ID")
	}
	// In this order: later checks divide by numbers the earlier ones proved positive.
	for _, check := range []func() error{m.validateShape, m.validateArch, m.validateExperts, m.validateAttention} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// validateShape checks the layer count and the dimensions every transformer has.
func (m Model) validateShape() error {
	switch {
	case m.Layers <= 0 || m.Layers > 512:
		return fmt.Errorf("model %s: %d layers is outside 1..512", m.ID, m.Layers)
	case m.Hidden <= 0, m.Heads <= 0, m.KVHeads <= 0, m.HeadDim <= 0, m.FFN <= 0, m.Vocab <= 0, m.Context <= 0:
		return fmt.Errorf("model %s: hidden, heads, KV heads, head dim, FFN, vocab and context must all be positive", m.ID)
	case m.Heads%m.KVHeads != 0:
		return fmt.Errorf("model %s: %d heads is not a multiple of %d KV heads", m.ID, m.Heads, m.KVHeads)
	case m.HeadDim%2 != 0 || m.RopeDim%2 != 0 || m.RopeDim > m.HeadDim:
		return fmt.Errorf("model %s: head dim %d and rope dim %d must be even, rope dim at most head dim, for rotary embeddings", m.ID, m.HeadDim, m.RopeDim)
	}
	return nil
}

// validateArch checks that llama.cpp knows the architecture and that the shape fits it.
func (m Model) validateArch() error {
	switch {
	case !knownArch(m.Arch):
		return fmt.Errorf("model %s: architecture %q is not one slmscope knows (%s)", m.ID, m.Arch, strings.Join(Architectures, ", "))
	case (m.Arch == "qwen2" || m.Arch == "phi3") && m.QDim() != m.Hidden:
		return fmt.Errorf("model %s: %s needs heads · head dim (%d) = hidden (%d)", m.ID, m.Arch, m.QDim(), m.Hidden)
	}
	return nil
}

// validateExperts checks that the expert numbers describe a mixture of experts, or none.
func (m Model) validateExperts() error {
	switch {
	case m.Experts < 0 || m.ActiveExperts < 0 || m.ExpertFFN < 0 || m.SharedExperts < 0 || m.DenseLayers < 0:
		return fmt.Errorf("model %s: expert numbers must not be negative", m.ID)
	case m.IsMoE() && (m.ActiveExperts == 0 || m.ActiveExperts > m.Experts || m.ExpertFFN == 0 || m.DenseLayers >= m.Layers):
		return fmt.Errorf("model %s: %d of %d experts, expert FFN %d, %d dense layers of %d do not describe a mixture of experts", m.ID, m.ActiveExperts, m.Experts, m.ExpertFFN, m.DenseLayers, m.Layers)
	case !m.IsMoE() && (m.ActiveExperts > 0 || m.SharedExperts > 0):
		return fmt.Errorf("model %s: active or shared experts without routed experts", m.ID)
	}
	return nil
}

// validateAttention checks the sliding window and the q/k norm.
func (m Model) validateAttention() error {
	switch {
	case m.SlidingPattern < 0 || m.SlidingWindow < 0 || (m.SlidingPattern > 0) != (m.SlidingWindow > 0):
		return fmt.Errorf("model %s: a sliding window (%d) needs a layer pattern (%d) and the other way round", m.ID, m.SlidingWindow, m.SlidingPattern)
	case m.QKNorm != "" && m.QKNorm != QKNormHead && m.QKNorm != QKNormFull:
		return fmt.Errorf("model %s: q/k norm %q is not %q or %q", m.ID, m.QKNorm, QKNormHead, QKNormFull)
	}
	return nil
}

func knownArch(a string) bool {
	for _, k := range Architectures {
		if k == a {
			return true
		}
	}
	return false
}
