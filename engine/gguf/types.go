package gguf

import (
	"fmt"
	"math/bits"
	"strings"
)

// GGMLType is a ggml tensor element type, numbered exactly as enum ggml_type in llama.cpp's
// ggml/include/ggml.h (v0.5.0). Numbers marked "removed" there are not valid in GGUF files.
type GGMLType uint32

// ggml tensor types. Gaps in the numbering (4, 5, 31-33, 36-38) are types llama.cpp removed.
const (
	TypeF32     GGMLType = 0
	TypeF16     GGMLType = 1
	TypeQ4_0    GGMLType = 2
	TypeQ4_1    GGMLType = 3
	TypeQ5_0    GGMLType = 6
	TypeQ5_1    GGMLType = 7
	TypeQ8_0    GGMLType = 8
	TypeQ8_1    GGMLType = 9
	TypeQ2_K    GGMLType = 10
	TypeQ3_K    GGMLType = 11
	TypeQ4_K    GGMLType = 12
	TypeQ5_K    GGMLType = 13
	TypeQ6_K    GGMLType = 14
	TypeQ8_K    GGMLType = 15
	TypeIQ2_XXS GGMLType = 16
	TypeIQ2_XS  GGMLType = 17
	TypeIQ3_XXS GGMLType = 18
	TypeIQ1_S   GGMLType = 19
	TypeIQ4_NL  GGMLType = 20
	TypeIQ3_S   GGMLType = 21
	TypeIQ2_S   GGMLType = 22
	TypeIQ4_XS  GGMLType = 23
	TypeI8      GGMLType = 24
	TypeI16     GGMLType = 25
	TypeI32     GGMLType = 26
	TypeI64     GGMLType = 27
	TypeF64     GGMLType = 28
	TypeIQ1_M   GGMLType = 29
	TypeBF16    GGMLType = 30
	TypeTQ1_0   GGMLType = 34
	TypeTQ2_0   GGMLType = 35
	TypeMXFP4   GGMLType = 39
	TypeNVFP4   GGMLType = 40
	TypeQ1_0    GGMLType = 41
	TypeQ2_0    GGMLType = 42

	// TypeCount is one past the highest type number llama.cpp v0.5.0 knows (GGML_TYPE_COUNT).
	TypeCount GGMLType = 43
)

// typeTrait is one row of ggml.c's type_traits table: elements per block and bytes per block.
type typeTrait struct {
	name      string
	blockSize uint64
	typeSize  uint64
}

// traits mirrors type_traits in ggml/src/ggml.c; block sizes are sizeof(block_*) from
// ggml-common.h, checked by compiling the header.
var traits = [TypeCount]typeTrait{
	TypeF32:     {"F32", 1, 4},
	TypeF16:     {"F16", 1, 2},
	TypeQ4_0:    {"Q4_0", 32, 18},
	TypeQ4_1:    {"Q4_1", 32, 20},
	TypeQ5_0:    {"Q5_0", 32, 22},
	TypeQ5_1:    {"Q5_1", 32, 24},
	TypeQ8_0:    {"Q8_0", 32, 34},
	TypeQ8_1:    {"Q8_1", 32, 36},
	TypeQ2_K:    {"Q2_K", 256, 84},
	TypeQ3_K:    {"Q3_K", 256, 110},
	TypeQ4_K:    {"Q4_K", 256, 144},
	TypeQ5_K:    {"Q5_K", 256, 176},
	TypeQ6_K:    {"Q6_K", 256, 210},
	TypeQ8_K:    {"Q8_K", 256, 292},
	TypeIQ2_XXS: {"IQ2_XXS", 256, 66},
	TypeIQ2_XS:  {"IQ2_XS", 256, 74},
	TypeIQ3_XXS: {"IQ3_XXS", 256, 98},
	TypeIQ1_S:   {"IQ1_S", 256, 50},
	TypeIQ4_NL:  {"IQ4_NL", 32, 18},
	TypeIQ3_S:   {"IQ3_S", 256, 110},
	TypeIQ2_S:   {"IQ2_S", 256, 82},
	TypeIQ4_XS:  {"IQ4_XS", 256, 136},
	TypeI8:      {"I8", 1, 1},
	TypeI16:     {"I16", 1, 2},
	TypeI32:     {"I32", 1, 4},
	TypeI64:     {"I64", 1, 8},
	TypeF64:     {"F64", 1, 8},
	TypeIQ1_M:   {"IQ1_M", 256, 56},
	TypeBF16:    {"BF16", 1, 2},
	TypeTQ1_0:   {"TQ1_0", 256, 54},
	TypeTQ2_0:   {"TQ2_0", 256, 66},
	TypeMXFP4:   {"MXFP4", 32, 17},
	TypeNVFP4:   {"NVFP4", 64, 36},
	TypeQ1_0:    {"Q1_0", 128, 18},
	TypeQ2_0:    {"Q2_0", 64, 18},
}

