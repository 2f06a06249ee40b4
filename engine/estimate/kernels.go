package estimate

import (
	"math"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sys/cpu"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
)

// A kernel is the code path llama.cpp runs for one weight matrix in a matrix-vector (decode)
// or matrix-matrix (prompt) product: its ggml type, and on the CPU whether the backend repacks
// the type into interleaved rows at load (ggml-cpu/repack.cpp,
// ggml_repack_get_optimal_repack_type). Repacked types get their own kernel, "Q4_0 (repacked)":
// on this CPU they run a different, usually much faster, loop than the plain type.
//
// Which types are repacked depends on the CPU's instruction set; slmscope reads it from the
// architecture it runs on: x86-64 (AVX2 assumed) repacks Q4_0, Q4_K and IQ4_NL whose rows
// come in multiples of 8, and with AVX-512 (the CPU backend variant llama.cpp loads for such a
// CPU) Q2_K too; ARM64 (dot-product / i8mm assumed) also Q5_K, Q6_K and Q8_0.
// Token embeddings are looked up row by row (GET_ROWS), never multiplied, so an untied
// embedding matrix is no kernel: one row of it is read per token.

// repackSuffix marks a repacked CPU kernel.
const repackSuffix = " (repacked)"

// repackRows is, per type, the multiple of rows (GGUF dims[1]) the CPU backend needs to repack
// it on this architecture; absent types are never repacked here. It follows the pinned
// llama.cpp's ggml_repack_get_optimal_repack_type (ggml-cpu/repack.cpp), MXFP4 included: the
// gpt-oss-20b twin's peak RSS was 21.9 GB for a 12.1 GB file, the mapped original beside a
// repacked copy of its 10.2 GB of MXFP4 experts.
func repackRows(goarch string, avx512 bool) map[gguf.GGMLType]uint64 {
	switch goarch {
	case "amd64", "386":
		r := map[gguf.GGMLType]uint64{gguf.TypeQ4_0: 8, gguf.TypeQ4_K: 8, gguf.TypeIQ4_NL: 8, gguf.TypeMXFP4: 8}
		if avx512 {
			r[gguf.TypeQ2_K] = 8
		}
		return r
	case "arm64":
		return map[gguf.GGMLType]uint64{gguf.TypeQ4_0: 4, gguf.TypeQ4_K: 8, gguf.TypeQ5_K: 8, gguf.TypeQ6_K: 8,
			gguf.TypeIQ4_NL: 4, gguf.TypeQ8_0: 4, gguf.TypeMXFP4: 4}
	}
	return nil
}

var hostRepack = repackRows(runtime.GOARCH, cpu.X86.HasAVX512F)

// KernelOf names the kernel a weight matrix of type t and GGUF dims runs on device ("cpu" or
// a GPU name).
//
// MXFP4 is repacked (repackedOnCPU counts its copy in memory) but keeps its own kernel name:
// its repacked kernel decodes 4-bit values through a table, like IQ4_NL, and is not the
// repacked Q4_0 kernel, so the ladder measures it as a kernel of its own (Granite's MXFP4
// twin). Named "(repacked)", it took repacked Q4_0's fitted cost, and one gpt-oss-20b sitting
// (2026-12-04 12:10, docs/accuracy.md) went from −8.9 % to +37 %. Where no run measured it,
// it is still projected from the nearest repacked kernel (proxyClass), with the uncalibrated
// band.
func KernelOf(t gguf.GGMLType, dims []uint64, device string) string {
	if (device == "cpu" || device == "") && t != gguf.TypeMXFP4 && repackedOnCPU(t, dims) {
		return t.String() + repackSuffix
	}
	return t.String()
}

// repackedOnCPU reports whether the CPU backend repacks a weight matrix of type t and GGUF
// dims into its own copy at load.
func repackedOnCPU(t gguf.GGMLType, dims []uint64) bool {
	n, ok := hostRepack[t]
	return ok && len(dims) >= 2 && dims[1]%n == 0
}

// kernelType is the ggml type of a kernel name.
func kernelType(k string) gguf.GGMLType {
	t, err := gguf.ParseType(strings.TrimSuffix(k, repackSuffix))
	if err != nil {
		return gguf.TypeF16
	}
	return t
}

