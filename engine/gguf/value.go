package gguf

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// ValueType is a GGUF metadata value type (enum gguf_type in gguf.h).
type ValueType uint32

// GGUF metadata value types, numbered as in the GGUF specification.
const (
	ValUint8   ValueType = 0
	ValInt8    ValueType = 1
	ValUint16  ValueType = 2
	ValInt16   ValueType = 3
	ValUint32  ValueType = 4
	ValInt32   ValueType = 5
	ValFloat32 ValueType = 6
	ValBool    ValueType = 7
	ValString  ValueType = 8
	ValArray   ValueType = 9
	ValUint64  ValueType = 10
	ValInt64   ValueType = 11
	ValFloat64 ValueType = 12

	valTypeCount ValueType = 13
)

var valTypeNames = [valTypeCount]string{"uint8", "int8", "uint16", "int16", "uint32", "int32",
	"float32", "bool", "string", "array", "uint64", "int64", "float64"}

// valTypeSize is the encoded size of a fixed-size scalar; 0 for string and array.
var valTypeSize = [valTypeCount]int64{1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8}

// String returns the type's name ("uint32", "string", ...).
func (t ValueType) String() string {
	if t < valTypeCount {
		return valTypeNames[t]
	}
	return fmt.Sprintf("value-type(%d)", uint32(t))
}

// KV is one metadata key/value pair.
type KV struct {
	Key   string
	Value Value
}

// Value is one typed GGUF metadata value: a scalar or an array of scalars (nested arrays
// are not supported by llama.cpp and are refused). The zero Value is invalid; build values
// with the constructors (String, Uint32, Strings, ...).
type Value struct {
	v any // uint8 ... float64, bool, string, or a slice of one of those
}

// Scalar constructors.

func Uint8(v uint8) Value     { return Value{v} }
func Int8(v int8) Value       { return Value{v} }
func Uint16(v uint16) Value   { return Value{v} }
func Int16(v int16) Value     { return Value{v} }
func Uint32(v uint32) Value   { return Value{v} }
func Int32(v int32) Value     { return Value{v} }
func Uint64(v uint64) Value   { return Value{v} }
func Int64(v int64) Value     { return Value{v} }
func Float32(v float32) Value { return Value{v} }
func Float64(v float64) Value { return Value{v} }
func Bool(v bool) Value       { return Value{v} }
func String(v string) Value   { return Value{v} }

// Array constructors. The slice is kept, not copied: do not change it afterwards.

func Uint8s(v []uint8) Value     { return Value{nonNil(v)} }
func Int8s(v []int8) Value       { return Value{nonNil(v)} }
func Uint16s(v []uint16) Value   { return Value{nonNil(v)} }
func Int16s(v []int16) Value     { return Value{nonNil(v)} }
func Uint32s(v []uint32) Value   { return Value{nonNil(v)} }
func Int32s(v []int32) Value     { return Value{nonNil(v)} }
func Uint64s(v []uint64) Value   { return Value{nonNil(v)} }
func Int64s(v []int64) Value     { return Value{nonNil(v)} }
func Float32s(v []float32) Value { return Value{nonNil(v)} }
func Float64s(v []float64) Value { return Value{nonNil(v)} }
func Bools(v []bool) Value       { return Value{nonNil(v)} }
func Strings(v []string) Value   { return Value{nonNil(v)} }

// nonNil turns a nil slice into an empty one so round trips compare equal.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// typeOf returns (type, element type) of a Go value held by Value; ok is false for anything else.
func typeOf(v any) (t, elem ValueType, ok bool) {
	if t, ok := scalarType(v); ok {
		return t, 0, true
	}
	if e, ok := arrayElemType(v); ok {
		return ValArray, e, true
	}
	return 0, 0, false
}

// scalarType returns the GGUF type of a scalar Go value held by Value; ok is false for
// anything else, arrays included.
func scalarType(v any) (ValueType, bool) {
	switch v.(type) {
	case uint8:
		return ValUint8, true
	case int8:
		return ValInt8, true
	case uint16:
		return ValUint16, true
	case int16:
		return ValInt16, true
	case uint32:
		return ValUint32, true
	case int32:
		return ValInt32, true
	case uint64:
		return ValUint64, true
	case int64:
		return ValInt64, true
	case float32:
		return ValFloat32, true
	case float64:
		return ValFloat64, true
	case bool:
		return ValBool, true
	case string:
		return ValString, true
	}
	return 0, false
}

