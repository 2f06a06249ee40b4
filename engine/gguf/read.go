package gguf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"unicode/utf8"

	"slmscope/engine/safefile"
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

// what names the field being read, for error messages; it is only formatted on failure so
// reading allocates nothing per field.
type what struct {
	part string // "the name", "the value", ...
	of   string // "tensor", "metadata key", or "" for header fields
	name string // key or tensor name when known
	idx  uint64
	len  bool // reading the length prefix of this string
}

func (w what) String() string {
	if w.len {
		w.len = false
		return "the length of " + w.String()
	}
	switch {
	case w.of == "":
		return w.part
	case w.name != "":
		return fmt.Sprintf("%s of %s %q", w.part, w.of, w.name)
	default:
		return fmt.Sprintf("%s of %s %d", w.part, w.of, w.idx)
	}
}

// decoder reads little-endian values from a ReaderAt through a small buffer and turns
// running out of bytes into a "header is truncated" FormatError.
type decoder struct {
	r        io.ReaderAt
	size     int64
	pos      int64
	buf      []byte
	bufStart int64
	scratch  []byte
}

const chunk = 64 << 10

func (d *decoder) fail(off int64, format string, args ...any) error {
	return &FormatError{Offset: off, Problem: fmt.Sprintf(format, args...)}
}

func (d *decoder) remaining() int64 { return d.size - d.pos }

// next returns the next n bytes (valid until the next call) and advances.
func (d *decoder) next(n int64, w what) ([]byte, error) {
	if n > d.remaining() {
		return nil, d.fail(d.pos, "the header is truncated: the file ends at byte %d while reading %s (the file is cut short; download it again?)", d.size, w)
	}
	if d.pos >= d.bufStart && d.pos+n <= d.bufStart+int64(len(d.buf)) {
		b := d.buf[d.pos-d.bufStart : d.pos-d.bufStart+n]
		d.pos += n
		return b, nil
	}
	if n > chunk {
		b := make([]byte, n)
		if err := d.readAt(b, d.pos); err != nil {
			return nil, err
		}
		d.pos += n
		return b, nil
	}
	m := min(int64(chunk), d.remaining())
	if int64(cap(d.scratch)) < m {
		d.scratch = make([]byte, min(int64(chunk), d.size))
	}
	d.buf = d.scratch[:m]
	if err := d.readAt(d.buf, d.pos); err != nil {
		d.buf = nil
		return nil, err
	}
	d.bufStart = d.pos
	d.pos += n
	return d.buf[:n], nil
}

func (d *decoder) readAt(b []byte, off int64) error {
	n, err := d.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		return d.fail(off+int64(n), "the file ended at byte %d although it reported %d bytes (was it changed while being read?)", off+int64(n), d.size)
	}
	return fmt.Errorf("reading model file at byte %d: %w", off+int64(n), err)
}