// Valid reports whether t is a type llama.cpp v0.5.0 can load from a GGUF file.
func (t GGMLType) Valid() bool {
	return t < TypeCount && traits[t].blockSize != 0
}

// String returns the type's usual name ("Q8_0", "F16", ...) or "type(N)" for an unknown number.
func (t GGMLType) String() string {
	if t.Valid() {
		return traits[t].name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// BlockSize returns how many elements one block of this type holds (1 for plain types,
// 32 for Q8_0, 256 for the K-quants), or 0 for an unknown type.
func (t GGMLType) BlockSize() uint64 {
	if !t.Valid() {
		return 0
	}
	return traits[t].blockSize
}

// TypeSize returns the bytes one block of this type takes (34 for Q8_0, 2 for F16), or 0 for
// an unknown type.
func (t GGMLType) TypeSize() uint64 {
	if !t.Valid() {
		return 0
	}
	return traits[t].typeSize
}

// BitsPerWeight returns the average storage bits per element (8.5 for Q8_0), or 0 if unknown.
func (t GGMLType) BitsPerWeight() float64 {
	if !t.Valid() {
		return 0
	}
	return float64(traits[t].typeSize*8) / float64(traits[t].blockSize)
}

// Types returns every valid type in numeric order.
func Types() []GGMLType {
	var out []GGMLType
	for t := GGMLType(0); t < TypeCount; t++ {
		if t.Valid() {
			out = append(out, t)
		}
	}
	return out
}

// ParseType maps a type name such as "q8_0", "Q4_K" or "bf16" (any case) to its GGMLType.
func ParseType(name string) (GGMLType, error) {
	for t := GGMLType(0); t < TypeCount; t++ {
		if t.Valid() && strings.EqualFold(traits[t].name, strings.TrimSpace(name)) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q: use one of f32, f16, bf16, q8_0, q4_0, q4_k, q6_k or another ggml type", name)
}

// MaxDims is the most dimensions a ggml tensor can have (GGML_MAX_DIMS).
const MaxDims = 4

// MaxTensorElements bounds the element count of one tensor (2^48, far above any real
// model's largest tensor) so sizes never overflow.
const MaxTensorElements = uint64(1) << 48

// Elements returns the product of dims, or an error when a dimension is zero or the product
// exceeds MaxTensorElements.
func Elements(dims []uint64) (uint64, error) {
	if len(dims) == 0 || len(dims) > MaxDims {
		return 0, fmt.Errorf("a tensor needs 1 to %d dimensions, not %d", MaxDims, len(dims))
	}
	n := uint64(1)
	for i, d := range dims {
		if d == 0 {
			return 0, fmt.Errorf("dimension %d is zero", i)
		}
		if d > MaxTensorElements {
			return 0, fmt.Errorf("dimension %d is %d, which is impossibly large (limit %d)", i, d, MaxTensorElements)
		}
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > MaxTensorElements {
			return 0, fmt.Errorf("dimensions %v make more than %d elements, which is impossibly large", dims, MaxTensorElements)
		}
		n = lo
	}
	return n, nil
}

// TensorBytes returns the exact data size in bytes of a tensor of type t with dims in GGUF
// order (dims[0] is the row length). The row length must be a multiple of the block size.
func TensorBytes(t GGMLType, dims []uint64) (uint64, error) {
	if !t.Valid() {
		return 0, fmt.Errorf("tensor type %d is not a type llama.cpp knows", uint32(t))
	}
	n, err := Elements(dims)
	if err != nil {
		return 0, err
	}
	bs := traits[t].blockSize
	if dims[0]%bs != 0 {
		return 0, fmt.Errorf("row length %d is not a multiple of %s's block size %d", dims[0], t, bs)
	}
	return n / bs * traits[t].typeSize, nil
}