// arrayElemType returns the GGUF element type of a slice held by Value; ok is false for
// anything else.
func arrayElemType(v any) (ValueType, bool) {
	switch v.(type) {
	case []uint8:
		return ValUint8, true
	case []int8:
		return ValInt8, true
	case []uint16:
		return ValUint16, true
	case []int16:
		return ValInt16, true
	case []uint32:
		return ValUint32, true
	case []int32:
		return ValInt32, true
	case []uint64:
		return ValUint64, true
	case []int64:
		return ValInt64, true
	case []float32:
		return ValFloat32, true
	case []float64:
		return ValFloat64, true
	case []bool:
		return ValBool, true
	case []string:
		return ValString, true
	}
	return 0, false
}

// Valid reports whether v was built by a constructor (the zero Value is not valid).
func (v Value) Valid() bool {
	_, _, ok := typeOf(v.v)
	return ok
}

// Type returns the value's GGUF type (ValArray for arrays).
func (v Value) Type() ValueType {
	t, _, _ := typeOf(v.v)
	return t
}

// ElemType returns an array's element type; for a scalar it returns the scalar's type.
func (v Value) ElemType() ValueType {
	t, e, _ := typeOf(v.v)
	if t == ValArray {
		return e
	}
	return t
}

// IsArray reports whether v is an array.
func (v Value) IsArray() bool { return v.Type() == ValArray && v.Valid() }

// Len returns an array's length, or 0 for a scalar.
func (v Value) Len() int {
	if !v.IsArray() {
		return 0
	}
	return reflect.ValueOf(v.v).Len()
}

// elem returns element i of an array as a scalar Value; v must be an array and i in range.
func (v Value) elem(i int) Value {
	return Value{reflect.ValueOf(v.v).Index(i).Interface()}
}

// Any returns the Go value held: uint8 ... float64, bool, string, or a slice of one of those.
func (v Value) Any() any { return v.v }

// integer returns an integer value widened to int64 (signed is true) or to uint64 (signed
// is false); ok is false for non-integers.
func (v Value) integer() (i int64, u uint64, signed, ok bool) {
	switch x := v.v.(type) {
	case int8:
		return int64(x), 0, true, true
	case int16:
		return int64(x), 0, true, true
	case int32:
		return int64(x), 0, true, true
	case int64:
		return x, 0, true, true
	case uint8:
		return 0, uint64(x), false, true
	case uint16:
		return 0, uint64(x), false, true
	case uint32:
		return 0, uint64(x), false, true
	case uint64:
		return 0, x, false, true
	}
	return 0, 0, false, false
}

// AsUint returns an integer value of any integer type as uint64; ok is false for
// non-integers and negative numbers.
func (v Value) AsUint() (uint64, bool) {
	i, u, signed, ok := v.integer()
	switch {
	case !ok || signed && i < 0:
		return 0, false
	case signed:
		return uint64(i), true
	}
	return u, true
}

// AsInt returns an integer value of any integer type as int64; ok is false for non-integers
// and for uint64 values above the int64 range.
func (v Value) AsInt() (int64, bool) {
	i, u, signed, ok := v.integer()
	switch {
	case !ok || !signed && u > math.MaxInt64:
		return 0, false
	case !signed:
		return int64(u), true
	}
	return i, true
}

// AsFloat returns a float or integer value as float64.
func (v Value) AsFloat() (float64, bool) {
	switch x := v.v.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	if i, ok := v.AsInt(); ok {
		return float64(i), true
	}
	if u, ok := v.AsUint(); ok {
		return float64(u), true
	}
	return 0, false
}

// AsString returns a string value.
func (v Value) AsString() (string, bool) {
	s, ok := v.v.(string)
	return s, ok
}

// AsBool returns a bool value.
func (v Value) AsBool() (bool, bool) {
	b, ok := v.v.(bool)
	return b, ok
}

// AsStrings returns a string array.
func (v Value) AsStrings() ([]string, bool) {
	s, ok := v.v.([]string)
	return s, ok
}

// String formats the value for people; long arrays are shortened to their first items.
func (v Value) String() string {
	const show = 6
	t, e, ok := typeOf(v.v)
	if !ok {
		return "<invalid>"
	}
	if t != ValArray {
		if s, ok := v.v.(string); ok {
			return strconv.Quote(s)
		}
		return fmt.Sprint(v.v)
	}
	n := v.Len()
	var b strings.Builder
	fmt.Fprintf(&b, "[%d × %s:", n, e)
	for i := 0; i < n && i < show; i++ {
		b.WriteByte(' ')
		b.WriteString(v.elem(i).String())
	}
	if n > show {
		b.WriteString(" …")
	}
	b.WriteByte(']')
	return b.String()
}
