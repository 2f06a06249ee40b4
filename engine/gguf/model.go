package gguf

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxBlockCount is the most layers CheckModel accepts. llama.cpp aborts the whole process
// (GGML_ASSERT) on absurd layer counts such as 1000, so they must be refused before it
// sees the file.
const MaxBlockCount = 512

// Common metadata keys.
const (
	KeyArchitecture = "general.architecture"
	KeyName         = "general.name"
	KeyFileType     = "general.file_type"
	KeyTokens       = "tokenizer.ggml.tokens"
	KeyTokenizer    = "tokenizer.ggml.model"
)

// ArchKey returns the per-architecture key "<arch>.<suffix>", e.g. ArchKey("llama",
// "block_count") = "llama.block_count".
func ArchKey(arch, suffix string) string { return arch + "." + suffix }

// fileTypes are llama.cpp's llama_ftype names (general.file_type), from llama.h v0.5.0.
var fileTypes = map[uint32]string{
	0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
	11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
	17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
	23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
	29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
	38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0", 41: "Q2_0",
}

// FileTypeName returns llama.cpp's name for a general.file_type value ("Q8_0", "Q4_K_M"),
// or "ftype(N)" when unknown.
func FileTypeName(id uint32) string {
	if s, ok := fileTypes[id]; ok {
		return s
	}
	return "ftype(" + strconv.FormatUint(uint64(id), 10) + ")"
}

// FileTypeID returns the general.file_type value for a name such as "q8_0" or "Q4_K_M".
func FileTypeID(name string) (uint32, bool) {
	for id, s := range fileTypes {
		if strings.EqualFold(s, strings.TrimSpace(name)) {
			return id, true
		}
	}
	return 0, false
}

// ModelInfo is a summary of a model file's metadata and tensor table, for estimates and display.
type ModelInfo struct {
	Arch            string
	Name            string
	BlockCount      uint64
	EmbeddingLength uint64
	HeadCount       uint64
	HeadCountKV     uint64 // equals HeadCount when the file does not set it
	FFNLength       uint64
	ContextLength   uint64
	VocabSize       uint64 // tokenizer.ggml.tokens length, else token_embd.weight's second dimension
	ParamCount      uint64 // sum of all tensors' elements
	WeightBytes     uint64 // sum of all tensors' data bytes
	FileType        string // general.file_type as llama.cpp names it ("Q8_0"), or "" if unset
	TensorTypes     map[string]int
	DominantType    string // the tensor type holding the most weight bytes
}

// archUint returns "<arch>.<suffix>" as an integer; for a per-layer array it returns the
// largest element.
func (f *File) archUint(arch, suffix string) (uint64, bool) {
	v, ok := f.Get(ArchKey(arch, suffix))
	if !ok {
		return 0, false
	}
	if u, ok := v.AsUint(); ok {
		return u, true
	}
	return maxUint(v)
}

// maxUint returns the largest element of an integer array.
func maxUint(v Value) (uint64, bool) {
	if !v.IsArray() || v.Len() == 0 {
		return 0, false
	}
	var m uint64
	for i := 0; i < v.Len(); i++ {
		x, ok := v.elem(i).AsUint()
		if !ok {
			return 0, false
		}
		m = max(m, x)
	}
	return m, true
}

// Info summarises the model's metadata and tensors. Missing keys leave fields zero.
func (f *File) Info() ModelInfo {
	var m ModelInfo
	m.Arch, _ = f.GetString(KeyArchitecture)
	m.Name, _ = f.GetString(KeyName)
	if m.Arch != "" {
		m.BlockCount, _ = f.archUint(m.Arch, "block_count")
		m.EmbeddingLength, _ = f.archUint(m.Arch, "embedding_length")
		m.HeadCount, _ = f.archUint(m.Arch, "attention.head_count")
		m.FFNLength, _ = f.archUint(m.Arch, "feed_forward_length")
		m.ContextLength, _ = f.archUint(m.Arch, "context_length")
		var ok bool
		if m.HeadCountKV, ok = f.archUint(m.Arch, "attention.head_count_kv"); !ok {
			m.HeadCountKV = m.HeadCount
		}
	}
	if v, ok := f.Get(KeyTokens); ok && v.IsArray() {
		m.VocabSize = uint64(v.Len())
	} else if t, ok := f.Tensor("token_embd.weight"); ok && len(t.Dims) >= 2 {
		m.VocabSize = t.Dims[1]
	}
	if ft, ok := f.GetUint(KeyFileType); ok && ft <= 1<<32-1 {
		m.FileType = FileTypeName(uint32(ft))
	}
	m.TensorTypes = map[string]int{}
	bytesByType := map[GGMLType]uint64{}
	for _, t := range f.Tensors {
		m.ParamCount += t.Elements()
		m.WeightBytes += t.Bytes
		m.TensorTypes[t.Type.String()]++
		bytesByType[t.Type] += t.Bytes
	}
	var best GGMLType
	var bestBytes uint64
	for t, b := range bytesByType {
		if b > bestBytes || b == bestBytes && t < best {
			best, bestBytes = t, b
		}
	}
	if len(bytesByType) > 0 {
		m.DominantType = best.String()
	}
	return m
}

// recurrentArchs have no attention heads in their metadata.
var recurrentArchs = map[string]bool{
	"mamba": true, "mamba2": true, "rwkv6": true, "rwkv6qwen2": true, "rwkv7": true, "arwkv7": true,
}

