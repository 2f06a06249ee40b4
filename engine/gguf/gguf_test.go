package gguf

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestTypeTable(t *testing.T) {
	tests := []struct {
		typ              GGMLType
		name             string
		block, typeBytes uint64
	}{
		{TypeF32, "F32", 1, 4},
		{TypeF16, "F16", 1, 2},
		{TypeBF16, "BF16", 1, 2},
		{TypeQ8_0, "Q8_0", 32, 34},
		{TypeQ4_0, "Q4_0", 32, 18},
		{TypeQ4_1, "Q4_1", 32, 20},
		{TypeQ5_0, "Q5_0", 32, 22},
		{TypeQ5_1, "Q5_1", 32, 24},
		{TypeQ2_K, "Q2_K", 256, 84},
		{TypeQ3_K, "Q3_K", 256, 110},
		{TypeQ4_K, "Q4_K", 256, 144},
		{TypeQ5_K, "Q5_K", 256, 176},
		{TypeQ6_K, "Q6_K", 256, 210},
		{TypeQ8_K, "Q8_K", 256, 292},
		{TypeIQ4_NL, "IQ4_NL", 32, 18},
		{TypeIQ4_XS, "IQ4_XS", 256, 136},
		{TypeMXFP4, "MXFP4", 32, 17},
	}
	for _, tt := range tests {
		if got := tt.typ.String(); got != tt.name {
			t.Errorf("%d.String() = %q, want %q", tt.typ, got, tt.name)
		}
		if got := tt.typ.BlockSize(); got != tt.block {
			t.Errorf("%s.BlockSize() = %d, want %d", tt.name, got, tt.block)
		}
		if got := tt.typ.TypeSize(); got != tt.typeBytes {
			t.Errorf("%s.TypeSize() = %d, want %d", tt.name, got, tt.typeBytes)
		}
		p, err := ParseType(strings.ToLower(tt.name))
		if err != nil || p != tt.typ {
			t.Errorf("ParseType(%q) = %v, %v; want %v", strings.ToLower(tt.name), p, err, tt.typ)
		}
	}
	for _, removed := range []GGMLType{4, 5, 31, 32, 33, 36, 37, 38, TypeCount, 1000} {
		if removed.Valid() || removed.BlockSize() != 0 || removed.TypeSize() != 0 {
			t.Errorf("type %d should be invalid", removed)
		}
	}
	if _, err := ParseType("q9_9"); err == nil {
		t.Error("ParseType(q9_9) succeeded")
	}
	if n := len(Types()); n != 35 {
		t.Errorf("Types() has %d entries, want 35", n)
	}
}

func TestTensorBytes(t *testing.T) {
	tests := []struct {
		typ     GGMLType
		dims    []uint64
		want    uint64
		wantErr string
	}{
		{TypeQ8_0, []uint64{576, 49152}, 576 / 32 * 34 * 49152, ""},
		{TypeF16, []uint64{4096, 4096}, 4096 * 4096 * 2, ""},
		{TypeQ4_K, []uint64{4096, 14336}, 4096 / 256 * 144 * 14336, ""},
		{TypeQ6_K, []uint64{256}, 210, ""},
		{TypeF32, []uint64{3, 5, 7, 11}, 3 * 5 * 7 * 11 * 4, ""},
		{TypeQ8_0, []uint64{33}, 0, "not a multiple"},
		{TypeF32, []uint64{0}, 0, "zero"},
		{TypeF32, nil, 0, "1 to 4 dimensions"},
		{TypeF32, []uint64{1, 1, 1, 1, 1}, 0, "1 to 4 dimensions"},
		{TypeF32, []uint64{1 << 30, 1 << 30}, 0, "impossibly large"},
		{TypeF32, []uint64{1 << 62}, 0, "impossibly large"},
		{GGMLType(4), []uint64{32}, 0, "not a type"},
	}
	for _, tt := range tests {
		got, err := TensorBytes(tt.typ, tt.dims)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("TensorBytes(%v, %v) error = %v, want %q", tt.typ, tt.dims, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("TensorBytes(%v, %v) = %d, %v; want %d", tt.typ, tt.dims, got, err, tt.want)
		}
	}
}

