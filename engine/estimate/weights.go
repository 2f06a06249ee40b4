package estimate

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// Tensor is one weight tensor of a model as llama.cpp stores it: its GGUF name and its shape
// in GGUF order (Dims[0] is the row length), with the ggml type a recipe chose for it.
type Tensor struct {
	Name  string
	Dims  []uint64
	Layer int // block index, -1 for tensors outside the blocks
	Type  gguf.GGMLType
	Bytes int64
	// Experts is the number of experts stacked in the last dimension of an MoE tensor (0 for
	// weights every token uses): a token reads ActiveExperts of them.
	Experts int
}

// Elements is the number of weights the tensor holds.
func (t Tensor) Elements() int64 {
	n := int64(1)
	for _, d := range t.Dims {
		n *= int64(d)
	}
	return n
}

// Quants lists the quantizations the estimator knows, in the order the app shows them
// (see quant.Quant for what a plain type name and a recipe mean).
func Quants() []quant.Quant { return quant.Known() }

// DefaultQuants are the three the Compare screen and `slmscope project` show by default.
func DefaultQuants() []quant.Quant { return []quant.Quant{quant.BF16, quant.Q8_0, quant.Q4_K_M} }

// Layout lists a catalog model's tensors exactly as llama.cpp's converter writes them for its
// architecture (Type and Bytes left zero): catalog.Model.Tensors, the one description twins
// and estimates share (dense and MoE blocks, q/k norms, post norms, biases, MLA).
//
// Not modelled: Llama 3.1's rope_freqs (64 F32 values, 256 bytes) and long-rope factor
// tensors, which are tiny and which twins do not write.
func Layout(m catalog.Model) []Tensor {
	cts := m.Tensors()
	out := make([]Tensor, len(cts))
	for i, t := range cts {
		out[i] = Tensor{Name: t.Name, Dims: t.Dims, Layer: t.Layer, Experts: t.Experts}
	}
	return out
}

// Plan assigns a ggml type and exact byte size to every tensor of m for a quantization,
// with quant.TensorType, the one recipe twins, estimates and file reports share:
//
//   - 1-D tensors (norms, biases) stay F32, as llama.cpp's quantizer and converter keep them.
//   - F16, Q8_0, Q4_0 and the plain K types put every 2-D weight matrix, token embeddings and
//     output included, in that type (`llama-quantize --pure`, and slmscope's F16/Q8_0/Q4_0
//     twins), so those twins' weight bytes are computed exactly.
//   - Q2_K, Q3_K_S/M/L, Q4_K_S/M, Q5_K_S/M, Q6_K and IQ4_XS follow llama_tensor_get_type in
//     llama.cpp v0.5.0 (src/llama-quant.cpp): attn_v / ffn_down promotions per layer, the
//     output (or tied token embeddings) in Q6_K or Q8_0, 70B-class attn_v in Q5_K, and
//     tensor_type_fallback for rows that do not divide into 256 (Q4_K→Q5_0, Q5_K→Q5_1,
//     Q6_K→Q8_0, Q2_K/Q3_K→Q4_0, IQ4_XS→IQ4_NL, F16 when even that does not fit).
func Plan(m catalog.Model, qt quant.Quant) ([]Tensor, error) {
	q, err := quant.Parse(string(qt))
	if err != nil {
		return nil, err
	}
	if err := checkShape(m); err != nil {
		return nil, err
	}
	s := ShapeOf(m)
	ts := Layout(m)
	for i := range ts {
		t := &ts[i]
		if t.Type, err = quant.TensorType(q, s, t.Name, t.Dims, t.Layer); err != nil {
			return nil, err
		}
		b, err := gguf.TensorBytes(t.Type, t.Dims)
		if err != nil {
			return nil, fmt.Errorf("model %s, tensor %s at %s: %w", m.ID, t.Name, q, err)
		}
		t.Bytes = int64(b)
	}
	return ts, nil
}

// ShapeOf is what a quantization recipe needs to know about m.
func ShapeOf(m catalog.Model) quant.Shape {
	return quant.Shape{Arch: m.Arch, Layers: m.Layers, Heads: m.Heads, KVHeads: m.KVHeads, TiedEmbeddings: m.TiedEmbeddings}
}

func checkShape(m catalog.Model) error {
	if m.Layers <= 0 || m.Hidden <= 0 || m.Heads <= 0 || m.KVHeads <= 0 || m.HeadDim <= 0 || m.FFN <= 0 || m.Vocab <= 0 {
		return fmt.Errorf("model %q has a zero or negative shape number (layers, hidden, heads, KV heads, head dim, FFN, vocab); check its catalog entry", m.ID)
	}
	return nil
}

