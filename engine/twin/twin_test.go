package twin

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
)

// TestWriteSizeAndParse writes real twins and checks that Size, gguf.FileSize and the file
// on disk agree to the byte, that slmscope's own reader accepts the file as a model, and
// that its metadata and tensor table are the model's.
func TestWriteSizeAndParse(t *testing.T) {
	tests := []struct {
		id string
		q  Quant
	}{
		{"tiny", F16}, {"tiny", Q8_0}, {"tiny", Q4_0},
		{"smollm2-135m", Q8_0}, {"smollm2-135m", Q4_0},
	}
	for _, tc := range tests {
		t.Run(tc.id+"/"+string(tc.q), func(t *testing.T) {
			m := model(t, tc.id)
			want, err := Size(m, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			l, err := newLayout(m, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if fs, err := gguf.FileSize(l.kvs, l.tensors); err != nil || fs != want {
				t.Fatalf("gguf.FileSize = %d, %v; Size = %d", fs, err, want)
			}
			p := writeTwin(t, m, tc.q)
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Size() != want {
				t.Fatalf("file is %d bytes, Size said %d", st.Size(), want)
			}
			f, err := gguf.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.CheckModel(); err != nil {
				t.Fatal(err)
			}
			info := f.Info()
			if int64(info.ParamCount) != m.ParamCount() {
				t.Errorf("tensors hold %d weights, catalog computes %d", info.ParamCount, m.ParamCount())
			}
			checks := []struct {
				key  string
				want any
			}{
				{"general.architecture", m.Arch},
				{"general.name", m.Name + " twin"},
				{KeyTwin, true},
				{KeyTwinOf, m.ID},
				{KeyTwinQuant, string(tc.q)},
				{KeyTwinFormat, uint32(FormatVersion)},
				{"general.file_type", tc.q.FileType()},
				{m.Arch + ".block_count", uint32(m.Layers)},
				{m.Arch + ".embedding_length", uint32(m.Hidden)},
				{m.Arch + ".attention.head_count_kv", uint32(m.KVHeads)},
				{m.Arch + ".context_length", uint32(m.Context)},
				{"tokenizer.ggml.model", "gpt2"},
				{"tokenizer.ggml.pre", "starcoder"},
			}
			for _, c := range checks {
				v, ok := f.Get(c.key)
				if !ok || v.Any() != c.want {
					t.Errorf("%s = %v (present %v), want %v", c.key, v.Any(), ok, c.want)
				}
			}
			if info.VocabSize != uint64(m.Vocab) {
				t.Errorf("vocab %d, want %d", info.VocabSize, m.Vocab)
			}
			// llama: token_embd, output_norm, 9 tensors per layer; tied so no output.weight
			if got, want := len(f.Tensors), 2+9*m.Layers; got != want {
				t.Errorf("%d tensors, want %d", got, want)
			}
			if _, ok := f.Tensor("output.weight"); ok {
				t.Error("tied model has an output.weight tensor")
			}
		})
	}
}

// TestLayoutEveryModel builds the tensor table of every catalog model (no data written):
// its weights must add up to ParamCount and the architecture-specific tensors must be there.
func TestLayoutEveryModel(t *testing.T) {
	for _, m := range catalog.All() {
		t.Run(m.ID, func(t *testing.T) {
			if err := CanWrite(m); err != nil {
				t.Fatal(err)
			}
			l, err := newLayout(m, Q4_0)
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			shape := map[string][]uint64{}
			for _, ts := range l.tensors {
				e, err := gguf.Elements(ts.Dims)
				if err != nil {
					t.Fatal(err)
				}
				n += int64(e)
				shape[ts.Name] = ts.Dims
			}
			if n != m.ParamCount() {
				t.Errorf("tensors hold %d weights, ParamCount is %d", n, m.ParamCount())
			}
			h, kv := uint64(m.Hidden), uint64(m.KVDim())
			last := "blk." + strconv.Itoa(m.Layers-1) + "."
			want := map[string][]uint64{
				"token_embd.weight":         {h, uint64(m.Vocab)},
				last + "attn_output.weight": {uint64(m.QDim()), h},
				"output_norm.weight":        {h},
				last + "attn_norm.weight":   {h},
			}
			if a := m.MLA; a != nil { // latent attention: attn_output takes the heads' value dims
				heads, r := uint64(m.Heads), uint64(a.KVLoRARank)
				want[last+"attn_output.weight"] = []uint64{heads * uint64(a.VHeadDim), h}
				want[last+"attn_k_b.weight"] = []uint64{uint64(a.NopeDim), r, heads}
				want[last+"attn_v_b.weight"] = []uint64{r, uint64(a.VHeadDim), heads}
			}
			if m.Arch != "gpt-oss" {
				want["blk.0.ffn_norm.weight"] = []uint64{h}
			}
			e, ef := uint64(m.Experts), uint64(m.ExpertFFN)
			switch {
			case m.IsMoE():
				want[last+"ffn_gate_inp.weight"] = []uint64{h, e}
				want[last+"ffn_gate_exps.weight"] = []uint64{h, ef, e}
				want[last+"ffn_up_exps.weight"] = []uint64{h, ef, e}
				want[last+"ffn_down_exps.weight"] = []uint64{ef, h, e}
			case m.Arch == "phi3":
				want[last+"ffn_down.weight"] = []uint64{uint64(m.FFN), h}
				want[last+"attn_qkv.weight"] = []uint64{h, uint64(m.QDim()) + 2*kv}
				want[last+"ffn_up.weight"] = []uint64{h, 2 * uint64(m.FFN)}
			case m.Arch == "qwen2":
				want[last+"attn_k.bias"] = []uint64{kv}
				want[last+"attn_q.weight"] = []uint64{h, uint64(m.QDim())}
				want[last+"ffn_gate.weight"] = []uint64{h, uint64(m.FFN)}
				want[last+"ffn_down.weight"] = []uint64{uint64(m.FFN), h}
			default:
				want[last+"attn_v.weight"] = []uint64{h, kv}
				want[last+"ffn_up.weight"] = []uint64{h, uint64(m.FFN)}
				want[last+"ffn_down.weight"] = []uint64{uint64(m.FFN), h}
			}
			if m.QKNorm == catalog.QKNormHead {
				want[last+"attn_k_norm.weight"] = []uint64{uint64(m.HeadDim)}
			}
			if !m.TiedEmbeddings {
				want["output.weight"] = []uint64{h, uint64(m.Vocab)}
			}
			for name, dims := range want {
				if got, ok := shape[name]; !ok || !equalDims(got, dims) {
					t.Errorf("%s: shape %v (present %v), want %v", name, got, ok, dims)
				}
			}
			if _, ok := shape["output.weight"]; ok && m.TiedEmbeddings {
				t.Error("tied model has output.weight")
			}
			if _, ok := shape["blk.0.attn_q.bias"]; ok != m.QKVBias {
				t.Errorf("attn_q.bias present = %v, QKVBias = %v", ok, m.QKVBias)
			}
			var tokens int
			for _, kv := range l.kvs {
				if kv.Key == keyTokens || kv.Key == keyTypes || kv.Key == keyScores {
					if tokens == 0 {
						tokens = kv.Value.Len()
					}
					if kv.Value.Len() != m.Vocab {
						t.Errorf("%s has %d entries, vocab is %d", kv.Key, kv.Value.Len(), m.Vocab)
					}
				}
			}
			if tokens != m.Vocab {
				t.Errorf("token list has %d entries, want %d", tokens, m.Vocab)
			}
		})
	}
}

func equalDims(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestQwenPadding checks the 152064-entry Qwen2.5-7B vocab: the real 151936 tokens first,
// then unique [PADn] tokens with the tokenizer's own pad type.
func TestQwenPadding(t *testing.T) {
	m := model(t, "qwen2.5-7b")
	kvs, err := tokenizerKVs(m)
	if err != nil {
		t.Fatal(err)
	}
	src, err := loadVocab("qwen2")
	if err != nil {
		t.Fatal(err)
	}
	toks, _ := valueOf(kvs, keyTokens).AsStrings()
	orig, _ := valueOf(src, keyTokens).AsStrings()
	types := valueOf(kvs, keyTypes).Any().([]int32)
	if len(toks) != 152064 || len(types) != 152064 || len(orig) != 151936 {
		t.Fatalf("lengths: tokens %d types %d original %d", len(toks), len(types), len(orig))
	}
	for i := range orig {
		if toks[i] != orig[i] {
			t.Fatalf("token %d changed: %q -> %q", i, orig[i], toks[i])
		}
	}
	if toks[151936] != "[PAD151936]" || toks[152063] != "[PAD152063]" {
		t.Errorf("pads: %q ... %q", toks[151936], toks[152063])
	}
	if types[152063] != types[151935] {
		t.Errorf("pad type %d, tokenizer's own pads are %d", types[152063], types[151935])
	}
	seen := make(map[string]bool, len(toks))
	for _, s := range toks {
		if seen[s] {
			t.Fatalf("duplicate token %q", s)
		}
		seen[s] = true
	}
	if len(orig) != 151936 {
		t.Error("the cached original vocab was modified by padding")
	}
}

func TestGeneratedVocab(t *testing.T) {
	for _, size := range []int{259, 300, 1000, 32000} {
		kvs, err := generatedVocab(size)
		if err != nil {
			t.Fatal(err)
		}
		toks, _ := valueOf(kvs, keyTokens).AsStrings()
		if len(toks) != size || valueOf(kvs, keyScores).Len() != size || valueOf(kvs, keyTypes).Len() != size {
			t.Fatalf("size %d: arrays are %d/%d/%d", size, len(toks), valueOf(kvs, keyScores).Len(), valueOf(kvs, keyTypes).Len())
		}
		seen := map[string]bool{}
		for _, s := range toks {
			if seen[s] || s == "" {
				t.Fatalf("size %d: token %q repeated or empty", size, s)
			}
			seen[s] = true
		}
		if toks[0] != "<unk>" || toks[3] != "<0x00>" || toks[258] != "<0xFF>" {
			t.Errorf("size %d: special tokens %q %q %q", size, toks[0], toks[3], toks[258])
		}
	}
	if _, err := generatedVocab(100); err == nil {
		t.Error("a 100-token generated vocab was accepted")
	}
	// A catalog-shaped model with no tokenizer gets the generated one, sized exactly.
	m := catalog.Tiny
	m.ID, m.Tokenizer, m.Vocab = "tiny-generated", "", 777
	f, _ := openTwin(t, m, Q8_0)
	if err := f.CheckModel(); err != nil {
		t.Fatal(err)
	}
	if f.Info().VocabSize != 777 {
		t.Errorf("vocab %d, want 777", f.Info().VocabSize)
	}
}

// TestDeterministic writes the same twin twice, once with a single worker: the bytes must
// be identical (seeds depend on model, tensor and chunk, never on scheduling).
func TestDeterministic(t *testing.T) {
	m := catalog.Tiny
	a := fileHash(t, writeTwin(t, m, Q8_0))
	prev := runtime.GOMAXPROCS(1)
	b := fileHash(t, writeTwin(t, m, Q8_0))
	runtime.GOMAXPROCS(prev)
	if a != b {
		t.Fatal("two writes of the same twin differ")
	}
	other := m
	other.ID = "tiny-other-seed"
	if fileHash(t, writeTwin(t, other, Q8_0)) == a {
		t.Error("a different model ID produced identical bytes")
	}
}

// TestQuantValues reads every weight matrix back: Q8_0/Q4_0 block scales must be finite,
// normal halves; F16 weights finite; norms exactly 1; and the dequantized spread close to
// weightStd so activations stay small.
func TestQuantValues(t *testing.T) {
	for _, q := range []Quant{F16, Q8_0, Q4_0} { // the mixes: TestBlockValues
		t.Run(string(q), func(t *testing.T) {
			f, data := readTwin(t, catalog.Tiny, q)
			var sum2 float64
			var n int
			for _, ti := range f.Tensors {
				b := data[f.DataOffset+int64(ti.Offset):][:ti.Bytes]
				switch ti.Type {
				case gguf.TypeQ8_0, gguf.TypeQ4_0:
					bs := int(ti.Type.TypeSize())
					for i := 0; i < len(b); i += bs {
						h := binary.LittleEndian.Uint16(b[i:])
						if !f16Normal(h) {
							t.Fatalf("%s block %d: scale %#04x is not a finite normal half", ti.Name, i/bs, h)
						}
						d := float64(f16Value(h))
						if ti.Type == gguf.TypeQ8_0 {
							for _, x := range b[i+2 : i+bs] {
								v := d * float64(int8(x))
								sum2 += v * v
								n++
							}
						} else {
							for _, x := range b[i+2 : i+bs] {
								for _, nib := range []byte{x & 15, x >> 4} {
									v := d * float64(int(nib)-8)
									sum2 += v * v
									n++
								}
							}
						}
					}
				case gguf.TypeF16:
					for i := 0; i < len(b); i += 2 {
						h := binary.LittleEndian.Uint16(b[i:])
						v := float64(f16Value(h))
						if math.IsNaN(v) || math.IsInf(v, 0) {
							t.Fatalf("%s: element %d is %v", ti.Name, i/2, v)
						}
						sum2 += v * v
						n++
					}
				case gguf.TypeF32:
					for i := 0; i < len(b); i += 4 {
						v := math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))
						if strings.HasSuffix(ti.Name, "norm.weight") && v != 1 {
							t.Fatalf("%s: norm weight %v, want 1", ti.Name, v)
						}
					}
				default:
					t.Fatalf("%s: unexpected type %s", ti.Name, ti.Type)
				}
			}
			std := math.Sqrt(sum2 / float64(n))
			if std < 0.8*weightStd || std > 1.2*weightStd {
				t.Errorf("weights have std %.4f, want about %.2f", std, weightStd)
			}
		})
	}
}

func TestF16(t *testing.T) {
	tests := []struct {
		in   float32
		want uint16
	}{
		{0, 0},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},
		{1e6, 0x7c00},             // overflow -> inf
		{1e-8, 0},                 // below normal -> zero
		{6.103515625e-05, 0x0400}, // smallest normal
		{1.0009765625, 0x3c01},
		{1.00048828125, 0x3c00}, // halfway, rounds to even
	}
	for _, tc := range tests {
		if got := f16Bits(tc.in); got != tc.want {
			t.Errorf("f16Bits(%g) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
	for _, h := range []uint16{0x3c00, 0xc000, 0x0400, 0x7bff, 0x1234} {
		if got := f16Bits(f16Value(h)); got != h {
			t.Errorf("round trip %#04x -> %#04x", h, got)
		}
	}
	initTables()
	for i, s := range append(q8Scales[:], q4Scales[:]...) {
		if !f16Normal(s) {
			t.Errorf("scale %d (%#04x) is not normal", i, s)
		}
	}
}

// TestWriteCancel cancels a write at its first progress report: Write must return the
// context's error and leave neither the twin nor a temporary file behind.
func TestWriteCancel(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "twin.gguf")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	err := Write(ctx, model(t, "smollm2-135m"), Q8_0, p, func(done, total int64) {
		calls++
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls == 0 {
		t.Error("progress was never called")
	}
	if des, _ := os.ReadDir(dir); len(des) != 0 {
		t.Errorf("left behind: %v", des)
	}
}

func TestWriteProgress(t *testing.T) {
	var last, total int64
	calls := 0
	m := catalog.Tiny
	p := filepath.Join(t.TempDir(), "t.gguf")
	err := Write(context.Background(), m, Q8_0, p, func(d, tot int64) {
		if d < last {
			t.Errorf("progress went back: %d after %d", d, last)
		}
		last, total = d, tot
		calls++
	})
	if err != nil {
		t.Fatal(err)
	}
	size, _ := Size(m, Q8_0)
	if calls < 2 || last != size || total != size {
		t.Errorf("%d calls, last %d/%d, size %d", calls, last, total, size)
	}
}

func TestWriteErrors(t *testing.T) {
	bad := catalog.Tiny
	bad.Heads = 0
	tests := []struct {
		name string
		m    catalog.Model
		q    Quant
		path string
		want string
	}{
		{"bad model", bad, Q8_0, filepath.Join(t.TempDir(), "x.gguf"), "must all be positive"},
		{"bad quant", catalog.Tiny, "q5_k", filepath.Join(t.TempDir(), "x.gguf"), "unknown quantization"},
		{"no folder", catalog.Tiny, Q8_0, filepath.Join(t.TempDir(), "missing", "x.gguf"), "cannot write"},
	}
	for _, tc := range tests {
		err := Write(context.Background(), tc.m, tc.q, tc.path, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
	old := vocabFile
	vocabFile = func(string) (string, error) { return "", errors.New("tokenizer missing: run `make setup`") }
	defer func() { vocabFile = old }()
	m := catalog.Tiny
	m.Tokenizer = "no-such-tokenizer"
	if _, err := Size(m, Q8_0); err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("missing vocab: err = %v", err)
	}
}

func TestParseQuant(t *testing.T) {
	checkParse(t, "ParseQuant", ParseQuant, []parseCase[Quant]{
		{"q8_0", Q8_0, true}, {"Q4_0", Q4_0, true}, {" F16 ", F16, true}, {"q4_k", "", false}, {"", "", false},
	})
}

// BenchmarkWrite measures twin writing speed (file size per second) for the SmolLM2-135M
// Q8_0 twin, including the final sync to disk.
func BenchmarkWrite(b *testing.B) {
	m := model(b, "smollm2-135m")
	size, err := Size(m, Q8_0)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Write(context.Background(), m, Q8_0, filepath.Join(dir, "bench.gguf"), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate measures weight generation alone (no disk), for comparison.
func BenchmarkGenerate(b *testing.B) {
	m := model(b, "smollm2-135m")
	l, err := newLayout(m, Q8_0)
	if err != nil {
		b.Fatal(err)
	}
	size, _ := gguf.FileSize(l.kvs, l.tensors)
	b.SetBytes(size)
	for i := 0; i < b.N; i++ {
		g := newGenerator(context.Background(), m.ID)
		for j, ts := range l.tensors {
			if err := g.fill(discard{}, ts, l.kinds[j]); err != nil {
				b.Fatal(err)
			}
		}
		g.close()
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