// allKindsKVs uses every value type, scalar and array.
func allKindsKVs() []KV {
	return []KV{
		{"general.architecture", String("llama")},
		{"u8", Uint8(200)}, {"i8", Int8(-100)}, {"u16", Uint16(60000)}, {"i16", Int16(-30000)},
		{"u32", Uint32(4e9)}, {"i32", Int32(-2e9)}, {"u64", Uint64(1 << 63)}, {"i64", Int64(-1 << 62)},
		{"f32", Float32(1.5)}, {"f64", Float64(math.Pi)}, {"b", Bool(true)}, {"s", String("héllo\x00")},
		{"empty", String("")},
		{"au8", Uint8s([]uint8{1, 2, 3})}, {"ai8", Int8s([]int8{-1, 2})}, {"au16", Uint16s([]uint16{7})},
		{"ai16", Int16s([]int16{-7, 7})}, {"au32", Uint32s([]uint32{1, 1 << 31})}, {"ai32", Int32s([]int32{-5})},
		{"au64", Uint64s([]uint64{1 << 40})}, {"ai64", Int64s([]int64{-1 << 40})},
		{"af32", Float32s([]float32{0.5, -2})}, {"af64", Float64s([]float64{1e300})},
		{"ab", Bools([]bool{true, false, true})}, {"as", Strings([]string{"a", "", "ccc"})},
		{"anil", Strings(nil)},
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		kvs     []KV
		tensors []TensorSpec
		align   uint64
	}{
		{"tiny llama", tinyKVs(), tinyTensors(), 32},
		{"all value kinds", allKindsKVs(), []TensorSpec{{"a", []uint64{3}, TypeF32}, {"b", []uint64{256, 2}, TypeQ4_K}}, 32},
		{"alignment 64", append(tinyKVs(), KV{KeyAlignment, Uint32(64)}), tinyTensors(), 64},
		{"alignment 1", append(allKindsKVs(), KV{KeyAlignment, Uint32(1)}), []TensorSpec{{"x", []uint64{5}, TypeI8}, {"y", []uint64{3}, TypeF16}}, 1},
		{"no tensors", tinyKVs(), nil, 32},
		{"no metadata", nil, []TensorSpec{{"w", []uint64{32, 4, 2, 1}, TypeQ8_0}}, 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.kvs, tt.tensors, patternFill); err != nil {
				t.Fatal(err)
			}
			size, err := FileSize(tt.kvs, tt.tensors)
			if err != nil {
				t.Fatal(err)
			}
			if int64(buf.Len()) != size {
				t.Errorf("wrote %d bytes, FileSize said %d", buf.Len(), size)
			}
			f, err := Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.kvs
			if want == nil {
				want = []KV{}
			}
			if !reflect.DeepEqual(f.KVs, want) {
				t.Errorf("KVs differ:\n got %v\nwant %v", f.KVs, want)
			}
			if len(f.Tensors) != len(tt.tensors) {
				t.Fatalf("got %d tensors, want %d", len(f.Tensors), len(tt.tensors))
			}
			if f.DataOffset != HeaderSize(tt.kvs, tt.tensors) {
				t.Errorf("DataOffset %d, HeaderSize %d", f.DataOffset, HeaderSize(tt.kvs, tt.tensors))
			}
			if f.Alignment != tt.align || f.Version != Version {
				t.Errorf("alignment %d version %d", f.Alignment, f.Version)
			}
			for i, ti := range f.Tensors {
				if !reflect.DeepEqual(ti.Spec(), tt.tensors[i]) {
					t.Errorf("tensor %d = %+v, want %+v", i, ti.Spec(), tt.tensors[i])
				}
				if ti.Offset%tt.align != 0 {
					t.Errorf("tensor %q offset %d not aligned", ti.Name, ti.Offset)
				}
				var data bytes.Buffer
				patternFill(i, tt.tensors[i], &data)
				start := f.DataOffset + int64(ti.Offset)
				if !bytes.Equal(buf.Bytes()[start:start+int64(ti.Bytes)], data.Bytes()) {
					t.Errorf("tensor %q data differs", ti.Name)
				}
			}
		})
	}
}

