package gguf

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"slmscope/internal/safefile"
)

// Limits the reader enforces before allocating anything sized by the file's own counts.
const (
	// MaxTensors is the most tensors a file may declare (real models have a few thousand).
	MaxTensors = 1 << 20
	// MaxKVs is the most metadata entries a file may declare.
	MaxKVs = 1 << 20
	// MaxArrayLen is the longest metadata array accepted (llama.cpp's GGUF_MAX_ARRAY_ELEMENTS).
	MaxArrayLen = 1 << 30
	// MaxStringLen is the longest metadata string accepted (llama.cpp's GGUF_MAX_STRING_LENGTH).
	MaxStringLen = 1 << 30
	// MaxKeyLen is the longest metadata key accepted.
	MaxKeyLen = 1 << 16
)

// Smallest possible encodings, used to bound counts by the bytes left in the file.
const (
	minKVBytes     = 8 + 1 + 4 + 1         // key length, 1-byte key, type, 1-byte value
	minTensorBytes = 8 + 1 + 4 + 8 + 4 + 8 // name length, 1-byte name, n_dims, one dim, type, offset
)

// FormatError says what is wrong with a file that is not a usable GGUF model.
type FormatError struct {
	Path    string // file path as given to Open; empty for Parse
	Offset  int64  // byte offset where the problem was found, or -1
	Problem string // what is wrong, in words
}

func (e *FormatError) Error() string {
	p := e.Path
	if p == "" {
		p = "GGUF file"
	}
	return p + ": " + e.Problem
}

// File is a parsed and validated GGUF file's header: metadata and tensor table.
// Tensor data is not read.
type File struct {
	Path       string       // path given to Open, or ""
	Size       int64        // file size in bytes
	Version    uint32       // GGUF version (2 or 3)
	KVs        []KV         // metadata in file order
	Tensors    []TensorInfo // tensor table in file order
	Alignment  uint64       // data alignment (general.alignment or 32)
	HeaderEnd  int64        // byte just after the tensor table, before padding
	DataOffset int64        // absolute offset of the tensor data section

	index     map[string]int
	kvOffsets []int64
}

// TensorInfo is one entry of the tensor table.
type TensorInfo struct {
	Name   string
	Dims   []uint64 // GGUF order: Dims[0] is the row length
	Type   GGMLType
	Offset uint64 // relative to File.DataOffset
	Bytes  uint64 // exact data size

	// InfoOffset is where this tensor's entry in the tensor table starts in the file.
	InfoOffset int64
}

// Elements returns the number of elements (product of Dims).
func (t TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Spec returns the tensor's name, shape and type as a TensorSpec for the writer.
func (t TensorInfo) Spec() TensorSpec {
	return TensorSpec{Name: t.Name, Dims: append([]uint64(nil), t.Dims...), Type: t.Type}
}

// Open reads and validates the GGUF file at path. Problems with the file's contents are
// returned as *FormatError; I/O failures are wrapped.
func Open(path string) (*File, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, &FormatError{Path: path, Offset: -1, Problem: "is a folder, not a GGUF model file"}
	}
	// safefile refuses named pipes, devices, sockets and broken links before opening, so
	// none of them can block or feed endless bytes.
	f, st, err := safefile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open model file: %w", err)
	}
	defer f.Close()
	gf, err := Parse(f, st.Size())
	if fe, ok := err.(*FormatError); ok {
		fe.Path = path
	}
	if gf != nil {
		gf.Path = path
	}
	return gf, err
}

// Get returns the metadata value for key.
func (f *File) Get(key string) (Value, bool) {
	i, ok := f.index[key]
	if !ok {
		return Value{}, false
	}
	return f.KVs[i].Value, true
}

// GetString returns a string metadata value.
func (f *File) GetString(key string) (string, bool) {
	v, ok := f.Get(key)
	if !ok {
		return "", false
	}
	return v.AsString()
}

// GetUint returns an integer metadata value of any integer type, if it is not negative.
func (f *File) GetUint(key string) (uint64, bool) {
	v, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	return v.AsUint()
}

// GetFloat returns a float (or integer) metadata value as float64.
func (f *File) GetFloat(key string) (float64, bool) {
	v, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	return v.AsFloat()
}

// KVOffset returns where key's metadata entry (its key length field) starts in the file.
func (f *File) KVOffset(key string) (int64, bool) {
	i, ok := f.index[key]
	if !ok || i >= len(f.kvOffsets) {
		return 0, false
	}
	return f.kvOffsets[i], true
}

