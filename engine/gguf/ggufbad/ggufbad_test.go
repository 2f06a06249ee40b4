package ggufbad

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"slmscope/engine/gguf"
)

// model builds a small valid llama-shaped model; tokenizer adds tokenizer arrays, align sets
// general.alignment, blockCount is the value used for llama.block_count.
func model(t *testing.T, tokenizer bool, align uint32, blockCount gguf.Value) []byte {
	t.Helper()
	kvs := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String("llama")},
		{Key: "llama.block_count", Value: blockCount},
		{Key: "llama.embedding_length", Value: gguf.Uint32(32)},
		{Key: "llama.attention.head_count", Value: gguf.Uint32(2)},
		{Key: "llama.attention.head_count_kv", Value: gguf.Uint32(1)},
	}
	if tokenizer {
		kvs = append(kvs,
			gguf.KV{Key: "tokenizer.ggml.model", Value: gguf.String("llama")},
			gguf.KV{Key: "tokenizer.ggml.tokens", Value: gguf.Strings([]string{"<unk>", "<s>", "</s>", "x"})})
	}
	if align != 0 {
		kvs = append(kvs, gguf.KV{Key: gguf.KeyAlignment, Value: gguf.Uint32(align)})
	}
	specs := []gguf.TensorSpec{
		{Name: "token_embd.weight", Dims: []uint64{32, 4}, Type: gguf.TypeQ4_0},
		{Name: "blk.0.attn_q.weight", Dims: []uint64{32, 32}, Type: gguf.TypeF16},
		{Name: "blk.0.attn_norm.weight", Dims: []uint64{32}, Type: gguf.TypeF32},
	}
	var buf bytes.Buffer
	err := gguf.Write(&buf, kvs, specs, func(i int, s gguf.TensorSpec, w io.Writer) error {
		n, _ := s.Bytes()
		_, err := w.Write(bytes.Repeat([]byte{byte(i + 1)}, int(n)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func check(data []byte) error {
	f, err := gguf.Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	return f.CheckModel()
}

func TestCases(t *testing.T) {
	models := []struct {
		name string
		data []byte
	}{
		{"with tokenizer", model(t, true, 0, gguf.Uint32(1))},
		{"no tokenizer, no arrays", model(t, false, 0, gguf.Uint32(1))},
		{"alignment 64, uint64 block_count", model(t, true, 64, gguf.Uint64(1))},
		{"uint8 block_count", model(t, false, 16, gguf.Uint8(1))},
	}
	wantNames := []string{"zero-byte", "text-file", "elf-binary", "bad-magic", "header-truncated",
		"file-truncated", "offset-past-end", "misaligned-offset", "invalid-tensor-type", "99-dimensions",
		"huge-dimension", "huge-array-length", "huge-tensor-count", "vocab-only", "zero-heads", "layer-count-1000"}
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			if err := check(m.data); err != nil {
				t.Fatalf("the base model is invalid: %v", err)
			}
			orig := append([]byte(nil), m.data...)
			cases, err := Cases(m.data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(orig, m.data) {
				t.Error("Cases modified its input")
			}
			if len(cases) != len(wantNames) {
				t.Fatalf("got %d cases, want %d", len(cases), len(wantNames))
			}
			for i, c := range cases {
				if c.Name != wantNames[i] {
					t.Errorf("case %d is %q, want %q", i, c.Name, wantNames[i])
				}
				err := check(c.Data)
				if err == nil {
					t.Errorf("%s: accepted", c.Name)
					continue
				}
				if !strings.Contains(err.Error(), c.Want) {
					t.Errorf("%s: error %q does not contain %q", c.Name, err, c.Want)
				}
			}
		})
	}
}

func TestCasesNeedsValidModel(t *testing.T) {
	valid := model(t, true, 0, gguf.Uint32(1))
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated", valid[:len(valid)-40]},
		{"vocab only", mustCase(t, valid, "vocab-only")},
	}
	for _, tt := range tests {
		if _, err := Cases(tt.data); err == nil || !strings.Contains(err.Error(), "needs a valid model") {
			t.Errorf("%s: Cases error = %v", tt.name, err)
		}
	}
}

func mustCase(t *testing.T, model []byte, name string) []byte {
	cases, err := Cases(model)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name == name {
			return c.Data
		}
	}
	t.Fatalf("no case %q", name)
	return nil
}
