// Package twin writes and caches twins: GGUF files with a real model's exact architecture,
// tensor shapes and tokenizer (from engine/catalog and llama.cpp's vocab files) but
// deterministic pseudo-random weights. llama.cpp's speed and memory do not depend on the
// weight values, so a twin measures the real model on this machine without downloading
// it; its words are noise ("twin: real speed, random words").
package twin

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/quant"
	"slmscope/internal/safefile"
)

// FormatVersion changes whenever the writer's output changes; it is stored in every twin
// (slmscope.twin_format) and in cache file names, so old twins are never reused.
const FormatVersion = 1

// Metadata keys slmscope adds so any part of the app can recognise a twin.
const (
	KeyTwin       = "slmscope.twin"        // bool, always true
	KeyTwinOf     = "slmscope.twin_of"     // catalog model ID
	KeyTwinQuant  = "slmscope.twin_quant"  // Quant name
	KeyTwinFormat = "slmscope.twin_format" // FormatVersion
)

// Quant is the storage type of a twin's weight matrices (norms and biases are always F32): the
// app's one quantization type, so twins, estimates and screens share one spelling.
type Quant = quant.Quant

// The quantizations a twin can be written in.
const (
	F16  = quant.F16
	Q8_0 = quant.Q8_0
	Q4_0 = quant.Q4_0
)

// Quants lists the quantizations a twin can be written in, largest first: F16, Q8_0 and Q4_0
// pure (every weight matrix in that type), the others llama.cpp's per-tensor recipes
// (quant.TensorType), exactly as `llama-quantize` would type the real model's tensors.
func Quants() []Quant {
	return []Quant{F16, Q8_0, quant.Q6_K, quant.Q5_K_M, quant.Q5_K_S, quant.Q4_K_M, quant.Q4_K_S, Q4_0,
		quant.MXFP4_MOE, quant.IQ4_XS, quant.Q3_K_L, quant.Q3_K_M, quant.Q3_K_S, quant.Q2_K}
}

// ParseQuant accepts "f16", "q8_0", "Q4_K_M", ... and reports the choices when s is none of them.
func ParseQuant(s string) (Quant, error) {
	q := quant.Canonical(s)
	for _, k := range Quants() {
		if q == k {
			return q, nil
		}
	}
	return "", fmt.Errorf("unknown quantization %q for a twin: twins are written as %s", s, quant.Join(Quants(), ", "))
}

// shapeOf is what a quantization recipe needs to know about m.
func shapeOf(m catalog.Model) quant.Shape {
	return quant.Shape{Arch: m.Arch, Layers: m.Layers, Heads: m.Heads, KVHeads: m.KVHeads, TiedEmbeddings: m.TiedEmbeddings}
}

// tensorKind says how a tensor's values are generated.
type tensorKind uint8

const (
	kindMatrix tensorKind = iota // weight matrix in the twin's quantization
	kindNorm                     // RMS norm weights: all 1.0, F32
	kindBias                     // biases: small values, F32
)

// layout is everything needed to write a twin: metadata, tensor table and how to fill it.
type layout struct {
	model   catalog.Model
	quant   Quant
	kvs     []gguf.KV
	tensors []gguf.TensorSpec
	kinds   []tensorKind
}

// FileName is the twin's file name: model, quantization and FormatVersion, e.g.
// "smollm2-135m.q8_0.twin1.gguf".
func FileName(m catalog.Model, q Quant) string {
	return m.ID + "." + q.FileTag() + ".twin" + strconv.Itoa(FormatVersion) + ".gguf"
}

// Size returns the exact size in bytes of the twin Write would produce.
func Size(m catalog.Model, q Quant) (int64, error) {
	l, err := newLayout(m, q)
	if err != nil {
		return 0, err
	}
	n, err := gguf.FileSize(l.kvs, l.tensors)
	if err != nil {
		return 0, fmt.Errorf("%s twin: %w", m.Name, err)
	}
	return n, nil
}

// newLayout builds the metadata and tensor table of a twin, with the tensor names and
// shapes llama.cpp v0.5.0 loads for m.Arch (catalog.Model.Tensors) and the metadata keys its
// loader reads for that architecture (archKVs).
func newLayout(m catalog.Model, q Quant) (*layout, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("cannot write a twin: %w", err)
	}
	if _, err := ParseQuant(string(q)); err != nil {
		return nil, err
	}
	arch, err := archKVs(m)
	if err != nil {
		return nil, err
	}
	tok, err := tokenizerKVs(m)
	if err != nil {
		return nil, err
	}
	kvs := commonKVs(m, q)
	kvs = append(kvs, arch...)
	kvs = append(kvs, tok...)

	l := &layout{model: m, quant: q, kvs: kvs}
	shape := shapeOf(m)
	for _, t := range m.Tensors() {
		typ, kind, err := tensorTypeKind(q, shape, t)
		if err != nil {
			return nil, err
		}
		l.add(t.Name, typ, kind, t.Dims...)
	}
	return l, nil
}

