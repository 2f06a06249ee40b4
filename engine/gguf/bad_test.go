package gguf_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine/assets"
	"slmscope/engine/gguf"
	"slmscope/engine/gguf/ggufbad"
)

// load runs the reader and the model checks, like every caller that hands a file to llama.cpp.
func load(path string) error {
	f, err := gguf.Open(path)
	if err != nil {
		return err
	}
	return f.CheckModel()
}

func TestBadInputs(t *testing.T) {
	cases, err := ggufbad.Cases(gguf.TinyModelForTest())
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 16 {
		t.Errorf("got %d cases, want the 16 of issue 2", len(cases))
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			path := filepath.Join(dir, c.Name+".gguf")
			if err := os.WriteFile(path, c.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			err := load(path)
			if err == nil {
				t.Fatalf("%s was accepted", c.Name)
			}
			var fe *gguf.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			if !strings.Contains(err.Error(), c.Want) {
				t.Errorf("error %q does not say %q", err, c.Want)
			}
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("error %q does not start with the path", err)
			}
			t.Log(err)
		})
	}
}

// header builds a GGUF prefix: magic, version, tensor count, kv count, then raw bytes.
func header(version uint32, nTensors, nKV uint64, rest ...[]byte) []byte {
	b := []byte("GGUF")
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint64(b, nTensors)
	b = binary.LittleEndian.AppendUint64(b, nKV)
	for _, r := range rest {
		b = append(b, r...)
	}
	return append(b, make([]byte, 64)...) // room so counts are not refused for size alone
}

func str(s string) []byte {
	return append(binary.LittleEndian.AppendUint64(nil, uint64(len(s))), s...)
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"short gguf prefix", []byte("GG"), "header is truncated"},
		{"version 0", header(0, 0, 0), "version 0"},
		{"version 1", header(1, 0, 0), "versions 2 and 3"},
		{"version 4", header(4, 0, 0), "versions 2 and 3"},
		{"big endian version", header(3<<24, 0, 0), "big-endian"},
		{"big endian magic", append([]byte("FUGG"), make([]byte, 30)...), "big-endian"},
		{"PE", append([]byte("MZ\x90\x00"), make([]byte, 100)...), "executable"},
		{"Mach-O", append([]byte{0xcf, 0xfa, 0xed, 0xfe}, make([]byte, 100)...), "executable"},
		{"zip", append([]byte("PK\x03\x04"), make([]byte, 100)...), "zip"},
		{"gzip", append([]byte{0x1f, 0x8b, 8, 0}, make([]byte, 100)...), "gzip"},
		{"safetensors", append(append(u64(20), `{"a":{"dtype":"F16"}}`...), make([]byte, 40)...), "safetensors"},
		{"binary junk", []byte{1, 2, 3, 4, 5, 0, 0, 0}, "GGUF magic"},
		{"utf8 text", []byte("Привет, это не модель\n"), "text file"},
		{"text starting with GGUF", []byte("GGUF is the format llama.cpp reads.\n"), "text file"},
		{"huge kv count", header(3, 0, 1<<50), "metadata entries"},
		{"kv count vs size", header(3, 0, 1000), "metadata entries"},
		{"empty key", header(3, 0, 1, str("")), "is empty"},
		{"huge key", header(3, 0, 1, u64(1<<40)), "bytes long"},
		{"bad value type", header(3, 0, 1, str("k"), u32(13)), "invalid value type 13"},
		{"array of arrays", header(3, 0, 1, str("k"), u32(9), u32(9)), "array of arrays"},
		{"bad array elem", header(3, 0, 1, str("k"), u32(9), u32(77)), "invalid element type"},
		{"huge string array", header(3, 0, 1, str("k"), u32(9), u32(8), u64(1<<33)), "huge array length"},
		{"string past end", header(3, 0, 1, str("k"), u32(8), u64(1000)), "only"},
		{"bool not 0/1", header(3, 0, 1, str("k"), u32(7), []byte{2}), "0 or 1"},
		{"duplicate key", header(3, 0, 2, str("k"), u32(0), []byte{1}, str("k"), u32(0), []byte{1}), "appears twice"},
		{"alignment type", header(3, 0, 1, str("general.alignment"), u32(10), u64(32)), "uint32"},
		{"alignment value", header(3, 0, 1, str("general.alignment"), u32(4), u32(48)), "power of two"},
		{"zero dims", header(3, 1, 0, str("t"), u32(0)), "0 dimensions"},
		{"zero dim", header(3, 1, 0, str("t"), u32(1), u64(0)), "is zero"},
		{"product too big", header(3, 1, 0, str("t"), u32(2), u64(1<<30), u64(1<<30)), "impossibly large"},
		{"row not multiple", header(3, 1, 0, str("t"), u32(1), u64(33), u32(8)), "block size 32"},
		{"removed type", header(3, 1, 0, str("t"), u32(1), u64(32), u32(31)), "unknown type 31"},
		{"long tensor name", header(3, 1, 0, str(strings.Repeat("n", 64))), "at most 63"},
		{"empty tensor name", header(3, 1, 0, str("")), "empty name"},
		{"duplicate tensor", header(3, 2, 0,
			str("t"), u32(1), u64(8), u32(0), u64(0),
			str("t"), u32(1), u64(8), u32(0), u64(32)), "appears twice"},
		{"data start past end", []byte(string(header(3, 1, 0, str("t"), u32(1), u64(8), u32(0), u64(0)))[:4+4+8+8+8+1+4+8+4+8+5]), "tensor data should start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := gguf.Parse(bytes.NewReader(tt.data), int64(len(tt.data)))
			if err == nil {
				t.Fatalf("accepted: %+v", f)
			}
			var fe *gguf.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			if !strings.Contains(fe.Problem, tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestTensorPlacement(t *testing.T) {
	// Two F32 tensors of 16 and 8 elements: 64 and 32 bytes, packed at 0 and 64.
	mk := func(offA, offB uint64) []byte {
		b := header(3, 2, 0,
			str("a"), u32(1), u64(16), u32(0), u64(offA),
			str("b"), u32(1), u64(8), u32(0), u64(offB))
		b = b[:len(b)-64]
		for len(b)%32 != 0 {
			b = append(b, 0)
		}
		return append(b, make([]byte, 96)...)
	}
	tests := []struct {
		name       string
		offA, offB uint64
		want       string
	}{
		{"packed", 0, 64, ""},
		{"overlap", 0, 32, "overlaps"},
		{"gap", 0, 96, "past the end"},
		{"gap inside", 32, 64, "expects 0"},
		{"misaligned", 0, 65, "misaligned"},
		{"huge offset", 0, 1 << 63, "past the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := mk(tt.offA, tt.offB)
			_, err := gguf.Parse(bytes.NewReader(data), int64(len(data)))
			checkErr(t, "error", err, tt.want)
		})
	}
}

// checkErr fails t unless err is what want asks for: no error when want is "", else an error
// whose text contains want. what names the call in the message.
func checkErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s = %v, want %q", what, err, want)
	}
}

