package engine_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
)

// Two small shapes that exercise the recipes: kLlama has 256-wide rows (K-quant blocks), an
// FFN of 640 (ffn_down falls back), n_gqa 4 and an untied output; kQwen has Qwen2.5-0.5B's
// kind of rows, 320 wide (every attention and gate/up matrix falls back), tied embeddings,
// QKV biases and n_gqa 5.
var (
	kLlama = catalog.Model{
		ID: "kllama", Name: "K-quant llama shape", Family: "test", Arch: "llama",
		Layers: 8, Hidden: 256, Heads: 4, KVHeads: 1, HeadDim: 64, FFN: 640, Vocab: 512,
		Context: 256, RopeTheta: 10000, NormEps: 1e-5,
	}
	kQwen = catalog.Model{
		ID: "kqwen", Name: "K-quant qwen2 shape", Family: "test", Arch: "qwen2",
		Layers: 6, Hidden: 320, Heads: 5, KVHeads: 1, HeadDim: 64, FFN: 768, Vocab: 512,
		Context: 256, TiedEmbeddings: true, QKVBias: true, RopeTheta: 1e6, NormEps: 1e-6,
	}
)

// TestTwinRecipesMatchLlamaQuantize quantizes an F16 twin with llama.cpp's own quantizer
// (through the worker) and checks that the twin writer gives every tensor the same ggml
// type and lands within 1 % of the file size; then it feeds the twin itself back through
// llama.cpp's quantizer, which validates every block's scales (check_tensors) while copying.
func TestTwinRecipesMatchLlamaQuantize(t *testing.T) {
	ctx := context.Background()
	w := startWorker(t, ctx, workerOptions())
	t.Cleanup(func() { w.Close() })
	dir := t.TempDir()
	for _, m := range []catalog.Model{kLlama, kQwen} {
		f16 := filepath.Join(dir, twin.FileName(m, twin.F16))
		if err := twin.Write(ctx, m, twin.F16, f16, nil); err != nil {
			t.Fatal(err)
		}
		for _, q := range twin.Quants() {
			if q == twin.F16 {
				continue
			}
			t.Run(m.ID+"/"+string(q), func(t *testing.T) {
				ref := filepath.Join(dir, m.ID+".llama."+q.FileTag()+".gguf")
				if err := w.Quantize(ctx, engine.QuantizeOptions{In: f16, Out: ref, Quant: q, Threads: 2}); err != nil {
					t.Fatalf("llama.cpp quantize: %v", err)
				}
				mine := filepath.Join(dir, twin.FileName(m, q))
				if err := twin.Write(ctx, m, q, mine, nil); err != nil {
					t.Fatal(err)
				}
				compareTensorTypes(t, ref, mine)
				check := filepath.Join(dir, m.ID+".check."+q.FileTag()+".gguf")
				if err := w.Quantize(ctx, engine.QuantizeOptions{In: mine, Out: check, Quant: q, Threads: 2, AllowRequantize: true}); err != nil {
					t.Fatalf("llama.cpp refused the twin's blocks: %v", err)
				}
				compareTensorTypes(t, mine, check)
				for _, p := range []string{ref, mine, check} {
					os.Remove(p)
				}
			})
		}
	}
}

// TestLlamaQuantizeValidatesBlocks proves the check above has teeth: a twin whose first
// Q4_K block has a NaN scale is refused by llama.cpp's quantizer.
func TestLlamaQuantizeValidatesBlocks(t *testing.T) {
	ctx := context.Background()
	w := startWorker(t, ctx, workerOptions())
	t.Cleanup(func() { w.Close() })
	dir := t.TempDir()
	q := quant.Q4_K_M
	p := filepath.Join(dir, twin.FileName(kLlama, q))
	if err := twin.Write(ctx, kLlama, q, p, nil); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	ti, ok := f.Tensor("blk.1.attn_q.weight")
	if !ok || ti.Type != gguf.TypeQ4_K {
		t.Fatalf("blk.1.attn_q.weight is %v (%v), want Q4_K", ti.Type, ok)
	}
	fh, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fh.WriteAt([]byte{0x00, 0x7e}, f.DataOffset+int64(ti.Offset)) // d = NaN
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	err = w.Quantize(ctx, engine.QuantizeOptions{In: p, Out: filepath.Join(dir, "out.gguf"), Quant: q, Threads: 1, AllowRequantize: true})
	if err == nil {
		t.Fatal("llama.cpp accepted a NaN block scale")
	}
	// The worker's log is read as it comes: give the last lines a moment to arrive.
	var log string
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		log = strings.Join(w.Log(200), "\n")
		if strings.Contains(log, "invalid data") || strings.Contains(err.Error(), "invalid data") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(log, "invalid data") && !strings.Contains(err.Error(), "invalid data") {
		t.Errorf("refused for another reason: %v\n%s", err, log)
	}
}

// compareTensorTypes fails unless the two files hold the same tensors in the same types and
// their sizes are within 1 %.
func compareTensorTypes(t *testing.T, want, got string) {
	t.Helper()
	a, err := gguf.Open(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gguf.Open(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tensors) != len(b.Tensors) {
		t.Fatalf("%s has %d tensors, %s %d", want, len(a.Tensors), got, len(b.Tensors))
	}
	for _, ta := range a.Tensors {
		tb, ok := b.Tensor(ta.Name)
		if !ok {
			t.Errorf("%s: no tensor %s", got, ta.Name)
			continue
		}
		if ta.Type != tb.Type {
			t.Errorf("%s: llama.cpp chose %s, the twin %s", ta.Name, ta.Type, tb.Type)
		}
	}
	sa, sb := fileSize(t, want), fileSize(t, got)
	types := map[string]int{}
	for _, tb := range b.Tensors {
		types[tb.Type.String()]++
	}
	t.Logf("%s: %d bytes vs %d (%+.3f %%), types %v", filepath.Base(got), sb, sa, 100*float64(sb-sa)/float64(sa), types)
	if d := math.Abs(float64(sb-sa)) / float64(sa); d > 0.01 {
		t.Errorf("%s is %d bytes, %s %d: %.2f %% apart", got, sb, want, sa, 100*d)
	}
}

func fileSize(t *testing.T, p string) int64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
