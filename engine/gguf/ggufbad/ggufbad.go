// Package ggufbad derives broken GGUF files from a valid model, one per kind of bad input
// slmscope must refuse with a clear error (issue 2's "Bad input" list). Tests in other
// packages write each Case to disk and check that loading it fails with an error that
// contains Case.Want.
package ggufbad

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"slmscope/engine/gguf"
)

// Case is one bad input: Data must be refused with an error containing Want.
type Case struct {
	Name string // short identifier, usable as a file name
	Want string // substring the error must contain
	Data []byte
}

// The Want substrings, exported so callers can match errors from the reader directly.
const (
	WantEmpty          = "empty"
	WantText           = "text file"
	WantExecutable     = "executable"
	WantBadMagic       = "GGUF magic"
	WantHeaderTrunc    = "header is truncated"
	WantFileTrunc      = "file truncated"
	WantPastEnd        = "past the end"
	WantMisaligned     = "misaligned"
	WantBadType        = "unknown type"
	WantTooManyDims    = "99 dimensions"
	WantHugeDim        = "impossibly large"
	WantHugeArray      = "huge array length"
	WantHugeTensors    = "tensors, more than the file"
	WantVocabOnly      = "vocab-only"
	WantZeroHeads      = "zero attention heads"
	WantLayerCount1000 = "block_count is 1000"
)

// Cases derives every bad input from validModel, the bytes of any valid model GGUF (one
// that passes gguf.Parse and CheckModel). The cases are, in order: zero-byte, text file, ELF
// binary, bad magic, header truncated, file truncated by one byte, tensor offset past the
// end, misaligned offset, invalid tensor type, 99 dimensions, huge dimension, huge array
// length, huge tensor count, vocab-only, zero heads and layer count 1000.
func Cases(validModel []byte) ([]Case, error) {
	f, err := gguf.Parse(bytes.NewReader(validModel), int64(len(validModel)))
	if err != nil {
		return nil, fmt.Errorf("ggufbad needs a valid model to derive bad inputs from: %w", err)
	}
	if err := f.CheckModel(); err != nil {
		return nil, fmt.Errorf("ggufbad needs a valid model to derive bad inputs from: %w", err)
	}
	if f.Alignment < 2 {
		return nil, fmt.Errorf("ggufbad needs a model whose general.alignment is at least 2 (this one is %d), or no offset can be misaligned", f.Alignment)
	}
	arch, _ := f.GetString(gguf.KeyArchitecture)
	first := f.Tensors[0]
	last := f.Tensors[len(f.Tensors)-1]
	for _, t := range f.Tensors {
		if t.Offset > last.Offset {
			last = t
		}
	}
	dataEnd := f.DataOffset + int64(last.Offset+last.Bytes)

	var cases []Case
	add := func(name, want string, data []byte) { cases = append(cases, Case{name, want, data}) }

	add("zero-byte", WantEmpty, []byte{})
	add("text-file", WantText, []byte("# My model\n\nThis is the README that came with the model, not the model itself.\n"+
		"Download the .gguf file from the release page.\n"))
	elf := make([]byte, 4096)
	copy(elf, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0, 1, 0, 0, 0})
	for i := 64; i < len(elf); i++ {
		elf[i] = byte(i * 7)
	}
	add("elf-binary", WantExecutable, elf)

	badMagic := clone(validModel)
	copy(badMagic, "GGJT")
	add("bad-magic", WantBadMagic, badMagic)

	add("header-truncated", WantHeaderTrunc, clone(validModel[:last.InfoOffset+12]))
	add("file-truncated", WantFileTrunc, clone(validModel[:dataEnd-1]))

	pastEnd := clone(validModel)
	beyond := (uint64(len(validModel)-int(f.DataOffset)) + f.Alignment) / f.Alignment * f.Alignment
	binary.LittleEndian.PutUint64(pastEnd[offsetField(last):], beyond)
	add("offset-past-end", WantPastEnd, pastEnd)

	misaligned := clone(validModel)
	binary.LittleEndian.PutUint64(misaligned[offsetField(last):], last.Offset+1)
	add("misaligned-offset", WantMisaligned, misaligned)

	badType := clone(validModel)
	binary.LittleEndian.PutUint32(badType[typeField(first):], 99)
	add("invalid-tensor-type", WantBadType, badType)

	dims99 := clone(validModel)
	binary.LittleEndian.PutUint32(dims99[dimsField(first):], 99)
	add("99-dimensions", WantTooManyDims, dims99)

	hugeDim := clone(validModel)
	binary.LittleEndian.PutUint64(hugeDim[dimsField(first)+4+8*int64(len(first.Dims)-1):], 1<<62)
	add("huge-dimension", WantHugeDim, hugeDim)

	hugeArray, err := withHugeArray(f, validModel)
	if err != nil {
		return nil, err
	}
	add("huge-array-length", WantHugeArray, hugeArray)

	hugeTensors := clone(validModel)
	binary.LittleEndian.PutUint64(hugeTensors[8:], 1<<40)
	add("huge-tensor-count", WantHugeTensors, hugeTensors)

	vocabKVs := f.KVs
	if _, ok := f.Get(gguf.KeyTokens); !ok {
		vocabKVs = append(append([]gguf.KV(nil), vocabKVs...),
			gguf.KV{Key: gguf.KeyTokenizer, Value: gguf.String("llama")},
			gguf.KV{Key: gguf.KeyTokens, Value: gguf.Strings([]string{"<unk>", "<s>", "</s>", "a"})})
	}
	vocab, err := rebuild(f, validModel, vocabKVs, false)
	if err != nil {
		return nil, err
	}
	add("vocab-only", WantVocabOnly, vocab)

	zeroHeads, err := rebuild(f, validModel, set(f.KVs, gguf.ArchKey(arch, "attention.head_count"), 0), true)
	if err != nil {
		return nil, err
	}
	add("zero-heads", WantZeroHeads, zeroHeads)

	layers, err := rebuild(f, validModel, set(f.KVs, gguf.ArchKey(arch, "block_count"), 1000), true)
	if err != nil {
		return nil, err
	}
	add("layer-count-1000", WantLayerCount1000, layers)
	return cases, nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// Field positions inside a tensor-table entry: name length, name, n_dims, dims, type, offset.