// Tensor returns the tensor table entry named name.
func (f *File) Tensor(name string) (TensorInfo, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return TensorInfo{}, false
}

// Parse reads and validates a GGUF file of size bytes from r. Every count, length, type,
// shape and offset is checked against sane limits and against the bytes the file could
// possibly hold before anything sized by it is allocated. Problems are *FormatError.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	d := &decoder{r: r, size: size}
	if size <= 0 {
		return nil, d.fail(0, "the file is empty (0 bytes): it is not a model (an interrupted download?)")
	}
	head := make([]byte, min(size, 512))
	if err := d.readAt(head, 0); err != nil {
		return nil, err
	}
	if err := d.checkMagic(head); err != nil {
		return nil, err
	}
	d.pos = 4
	f := &File{Size: size, Alignment: DefaultAlignment}
	version, err := d.version(head)
	if err != nil {
		return nil, err
	}
	f.Version = version
	nTensors, nKV, err := d.counts()
	if err != nil {
		return nil, err
	}
	if err := d.kvs(f, nKV); err != nil {
		return nil, err
	}
	if err := d.alignment(f); err != nil {
		return nil, err
	}
	if err := d.tensorInfos(f, nTensors); err != nil {
		return nil, err
	}
	f.HeaderEnd = d.pos
	f.DataOffset = int64(alignUp(uint64(d.pos), f.Alignment))
	if len(f.Tensors) == 0 {
		return f, nil
	}
	if f.DataOffset > size {
		return nil, d.fail(f.HeaderEnd, "the tensor data should start at byte %d but the file has only %d bytes (file truncated?)", f.DataOffset, size)
	}
	if err := f.checkData(); err != nil {
		return nil, err
	}
	return f, nil
}

// checkMagic refuses a file whose first bytes head are not the GGUF magic, saying what the
// file looks like instead when it can tell.
func (d *decoder) checkMagic(head []byte) error {
	if bytes.HasPrefix(head, []byte(Magic)) {
		return nil
	}
	if d.size < 4 && bytes.HasPrefix([]byte(Magic), head) {
		return d.fail(0, "the header is truncated: the file has only %d bytes (the file is cut short; download it again?)", d.size)
	}
	if what := sniff(head, d.size); what != "" {
		return d.fail(0, "%s", what)
	}
	return d.fail(0, "starts with %q instead of the GGUF magic \"GGUF\": this is not a GGUF model file", head[:min(len(head), 4)])
}

// version reads the GGUF version after the magic and refuses every version but 2 and 3,
// saying why (a text file that starts with "GGUF", a big-endian file, a too old or new one).
func (d *decoder) version(head []byte) (uint32, error) {
	version, err := d.u32(what{part: "the GGUF version"})
	if err != nil {
		return 0, err
	}
	switch {
	case version > Version && looksText(head):
		return 0, d.fail(0, "looks like a text file, not GGUF (it starts with %q)", head[:min(len(head), 24)])
	case version == 0:
		return 0, d.fail(4, "GGUF version 0 is invalid (corrupt header); slmscope reads GGUF versions 2 and 3")
	case version&0xffff == 0:
		return 0, d.fail(4, "GGUF version %d looks byte-swapped: this is a big-endian GGUF file; only little-endian files are supported", version)
	case version == 1:
		return 0, d.fail(4, "GGUF version 1 is too old for llama.cpp; slmscope reads GGUF versions 2 and 3 (convert the model again with a current llama.cpp)")
	case version > Version:
		return 0, d.fail(4, "GGUF version %d is newer than this slmscope supports; it reads GGUF versions 2 and 3", version)
	}
	return version, nil
}

// counts reads the tensor and metadata counts and refuses counts the bytes left in the file
// could not hold, before anything is allocated by them.
func (d *decoder) counts() (nTensors, nKV uint64, err error) {
	if nTensors, err = d.u64(what{part: "the tensor count"}); err != nil {
		return 0, 0, err
	}
	if nKV, err = d.u64(what{part: "the metadata count"}); err != nil {
		return 0, 0, err
	}
	left := uint64(d.remaining())
	if nKV > MaxKVs || nKV > left/minKVBytes {
		return 0, 0, d.fail(16, "the header claims %d metadata entries, more than the file (%d bytes) could hold (corrupt header)", nKV, d.size)
	}
	if nTensors > MaxTensors || nTensors > (left-nKV*minKVBytes)/minTensorBytes {
		lim := min(uint64(MaxTensors), (left-nKV*minKVBytes)/minTensorBytes)
		return 0, 0, d.fail(8, "the header claims %d tensors, more than the file (%d bytes) could hold (at most %d; corrupt header)", nTensors, d.size, lim)
	}
	return nTensors, nKV, nil
}

