package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Magic is the 4 bytes every GGUF file starts with.
const Magic = "GGUF"

// Version is the GGUF version the writer produces.
const Version = 3

// DefaultAlignment is the tensor data alignment used when no general.alignment key is set.
const DefaultAlignment = 32

// KeyAlignment is the metadata key that overrides DefaultAlignment (must be a Uint32 power of two).
const KeyAlignment = "general.alignment"

// MaxTensorName is the longest tensor name llama.cpp accepts, in bytes (GGML_MAX_NAME - 1).
const MaxTensorName = 63

// TensorSpec describes one tensor to write: Dims in GGUF order (Dims[0] is the row length).
type TensorSpec struct {
	Name string
	Dims []uint64
	Type GGMLType
}

// Bytes returns the exact size of the tensor's data.
func (t TensorSpec) Bytes() (uint64, error) { return TensorBytes(t.Type, t.Dims) }

// layout is the computed placement of a file: alignment, data start and per-tensor offsets.
type layout struct {
	align      uint64
	dataOffset uint64   // absolute offset of the data section
	offsets    []uint64 // relative to dataOffset
	sizes      []uint64
	fileSize   uint64
}

func alignUp(n, a uint64) uint64 { return (n + a - 1) / a * a }

// alignmentOf returns the alignment requested by kvs (DefaultAlignment when absent).
func alignmentOf(kvs []KV) (uint64, error) {
	for _, kv := range kvs {
		if kv.Key != KeyAlignment {
			continue
		}
		v, ok := kv.Value.Any().(uint32)
		if !ok {
			return 0, fmt.Errorf("%s must be a uint32 value, not %s", KeyAlignment, kv.Value.Type())
		}
		if v == 0 || v&(v-1) != 0 {
			return 0, fmt.Errorf("%s is %d; it must be a power of two such as 32", KeyAlignment, v)
		}
		return uint64(v), nil
	}
	return DefaultAlignment, nil
}

func stringSize(s string) uint64 { return 8 + uint64(len(s)) }

// valueSize returns the encoded size of v (without its type tag).
func valueSize(v Value) uint64 {
	t, e, _ := typeOf(v.v)
	switch t {
	case ValString:
		return stringSize(v.v.(string))
	case ValArray:
		n := uint64(4 + 8) // element type + count
		if e == ValString {
			for _, s := range v.v.([]string) {
				n += stringSize(s)
			}
			return n
		}
		return n + uint64(v.Len())*uint64(valTypeSize[e])
	default:
		return uint64(valTypeSize[t])
	}
}

// headerBytes returns the unpadded size of the header, KV section and tensor infos.
func headerBytes(kvs []KV, tensors []TensorSpec) uint64 {
	n := uint64(4 + 4 + 8 + 8)
	for _, kv := range kvs {
		n += stringSize(kv.Key) + 4 + valueSize(kv.Value)
	}
	for _, t := range tensors {
		n += stringSize(t.Name) + 4 + 8*uint64(len(t.Dims)) + 4 + 8
	}
	return n
}

// plan validates kvs and tensors and computes where everything goes.
func plan(kvs []KV, tensors []TensorSpec) (*layout, error) {
	seen := make(map[string]bool, len(kvs))
	for i, kv := range kvs {
		if kv.Key == "" {
			return nil, fmt.Errorf("metadata entry %d has an empty key", i)
		}
		if seen[kv.Key] {
			return nil, fmt.Errorf("metadata key %q appears twice", kv.Key)
		}
		seen[kv.Key] = true
		if !kv.Value.Valid() {
			return nil, fmt.Errorf("metadata key %q has no value (build values with gguf.String, gguf.Uint32, ...)", kv.Key)
		}
	}
	align, err := alignmentOf(kvs)
	if err != nil {
		return nil, err
	}
	l := &layout{align: align, offsets: make([]uint64, len(tensors)), sizes: make([]uint64, len(tensors))}
	names := make(map[string]bool, len(tensors))
	var off uint64
	for i, t := range tensors {
		if t.Name == "" {
			return nil, fmt.Errorf("tensor %d has an empty name", i)
		}
		if len(t.Name) > MaxTensorName {
			return nil, fmt.Errorf("tensor name %q is %d bytes; llama.cpp allows at most %d", t.Name, len(t.Name), MaxTensorName)
		}
		if names[t.Name] {
			return nil, fmt.Errorf("tensor name %q appears twice", t.Name)
		}
		names[t.Name] = true
		n, err := t.Bytes()
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		l.offsets[i] = off
		l.sizes[i] = n
		off += alignUp(n, align)
		if off > math.MaxInt64/2 {
			return nil, fmt.Errorf("tensor %q: the tensors add up to more than %d bytes", t.Name, uint64(math.MaxInt64/2))
		}
	}
	l.dataOffset = alignUp(headerBytes(kvs, tensors), align)
	l.fileSize = l.dataOffset + off
	return l, nil
}

// HeaderSize returns the byte offset where tensor data starts in the file Write would
// produce: header, metadata and tensor infos, padded to the alignment. An invalid
// general.alignment value counts as DefaultAlignment here (Write refuses it).
func HeaderSize(kvs []KV, tensors []TensorSpec) int64 {
	align, err := alignmentOf(kvs)
	if err != nil {
		align = DefaultAlignment
	}
	return int64(alignUp(headerBytes(kvs, tensors), align))
}