// KernelFamily groups kernels whose errors behave alike, for error bands: "repacked",
// "k-quant" (Q2_K … Q6_K, IQ4_XS), "legacy" (Q4_0 … Q8_0, IQ4_NL) and "float".
func KernelFamily(k string) string {
	if strings.HasSuffix(k, repackSuffix) {
		return "repacked"
	}
	switch kernelType(k) {
	case gguf.TypeQ2_K, gguf.TypeQ3_K, gguf.TypeQ4_K, gguf.TypeQ5_K, gguf.TypeQ6_K, gguf.TypeIQ4_XS:
		return "k-quant"
	case gguf.TypeF32, gguf.TypeF16, gguf.TypeBF16:
		return "float"
	}
	return "legacy"
}

// Load is what one kernel processes per token: bytes streamed and weights multiplied.
type Load struct {
	Bytes   float64 `json:"bytes"`
	Weights float64 `json:"weights"`
}

// Profile is a model's per-token work split by kernel, from its tensor types and shapes.
type Profile struct {
	Layers  int             `json:"layers"`
	Params  float64         `json:"params"`
	Kernels map[string]Load `json:"kernels"`
	// OtherBytes is read per token outside the matrix products: the token embedding row and
	// norms and biases.
	OtherBytes float64 `json:"other_bytes"`
	// kvPerPos is the F16 KV cache bytes per position; attnFlopsPerPos the attention FLOPs
	// per token per position of context (QKᵀ and the weighted sum of V) over every layer.
	kvPerPos, attnFlopsPerPos float64
	// localShare is the share of layers that attend to a sliding window of window positions
	// only: llama.cpp's CPU attention skips the masked positions beyond it.
	localShare float64
	window     int
	// vocab is the vocabulary size: every token's logits are copied out and sampled over it.
	vocab float64
	// rows is the number of matrix rows (GGUF dims[1]) multiplied per token: each is one dot
	// product call with its own overhead, which weighs more on narrow matrices.
	rows float64
	// outWeights is, per kernel, the weights of the output projection (the logits): a prompt
	// multiplies it for its last token only, not for every token.
	outWeights map[string]float64
}

// isOutput says whether t is the output projection: its own matrix, or the token embedding
// table when the model ties the two.
func isOutput(m catalog.Model, t Tensor) bool {
	return t.Name == "output.weight" || t.Name == "token_embd.weight" && m.TiedEmbeddings
}

// tokenWeights is what kernel kern multiplies per token: its weights, less the output
// projection's for a prompt token (kind "prompt").
func (p Profile) tokenWeights(kern, kind string) float64 {
	w := p.Kernels[kern].Weights
	if kind == "prompt" {
		w -= p.outWeights[kern]
	}
	return w
}

// weightsMultiplied is the matrix weights a decoded token multiplies (an MoE's active experts
// only), over every kernel.
func (p Profile) weightsMultiplied() float64 {
	var w float64
	for _, l := range p.Kernels {
		w += l.Weights
	}
	return w
}

// ProfileOf builds m's profile from its typed tensors ts (Plan, or a file's tensor table)
// for device.
func ProfileOf(m catalog.Model, ts []Tensor, device string) Profile {
	p := Profile{Layers: m.Layers, Kernels: map[string]Load{}}
	for _, t := range ts {
		p.Params += float64(t.Elements())
		switch {
		case lookedUpOnly(m, t):
			if len(t.Dims) >= 2 && t.Dims[1] > 0 {
				p.OtherBytes += float64(t.Bytes) / float64(t.Dims[1])
			}
		case len(t.Dims) >= 2:
			k := KernelOf(t.Type, t.Dims, device)
			f := activeShare(m, t) // an expert stack: a token multiplies only its experts
			l := p.Kernels[k]
			l.Bytes += float64(t.Bytes) * f
			l.Weights += float64(t.Elements()) * f
			p.Kernels[k] = l
			p.rows += float64(t.Elements()) * f / float64(max(t.Dims[0], 1))
			if isOutput(m, t) {
				if p.outWeights == nil {
					p.outWeights = map[string]float64{}
				}
				p.outWeights[k] += float64(t.Elements())
			}
		default:
			p.OtherBytes += float64(t.Bytes) * activeShare(m, t)
		}
	}
	p.vocab = float64(m.Vocab)
	p.kvPerPos = 2 * 2 * float64(m.Layers*m.KVHeads*m.HeadDim)
	if m.MLA != nil { // the compressed latent and rotary key, F16
		p.kvPerPos = 2 * float64(m.Layers*(m.MLA.KVLoRARank+m.MLA.RopeDim))
	}
	p.attnFlopsPerPos = 4 * float64(m.Layers*m.Heads*m.HeadDim)
	if m.SlidingPattern > 0 && m.Layers > 0 {
		// every SlidingPattern-th layer is global, as llama.cpp's swa pattern sets it
		p.localShare = float64(m.Layers-m.Layers/m.SlidingPattern) / float64(m.Layers)
		p.window = m.SlidingWindow
	}
	return p
}