func TestCheckModel(t *testing.T) {
	model := gguf.TinyModelForTest()
	f, err := gguf.Parse(bytes.NewReader(model), int64(len(model)))
	if err != nil {
		t.Fatal(err)
	}
	specs := make([]gguf.TensorSpec, len(f.Tensors))
	for i, ti := range f.Tensors {
		specs[i] = ti.Spec()
	}
	with := func(key string, v gguf.Value) []gguf.KV {
		kvs := append([]gguf.KV(nil), f.KVs...)
		for i := range kvs {
			if kvs[i].Key == key {
				kvs[i].Value = v
				return kvs
			}
		}
		return append(kvs, gguf.KV{Key: key, Value: v})
	}
	without := func(key string) []gguf.KV {
		var kvs []gguf.KV
		for _, kv := range f.KVs {
			if kv.Key != key {
				kvs = append(kvs, kv)
			}
		}
		return kvs
	}
	dropTensor := func(name string) []gguf.TensorSpec {
		var out []gguf.TensorSpec
		for _, s := range specs {
			if s.Name != name {
				out = append(out, s)
			}
		}
		return out
	}
	tests := []struct {
		name    string
		kvs     []gguf.KV
		tensors []gguf.TensorSpec
		want    string
	}{
		{"valid", f.KVs, specs, ""},
		{"no arch", without("general.architecture"), specs, "general.architecture"},
		{"no block_count", without("llama.block_count"), specs, "llama.block_count"},
		{"block_count 0", with("llama.block_count", gguf.Uint32(0)), specs, "block_count is 0"},
		{"block_count 2", with("llama.block_count", gguf.Uint32(2)), specs, "only 1 layers"},
		{"block_count int64 1000", with("llama.block_count", gguf.Int64(1000)), specs, "block_count is 1000"},
		{"block_count negative", with("llama.block_count", gguf.Int32(-1)), specs, "non-negative"},
		{"block_count string", with("llama.block_count", gguf.String("1")), specs, "non-negative"},
		{"layer beyond count", f.KVs, append(append([]gguf.TensorSpec(nil), specs...), gguf.TensorSpec{Name: "blk.1.attn_norm.weight", Dims: []uint64{64}, Type: gguf.TypeF32}), "belongs to layer 1"},
		{"no token_embd", f.KVs, dropTensor("token_embd.weight"), "token_embd.weight"},
		{"zero width", with("llama.embedding_length", gguf.Uint32(0)), specs, "embedding_length"},
		{"no heads key", without("llama.attention.head_count"), specs, "attention.head_count"},
		{"zero heads array", with("llama.attention.head_count", gguf.Uint32s([]uint32{0})), specs, "zero attention heads"},
		{"heads array ok", with("llama.attention.head_count", gguf.Int32s([]int32{4})), specs, ""},
		{"zero kv heads", with("llama.attention.head_count_kv", gguf.Uint32(0)), specs, "zero key/value heads"},
		{"kv heads do not divide", with("llama.attention.head_count_kv", gguf.Uint32(3)), specs, "does not divide"},
		{"no tensors no tokenizer", []gguf.KV{{Key: "general.architecture", Value: gguf.String("llama")}}, nil, "no tensors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := gguf.Write(&buf, tt.kvs, tt.tensors, func(i int, ts gguf.TensorSpec, w io.Writer) error {
				n, _ := ts.Bytes()
				_, err := w.Write(make([]byte, n))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			g, err := gguf.Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			checkErr(t, "CheckModel", g.CheckModel(), tt.want)
		})
	}
}

func TestVocabFiles(t *testing.T) {
	tests := []struct {
		name   string
		tokens int
	}{
		{"starcoder", 49152}, {"llama-bpe", 128256}, {"qwen2", 151936},
		{"llama-spm", 32000}, {"phi-3", 32064}, {"gemma-4", 262144},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, err := assets.VocabFile(tt.name)
			if err != nil {
				t.Skipf("vocab files not set up (run make setup): %v", err)
			}
			f, err := gguf.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Info().VocabSize; got != uint64(tt.tokens) {
				t.Errorf("vocab size %d, want %d", got, tt.tokens)
			}
			err = f.CheckModel()
			if err == nil || !strings.Contains(err.Error(), "vocab-only file: it has a tokenizer but no weights") {
				t.Errorf("CheckModel = %v, want the vocab-only error", err)
			}
		})
	}
}
