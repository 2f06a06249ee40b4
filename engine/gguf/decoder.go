package gguf

import (
	"encoding/binary"
	"fmt"
	"io"
)

// The bounds-checked reader under Parse: every read says what it was reading, and fails with a
// FormatError at the exact offset instead of reading past the file.

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

// chunk is how much the decoder reads from the file at a time.
const chunk = 64 << 10

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
