// Package testenv holds test fixtures shared by the engine's subpackages, such as a tiny
// llama-architecture GGUF model. Only tests import it.
package testenv

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"slmscope/engine/gguf"
)

// TinyLlama is a one-layer llama-shaped Q8_0 GGUF model that passes slmscope's model checks:
// token embeddings of Width × Vocab and one Width × Width attention matrix.
type TinyLlama struct {
	Context, Width, Vocab uint32
	Fill                  byte // the value of every weight byte; two fills give two hashes
	NoTensors             bool // metadata only, as a vocabulary-only file has
}

// Bytes encodes m as a GGUF file, failing t if it cannot.
func (m TinyLlama) Bytes(t testing.TB) []byte {
	t.Helper()
	kvs := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String("llama")},
		{Key: "general.file_type", Value: gguf.Uint32(7)},
		{Key: "llama.block_count", Value: gguf.Uint32(1)},
		{Key: "llama.context_length", Value: gguf.Uint32(m.Context)},
		{Key: "llama.embedding_length", Value: gguf.Uint32(m.Width)},
		{Key: "llama.attention.head_count", Value: gguf.Uint32(4)},
	}
	var ts []gguf.TensorSpec
	if !m.NoTensors {
		ts = []gguf.TensorSpec{
			{Name: "token_embd.weight", Dims: []uint64{uint64(m.Width), uint64(m.Vocab)}, Type: gguf.TypeQ8_0},
			{Name: "blk.0.attn_q.weight", Dims: []uint64{uint64(m.Width), uint64(m.Width)}, Type: gguf.TypeQ8_0},
		}
	}
	var buf bytes.Buffer
	err := gguf.Write(&buf, kvs, ts, func(_ int, s gguf.TensorSpec, w io.Writer) error {
		n, _ := s.Bytes()
		_, err := w.Write(bytes.Repeat([]byte{m.Fill}, int(n)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// WriteFile writes m to path, creating its folder, failing t if it cannot.
func (m TinyLlama) WriteFile(t testing.TB, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, m.Bytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
}
