package quant

import (
	"fmt"
	"strings"

	"slmscope/engine/gguf"
)

// Shape is what a recipe needs to know about a model to type its tensors: the numbers
// llama.cpp's quantizer reads from the file's hyper-parameters.
type Shape struct {
	Arch           string // llama.cpp architecture: "llama", "qwen2", "phi3", ...
	Layers         int    // transformer blocks
	Heads, KVHeads int    // attention heads and key/value heads (n_gqa = Heads / KVHeads)
	TiedEmbeddings bool   // no output.weight: token_embd doubles as the output projection
}

// Recipe says how a quantization types a model's tensors: Default is the ggml type of an
// ordinary weight matrix; Pure means every quantizable matrix gets Default (as
// `llama-quantize --pure` and slmscope's F16/Q8_0/Q4_0 twins write them), otherwise
// llama.cpp's per-tensor promotions apply.
type Recipe struct {
	Default gguf.GGMLType
	Pure    bool
}

// recipes are llama.cpp v0.5.0's file types (llama_ftype_get_default_type in
// src/llama-quant.cpp) that slmscope follows per tensor, plus the plain type names, which
// are pure.
var recipes = map[Quant]Recipe{
	F32: {gguf.TypeF32, true}, BF16: {gguf.TypeBF16, true}, F16: {gguf.TypeF16, true},
	Q8_0: {gguf.TypeQ8_0, true}, Q4_0: {gguf.TypeQ4_0, true},
	Q5_K: {gguf.TypeQ5_K, true}, Q4_K: {gguf.TypeQ4_K, true}, Q3_K: {gguf.TypeQ3_K, true},
	Q6_K:   {gguf.TypeQ6_K, false},
	Q5_K_M: {gguf.TypeQ5_K, false}, Q5_K_S: {gguf.TypeQ5_K, false},
	Q4_K_M: {gguf.TypeQ4_K, false}, Q4_K_S: {gguf.TypeQ4_K, false},
	IQ4_XS: {gguf.TypeIQ4_XS, false},
	Q3_K_L: {gguf.TypeQ3_K, false}, Q3_K_M: {gguf.TypeQ3_K, false}, Q3_K_S: {gguf.TypeQ3_K, false},
	Q2_K:      {gguf.TypeQ2_K, false},
	MXFP4_MOE: {gguf.TypeMXFP4, false},
}

// RecipeOf returns q's recipe, or an error for a name slmscope does not know.
func RecipeOf(q Quant) (Recipe, error) {
	r, ok := recipes[q]
	if !ok {
		return Recipe{}, fmt.Errorf("unknown quantization %q: use one of %s", string(q), Join(known, ", "))
	}
	return r, nil
}

// IsMix reports whether q is one of llama.cpp's per-tensor mixes rather than a pure type.
func (q Quant) IsMix() bool {
	r, ok := recipes[q]
	return ok && !r.Pure
}

// FileType is llama.cpp's general.file_type (enum llama_ftype) for a file written in q: the
// mix's own number, or for a pure type the file type whose default type it is.
func (q Quant) FileType() uint32 {
	if id, ok := gguf.FileTypeID(string(q)); ok {
		return id
	}
	switch q {
	case Q5_K:
		return 16 // LLAMA_FTYPE_MOSTLY_Q5_K_S
	case Q4_K:
		return 14 // LLAMA_FTYPE_MOSTLY_Q4_K_S
	case Q3_K:
		return 11 // LLAMA_FTYPE_MOSTLY_Q3_K_S
	}
	return 1 // LLAMA_FTYPE_MOSTLY_F16
}

// Quantizable reports whether llama.cpp's quantizer changes a tensor's type at all
// (tensor_allows_quantization): 2-D or larger weights whose names end in "weight" and are
// not norms. Everything else (norms, biases) stays F32.
func Quantizable(name string, dims []uint64) bool {
	return len(dims) >= 2 && strings.HasSuffix(name, "weight") && !strings.Contains(name, "_norm.weight") &&
		!strings.Contains(name, "ffn_gate_inp.weight") // an MoE router stays F32, as llama-quantize keeps it
}