// commonKVs is the metadata every twin carries whatever its architecture: the general.*
// keys, the twin's own marks, and the hyperparameters every llama.cpp architecture reads.
func commonKVs(m catalog.Model, q Quant) []gguf.KV {
	a := m.Arch
	u := func(v int) gguf.Value { return gguf.Uint32(uint32(v)) }
	kvHeads, keyLen, valLen := attnShape(m)
	return []gguf.KV{
		{Key: "general.architecture", Value: gguf.String(a)},
		{Key: "general.name", Value: gguf.String(m.Name + " twin")},
		{Key: "general.file_type", Value: gguf.Uint32(q.FileType())},
		{Key: "general.quantization_version", Value: gguf.Uint32(2)},
		{Key: KeyTwin, Value: gguf.Bool(true)},
		{Key: KeyTwinOf, Value: gguf.String(m.ID)},
		{Key: KeyTwinQuant, Value: gguf.String(string(q))},
		{Key: KeyTwinFormat, Value: gguf.Uint32(FormatVersion)},
		{Key: a + ".vocab_size", Value: u(m.Vocab)},
		{Key: a + ".context_length", Value: u(m.Context)},
		{Key: a + ".embedding_length", Value: u(m.Hidden)},
		{Key: a + ".block_count", Value: u(m.Layers)},
		{Key: a + ".feed_forward_length", Value: u(m.FFN)},
		{Key: a + ".attention.head_count", Value: u(m.Heads)},
		{Key: a + ".attention.head_count_kv", Value: u(kvHeads)},
		{Key: a + ".attention.key_length", Value: u(keyLen)},
		{Key: a + ".attention.value_length", Value: u(valLen)},
		{Key: a + ".attention.layer_norm_rms_epsilon", Value: gguf.Float32(float32(m.NormEps))},
		{Key: a + ".rope.freq_base", Value: gguf.Float32(float32(m.RopeTheta))},
		{Key: a + ".rope.dimension_count", Value: u(ropeDim(m))},
	}
}

// tensorTypeKind is the ggml type tensor t is stored in under q (quant.TensorType for the
// matrices, F32 for norms and biases) and the kind of values generated for it.
func tensorTypeKind(q Quant, shape quant.Shape, t catalog.Tensor) (gguf.GGMLType, tensorKind, error) {
	switch t.Kind {
	case catalog.KindMatrix:
		typ, err := quant.TensorType(q, shape, t.Name, t.Dims, t.Layer)
		if err != nil {
			return typ, kindMatrix, err
		}
		if typ == gguf.TypeF32 { // a router: llama.cpp keeps it F32, its values are weights
			return typ, kindBias, nil
		}
		return typ, kindMatrix, nil
	case catalog.KindBias:
		return gguf.TypeF32, kindBias, nil
	}
	return gguf.TypeF32, kindNorm, nil
}

func (l *layout) add(name string, t gguf.GGMLType, k tensorKind, dims ...uint64) {
	l.tensors = append(l.tensors, gguf.TensorSpec{Name: name, Dims: dims, Type: t})
	l.kinds = append(l.kinds, k)
}

// progressEvery is the shortest time between two progress callbacks.
const progressEvery = 50 * time.Millisecond

// Write writes the twin of m in quantization q to path. It writes a temporary file in the
// same folder and renames it into place only when complete, so a cancelled or killed write
// never leaves a file that looks valid. progress (may be nil) is called at most every 50 ms
// with bytes written so far and the file's total size, and once at the end with done == total.
// Cancelling ctx stops the write and returns ctx's error.
func Write(ctx context.Context, m catalog.Model, q Quant, path string, progress func(done, total int64)) (err error) {
	l, err := newLayout(m, q)
	if err != nil {
		return err
	}
	total, err := gguf.FileSize(l.kvs, l.tensors)
	if err != nil {
		return fmt.Errorf("%s twin: %w", m.Name, err)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write the %s twin in %s: %w", m.Name, dir, err)
	}
	tmp := f.Name()
	f.Chmod(0o644) // CreateTemp makes 0600; a twin is an ordinary, shareable file
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	pw := &progressWriter{w: f, total: total, report: progress}
	g := newGenerator(ctx, m.ID)
	defer g.close()
	err = gguf.Write(pw, l.kvs, l.tensors, func(i int, t gguf.TensorSpec, w io.Writer) error {
		return g.fill(w, t, l.kinds[i])
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("writing the %s twin to %s: %w", m.Name, path, err)
	}
	if pw.n != total {
		return fmt.Errorf("writing the %s twin: wrote %d bytes, expected %d", m.Name, pw.n, total)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("saving the %s twin to %s: %w", m.Name, tmp, err)
	}
	// Measured as a model saved earlier is: read from the disk, not from the pages this
	// write left in the cache, which ran the 8B twin 14 % slower (docs/accuracy.md).
	safefile.DropCached(f)
	if err = f.Close(); err != nil {
		return fmt.Errorf("saving the %s twin to %s: %w", m.Name, tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("saving the %s twin to %s: %w", m.Name, path, err)
	}
	if progress != nil {
		progress(total, total)
	}
	return nil
}

// progressWriter counts bytes and reports them at most every progressEvery.
type progressWriter struct {
	w      io.Writer
	n      int64
	total  int64
	last   time.Time
	report func(done, total int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	if p.report != nil {
		if now := time.Now(); now.Sub(p.last) >= progressEvery {
			p.last = now
			p.report(p.n, p.total)
		}
	}
	return n, err
}
