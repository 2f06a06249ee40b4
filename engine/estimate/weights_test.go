package estimate

import (
	"math"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

func model(t *testing.T, id string) catalog.Model {
	t.Helper()
	m, ok := catalog.ByID(id)
	if !ok {
		t.Fatalf("catalog has no %s", id)
	}
	return m
}

// Llama-3.1-8B by hand (hidden 4096, vocab 128256, 32 layers, 32 heads, 8 KV heads, head dim
// 128, FFN 14336, untied embeddings):
//
//	token_embd = output = 4096·128256            =   525,336,576 each
//	per layer: q, o = 4096·4096                  =    16,777,216 each
//	           k, v = 4096·1024                  =     4,194,304 each
//	           gate, up, down = 4096·14336       =    58,720,256 each
//	           two norms = 2·4096                =         8,192
//	           sum                               =   218,112,000
//	32 layers                                    = 6,979,584,000
//	params = 2·525,336,576 + 6,979,584,000 + 4096 (output norm) = 8,030,261,248
//	1-D (F32) elements = 32·8192 + 4096 = 266,240 → 1,064,960 bytes
//	matrix elements = 8,030,261,248 − 266,240 = 8,029,995,008
//	BF16: 8,029,995,008·2 + 1,064,960            = 16,061,054,976 bytes
//	Q8_0: 8,029,995,008/32·34 + 1,064,960         =  8,532,934,656 bytes
func TestWeightBytesByHand(t *testing.T) {
	m := model(t, "llama-3.1-8b")
	tests := []struct {
		quant string
		want  int64
	}{
		{"BF16", 16_061_054_976},
		{"bf16", 16_061_054_976},
		{"F16", 16_061_054_976},
		{"Q8_0", 8_532_934_656},
		{"F32", 8_030_261_248 * 4},
		// Q4_0: 8,029,995,008/32·18 + 1,064,960
		{"Q4_0", 8_029_995_008/32*18 + 1_064_960},
	}
	for _, tc := range tests {
		got, err := WeightBytes(m, quant.Quant(tc.quant))
		if err != nil {
			t.Fatalf("%s: %v", tc.quant, err)
		}
		if got != tc.want {
			t.Errorf("%s: weights = %d, want %d", tc.quant, got, tc.want)
		}
	}
	w, _ := WeightsOf(m, "Q8_0")
	if w.Params != 8_030_261_248 || w.Params != m.ParamCount() {
		t.Errorf("params = %d, want 8,030,261,248 (catalog says %d)", w.Params, m.ParamCount())
	}
	// Decode reads everything except all but one row of the untied embeddings.
	embd := int64(128256) * 4096 / 32 * 34
	if want := w.Bytes - embd + embd/128256; w.ReadPerToken != want {
		t.Errorf("read per token = %d, want %d", w.ReadPerToken, want)
	}
}

func TestParamsMatchCatalogForEveryModel(t *testing.T) {
	for _, m := range catalog.All() {
		w, err := WeightsOf(m, "F16")
		if err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		if w.Params != m.ParamCount() {
			t.Errorf("%s: %d params from the layout, catalog counts %d", m.ID, w.Params, m.ParamCount())
		}
		// Published counts are rounded; the layout must be within 3% of them.
		if d := math.Abs(float64(w.Params-m.Params)) / float64(m.Params); d > 0.03 {
			t.Errorf("%s: %d params from the layout is %.1f%% off the published %d", m.ID, w.Params, 100*d, m.Params)
		}
	}
}

// Published Q4_K_M GGUF file sizes (tensor data plus a few MB of metadata and tokenizer).
func TestQ4KMMatchesPublishedFiles(t *testing.T) {
	tests := []struct {
		id        string
		fileBytes float64
		file      string
	}{
		{"llama-3.1-8b", 4.92e9, "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF Q4_K_M (4.92 GB)"},
		{"mistral-7b", 4.37e9, "TheBloke/Mistral-7B-v0.1-GGUF mistral-7b-v0.1.Q4_K_M.gguf (4.37 GB)"},
		{"qwen2.5-7b", 4.68e9, "Qwen/Qwen2.5-7B-Instruct-GGUF q4_k_m (4.68 GB)"},
	}
	for _, tc := range tests {
		got, err := WeightBytes(model(t, tc.id), "Q4_K_M")
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(float64(got)-tc.fileBytes) / tc.fileBytes; d > 0.03 {
			t.Errorf("%s Q4_K_M = %s, %.1f%% off %s", tc.id, units.Bytes(got), 100*d, tc.file)
		}
	}
}

func TestQ4KMRecipe(t *testing.T) {
	m := model(t, "llama-3.1-8b")
	ts, err := Plan(m, "Q4_K_M")
	if err != nil {
		t.Fatal(err)
	}
	// use_more_bits for 32 layers: 0-3, 28-31 and 6, 9, ..., 27 → 16 layers.
	wantMore := map[int]bool{}
	for _, i := range []int{0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31} {
		wantMore[i] = true
	}
	counts := map[string]int{}
	for _, tn := range ts {
		switch {
		case tn.Name == "output.weight":
			if tn.Type != gguf.TypeQ6_K {
				t.Errorf("output.weight is %s, want Q6_K", tn.Type)
			}
		case tn.Name == "token_embd.weight":
			if tn.Type != gguf.TypeQ4_K {
				t.Errorf("untied token_embd is %s, want Q4_K", tn.Type)
			}
		case strings.HasSuffix(tn.Name, "attn_v.weight"), strings.HasSuffix(tn.Name, "ffn_down.weight"):
			want := gguf.TypeQ4_K
			if wantMore[tn.Layer] {
				want = gguf.TypeQ6_K
			}
			if tn.Type != want {
				t.Errorf("%s is %s, want %s", tn.Name, tn.Type, want)
			}
		case strings.HasSuffix(tn.Name, "_norm.weight"):
			if tn.Type != gguf.TypeF32 {
				t.Errorf("%s is %s, want F32", tn.Name, tn.Type)
			}
		default:
			if tn.Type != gguf.TypeQ4_K {
				t.Errorf("%s is %s, want Q4_K", tn.Name, tn.Type)
			}
		}
		counts[tn.Type.String()]++
	}
	if counts["Q6_K"] != 2*16+1 {
		t.Errorf("%d Q6_K tensors, want 33 (16 attn_v, 16 ffn_down, output)", counts["Q6_K"])
	}
}

func TestFallbackAndTiedOutput(t *testing.T) {
	// SmolLM2-135M: hidden 576 is not a multiple of 256, FFN 1536 is.
	m := model(t, "smollm2-135m")
	ts, err := Plan(m, "Q4_K_M")
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range ts {
		switch tn.Name {
		case "token_embd.weight": // tied: quantized as the output, 576 % 256 != 0 → Q8_0
			if tn.Type != gguf.TypeQ8_0 {
				t.Errorf("tied token_embd is %s, want Q8_0", tn.Type)
			}
		case "blk.10.attn_q.weight": // Q4_K falls back to Q5_0
			if tn.Type != gguf.TypeQ5_0 {
				t.Errorf("attn_q is %s, want Q5_0", tn.Type)
			}
		case "blk.10.ffn_down.weight": // row 1536 divides 256; layer 10 is not a more-bits layer
			if tn.Type != gguf.TypeQ4_K {
				t.Errorf("ffn_down layer 10 is %s, want Q4_K", tn.Type)
			}
		case "blk.0.attn_v.weight": // Q6_K falls back to Q8_0
			if tn.Type != gguf.TypeQ8_0 {
				t.Errorf("attn_v layer 0 is %s, want Q8_0", tn.Type)
			}
		}
	}
	// Pure Q4_K on 576-wide rows → Q5_0 everywhere but ffn_down.
	ts, _ = Plan(m, "Q4_K")
	for _, tn := range ts {
		if tn.Name == "blk.3.attn_k.weight" && tn.Type != gguf.TypeQ5_0 {
			t.Errorf("pure Q4_K attn_k is %s, want Q5_0", tn.Type)
		}
	}
	// 70B-class: attn_v outside the more-bits layers is Q5_K.
	ts, _ = Plan(model(t, "llama-3.1-70b"), "Q4_K_M")
	for _, tn := range ts {
		if tn.Name == "blk.40.attn_v.weight" && tn.Type != gguf.TypeQ5_K {
			t.Errorf("70B attn_v layer 40 is %s, want Q5_K", tn.Type)
		}
	}
}

func TestPhi3FusedLayout(t *testing.T) {
	m := model(t, "phi-3.5-mini")
	var qkv, up bool
	for _, tn := range Layout(m) {
		if tn.Name == "blk.0.attn_qkv.weight" && tn.Dims[1] == uint64(3*3072) {
			qkv = true
		}
		if tn.Name == "blk.0.ffn_up.weight" && tn.Dims[1] == uint64(2*8192) {
			up = true
		}
		if strings.Contains(tn.Name, "ffn_gate") || strings.Contains(tn.Name, "attn_q.") {
			t.Errorf("phi3 layout has %s", tn.Name)
		}
	}
	if !qkv || !up {
		t.Errorf("phi3 layout lacks fused attn_qkv (%v) or ffn_up (%v)", qkv, up)
	}
}

func TestKVCacheBytes(t *testing.T) {
	tests := []struct {
		name                          string
		layers, kvHeads, headDim, ctx int
		typ                           string
		want                          int64
	}{
		// 2·32·8·128·8192·2 = 1 GiB exactly.
		{"llama-3.1-8b 8k F16", 32, 8, 128, 8192, "F16", 1 << 30},
		{"default type is F16", 32, 8, 128, 8192, "", 1 << 30},
		{"F32 doubles", 32, 8, 128, 8192, "F32", 2 << 30},
		// Q8_0: 1024 values per row → 32 blocks of 34 bytes.
		{"Q8_0", 32, 8, 128, 8192, "q8_0", 2 * 32 * 8192 * (1024 / 32 * 34)},
		{"smollm2-135m 2k", 30, 3, 64, 2048, "F16", 2 * 30 * 3 * 64 * 2048 * 2},
	}
	for _, tc := range tests {
		got, err := KVCacheBytes(tc.layers, tc.kvHeads, tc.headDim, tc.ctx, tc.typ)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if _, err := KVCacheBytes(32, 8, 128, 0, "F16"); err == nil {
		t.Error("zero context accepted")
	}
	if _, err := KVCacheBytes(32, 8, 128, 10, "Q9_9"); err == nil {
		t.Error("unknown KV type accepted")
	}
}

func TestPlanRefusesBrokenShapes(t *testing.T) {
	if _, err := Plan(catalog.Model{ID: "broken"}, "Q8_0"); err == nil {
		t.Fatal("want an error for a model with zero shape numbers")
	}
}
