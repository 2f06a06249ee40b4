package quant

import (
	"testing"

	"slmscope/engine/gguf"
)

// TestTensorType checks llama_tensor_get_type's rules one by one on a 32-layer model
// (n/8 = 4, n/16 = 2) with n_gqa 4, 4096-wide rows and a 14336-wide FFN.
func TestTensorType(t *testing.T) {
	s := Shape{Arch: "llama", Layers: 32, Heads: 32, KVHeads: 8}
	sq := Shape{Arch: "qwen2", Layers: 24, Heads: 14, KVHeads: 2, TiedEmbeddings: true}
	s70 := Shape{Arch: "llama", Layers: 80, Heads: 64, KVHeads: 8}
	mat := []uint64{4096, 1024}
	down := []uint64{14336, 4096}
	cases := []struct {
		q     Quant
		s     Shape
		name  string
		dims  []uint64
		layer int
		want  gguf.GGMLType
	}{
		{Q4_K_M, s, "blk.0.attn_norm.weight", []uint64{4096}, 0, gguf.TypeF32},
		{Q4_K_M, s, "blk.0.attn_q.bias", []uint64{4096}, 0, gguf.TypeF32},
		{Q4_K_M, s, "blk.5.attn_q.weight", mat, 5, gguf.TypeQ4_K},
		{Q4_K_M, s, "blk.0.attn_v.weight", mat, 0, gguf.TypeQ6_K},      // i < n/8
		{Q4_K_M, s, "blk.6.attn_v.weight", mat, 6, gguf.TypeQ6_K},      // (6-4)%3 == 2
		{Q4_K_M, s, "blk.7.attn_v.weight", mat, 7, gguf.TypeQ4_K},      // not a more-bits layer
		{Q4_K_M, s, "blk.28.ffn_down.weight", down, 28, gguf.TypeQ6_K}, // i >= 7n/8
		{Q4_K_M, s, "output.weight", mat, -1, gguf.TypeQ6_K},
		{Q4_K_M, s, "token_embd.weight", mat, -1, gguf.TypeQ4_K},
		{Q4_K_M, sq, "token_embd.weight", []uint64{896, 151936}, -1, gguf.TypeQ8_0}, // tied, 896 % 256 != 0
		{Q4_K_M, sq, "blk.3.attn_q.weight", []uint64{896, 896}, 3, gguf.TypeQ5_0},   // fallback
		{Q5_K_M, sq, "blk.3.attn_q.weight", []uint64{896, 896}, 3, gguf.TypeQ5_1},
		{Q5_K_M, sq, "blk.0.attn_v.weight", []uint64{896, 128}, 0, gguf.TypeQ8_0}, // Q6_K → Q8_0
		{Q4_K_M, s70, "blk.40.attn_v.weight", mat, 40, gguf.TypeQ5_K},
		{Q4_K_S, s, "blk.3.attn_v.weight", mat, 3, gguf.TypeQ5_K},
		{Q4_K_S, s, "blk.4.attn_v.weight", mat, 4, gguf.TypeQ4_K},
		{Q4_K_S, s, "blk.3.ffn_down.weight", down, 3, gguf.TypeQ5_K},
		{Q4_K_S, s, "blk.4.ffn_down.weight", down, 4, gguf.TypeQ4_K},
		{Q5_K_S, s, "blk.0.attn_v.weight", mat, 0, gguf.TypeQ5_K},
		{Q3_K_M, s, "blk.1.attn_v.weight", mat, 1, gguf.TypeQ5_K},
		{Q3_K_M, s, "blk.2.attn_v.weight", mat, 2, gguf.TypeQ4_K},
		{Q3_K_M, s, "blk.1.ffn_down.weight", down, 1, gguf.TypeQ5_K},
		{Q3_K_M, s, "blk.2.ffn_down.weight", down, 2, gguf.TypeQ4_K},
		{Q3_K_M, s, "blk.9.attn_output.weight", mat, 9, gguf.TypeQ4_K},
		{Q3_K_M, s, "blk.9.ffn_up.weight", mat, 9, gguf.TypeQ3_K},
		{Q3_K_L, s, "blk.9.attn_v.weight", mat, 9, gguf.TypeQ5_K},
		{Q3_K_L, s, "blk.9.attn_output.weight", mat, 9, gguf.TypeQ5_K},
		{Q3_K_S, s, "blk.9.attn_v.weight", mat, 9, gguf.TypeQ3_K},
		{Q3_K_S, s70, "blk.9.attn_v.weight", mat, 9, gguf.TypeQ5_K},
		{Q2_K, s, "blk.9.attn_v.weight", mat, 9, gguf.TypeQ4_K}, // n_gqa 4
		{Q2_K, Shape{Arch: "llama", Layers: 32, Heads: 32, KVHeads: 32}, "blk.9.attn_v.weight", mat, 9, gguf.TypeQ3_K},
		{Q2_K, s, "blk.9.ffn_down.weight", down, 9, gguf.TypeQ3_K},
		{Q2_K, s, "blk.9.attn_output.weight", mat, 9, gguf.TypeQ3_K},
		{Q2_K, s, "blk.9.ffn_gate.weight", mat, 9, gguf.TypeQ2_K},
		{Q2_K, sq, "blk.9.ffn_gate.weight", []uint64{896, 4864}, 9, gguf.TypeQ4_0},
		{IQ4_XS, s, "blk.9.attn_v.weight", mat, 9, gguf.TypeQ5_K},
		{IQ4_XS, s, "blk.3.ffn_down.weight", down, 3, gguf.TypeQ5_K},
		{IQ4_XS, s, "blk.4.ffn_down.weight", down, 4, gguf.TypeIQ4_XS},
		{IQ4_XS, sq, "blk.4.attn_q.weight", []uint64{896, 896}, 4, gguf.TypeIQ4_NL},
		{Q6_K, sq, "blk.4.attn_q.weight", []uint64{896, 896}, 4, gguf.TypeQ8_0},
		{Q6_K, s, "output.weight", mat, -1, gguf.TypeQ6_K},
		{Q4_0, s, "output.weight", mat, -1, gguf.TypeQ4_0},                  // pure
		{Q4_0, s, "blk.0.attn_q.weight", []uint64{40, 64}, 0, gguf.TypeF16}, // rows not a multiple of 32
		{Q8_0, s, "blk.0.attn_v.weight", mat, 0, gguf.TypeQ8_0},
		{Q4_K, sq, "blk.0.attn_v.weight", []uint64{896, 128}, 0, gguf.TypeQ5_0}, // pure K: no promotion
		{F16, s, "blk.0.attn_v.weight", mat, 0, gguf.TypeF16},
	}
	for _, c := range cases {
		got, err := TensorType(c.q, c.s, c.name, c.dims, c.layer)
		if err != nil || got != c.want {
			t.Errorf("%s %s (layer %d of %d): %s, %v; want %s", c.q, c.name, c.layer, c.s.Layers, got, err, c.want)
		}
	}
	if _, err := TensorType("Q9", s, "output.weight", mat, -1); err == nil {
		t.Error("an unknown quantization was typed")
	}
}

