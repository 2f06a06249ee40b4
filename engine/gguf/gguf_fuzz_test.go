package gguf_test

import (
	"bytes"
	"os"
	"runtime/metrics"
	"testing"

	"slmscope/engine/assets"
	"slmscope/engine/gguf"
)

// FuzzParse checks that Parse never panics, never hangs and never accepts a file whose
// tensors do not fit in it. Seeds live in testdata/fuzz/FuzzParse (valid tiny models and
// every ggufbad case); more are added here.
func FuzzParse(f *testing.F) {
	f.Add(gguf.MicroModelForTest())
	f.Add([]byte("GGUF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		before := allocated()
		g, err := gguf.Parse(bytes.NewReader(data), int64(len(data)))
		if used, limit := allocated()-before, allocLimit(len(data)); used > limit {
			t.Fatalf("Parse allocated %d bytes for a %d-byte input (limit %d)", used, len(data), limit)
		}
		if err != nil {
			if g != nil {
				t.Fatal("Parse returned both a file and an error")
			}
			if _, ok := err.(*gguf.FormatError); !ok {
				t.Fatalf("error %v (%T) is not a *FormatError", err, err)
			}
			return
		}
		for _, ti := range g.Tensors {
			end := uint64(g.DataOffset) + ti.Offset + ti.Bytes
			if end > uint64(len(data)) {
				t.Fatalf("accepted tensor %q ending at %d in a %d-byte file", ti.Name, end, len(data))
			}
		}
		_ = g.CheckModel()
		_ = g.Info()
		for _, kv := range g.KVs {
			_ = kv.Value.String()
		}
	})
}

// allocated returns the bytes this process has allocated so far (cheap: no stop-the-world).
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// allocLimit is the most Parse may allocate for an n-byte file: a small multiple of n plus
// fixed overhead (buffers, maps, and slack: the runtime counts small allocations per span
// and the fuzz engine allocates concurrently, so a few MiB of noise are expected).
func allocLimit(n int) uint64 { return 16*uint64(n) + 4<<20 }

// TestParseAllocations checks the allocation bound on real files: the vocab-only tokenizers
// (hundreds of thousands of strings) and the tiny model.
func TestParseAllocations(t *testing.T) {
	inputs := map[string][]byte{"tiny": gguf.TinyModelForTest(), "micro": gguf.MicroModelForTest()}
	for _, name := range []string{"starcoder", "gemma-4"} {
		if path, err := assets.VocabFile(name); err == nil {
			if b, err := os.ReadFile(path); err == nil {
				inputs[name] = b
			}
		}
	}
	for name, data := range inputs {
		before := allocated()
		if _, err := gguf.Parse(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		used := allocated() - before
		t.Logf("%s: %d bytes, Parse allocated %d (%.2fx)", name, len(data), used, float64(used)/float64(len(data)))
		if used > allocLimit(len(data)) {
			t.Errorf("%s: Parse allocated %d bytes for %d (limit %d)", name, used, len(data), allocLimit(len(data)))
		}
	}
}