func TestWriteRejects(t *testing.T) {
	good := []TensorSpec{{"a", []uint64{32}, TypeF32}}
	tests := []struct {
		name    string
		kvs     []KV
		tensors []TensorSpec
		want    string
	}{
		{"duplicate key", []KV{{"k", Uint8(1)}, {"k", Uint8(2)}}, good, "appears twice"},
		{"empty key", []KV{{"", Uint8(1)}}, good, "empty key"},
		{"zero value", []KV{{"k", Value{}}}, good, "no value"},
		{"alignment type", []KV{{KeyAlignment, Uint64(32)}}, good, "uint32"},
		{"alignment not power of two", []KV{{KeyAlignment, Uint32(48)}}, good, "power of two"},
		{"duplicate tensor", nil, []TensorSpec{good[0], good[0]}, "appears twice"},
		{"long name", nil, []TensorSpec{{strings.Repeat("x", 64), []uint64{1}, TypeF32}}, "at most 63"},
		{"empty name", nil, []TensorSpec{{"", []uint64{1}, TypeF32}}, "empty name"},
		{"bad row", nil, []TensorSpec{{"q", []uint64{31}, TypeQ4_0}}, "not a multiple"},
		{"bad type", nil, []TensorSpec{{"q", []uint64{32}, GGMLType(31)}}, "not a type"},
		{"no dims", nil, []TensorSpec{{"q", nil, TypeF32}}, "dimensions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Write(io.Discard, tt.kvs, tt.tensors, patternFill)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Write error = %v, want %q", err, tt.want)
			}
			if _, err := FileSize(tt.kvs, tt.tensors); err == nil {
				t.Error("FileSize accepted invalid input")
			}
		})
	}
}

func TestWriteFillMustBeExact(t *testing.T) {
	spec := []TensorSpec{{"a", []uint64{32}, TypeF32}, {"b", []uint64{32}, TypeQ8_0}}
	boom := errors.New("disk full")
	tests := []struct {
		name string
		fill func(int, TensorSpec, io.Writer) error
		want string
	}{
		{"short", func(i int, t TensorSpec, w io.Writer) error { _, err := w.Write(make([]byte, 10)); return err }, "wrote 10 bytes"},
		{"long", func(i int, t TensorSpec, w io.Writer) error {
			n, _ := t.Bytes()
			_, err := w.Write(make([]byte, n+1))
			return err
		}, "takes exactly"},
		{"error", func(int, TensorSpec, io.Writer) error { return boom }, "disk full"},
		{"nil fill", nil, "no fill function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "m.gguf")
			err := WriteFile(path, nil, spec, tt.fill)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("WriteFile error = %v, want %q", err, tt.want)
			}
			if tt.name == "error" && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the fill error", err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 0 {
				t.Errorf("WriteFile left %v behind", entries)
			}
		})
	}
}

func TestWriteFileAndOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := WriteFile(path, tinyKVs(), tinyTensors(), patternFill); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temp file left behind: %v", err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CheckModel(); err != nil {
		t.Fatal(err)
	}
	info := f.Info()
	want := ModelInfo{
		Arch: "llama", Name: "tiny test model", BlockCount: 1, EmbeddingLength: 64, HeadCount: 4,
		HeadCountKV: 2, FFNLength: 128, ContextLength: 128, VocabSize: 32,
		ParamCount:  64*32 + 64 + 64 + 64*64 + 64*32*2 + 64*64 + 64 + 64*128*3,
		WeightBytes: (64*32+64*64+64*32*2+64*64+64*128*2)/32*34 + 64*4*3 + 128*64*2,
		FileType:    "Q8_0", TensorTypes: map[string]int{"Q8_0": 7, "F32": 3, "F16": 1}, DominantType: "Q8_0",
	}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("Info() =\n %+v\nwant\n %+v", info, want)
	}
	if s, ok := f.GetString("general.name"); !ok || s != "tiny test model" {
		t.Errorf("GetString = %q %v", s, ok)
	}
	if n, ok := f.GetUint("llama.block_count"); !ok || n != 1 {
		t.Errorf("GetUint = %d %v", n, ok)
	}
	if x, ok := f.GetFloat("llama.rope.freq_base"); !ok || x != 10000 {
		t.Errorf("GetFloat = %v %v", x, ok)
	}
	if _, ok := f.GetUint("general.name"); ok {
		t.Error("GetUint accepted a string")
	}
	if _, ok := f.Get("nope"); ok {
		t.Error("Get found a missing key")
	}
	_, err = Open(filepath.Join(t.TempDir(), "missing.gguf"))
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v", err)
	}
	_, err = Open(t.TempDir())
	if fe, ok := err.(*FormatError); !ok || !strings.Contains(fe.Error(), "folder") {
		t.Errorf("Open(dir) = %v", err)
	}
}

