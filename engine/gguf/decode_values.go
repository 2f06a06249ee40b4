package gguf

import (
	"encoding/binary"
	"math"
)

// Decoding metadata values, arrays and tensor infos.

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
	e, n, err := d.arrayHeader(key)
	if err != nil {
		return Value{}, err
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
		return d.boolArray(key, n, w)
	}
	sz := int64(valTypeSize[e])
	b, err := d.next(int64(n)*sz, w)
	if err != nil {
		return Value{}, err
	}
	return Value{decodeArray(e, b, int(n))}, nil
}

// arrayHeader reads an array's element type and length, refusing arrays of arrays and
// lengths the bytes left in the file could not hold.
func (d *decoder) arrayHeader(key string) (e ValueType, n uint64, err error) {
	start := d.pos
	et, err := d.u32(what{part: "the element type", of: "metadata key", name: key})
	if err != nil {
		return 0, 0, err
	}
	if et >= uint32(valTypeCount) {
		return 0, 0, d.fail(start, "metadata %q is an array with invalid element type %d (GGUF value types are 0 to 12)", key, et)
	}
	e = ValueType(et)
	if e == ValArray {
		return 0, 0, d.fail(start, "metadata %q is an array of arrays, which llama.cpp does not support", key)
	}
	n, err = d.u64(what{part: "the array length", of: "metadata key", name: key})
	if err != nil {
		return 0, 0, err
	}
	minSize := uint64(valTypeSize[e])
	if e == ValString {
		minSize = 8
	}
	if n > MaxArrayLen || n > uint64(d.remaining())/minSize {
		return 0, 0, d.fail(start+4, "metadata %q claims an array of %d %s items, which cannot fit in the %d bytes left in the file (huge array length: corrupt header)", key, n, e, d.remaining())
	}
	return e, n, nil
}

// boolArray reads n bools of metadata key, one byte each, refusing bytes other than 0 and 1.
func (d *decoder) boolArray(key string, n uint64, w what) (Value, error) {
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

// decodeArray decodes n little-endian elements of the fixed-size type e from b, which
// holds exactly n*valTypeSize[e] bytes.
func decodeArray(e ValueType, b []byte, n int) any {
	le := binary.LittleEndian
	switch e {
	case ValInt8:
		return decodeElems(b, n, 1, func(p []byte) int8 { return int8(p[0]) })
	case ValUint16:
		return decodeElems(b, n, 2, func(p []byte) uint16 { return le.Uint16(p) })
	case ValInt16:
		return decodeElems(b, n, 2, func(p []byte) int16 { return int16(le.Uint16(p)) })
	case ValUint32:
		return decodeElems(b, n, 4, func(p []byte) uint32 { return le.Uint32(p) })
	case ValInt32:
		return decodeElems(b, n, 4, func(p []byte) int32 { return int32(le.Uint32(p)) })
	case ValFloat32:
		return decodeElems(b, n, 4, func(p []byte) float32 { return math.Float32frombits(le.Uint32(p)) })
	case ValUint64:
		return decodeElems(b, n, 8, func(p []byte) uint64 { return le.Uint64(p) })
	case ValInt64:
		return decodeElems(b, n, 8, func(p []byte) int64 { return int64(le.Uint64(p)) })
	case ValFloat64:
		return decodeElems(b, n, 8, func(p []byte) float64 { return math.Float64frombits(le.Uint64(p)) })
	}
	return nil
}

// decodeElems decodes n elements of size bytes each from b, element i from b[size*i:]
// through conv.
func decodeElems[T any](b []byte, n, size int, conv func([]byte) T) []T {
	a := make([]T, n)
	for i := range a {
		a[i] = conv(b[size*i:])
	}
	return a
}

func (d *decoder) tensorInfo(i uint64) (TensorInfo, error) {
	start := d.pos
	name, err := d.tensorName(i)
	if err != nil {
		return TensorInfo{}, err
	}
	w := what{of: "tensor", name: name}
	dims, err := d.tensorDims(w)
	if err != nil {
		return TensorInfo{}, err
	}
	t := TensorInfo{Name: name, Dims: dims, InfoOffset: start}
	if _, err := Elements(t.Dims); err != nil {
		return TensorInfo{}, d.fail(start, "tensor %q has shape %v, which is impossibly large (more than %d elements)", name, t.Dims, MaxTensorElements)
	}
	if t.Type, err = d.tensorType(w, t.Dims[0]); err != nil {
		return TensorInfo{}, err
	}
	t.Bytes, _ = TensorBytes(t.Type, t.Dims)
	w.part = "the data offset"
	if t.Offset, err = d.u64(w); err != nil {
		return TensorInfo{}, err
	}
	return t, nil
}

// tensorName reads the name of tensor i, which must be non-empty and short enough for
// llama.cpp.
func (d *decoder) tensorName(i uint64) (string, error) {
	start := d.pos
	name, err := d.str(what{part: "the name", of: "tensor", idx: i}, MaxStringLen)
	if err != nil {
		return "", err
	}
	if name == "" {
		return "", d.fail(start, "tensor %d has an empty name", i)
	}
	if len(name) > MaxTensorName {
		return "", d.fail(start, "tensor %d's name is %d bytes long; llama.cpp allows at most %d", i, len(name), MaxTensorName)
	}
	return name, nil
}

// tensorDims reads the dimension count and shape of the tensor w names: 1 to MaxDims
// dimensions, none zero or impossibly large.
func (d *decoder) tensorDims(w what) ([]uint64, error) {
	name := w.name
	w.part = "the dimension count"
	nd, err := d.u32(w)
	if err != nil {
		return nil, err
	}
	if nd < 1 || nd > MaxDims {
		return nil, d.fail(d.pos-4, "tensor %q has %d dimensions; ggml allows 1 to %d", name, nd, MaxDims)
	}
	dims := make([]uint64, nd)
	for j := range dims {
		w.part = "the shape"
		if dims[j], err = d.u64(w); err != nil {
			return nil, err
		}
		if dims[j] == 0 {
			return nil, d.fail(d.pos-8, "tensor %q dimension %d is zero", name, j)
		}
		if dims[j] > MaxTensorElements {
			return nil, d.fail(d.pos-8, "tensor %q dimension %d is %d, which is impossibly large (huge dimension: corrupt header)", name, j, dims[j])
		}
	}
	return dims, nil
}

// tensorType reads the ggml type of the tensor w names, which must be one llama.cpp loads
// and whose block size divides the row length row.
func (d *decoder) tensorType(w what, row uint64) (GGMLType, error) {
	name := w.name
	w.part = "the type"
	typ, err := d.u32(w)
	if err != nil {
		return 0, err
	}
	t := GGMLType(typ)
	if !t.Valid() {
		return 0, d.fail(d.pos-4, "tensor %q has unknown type %d (not a ggml type llama.cpp %s can load)", name, typ, "v0.5.0")
	}
	if row%t.BlockSize() != 0 {
		return 0, d.fail(d.pos-4, "tensor %q has rows of %d elements, not a multiple of %s's block size %d", name, row, t, t.BlockSize())
	}
	return t, nil
}