// kvs reads the nKV metadata entries into f, refusing a key that appears twice.
func (d *decoder) kvs(f *File, nKV uint64) error {
	f.KVs = make([]KV, 0, min(nKV, 256))
	f.index = make(map[string]int, min(nKV, 256))
	for i := uint64(0); i < nKV; i++ {
		at := d.pos
		kv, err := d.kv(i)
		if err != nil {
			return err
		}
		if _, dup := f.index[kv.Key]; dup {
			return d.fail(d.pos, "metadata key %q appears twice", kv.Key)
		}
		f.index[kv.Key] = len(f.KVs)
		f.KVs = append(f.KVs, kv)
		f.kvOffsets = append(f.kvOffsets, at)
	}
	return nil
}

// alignment sets f's data alignment from its metadata, which must be a uint32 power of two.
func (d *decoder) alignment(f *File) error {
	v, ok := f.Get(KeyAlignment)
	if !ok {
		return nil
	}
	a, isU32 := v.Any().(uint32)
	if !isU32 {
		return d.fail(-1, "%s must be a uint32 value, but it is a %s", KeyAlignment, v.Type())
	}
	if a == 0 || a&(a-1) != 0 {
		return d.fail(-1, "%s is %d, which is not a power of two", KeyAlignment, a)
	}
	f.Alignment = uint64(a)
	return nil
}

// tensorInfos reads the nTensors tensor table entries into f, refusing a name that appears
// twice.
func (d *decoder) tensorInfos(f *File, nTensors uint64) error {
	f.Tensors = make([]TensorInfo, 0, min(nTensors, 1024))
	names := make(map[string]bool, min(nTensors, 1024))
	for i := uint64(0); i < nTensors; i++ {
		t, err := d.tensorInfo(i)
		if err != nil {
			return err
		}
		if names[t.Name] {
			return d.fail(d.pos, "tensor name %q appears twice", t.Name)
		}
		names[t.Name] = true
		f.Tensors = append(f.Tensors, t)
	}
	return nil
}

// checkData validates each tensor's data placement: aligned, inside the file, and packed in
// order as llama.cpp requires.
func (f *File) checkData() error {
	var at int64 = -1
	fail := func(format string, args ...any) error {
		return &FormatError{Offset: at, Problem: fmt.Sprintf(format, args...)}
	}
	var expect uint64 // where llama.cpp expects the next tensor (relative to DataOffset)
	var prev string
	avail := uint64(f.Size - f.DataOffset)
	for _, t := range f.Tensors {
		at = t.InfoOffset
		if t.Offset%f.Alignment != 0 {
			return fail("tensor %q data offset %d is misaligned: it must be a multiple of the alignment %d", t.Name, t.Offset, f.Alignment)
		}
		if t.Offset >= avail {
			start := "byte " + strconv.FormatUint(t.Offset+uint64(f.DataOffset), 10)
			if t.Offset > math.MaxInt64 {
				start = "data offset " + strconv.FormatUint(t.Offset, 10)
			}
			return fail("tensor %q data starts at %s, past the end of the file (%d bytes)", t.Name, start, f.Size)
		}
		if t.Bytes > avail-t.Offset {
			return fail("tensor %q data ends at byte %d but the file has %d bytes (file truncated?)", t.Name, uint64(f.DataOffset)+t.Offset+t.Bytes, f.Size)
		}
		if t.Offset < expect {
			return fail("tensor %q data (from data offset %d) overlaps tensor %q, which ends at data offset %d", t.Name, t.Offset, prev, expect)
		}
		if t.Offset > expect {
			return fail("tensor %q data starts at data offset %d but llama.cpp expects %d, right after tensor %q (tensors must be packed in order)", t.Name, t.Offset, expect, prev)
		}
		expect = alignUp(t.Offset+t.Bytes, f.Alignment)
		prev = t.Name
	}
	return nil
}