// TensorType is the ggml type q gives one tensor of a model of shape s: name and dims as in
// the GGUF file (dims[0] is the row length), layer the block index (-1 outside the blocks).
// It is llama_tensor_get_type in llama.cpp v0.5.0's src/llama-quant.cpp for dense models
// without an importance matrix:
//   - norms and biases stay F32;
//   - the output projection (or the token embeddings when tied, which double as it) is Q8_0
//     when its row length does not divide into the default type's block, else Q6_K; untied
//     token embeddings keep the default type;
//   - attn_v (or a fused attn_qkv) and ffn_down are promoted per mix and layer (see
//     promote), attn_output for the Q2_K and Q3_K mixes;
//   - finally a row length that does not divide into the chosen type's block falls back as
//     tensor_type_fallback does (Fallback).
func TensorType(q Quant, s Shape, name string, dims []uint64, layer int) (gguf.GGMLType, error) {
	r, err := RecipeOf(q)
	if err != nil {
		return 0, err
	}
	if !Quantizable(name, dims) {
		return gguf.TypeF32, nil
	}
	t := r.Default
	if t.BlockSize() == 1 { // F32, F16, BF16: llama.cpp neither mixes nor falls back
		return t, nil
	}
	switch {
	case q == MXFP4_MOE:
		t = mxfp4MoE(dims)
	case !r.Pure:
		t = promote(q, r.Default, s, name, dims[0], layer)
	}
	return Fallback(t, dims[0]), nil
}

// mxfp4MoE is llama_tensor_get_type for LLAMA_FTYPE_MOSTLY_MXFP4_MOE: a matrix of several
// experts (a third dimension above 1) is MXFP4, every other one (the output layer and token
// embeddings included) Q8_0.
func mxfp4MoE(dims []uint64) gguf.GGMLType {
	if len(dims) >= 3 && dims[2] > 1 {
		return gguf.TypeMXFP4
	}
	return gguf.TypeQ8_0
}

// promote is llama_tensor_get_type_impl for the mixes slmscope knows.
func promote(q Quant, def gguf.GGMLType, s Shape, name string, rowLen uint64, layer int) gguf.GGMLType {
	isOutput := name == "output.weight" || (s.TiedEmbeddings && name == "token_embd.weight")
	switch {
	case isOutput:
		if rowLen%def.BlockSize() != 0 {
			return gguf.TypeQ8_0
		}
		return gguf.TypeQ6_K
	case name == "token_embd.weight":
		return def
	case strings.Contains(name, "attn_qkv.weight") || strings.Contains(name, "attn_v.weight"):
		return attnV(q, def, s, layer)
	case strings.Contains(name, "attn_output.weight"):
		if t, ok := attnOutputTypes[q]; ok {
			return t
		}
	case strings.Contains(name, "ffn_down"):
		return ffnDown(q, def, layer, s.Layers)
	}
	return def
}

// attnOutputTypes are the types the low-bit mixes raise attn_output to; other mixes keep
// their default type.
var attnOutputTypes = map[Quant]gguf.GGMLType{
	Q2_K:   gguf.TypeQ3_K,
	Q3_K_M: gguf.TypeQ4_K,
	Q3_K_L: gguf.TypeQ5_K,
}