// Every name Parse accepts has a recipe, and each mix's file type is llama.cpp's.
func TestEveryKnownQuantHasARecipe(t *testing.T) {
	for _, q := range Known() {
		if _, err := RecipeOf(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	for q, want := range map[Quant]uint32{F16: 1, Q8_0: 7, Q4_0: 2, Q4_K_M: 15, Q6_K: 18, IQ4_XS: 30, Q2_K: 10, Q3_K_L: 13} {
		if got := q.FileType(); got != want {
			t.Errorf("%s file type %d, want %d", q, got, want)
		}
	}
	if !Q4_K_M.IsMix() || Q4_0.IsMix() || Q4_K.IsMix() {
		t.Error("IsMix is wrong")
	}
}

// MXFP4_MOE types as llama.cpp's quantizer does for gpt-oss: experts MXFP4, the other matrices
// (output and embeddings too) Q8_0, norms and the router F32.
func TestMXFP4MoETypes(t *testing.T) {
	s := Shape{Arch: "gpt-oss", Layers: 24, Heads: 64, KVHeads: 8}
	tests := []struct {
		name string
		dims []uint64
		want gguf.GGMLType
	}{
		{"blk.0.ffn_up_exps.weight", []uint64{2880, 2880, 32}, gguf.TypeMXFP4},
		{"blk.0.ffn_down_exps.weight", []uint64{2880, 2880, 32}, gguf.TypeMXFP4},
		{"blk.0.attn_q.weight", []uint64{2880, 4096}, gguf.TypeQ8_0},
		{"output.weight", []uint64{2880, 201088}, gguf.TypeQ8_0},
		{"token_embd.weight", []uint64{2880, 201088}, gguf.TypeQ8_0},
		{"blk.0.ffn_gate_inp.weight", []uint64{2880, 32}, gguf.TypeF32},
		{"blk.0.attn_norm.weight", []uint64{2880}, gguf.TypeF32},
		{"blk.0.ffn_up_exps.weight", []uint64{2880 + 16, 2880, 32}, gguf.TypeF16}, // rows not a multiple of 32
	}
	for _, tt := range tests {
		got, err := TensorType(MXFP4_MOE, s, tt.name, tt.dims, 0)
		if err != nil || got != tt.want {
			t.Errorf("%s %v: %v, %v; want %v", tt.name, tt.dims, got, err, tt.want)
		}
	}
	if MXFP4_MOE.FileType() != 38 {
		t.Errorf("file type %d, want 38 (LLAMA_FTYPE_MOSTLY_MXFP4_MOE)", MXFP4_MOE.FileType())
	}
}
