package catalog

import (
	"math"
	"testing"
)

// TestParamCountMatchesPublished checks every entry: the count computed from the config's
// shapes must be within 2% of the count its model card publishes. The wanted IDs are listed
// here so that a dropped entry fails too.
func TestParamCountMatchesPublished(t *testing.T) {
	want := []struct {
		id        string
		published int64
	}{
		{"smollm2-135m", 135_000_000},
		{"smollm2-360m", 362_000_000},
		{"smollm2-1.7b", 1_710_000_000},
		{"qwen2.5-0.5b", 490_000_000},
		{"qwen2.5-1.5b", 1_540_000_000},
		{"qwen2.5-3b", 3_090_000_000},
		{"qwen2.5-7b", 7_610_000_000},
		{"qwen2.5-14b", 14_700_000_000},
		{"qwen2.5-32b", 32_500_000_000},
		{"qwen2.5-72b", 72_700_000_000},
		{"llama-3.2-1b", 1_230_000_000},
		{"llama-3.2-3b", 3_210_000_000},
		{"llama-3.1-8b", 8_030_000_000},
		{"llama-3.1-70b", 70_600_000_000},
		{"llama-3.1-405b", 405_000_000_000},
		{"mistral-7b", 7_240_000_000},
		{"phi-3.5-mini", 3_820_000_000},
		{"qwen3-0.6b", 600_000_000},
		{"qwen3-1.7b", 1_700_000_000},
		{"qwen3-4b", 4_000_000_000},
		{"qwen3-8b", 8_200_000_000},
		{"qwen3-14b", 14_800_000_000},
		{"qwen3-32b", 32_800_000_000},
		{"qwen3-30b-a3b", 30_500_000_000},
		{"gemma-3-270m", 270_000_000},
		{"gemma-3-1b", 1_000_000_000},
		{"gemma-3-4b", 4_000_000_000},
		{"gemma-3-12b", 12_000_000_000},
		{"gemma-3-27b", 27_000_000_000},
		{"gpt-oss-20b", 20_910_000_000},
		{"gpt-oss-120b", 116_830_000_000},
		{"llama-3.3-70b", 70_600_000_000},
		{"phi-4-mini", 3_840_000_000},
		{"smollm3-3b", 3_080_000_000},
		{"granite-3.0-1b-a400m", 1_330_000_000},
		{"deepseek-v3", 671_000_000_000},
	}
	if len(All()) != len(want) {
		t.Errorf("catalog has %d entries, test lists %d", len(All()), len(want))
	}
	for _, tc := range want {
		t.Run(tc.id, func(t *testing.T) {
			m, ok := ByID(tc.id)
			if !ok {
				t.Fatalf("ByID(%q) not found", tc.id)
			}
			if m.Params != tc.published {
				t.Errorf("Params = %d, want published %d", m.Params, tc.published)
			}
			got := m.ParamCount()
			tol := 0.02
			if m.Family == "Gemma 3" {
				tol = 0.035 // "4B" and "12B" are rounded, and include a vision encoder a text twin leaves out
			}
			if rel := math.Abs(float64(got)/float64(tc.published) - 1); rel > tol {
				t.Errorf("ParamCount = %d, %.2f%% off published %d", got, 100*rel, tc.published)
			}
		})
	}
}

// TestParamCountExact pins counts to the element: SmolLM2-135M's tensors hold
// 134,515,008 weights (tied embeddings, 30 layers of 576 wide).
func TestParamCountExact(t *testing.T) {
	tests := []struct {
		m    Model
		want int64
	}{
		{must(t, "smollm2-135m"), 134_515_008},
		{must(t, "llama-3.1-8b"), 8_030_261_248},
		{must(t, "qwen2.5-0.5b"), 494_032_768},
		{Tiny, 3_244_352},
		{TinyMoE, 3_270_016},
	}
	for _, tc := range tests {
		if got := tc.m.ParamCount(); got != tc.want {
			t.Errorf("%s: ParamCount = %d, want %d", tc.m.ID, got, tc.want)
		}
	}
}

func must(t *testing.T, id string) Model {
	t.Helper()
	m, ok := ByID(id)
	if !ok {
		t.Fatalf("ByID(%q) not found", id)
	}
	return m
}