// ffnDown types ffn_down of block layer of n: the mixes spend more bits on the first
// blocks, or on those use_more_bits picks.
func ffnDown(q Quant, def gguf.GGMLType, layer, n int) gguf.GGMLType {
	switch {
	case q == Q2_K:
		return gguf.TypeQ3_K
	case q == Q3_K_M:
		if layer < n/16 {
			return gguf.TypeQ5_K
		}
		return gguf.TypeQ4_K
	case q == Q3_K_L:
		return gguf.TypeQ5_K
	case q == Q4_K_M:
		if useMoreBits(layer, n) {
			return gguf.TypeQ6_K
		}
	case q == IQ4_XS && layer < n/8:
		return gguf.TypeQ5_K
	case q == Q5_K_M && useMoreBits(layer, n):
		return gguf.TypeQ6_K
	case q == Q4_K_S && layer < n/8:
		return gguf.TypeQ5_K
	}
	return def
}

// attnV types attn_v (and a fused attn_qkv) of block layer; llama.cpp counts these tensors in
// file order, which is the block index for the dense layouts slmscope writes and reads.
func attnV(q Quant, def gguf.GGMLType, s Shape, layer int) gguf.GGMLType {
	gqa := 1
	if s.KVHeads > 0 {
		gqa = s.Heads / s.KVHeads
	}
	t := attnVMix(q, def, gqa, layer, s.Layers)
	if is70B(s) && (t == gguf.TypeQ3_K || t == gguf.TypeQ4_K) {
		t = gguf.TypeQ5_K
	}
	return t
}

// attnVMix is the type mix q gives attn_v of block layer of n, before the 70B rule; gqa is
// heads per KV head (models sharing KV heads widely get more bits).
func attnVMix(q Quant, def gguf.GGMLType, gqa, layer, n int) gguf.GGMLType {
	switch {
	case q == Q2_K:
		if gqa >= 4 {
			return gguf.TypeQ4_K
		}
		return gguf.TypeQ3_K
	case q == Q3_K_M:
		if layer < 2 {
			return gguf.TypeQ5_K
		}
		return gguf.TypeQ4_K
	case q == Q3_K_L:
		return gguf.TypeQ5_K
	case q == IQ4_XS && gqa >= 4:
		return gguf.TypeQ5_K
	case (q == Q4_K_M || q == Q5_K_M) && useMoreBits(layer, n):
		return gguf.TypeQ6_K
	case q == Q4_K_S && layer < 4:
		return gguf.TypeQ5_K
	}
	return def
}

// useMoreBits is llama-quant.cpp's use_more_bits lambda, integer division included: the
// first and last eighth of the blocks and every third one between.
func useMoreBits(i, n int) bool {
	return i < n/8 || i >= 7*n/8 || (i-n/8)%3 == 2
}

// is70B mirrors how llama.cpp labels a model LLM_TYPE_70B: 80 blocks, and for the llama
// architecture grouped-query attention (heads != KV heads; equal heads would be 65B).
func is70B(s Shape) bool {
	if s.Layers != 80 {
		return false
	}
	if s.Arch == "llama" {
		return s.Heads != s.KVHeads
	}
	return s.Arch == "qwen2"
}

// Fallback is llama.cpp's tensor_type_fallback: the type used when a row length does not
// divide into t's block (IQ4_XS→IQ4_NL, Q2_K/Q3_K→Q4_0, Q4_K→Q5_0, Q5_K→Q5_1, Q6_K→Q8_0),
// and F16 when even that does not fit (rows not a multiple of 32).
func Fallback(t gguf.GGMLType, rowLen uint64) gguf.GGMLType {
	if t.BlockSize() == 0 || rowLen%t.BlockSize() == 0 {
		return t
	}
	r := t
	switch t {
	case gguf.TypeIQ4_XS:
		r = gguf.TypeIQ4_NL
	case gguf.TypeQ2_K, gguf.TypeQ3_K:
		r = gguf.TypeQ4_0
	case gguf.TypeQ4_K:
		r = gguf.TypeQ5_0
	case gguf.TypeQ5_K:
		r = gguf.TypeQ5_1
	case gguf.TypeQ6_K:
		r = gguf.TypeQ8_0
	}
	if rowLen%r.BlockSize() != 0 {
		return gguf.TypeF16
	}
	return r
}