func (d *decoder) u8(w what) (uint8, error) {
	b, err := d.next(1, w)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (d *decoder) u16(w what) (uint16, error) {
	b, err := d.next(2, w)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

func (d *decoder) u32(w what) (uint32, error) {
	b, err := d.next(4, w)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (d *decoder) u64(w what) (uint64, error) {
	b, err := d.next(8, w)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// str reads a length-prefixed string of at most limit bytes.
func (d *decoder) str(w what, limit uint64) (string, error) {
	start := d.pos
	lw := w
	lw.len = true
	n, err := d.u64(lw)
	if err != nil {
		return "", err
	}
	if n > limit {
		return "", d.fail(start, "%s claims to be %d bytes long, more than the %d allowed", w, n, limit)
	}
	if n > uint64(d.remaining()) {
		return "", d.fail(start, "the header is truncated or corrupt: %s claims to be %d bytes long but only %d bytes are left in the file", w, n, d.remaining())
	}
	b, err := d.next(int64(n), w)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// sniff names what a file that is not GGUF looks like, from its first bytes.
func sniff(head []byte, size int64) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "is an executable (ELF binary), not a model"
	case bytes.HasPrefix(head, []byte("MZ")):
		return "is an executable (Windows PE/EXE or DLL), not a model"
	case len(head) >= 4 && (bytes.Equal(head[:4], []byte{0xfe, 0xed, 0xfa, 0xce}) || bytes.Equal(head[:4], []byte{0xfe, 0xed, 0xfa, 0xcf}) ||
		bytes.Equal(head[:4], []byte{0xce, 0xfa, 0xed, 0xfe}) || bytes.Equal(head[:4], []byte{0xcf, 0xfa, 0xed, 0xfe}) ||
		bytes.Equal(head[:4], []byte{0xca, 0xfe, 0xba, 0xbe})):
		return "is an executable (Mach-O binary), not a model"
	case bytes.HasPrefix(head, []byte("FUGG")):
		return "is a big-endian GGUF file; slmscope and llama.cpp on this machine read little-endian GGUF only"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "is a zip archive (a PyTorch checkpoint or a zipped model?), not GGUF: unzip it or convert it to GGUF"
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "is gzip-compressed, not GGUF: decompress it first"
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "is zstd-compressed, not GGUF: decompress it first"
	case len(head) >= 10 && head[8] == '{' && head[9] == '"' && int64(binary.LittleEndian.Uint64(head)) < size:
		return "looks like a safetensors file, not GGUF: convert it with llama.cpp's convert_hf_to_gguf.py"
	}
	if looksText(head) {
		return "looks like a text file, not GGUF (it starts with " + strconv.Quote(string(head[:min(len(head), 24)])) + ")"
	}
	return ""
}

// looksText reports whether b is UTF-8 text without control characters other than
// whitespace (a cut-off last character is allowed).
func looksText(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' || r == 0x7f {
			return false
		}
		i += n
	}
	return true
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
	if !bytes.HasPrefix(head, []byte(Magic)) {
		if size < 4 && bytes.HasPrefix([]byte(Magic), head) {
			return nil, d.fail(0, "the header is truncated: the file has only %d bytes (the file is cut short; download it again?)", size)
		}
		if what := sniff(head, size); what != "" {
			return nil, d.fail(0, "%s", what)
		}
		return nil, d.fail(0, "starts with %q instead of the GGUF magic \"GGUF\": this is not a GGUF model file", head[:min(len(head), 4)])
	}
	d.pos = 4
	f := &File{Size: size, Alignment: DefaultAlignment}
	version, err := d.u32(what{part: "the GGUF version"})
	if err != nil {
		return nil, err
	}
	switch {
	case version > Version && looksText(head):
		return nil, d.fail(0, "looks like a text file, not GGUF (it starts with %q)", head[:min(len(head), 24)])
	case version == 0:
		return nil, d.fail(4, "GGUF version 0 is invalid (corrupt header); slmscope reads GGUF versions 2 and 3")
	case version&0xffff == 0:
		return nil, d.fail(4, "GGUF version %d looks byte-swapped: this is a big-endian GGUF file; only little-endian files are supported", version)
	case version == 1:
		return nil, d.fail(4, "GGUF version 1 is too old for llama.cpp; slmscope reads GGUF versions 2 and 3 (convert the model again with a current llama.cpp)")
	case version > Version:
		return nil, d.fail(4, "GGUF version %d is newer than this slmscope supports; it reads GGUF versions 2 and 3", version)
	}
	f.Version = version
	nTensors, err := d.u64(what{part: "the tensor count"})
	if err != nil {
		return nil, err
	}
	nKV, err := d.u64(what{part: "the metadata count"})
	if err != nil {
		return nil, err
	}
	left := uint64(d.remaining())
	if nKV > MaxKVs || nKV > left/minKVBytes {
		return nil, d.fail(16, "the header claims %d metadata entries, more than the file (%d bytes) could hold (corrupt header)", nKV, size)
	}
	if nTensors > MaxTensors || nTensors > (left-nKV*minKVBytes)/minTensorBytes {
		lim := min(uint64(MaxTensors), (left-nKV*minKVBytes)/minTensorBytes)
		return nil, d.fail(8, "the header claims %d tensors, more than the file (%d bytes) could hold (at most %d; corrupt header)", nTensors, size, lim)
	}

	f.KVs = make([]KV, 0, min(nKV, 256))
	f.index = make(map[string]int, min(nKV, 256))
	for i := uint64(0); i < nKV; i++ {
		at := d.pos
		kv, err := d.kv(i)
		if err != nil {
			return nil, err
		}
		if _, dup := f.index[kv.Key]; dup {
			return nil, d.fail(d.pos, "metadata key %q appears twice", kv.Key)
		}
		f.index[kv.Key] = len(f.KVs)
		f.KVs = append(f.KVs, kv)
		f.kvOffsets = append(f.kvOffsets, at)
	}
	if v, ok := f.Get(KeyAlignment); ok {
		a, isU32 := v.Any().(uint32)
		if !isU32 {
			return nil, d.fail(-1, "%s must be a uint32 value, but it is a %s", KeyAlignment, v.Type())
		}
		if a == 0 || a&(a-1) != 0 {
			return nil, d.fail(-1, "%s is %d, which is not a power of two", KeyAlignment, a)
		}
		f.Alignment = uint64(a)
	}

	f.Tensors = make([]TensorInfo, 0, min(nTensors, 1024))
	names := make(map[string]bool, min(nTensors, 1024))
	for i := uint64(0); i < nTensors; i++ {
		t, err := d.tensorInfo(i)
		if err != nil {
			return nil, err
		}
		if names[t.Name] {
			return nil, d.fail(d.pos, "tensor name %q appears twice", t.Name)
		}
		names[t.Name] = true
		f.Tensors = append(f.Tensors, t)
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

func (d *decoder) kv(i uint64) (KV, error) {
	start := d.pos
	key, err := d.str(what{part: "the key", of: "metadata entry", idx: i}, MaxKeyLen)
	if err != nil {
		return KV{}, err
	}
	if key == "" {
		return KV{}, d.fail(start, "metadata key %d is empty", i)
	}
	w := what{part: "the value", of: "metadata key", name: key}
	typ, err := d.u32(what{part: "the type", of: "metadata key", name: key})
	if err != nil {
		return KV{}, err
	}
	if typ >= uint32(valTypeCount) {
		return KV{}, d.fail(d.pos-4, "metadata %q has invalid value type %d (GGUF value types are 0 to 12)", key, typ)
	}
	var v Value
	if ValueType(typ) == ValArray {
		v, err = d.array(key)
	} else {
		v, err = d.scalar(ValueType(typ), w)
	}
	if err != nil {
		return KV{}, err
	}
	return KV{Key: key, Value: v}, nil
}

func (d *decoder) scalar(t ValueType, w what) (Value, error) {
	switch t {
	case ValString:
		s, err := d.str(w, MaxStringLen)
		return Value{s}, err
	case ValBool:
		b, err := d.u8(w)
		if err != nil {
			return Value{}, err
		}
		if b > 1 {
			return Value{}, d.fail(d.pos-1, "%s is a bool stored as %d; it must be 0 or 1", w, b)
		}
		return Value{b == 1}, nil
	}
	var x uint64
	var err error
	switch valTypeSize[t] {
	case 1:
		var b uint8
		b, err = d.u8(w)
		x = uint64(b)
	case 2:
		var b uint16
		b, err = d.u16(w)
		x = uint64(b)
	case 4:
		var b uint32
		b, err = d.u32(w)
		x = uint64(b)
	case 8:
		x, err = d.u64(w)
	}
	if err != nil {
		return Value{}, err
	}
	return scalarFromBits(t, x), nil
}

func scalarFromBits(t ValueType, x uint64) Value {
	switch t {
	case ValUint8:
		return Value{uint8(x)}
	case ValInt8:
		return Value{int8(x)}
	case ValUint16:
		return Value{uint16(x)}
	case ValInt16:
		return Value{int16(x)}
	case ValUint32:
		return Value{uint32(x)}
	case ValInt32:
		return Value{int32(x)}
	case ValFloat32:
		return Value{math.Float32frombits(uint32(x))}
	case ValUint64:
		return Value{x}
	case ValInt64:
		return Value{int64(x)}
	case ValFloat64:
		return Value{math.Float64frombits(x)}
	}
	return Value{}
}

func (d *decoder) array(key string) (Value, error) {
	start := d.pos
	et, err := d.u32(what{part: "the element type", of: "metadata key", name: key})
	if err != nil {
		return Value{}, err
	}
	if et >= uint32(valTypeCount) {
		return Value{}, d.fail(start, "metadata %q is an array with invalid element type %d (GGUF value types are 0 to 12)", key, et)
	}
	e := ValueType(et)
	if e == ValArray {
		return Value{}, d.fail(start, "metadata %q is an array of arrays, which llama.cpp does not support", key)
	}
	n, err := d.u64(what{part: "the array length", of: "metadata key", name: key})
	if err != nil {
		return Value{}, err
	}
	minSize := uint64(valTypeSize[e])
	if e == ValString {
		minSize = 8
	}
	if n > MaxArrayLen || n > uint64(d.remaining())/minSize {
		return Value{}, d.fail(start+4, "metadata %q claims an array of %d %s items, which cannot fit in the %d bytes left in the file (huge array length: corrupt header)", key, n, e, d.remaining())
	}
	w := what{part: "an item", of: "metadata key", name: key}
	switch e {
	case ValString:
		a := make([]string, n)
		for i := range a {
			if a[i], err = d.str(w, MaxStringLen); err != nil {
				return Value{}, err
			}
		}
		return Value{a}, nil
	case ValUint8:
		b, err := d.next(int64(n), w)
		if err != nil {
			return Value{}, err
		}
		return Value{append([]uint8{}, b...)}, nil
	case ValBool:
		b, err := d.next(int64(n), w)
		if err != nil {
			return Value{}, err
		}
		a := make([]bool, n)
		for i, x := range b {
			if x > 1 {
				return Value{}, d.fail(d.pos-int64(n)+int64(i), "metadata %q holds a bool stored as %d; it must be 0 or 1", key, x)
			}
			a[i] = x == 1
		}
		return Value{a}, nil
	}
	sz := int64(valTypeSize[e])
	b, err := d.next(int64(n)*sz, w)
	if err != nil {
		return Value{}, err
	}
	return Value{decodeArray(e, b, int(n))}, nil
}

func decodeArray(e ValueType, b []byte, n int) any {
	le := binary.LittleEndian
	switch e {
	case ValInt8:
		a := make([]int8, n)
		for i := range a {
			a[i] = int8(b[i])
		}
		return a
	case ValUint16:
		a := make([]uint16, n)
		for i := range a {
			a[i] = le.Uint16(b[2*i:])
		}
		return a
	case ValInt16:
		a := make([]int16, n)
		for i := range a {
			a[i] = int16(le.Uint16(b[2*i:]))
		}
		return a
	case ValUint32:
		a := make([]uint32, n)
		for i := range a {
			a[i] = le.Uint32(b[4*i:])
		}
		return a
	case ValInt32:
		a := make([]int32, n)
		for i := range a {
			a[i] = int32(le.Uint32(b[4*i:]))
		}
		return a
	case ValFloat32:
		a := make([]float32, n)
		for i := range a {
			a[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
		return a
	case ValUint64:
		a := make([]uint64, n)
		for i := range a {
			a[i] = le.Uint64(b[8*i:])
		}
		return a
	case ValInt64:
		a := make([]int64, n)
		for i := range a {
			a[i] = int64(le.Uint64(b[8*i:]))
		}
		return a
	case ValFloat64:
		a := make([]float64, n)
		for i := range a {
			a[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
		return a
	}
	return nil
}

func (d *decoder) tensorInfo(i uint64) (TensorInfo, error) {
	start := d.pos
	name, err := d.str(what{part: "the name", of: "tensor", idx: i}, MaxStringLen)
	if err != nil {
		return TensorInfo{}, err
	}
	if name == "" {
		return TensorInfo{}, d.fail(start, "tensor %d has an empty name", i)
	}
	if len(name) > MaxTensorName {
		return TensorInfo{}, d.fail(start, "tensor %d's name is %d bytes long; llama.cpp allows at most %d", i, len(name), MaxTensorName)
	}
	w := what{of: "tensor", name: name}
	w.part = "the dimension count"
	nd, err := d.u32(w)
	if err != nil {
		return TensorInfo{}, err
	}
	if nd < 1 || nd > MaxDims {
		return TensorInfo{}, d.fail(d.pos-4, "tensor %q has %d dimensions; ggml allows 1 to %d", name, nd, MaxDims)
	}
	t := TensorInfo{Name: name, Dims: make([]uint64, nd), InfoOffset: start}
	for j := range t.Dims {
		w.part = "the shape"
		if t.Dims[j], err = d.u64(w); err != nil {
			return TensorInfo{}, err
		}
		if t.Dims[j] == 0 {
			return TensorInfo{}, d.fail(d.pos-8, "tensor %q dimension %d is zero", name, j)
		}
		if t.Dims[j] > MaxTensorElements {
			return TensorInfo{}, d.fail(d.pos-8, "tensor %q dimension %d is %d, which is impossibly large (huge dimension: corrupt header)", name, j, t.Dims[j])
		}
	}
	if _, err := Elements(t.Dims); err != nil {
		return TensorInfo{}, d.fail(start, "tensor %q has shape %v, which is impossibly large (more than %d elements)", name, t.Dims, MaxTensorElements)
	}
	w.part = "the type"
	typ, err := d.u32(w)
	if err != nil {
		return TensorInfo{}, err
	}
	t.Type = GGMLType(typ)
	if !t.Type.Valid() {
		return TensorInfo{}, d.fail(d.pos-4, "tensor %q has unknown type %d (not a ggml type llama.cpp %s can load)", name, typ, "v0.5.0")
	}
	if t.Dims[0]%t.Type.BlockSize() != 0 {
		return TensorInfo{}, d.fail(d.pos-4, "tensor %q has rows of %d elements, not a multiple of %s's block size %d", name, t.Dims[0], t.Type, t.Type.BlockSize())
	}
	t.Bytes, _ = TensorBytes(t.Type, t.Dims)
	w.part = "the data offset"
	if t.Offset, err = d.u64(w); err != nil {
		return TensorInfo{}, err
	}
	return t, nil
}