// CheckModel applies the model-level checks llama.cpp needs to load this file without
// aborting: an architecture, a sane layer count that matches the blk.N tensors, attention
// heads, embedding width, real weights (not a vocab-only tokenizer file) and token_embd.weight.
// Problems are *FormatError.
func (f *File) CheckModel() error {
	arch, ok := f.GetString(KeyArchitecture)
	if !ok || arch == "" {
		return f.modelError("has no %s key, so llama.cpp cannot tell what kind of model it is", KeyArchitecture)
	}
	if err := f.checkWeights(); err != nil {
		return err
	}
	if err := f.checkBlocks(arch); err != nil {
		return err
	}
	if _, ok := f.Tensor("token_embd.weight"); !ok {
		return f.modelError("has no token_embd.weight tensor (the token embeddings)")
	}
	if emb, ok := f.archUint(arch, "embedding_length"); !ok || emb < 1 {
		return f.modelError("%s is missing or zero: the model width is unknown", ArchKey(arch, "embedding_length"))
	}
	return f.checkHeads(arch)
}

// modelError is the *FormatError for a problem with the model as a whole, not with a
// place in the file.
func (f *File) modelError(format string, args ...any) error {
	return &FormatError{Path: f.Path, Offset: -1, Problem: fmt.Sprintf(format, args...)}
}

// checkWeights refuses a file without tensors, naming a vocab-only tokenizer file as such.
func (f *File) checkWeights() error {
	if len(f.Tensors) > 0 {
		return nil
	}
	if _, tok := f.Get(KeyTokens); tok {
		return f.modelError("this is a vocab-only file: it has a tokenizer but no weights (pick a full model GGUF)")
	}
	if _, tok := f.Get(KeyTokenizer); tok {
		return f.modelError("this is a vocab-only file: it has a tokenizer but no weights (pick a full model GGUF)")
	}
	return f.modelError("has no tensors: there are no weights to run")
}

// checkBlocks checks the layer count: present, an integer in 1..MaxBlockCount, and equal to
// the number of layers the blk.N tensors fill.
func (f *File) checkBlocks(arch string) error {
	bcKey := ArchKey(arch, "block_count")
	bcv, ok := f.Get(bcKey)
	if !ok {
		return f.modelError("has no %s key (the number of layers)", bcKey)
	}
	bc, ok := bcv.AsUint()
	if !ok {
		return f.modelError("%s must be a non-negative integer, not %s", bcKey, bcv)
	}
	if bc < 1 || bc > MaxBlockCount {
		return f.modelError("%s is %d; slmscope accepts 1 to %d layers (llama.cpp aborts on files like this)", bcKey, bc, MaxBlockCount)
	}
	return f.checkLayerTensors(bcKey, bc)
}

// checkLayerTensors checks that the blk.N tensors fill exactly layers 0 to bc-1; bcKey names
// the block count in the messages.
func (f *File) checkLayerTensors(bcKey string, bc uint64) error {
	var maxBlk uint64
	var anyBlk bool
	for _, t := range f.Tensors {
		n, ok := layerOf(t.Name)
		if !ok {
			continue
		}
		if n >= bc {
			return f.modelError("%s is %d but tensor %q belongs to layer %d; the layer count and the tensors disagree", bcKey, bc, t.Name, n)
		}
		anyBlk = true
		maxBlk = max(maxBlk, n)
	}
	if !anyBlk {
		return f.modelError("%s is %d but the file has no layer tensors (blk.N.*)", bcKey, bc)
	}
	if maxBlk+1 != bc {
		return f.modelError("%s is %d but the file has tensors for only %d layers (blk.0 to blk.%d)", bcKey, bc, maxBlk+1, maxBlk)
	}
	return nil
}

// layerOf is the layer N of a tensor named "blk.N.…"; ok is false for other names.
func layerOf(name string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, "blk.")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.ParseUint(num, 10, 32)
	return n, err == nil
}

// checkHeads checks the attention head counts: some heads (recurrent architectures have
// none), and KV heads that divide them. Per-layer head counts only need one non-zero layer.
func (f *File) checkHeads(arch string) error {
	hcKey := ArchKey(arch, "attention.head_count")
	hv, hasHeads := f.Get(hcKey)
	if !hasHeads {
		if recurrentArchs[arch] {
			return nil
		}
		return f.modelError("has no %s key (the number of attention heads)", hcKey)
	}
	heads, scalar := hv.AsUint()
	if !scalar {
		m, ok := maxUint(hv)
		if !ok {
			return f.modelError("%s must be an integer, not %s", hcKey, hv)
		}
		if m == 0 {
			return f.modelError("has zero attention heads (%s is all zeros)", hcKey)
		}
		return nil // per-layer head counts: no further checks
	}
	if heads == 0 {
		return f.modelError("has zero attention heads (%s is 0)", hcKey)
	}
	kvKey := ArchKey(arch, "attention.head_count_kv")
	kv, ok := f.Get(kvKey)
	if !ok {
		return nil
	}
	if k, ok := kv.AsUint(); ok {
		if k == 0 {
			return f.modelError("has zero key/value heads (%s is 0)", kvKey)
		}
		if heads%k != 0 {
			return f.modelError("%s is %d, which does not divide the %d attention heads", kvKey, k, heads)
		}
	}
	return nil
}
