package gguf_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine/gguf"
)

// TestRewriteKeepsTensorsChangesMetadata: a rewritten file reads back with the new metadata
// and byte-identical tensor data.
func TestRewriteKeepsTensorsChangesMetadata(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a.gguf")
	kvs := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String("llama")},
		{Key: "slmscope.twin", Value: gguf.Bool(true)},
	}
	specs := []gguf.TensorSpec{{Name: "x", Dims: []uint64{32, 2}, Type: gguf.TypeF32}, {Name: "y", Dims: []uint64{5}, Type: gguf.TypeF32}}
	err := gguf.WriteFile(src, kvs, specs, func(i int, t gguf.TensorSpec, w io.Writer) error {
		n, _ := t.Bytes()
		_, err := w.Write(bytes.Repeat([]byte{byte(i + 7)}, int(n)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "b.gguf")
	err = gguf.Rewrite(src, dst, func(kvs []gguf.KV) []gguf.KV {
		kvs = gguf.WithoutKV(kvs, func(k string) bool { return strings.HasPrefix(k, "slmscope.") })
		return gguf.WithKV(kvs, "tokenizer.chat_template", gguf.String("{{ x }}"))
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Get("slmscope.twin"); ok {
		t.Error("slmscope.twin kept")
	}
	if s, _ := f.GetString("tokenizer.chat_template"); s != "{{ x }}" {
		t.Errorf("chat template %q", s)
	}
	raw, _ := os.ReadFile(dst)
	for i, ti := range f.Tensors {
		data := raw[f.DataOffset+int64(ti.Offset):][:ti.Bytes]
		if !bytes.Equal(data, bytes.Repeat([]byte{byte(i + 7)}, int(ti.Bytes))) {
			t.Errorf("tensor %s data changed", ti.Name)
		}
	}
}