// FileSize returns the exact size of the file Write would produce, or the reason it cannot
// be written.
func FileSize(kvs []KV, tensors []TensorSpec) (int64, error) {
	l, err := plan(kvs, tensors)
	if err != nil {
		return 0, fmt.Errorf("cannot lay out GGUF file: %w", err)
	}
	return int64(l.fileSize), nil
}

// encoder writes little-endian GGUF primitives to a bufio.Writer.
type encoder struct {
	w   *bufio.Writer
	buf [8]byte
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.w.Write(e.buf[:4])
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.w.Write(e.buf[:8])
}

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	e.w.WriteString(s)
}

func (e *encoder) scalar(x any) {
	switch x := x.(type) {
	case uint8:
		e.w.WriteByte(x)
	case int8:
		e.w.WriteByte(byte(x))
	case uint16:
		binary.LittleEndian.PutUint16(e.buf[:2], x)
		e.w.Write(e.buf[:2])
	case int16:
		binary.LittleEndian.PutUint16(e.buf[:2], uint16(x))
		e.w.Write(e.buf[:2])
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float32:
		e.u32(math.Float32bits(x))
	case float64:
		e.u64(math.Float64bits(x))
	case bool:
		if x {
			e.w.WriteByte(1)
		} else {
			e.w.WriteByte(0)
		}
	case string:
		e.str(x)
	}
}

func writeSlice[T any](e *encoder, a []T) {
	e.u64(uint64(len(a)))
	for _, x := range a {
		e.scalar(any(x))
	}
}

func (e *encoder) value(v Value) {
	t, el, _ := typeOf(v.v)
	e.u32(uint32(t))
	if t != ValArray {
		e.scalar(v.v)
		return
	}
	e.u32(uint32(el))
	switch a := v.v.(type) {
	case []uint8:
		e.u64(uint64(len(a)))
		e.w.Write(a)
	case []int8:
		writeSlice(e, a)
	case []uint16:
		writeSlice(e, a)
	case []int16:
		writeSlice(e, a)
	case []uint32:
		writeSlice(e, a)
	case []int32:
		writeSlice(e, a)
	case []uint64:
		writeSlice(e, a)
	case []int64:
		writeSlice(e, a)
	case []float32:
		writeSlice(e, a)
	case []float64:
		writeSlice(e, a)
	case []bool:
		writeSlice(e, a)
	case []string:
		writeSlice(e, a)
	}
}

// countingWriter counts what a fill function writes.
type countingWriter struct {
	w io.Writer
	n uint64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	return n, err
}

var zeros [4096]byte

func writeZeros(w io.Writer, n uint64) error {
	for n > 0 {
		k := min(n, uint64(len(zeros)))
		if _, err := w.Write(zeros[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// Write streams a GGUF v3 file to w: header, metadata kvs in order, tensor infos with
// aligned offsets, padding, then each tensor's data as written by fill (called once per
// tensor, in order). fill must write exactly the tensor's TensorBytes; anything else is an
// error. Tensor data is aligned to 32 bytes unless kvs holds general.alignment (uint32).
func Write(w io.Writer, kvs []KV, tensors []TensorSpec, fill func(i int, t TensorSpec, w io.Writer) error) error {
	l, err := plan(kvs, tensors)
	if err != nil {
		return fmt.Errorf("cannot write GGUF file: %w", err)
	}
	if fill == nil && len(tensors) > 0 {
		return errors.New("cannot write GGUF file: no fill function for the tensor data")
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	e := &encoder{w: bw}
	bw.WriteString(Magic)
	e.u32(Version)
	e.u64(uint64(len(tensors)))
	e.u64(uint64(len(kvs)))
	for _, kv := range kvs {
		e.str(kv.Key)
		e.value(kv.Value)
	}
	for i, t := range tensors {
		e.str(t.Name)
		e.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			e.u64(d)
		}
		e.u32(uint32(t.Type))
		e.u64(l.offsets[i])
	}
	if err := writeZeros(bw, l.dataOffset-headerBytes(kvs, tensors)); err != nil {
		return fmt.Errorf("writing GGUF header: %w", err)
	}
	for i, t := range tensors {
		cw := &countingWriter{w: bw}
		if err := fill(i, t, cw); err != nil {
			return fmt.Errorf("writing tensor %q: %w", t.Name, err)
		}
		if cw.n != l.sizes[i] {
			return fmt.Errorf("writing tensor %q: the fill function wrote %d bytes but a %s tensor of shape %v takes exactly %d", t.Name, cw.n, t.Type, t.Dims, l.sizes[i])
		}
		if err := writeZeros(bw, alignUp(l.sizes[i], l.align)-l.sizes[i]); err != nil {
			return fmt.Errorf("writing tensor %q padding: %w", t.Name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing GGUF file: %w", err)
	}
	return nil
}

// WriteFile writes a GGUF file to path through Write. It writes path+".tmp" first and renames
// it into place only when everything succeeded; on any error the temporary file is removed
// and path is left untouched.
func WriteFile(path string, kvs []KV, tensors []TensorSpec, fill func(i int, t TensorSpec, w io.Writer) error) (err error) {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", tmp, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = Write(f, kvs, tensors, fill); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("saving %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("saving %s: %w", tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("moving %s into place: %w", tmp, err)
	}
	return nil
}
