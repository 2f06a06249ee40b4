package localmodels

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"slmscope/engine/gguf"
)

// BenchmarkScan300 scans 300 models (each with a 2,000-token vocabulary in its header)
// spread over a user folder, llama.cpp's cache and an Ollama store. The goal is well under
// a second per scan: only headers are read.
func BenchmarkScan300(b *testing.B) {
	f := newFixture(b)
	vocab := make([]string, 2000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("token%d", i)
	}
	kvs := tinyKVs("bench", 1, gguf.KV{Key: "tokenizer.ggml.tokens", Value: gguf.Strings(vocab)})
	ts := tinyTensors(true, 0, 1)
	user := filepath.Join(f.dir, "user")
	for i := range 300 {
		switch i % 3 {
		case 0:
			writeGGUF(b, filepath.Join(user, fmt.Sprintf("d%02d", i%10), fmt.Sprintf("m%03d.gguf", i)), kvs, ts)
		case 1:
			writeGGUF(b, filepath.Join(f.home, ".cache", "llama.cpp", fmt.Sprintf("m%03d.gguf", i)), kvs, ts)
		default:
			f.ollamaModel(filepath.Join(f.home, ".ollama", "models"), "registry.ollama.ai", "library", fmt.Sprintf("m%03d", i), "latest",
				hexOf(i), 0, func(p string) { writeGGUF(b, p, kvs, ts) })
		}
	}
	opts := f.options()
	opts.Dirs = []string{user}
	b.ResetTimer()
	for range b.N {
		ms, err := Scan(context.Background(), opts)
		if err != nil || len(ms) != 300 {
			b.Fatalf("%d models, %v", len(ms), err)
		}
		for _, m := range ms {
			if m.Problem != "" {
				b.Fatalf("%s: %s", m.Name, m.Problem)
			}
		}
	}
}