func TestValueAccessors(t *testing.T) {
	tests := []struct {
		v     Value
		u     uint64
		uOK   bool
		i     int64
		iOK   bool
		f     float64
		fOK   bool
		typ   ValueType
		print string
	}{
		{Uint8(7), 7, true, 7, true, 7, true, ValUint8, "7"},
		{Int32(-3), 0, false, -3, true, -3, true, ValInt32, "-3"},
		{Uint64(1 << 63), 1 << 63, true, 0, false, 1 << 63, true, ValUint64, "9223372036854775808"},
		{Float32(2.5), 0, false, 0, false, 2.5, true, ValFloat32, "2.5"},
		{String("x"), 0, false, 0, false, 0, false, ValString, `"x"`},
		{Bool(true), 0, false, 0, false, 0, false, ValBool, "true"},
		{Strings([]string{"a", "b", "c", "d", "e", "f", "g"}), 0, false, 0, false, 0, false, ValArray, `[7 × string: "a" "b" "c" "d" "e" "f" …]`},
		{Value{}, 0, false, 0, false, 0, false, 0, "<invalid>"},
	}
	for _, tt := range tests {
		u, uOK := tt.v.AsUint()
		i, iOK := tt.v.AsInt()
		f, fOK := tt.v.AsFloat()
		if u != tt.u || uOK != tt.uOK || i != tt.i || iOK != tt.iOK || f != tt.f || fOK != tt.fOK {
			t.Errorf("%v: AsUint %d %v AsInt %d %v AsFloat %v %v", tt.v, u, uOK, i, iOK, f, fOK)
		}
		if tt.v.Type() != tt.typ || tt.v.String() != tt.print {
			t.Errorf("%v: Type %v String %q", tt.v, tt.v.Type(), tt.v.String())
		}
	}
}

func TestFileTypeNames(t *testing.T) {
	for id, name := range map[uint32]string{7: "Q8_0", 15: "Q4_K_M", 1: "F16", 32: "BF16", 999: "ftype(999)"} {
		if got := FileTypeName(id); got != name {
			t.Errorf("FileTypeName(%d) = %q, want %q", id, got, name)
		}
	}
	if id, ok := FileTypeID("q4_k_m"); !ok || id != 15 {
		t.Errorf("FileTypeID(q4_k_m) = %d %v", id, ok)
	}
}

func TestBitsPerWeight(t *testing.T) {
	for typ, want := range map[GGMLType]float64{TypeQ8_0: 8.5, TypeQ4_0: 4.5, TypeQ4_K: 4.5, TypeQ6_K: 6.5625, TypeF16: 16, GGMLType(4): 0} {
		if got := typ.BitsPerWeight(); got != want {
			t.Errorf("%v.BitsPerWeight() = %v, want %v", typ, got, want)
		}
	}
}

func TestValueArrays(t *testing.T) {
	v := Strings([]string{"a", "b"})
	if v.Type() != ValArray || v.ElemType() != ValString || v.Len() != 2 || !v.IsArray() {
		t.Errorf("Strings: type %v elem %v len %d", v.Type(), v.ElemType(), v.Len())
	}
	if s, ok := v.AsStrings(); !ok || len(s) != 2 {
		t.Errorf("AsStrings = %v %v", s, ok)
	}
	if Uint32(1).ElemType() != ValUint32 || Uint32(1).IsArray() || Uint32(1).Len() != 0 {
		t.Error("scalar reported as array")
	}
	if b, ok := Bool(true).AsBool(); !ok || !b {
		t.Error("AsBool(true) failed")
	}
	if _, ok := String("x").AsBool(); ok {
		t.Error("AsBool accepted a string")
	}
	if got := Float32s([]float32{1.5}).String(); got != "[1 × float32: 1.5]" {
		t.Errorf("String() = %q", got)
	}
}

// failingReader returns an I/O error, or a short read, after the first n bytes.
type failingReader struct {
	data  []byte
	n     int64
	short bool
}

func (r failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) <= r.n {
		return copy(p, r.data[off:]), nil
	}
	k := 0
	if off < r.n {
		k = copy(p, r.data[off:r.n])
	}
	if r.short {
		return k, io.EOF
	}
	return k, errors.New("device not ready")
}

func TestParseReadErrors(t *testing.T) {
	model := tinyModel()
	tests := []struct {
		name  string
		short bool
		want  string
	}{
		{"io error", false, "device not ready"},
		{"file shrank", true, "changed while being read"},
	}
	for _, tt := range tests {
		_, err := Parse(failingReader{model, 100, tt.short}, int64(len(model)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse error = %v, want %q", tt.name, err, tt.want)
		}
	}
}