// attnFlops is the attention work of one generated token at context position pos: each
// global layer's heads read pos positions, a sliding-window layer's at most its window.
func (p Profile) attnFlops(pos int) float64 {
	n := float64(max(pos, 0))
	return p.attnFlopsPerPos * ((1-p.localShare)*n + p.localShare*math.Min(n, float64(p.window)))
}

// promptAttnFlops is the mean attention work of a token of an n-token prompt: token i reads
// i positions (at most the window on a sliding-window layer).
func (p Profile) promptAttnFlops(n int) float64 {
	mean := float64(max(n, 0)) / 2
	local := mean
	if w := float64(p.window); w > 0 && float64(n) > w {
		local = (w*w/2 + (float64(n)-w)*w) / float64(n)
	}
	return p.attnFlopsPerPos * ((1-p.localShare)*mean + p.localShare*local)
}

// lookedUpOnly says whether t is an untied token embedding table: read a row per token
// (GET_ROWS), never multiplied, so neither a kernel nor repacked. A tied table is also the
// output projection, which llama.cpp loads a second time for its matrix product.
func lookedUpOnly(m catalog.Model, t Tensor) bool {
	return t.Name == "token_embd.weight" && !m.TiedEmbeddings
}

// repackedBytes is the weight bytes of ts that the CPU backend repacks into its own copy at
// load (repackedOnCPU; KernelOf names their kernels "(repacked)", MXFP4's aside).
func repackedBytes(m catalog.Model, ts []Tensor) int64 {
	var n int64
	for _, t := range ts {
		if !lookedUpOnly(m, t) && repackedOnCPU(t.Type, t.Dims) {
			n += t.Bytes
		}
	}
	return n
}

// ReadBytes is what one decode step at context position pos streams: every matrix, the
// embedding row, norms, and the KV cache so far.
func (p Profile) ReadBytes(pos int) float64 {
	s := p.OtherBytes + p.kvPerPos*float64(max(pos, 0))
	for _, l := range p.Kernels {
		s += l.Bytes
	}
	return s
}

// KernelNames lists the profile's kernels, most bytes first.
func (p Profile) KernelNames() []string {
	ks := make([]string, 0, len(p.Kernels))
	for k := range p.Kernels {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := p.Kernels[ks[i]].Bytes, p.Kernels[ks[j]].Bytes
		return a > b || a == b && ks[i] < ks[j]
	})
	return ks
}

// nearestKernel picks, among measured kernels, the one an unmeasured kernel k is projected
// from: the closest in bits per weight, preferring the same family, then the same repack
// state, for a model of kind "decode" or "prompt". It returns "" when nothing was measured.
func nearestKernel(k, kind string, measured map[string]float64) string {
	bpw := kernelType(k).BitsPerWeight()
	fam, repacked := proxyClass(k, kind)
	best, bestD := "", math.Inf(1)
	for m := range measured {
		d := math.Abs(kernelType(m).BitsPerWeight() - bpw)
		mFam, mRepacked := proxyClass(m, kind)
		if mFam != fam {
			d += 4
		}
		if mRepacked != repacked {
			d += 2
		}
		if d < bestD || d == bestD && m < best {
			best, bestD = m, d
		}
	}
	return best
}

// proxyClass is the family and repack state nearestKernel matches on. MXFP4 keeps its own
// kernel name (KernelOf) but is repacked wherever its rows allow, so in decode it is matched
// as a repacked kernel: in 10 calibrations of a 2-core EPYC (2026-12-06) its fitted cost per
// weight was 0.6–2.5× (median 0.95×) repacked Q4_0's and about a third of Q5_0's, the legacy
// kernel nearest in bits, from which a left-out Granite MXFP4 run was projected 19–36 % slow,
// and gpt-oss 23–38 % slow on a machine whose ladder stops before MXFP4 (docs/accuracy.md).
// Not in prompt processing: there repacked Q4_0's matrix kernels made the left-out MXFP4 run
// 160–256 % too fast, Q5_0 25–69 %.
func proxyClass(k, kind string) (family string, repacked bool) {
	if kind == "decode" && kernelType(k) == gguf.TypeMXFP4 {
		return "repacked", true
	}
	return KernelFamily(k), strings.HasSuffix(k, repackSuffix)
}
