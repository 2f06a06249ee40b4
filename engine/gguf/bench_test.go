package gguf

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// header300 returns the metadata and tensor table of a SmolLM2-135M-shaped model: 30 layers
// (272 tensors) and a 49152-token vocabulary.
func header300(b *testing.B) ([]KV, []TensorSpec) {
	b.Helper()
	kvs := shapedKVs(576, 9, 3, 1536, 49152)
	for i := range kvs {
		if kvs[i].Key == "llama.block_count" {
			kvs[i].Value = Uint32(30)
		}
	}
	var specs []TensorSpec
	specs = append(specs, TensorSpec{"token_embd.weight", []uint64{576, 49152}, TypeQ8_0},
		TensorSpec{"output_norm.weight", []uint64{576}, TypeF32})
	for l := 0; l < 30; l++ {
		for _, s := range shapedTensors(576, 9, 3, 1536, 49152)[2:] {
			s.Name = fmt.Sprintf("blk.%d.%s", l, s.Name[len("blk.0."):])
			specs = append(specs, s)
		}
	}
	return kvs, specs
}

// sparse is an io.ReaderAt over a header followed by size-len(header) zero bytes.
type sparse struct {
	head []byte
	size int64
}

func (s sparse) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < s.size {
		if i := off + int64(n); i < int64(len(s.head)) {
			n += copy(p[n:], s.head[i:])
		} else {
			p[n] = 0
			n++
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// prefixWriter keeps the first limit bytes written and discards the rest.
type prefixWriter struct {
	buf   bytes.Buffer
	limit int
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	if room := p.limit - p.buf.Len(); room > 0 {
		p.buf.Write(b[:min(room, len(b))])
	}
	return len(b), nil
}

var zeroChunk = make([]byte, 1<<20)

func zeroFill(i int, t TensorSpec, w io.Writer) error {
	n, _ := t.Bytes()
	for n > 0 {
		k := min(n, uint64(len(zeroChunk)))
		if _, err := w.Write(zeroChunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

func BenchmarkParse300Tensors(b *testing.B) {
	kvs, specs := header300(b)
	size, err := FileSize(kvs, specs)
	if err != nil {
		b.Fatal(err)
	}
	// Keep only the header of the written file; the tensor data is zeros.
	pw := &prefixWriter{limit: int(HeaderSize(kvs, specs))}
	if err := Write(pw, kvs, specs, zeroFill); err != nil {
		b.Fatal(err)
	}
	head := pw.buf.Bytes()
	r := sparse{head, size}
	b.SetBytes(int64(len(head)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, err := Parse(r, size)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Tensors) != len(specs) {
			b.Fatal("wrong tensor count")
		}
	}
	b.ReportMetric(float64(len(specs)), "tensors")
}

func BenchmarkWrite(b *testing.B) {
	kvs, specs := header300(b)
	specs = specs[:60] // ~45 MB: token_embd and the first layers
	size, err := FileSize(kvs, specs)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if err := Write(io.Discard, kvs, specs, zeroFill); err != nil {
			b.Fatal(err)
		}
	}
}