// TestEntriesConsistent checks what every twin writer relies on: valid shapes, unique IDs,
// a source, and a tokenizer whose size is the config's vocab (or the padded Qwen case).
func TestEntriesConsistent(t *testing.T) {
	tokenizerSize := map[string]int{
		"starcoder": 49152, "llama-bpe": 128256, "qwen2": 151936, "llama-spm": 32000, "phi-3": 32064,
		"gemma-4": 262144, "": 0, // "" is a generated tokenizer of exactly the vocab
	}
	seen := map[string]bool{}
	for _, m := range append(All(), Tiny, TinyMoE) {
		t.Run(m.ID, func(t *testing.T) {
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			if seen[m.ID] {
				t.Fatalf("duplicate ID %s", m.ID)
			}
			seen[m.ID] = true
			if m.Name == "" || m.Family == "" || m.Source == "" {
				t.Errorf("name, family and source must be set: %+v", m)
			}
			if m.QDim() != m.Hidden && (m.Arch == "qwen2" || m.Arch == "phi3") {
				t.Errorf("q width %d != hidden %d", m.QDim(), m.Hidden)
			}
			if m.RopeTheta <= 0 || m.NormEps <= 0 || m.NormEps > 1e-3 {
				t.Errorf("rope theta %g / norm eps %g out of range", m.RopeTheta, m.NormEps)
			}
			n, ok := tokenizerSize[m.Tokenizer]
			switch {
			case !ok:
				t.Errorf("unknown tokenizer %q", m.Tokenizer)
			case m.Tokenizer == "" && m.Note == "":
				t.Errorf("a generated tokenizer: the Note must say so")
			case m.Tokenizer == "":
			case n > m.Vocab:
				t.Errorf("tokenizer %s has %d tokens, more than vocab %d", m.Tokenizer, n, m.Vocab)
			case n < m.Vocab && m.Note == "":
				t.Errorf("tokenizer %s (%d) is padded to %d: the Note must say so", m.Tokenizer, n, m.Vocab)
			}
		})
	}
}

func TestByID(t *testing.T) {
	tests := []struct {
		id   string
		ok   bool
		name string
	}{
		{"smollm2-135m", true, "SmolLM2-135M"},
		{"Qwen2.5-7B", true, "Qwen2.5-7B"},
		{"tiny", true, "Tiny test model"},
		{"tiny-moe", true, "Tiny MoE test model"},
		{"gpt-5", false, ""},
		{"", false, ""},
	}
	for _, tc := range tests {
		m, ok := ByID(tc.id)
		if ok != tc.ok || m.Name != tc.name {
			t.Errorf("ByID(%q) = %q, %v; want %q, %v", tc.id, m.Name, ok, tc.name, tc.ok)
		}
	}
	for _, m := range All() {
		if m.ID == Tiny.ID || m.ID == TinyMoE.ID {
			t.Error("All() must not include the test models")
		}
	}
}

func TestValidateRejects(t *testing.T) {
	base := Tiny
	tests := []struct {
		name string
		edit func(*Model)
	}{
		{"zero heads", func(m *Model) { m.Heads = 0 }},
		{"1000 layers", func(m *Model) { m.Layers = 1000 }},
		{"heads not multiple of kv", func(m *Model) { m.KVHeads = 3 }},
		{"odd head dim", func(m *Model) { m.HeadDim = 15 }},
		{"unknown arch", func(m *Model) { m.Arch = "gpt2" }},
		{"qwen2 with q != hidden", func(m *Model) { m.Arch = "qwen2"; m.HeadDim = 32 }},
		{"more active experts than experts", func(m *Model) { m.Experts, m.ActiveExperts, m.ExpertFFN = 4, 8, 32 }},
		{"experts without an expert FFN", func(m *Model) { m.Experts, m.ActiveExperts = 8, 2 }},
		{"active experts on a dense model", func(m *Model) { m.ActiveExperts = 2 }},
		{"all layers dense", func(m *Model) { m.Experts, m.ActiveExperts, m.ExpertFFN, m.DenseLayers = 8, 2, 32, 2 }},
		{"window without pattern", func(m *Model) { m.SlidingWindow = 128 }},
		{"unknown q/k norm", func(m *Model) { m.QKNorm = "layer" }},
		{"rope dim over head dim", func(m *Model) { m.RopeDim = 32 }},
	}
	for _, tc := range tests {
		m := base
		tc.edit(&m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", tc.name, m)
		}
	}
}

func TestKVCacheBytes(t *testing.T) {
	m := must(t, "llama-3.1-8b")
	// 2 · 32 layers · 8 KV heads · 128 · 8192 tokens · 2 bytes = 1 GiB
	if got, want := m.KVCacheBytes(8192, 2), int64(1<<30); got != want {
		t.Errorf("KVCacheBytes = %d, want %d", got, want)
	}
}