// Weights summarises a plan: total bytes, what one generated token reads, and the parameter
// count.
type Weights struct {
	Quant quant.Quant `json:"quant"`
	// Bytes is the exact size of all tensor data.
	Bytes int64 `json:"bytes"`
	// ReadPerToken is what one decode step streams from memory: every tensor except the token
	// embeddings, of which only one row is read (unless tied, when the matrix is also the
	// output projection and is read whole).
	ReadPerToken int64 `json:"read_per_token_bytes"`
	// Params counts the elements of all tensors, every expert included.
	Params int64 `json:"params"`
	// ActiveParams counts the weights one token passes through: for a mixture of experts the
	// shared weights and ActiveExperts/Experts of each expert tensor (all of Params for a
	// dense model, less an untied embedding table, of which a token reads one row).
	ActiveParams int64 `json:"active_params"`
	// LayerBytes is the size of one repeating block (the average when blocks differ), used for
	// partial GPU offload; NonLayerBytes is embeddings, output and final norm.
	LayerBytes    int64 `json:"layer_bytes"`
	NonLayerBytes int64 `json:"non_layer_bytes"`
	// ExpertBytes is a mixture of experts' expert stacks (every expert, shared experts not
	// included), and ExpertReadPerToken what one token reads of them: what llama.cpp's
	// --cpu-moe keeps in system RAM, and what the CPU then reads per token.
	ExpertBytes        int64 `json:"expert_bytes,omitempty"`
	ExpertReadPerToken int64 `json:"expert_read_per_token_bytes,omitempty"`
	// Types counts bytes per ggml type, e.g. {"Q4_K": ..., "Q6_K": ..., "F32": ...}.
	Types map[string]int64 `json:"types"`
}

// WeightsOf computes the Weights summary of m at quant.
func WeightsOf(m catalog.Model, qt quant.Quant) (Weights, error) {
	ts, err := Plan(m, qt)
	if err != nil {
		return Weights{}, err
	}
	return weightsOfPlan(m, qt, ts), nil
}

// weightsOfPlan summarises typed tensors ts of m (a plan or a file's tensor table).
func weightsOfPlan(m catalog.Model, qt quant.Quant, ts []Tensor) Weights {
	w := Weights{Quant: quant.Canonical(string(qt)), Types: map[string]int64{}}
	var layers int64
	for _, t := range ts {
		w.Bytes += t.Bytes
		w.Params += t.Elements()
		w.Types[t.Type.String()] += t.Bytes
		if t.Layer >= 0 {
			layers += t.Bytes
		} else {
			w.NonLayerBytes += t.Bytes
		}
		switch {
		case t.Name == "token_embd.weight" && !m.TiedEmbeddings:
			w.ReadPerToken += t.Bytes / int64(t.Dims[1])
		case t.Experts > 0: // a token reads only its experts' slices of the stack
			f := activeShare(m, t)
			w.ReadPerToken += int64(float64(t.Bytes) * f)
			w.ExpertBytes += t.Bytes
			w.ExpertReadPerToken += int64(float64(t.Bytes) * f)
			w.ActiveParams += int64(float64(t.Elements()) * f)
		default:
			w.ReadPerToken += t.Bytes
			w.ActiveParams += t.Elements()
		}
	}
	w.LayerBytes = layers / int64(max(m.Layers, 1))
	return w
}

// activeShare is the share of an expert tensor one token reads: ActiveExperts of Experts.
func activeShare(m catalog.Model, t Tensor) float64 {
	if t.Experts <= 0 || m.ActiveExperts <= 0 {
		return 1
	}
	return float64(m.ActiveExperts) / float64(t.Experts)
}

// ExpertsTouched is the expected number of distinct experts a batch of n tokens uses in one
// layer when each token picks k of e experts: e·(1 − (1 − k/e)^n), assuming routing
// independent and uniform across tokens (real routers are skewed, so real batches touch
// somewhat fewer). One token touches k; a long prompt touches nearly all e, so prompt
// processing reads almost every expert's weights once per batch while its arithmetic stays
// k/e of the dense equivalent.
func ExpertsTouched(e, k, n int) float64 {
	if e <= 0 || k <= 0 || n <= 0 {
		return 0
	}
	if k >= e {
		return float64(e)
	}
	return float64(e) * (1 - math.Pow(1-float64(k)/float64(e), float64(n)))
}

// BatchReadBytes is what a batch of n tokens streams from the weights once: the shared
// weights and the distinct experts the batch touches (ExpertsTouched), plus the embedding rows.
func BatchReadBytes(m catalog.Model, ts []Tensor, n int) int64 {
	var b float64
	for _, t := range ts {
		switch {
		case t.Name == "token_embd.weight" && !m.TiedEmbeddings:
			b += float64(t.Bytes) / float64(t.Dims[1]) * float64(max(n, 1))
		case t.Experts > 0:
			b += float64(t.Bytes) * ExpertsTouched(t.Experts, m.ActiveExperts, n) / float64(t.Experts)
		default:
			b += float64(t.Bytes)
		}
	}
	return int64(b)
}

// WeightBytes is the exact size of m's tensor data at quant (see Plan for the recipes).
func WeightBytes(m catalog.Model, qt quant.Quant) (int64, error) {
	w, err := WeightsOf(m, qt)
	return w.Bytes, err
}

// TypeSummary renders Weights.Types as "Q4_K 3.9 GB, Q6_K 0.9 GB, F32 0.3 MB", largest first.
func (w Weights) TypeSummary() string {
	type kv struct {
		k string
		v int64
	}
	var all []kv
	for k, v := range w.Types {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || (all[i].v == all[j].v && all[i].k < all[j].k) })
	parts := make([]string, len(all))
	for i, e := range all {
		parts[i] = e.k + " " + units.Bytes(e.v)
	}
	return strings.Join(parts, ", ")
}