func dimsField(t gguf.TensorInfo) int64 { return t.InfoOffset + 8 + int64(len(t.Name)) }
func typeField(t gguf.TensorInfo) int64 { return dimsField(t) + 4 + 8*int64(len(t.Dims)) }
func offsetField(t gguf.TensorInfo) int64 {
	return typeField(t) + 4
}

// withHugeArray sets the length of the model's first metadata array to 2^60, adding an array
// (by rewriting the file) when the model has none.
func withHugeArray(f *gguf.File, model []byte) ([]byte, error) {
	for _, kv := range f.KVs {
		if !kv.Value.IsArray() {
			continue
		}
		at, _ := f.KVOffset(kv.Key)
		out := clone(model)
		// key length, key, value type (array), element type, then the length.
		binary.LittleEndian.PutUint64(out[at+8+int64(len(kv.Key))+4+4:], 1<<60)
		return out, nil
	}
	kvs := append(append([]gguf.KV(nil), f.KVs...), gguf.KV{Key: "ggufbad.array", Value: gguf.Uint32s([]uint32{1, 2, 3})})
	rebuilt, err := rebuild(f, model, kvs, true)
	if err != nil {
		return nil, err
	}
	g, err := gguf.Parse(bytes.NewReader(rebuilt), int64(len(rebuilt)))
	if err != nil {
		return nil, fmt.Errorf("ggufbad: re-reading a rebuilt model: %w", err)
	}
	return withHugeArray(g, rebuilt)
}

// set returns kvs with key's integer value replaced by n (same integer type when it fits),
// appending the key if it is missing.
func set(kvs []gguf.KV, key string, n uint64) []gguf.KV {
	out := append([]gguf.KV(nil), kvs...)
	for i, kv := range out {
		if kv.Key == key {
			out[i].Value = sameType(kv.Value, n)
			return out
		}
	}
	return append(out, gguf.KV{Key: key, Value: gguf.Uint32(uint32(n))})
}

func sameType(v gguf.Value, n uint64) gguf.Value {
	switch v.Any().(type) {
	case uint16:
		if n <= 0xffff {
			return gguf.Uint16(uint16(n))
		}
	case int16:
		if n <= 0x7fff {
			return gguf.Int16(int16(n))
		}
	case int32:
		return gguf.Int32(int32(n))
	case uint64:
		return gguf.Uint64(n)
	case int64:
		return gguf.Int64(int64(n))
	}
	return gguf.Uint32(uint32(n))
}

// rebuild writes a new GGUF with kvs and, when withTensors is set, the model's tensors and
// their original data.
func rebuild(f *gguf.File, model []byte, kvs []gguf.KV, withTensors bool) ([]byte, error) {
	var specs []gguf.TensorSpec
	if withTensors {
		for _, t := range f.Tensors {
			specs = append(specs, t.Spec())
		}
	}
	var buf bytes.Buffer
	err := gguf.Write(&buf, kvs, specs, func(i int, _ gguf.TensorSpec, w io.Writer) error {
		t := f.Tensors[i]
		start := f.DataOffset + int64(t.Offset)
		_, err := w.Write(model[start : start+int64(t.Bytes)])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ggufbad: rebuilding the model: %w", err)
	}
	return buf.Bytes(), nil
}
