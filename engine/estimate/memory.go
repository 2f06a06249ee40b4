package estimate

import (
	"fmt"
	"math"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// KVCacheBytes is the key/value cache size: 2 (keys and values) · layers · KV heads · head
// dim · context, in kvType ("F16" default, "F32", "Q8_0", "Q4_0", ... as llama.cpp's
// --cache-type-k/v). Quantized caches are priced per block exactly like weights.
func KVCacheBytes(layers, kvHeads, headDim, context int, kvType string) (int64, error) {
	if kvType == "" {
		kvType = "F16"
	}
	t, err := gguf.ParseType(kvType)
	if err != nil {
		return 0, fmt.Errorf("KV cache type: %w", err)
	}
	if layers <= 0 || kvHeads <= 0 || headDim <= 0 || context <= 0 {
		return 0, fmt.Errorf("KV cache needs positive layers, KV heads, head dim and context (got %d, %d, %d, %d)", layers, kvHeads, headDim, context)
	}
	row, err := gguf.TensorBytes(t, []uint64{uint64(kvHeads * headDim), uint64(context)})
	if err != nil {
		return 0, fmt.Errorf("KV cache type %s does not fit rows of %d values: %w", t, kvHeads*headDim, err)
	}
	return 2 * int64(layers) * int64(row), nil
}

// modelKV is KVCacheBytes for a catalog model. A model with latent attention (DeepSeek's MLA)
// caches one compressed row of kv_lora_rank + rope dims per layer and position, which is what
// llama.cpp stores for it, not per-head keys and values.
func modelKV(m catalog.Model, context int, kvType string) (int64, error) {
	if m.MLA != nil {
		return KVCacheBytes(m.Layers, 1, (m.MLA.KVLoRARank+m.MLA.RopeDim)/2, context, kvType)
	}
	return KVCacheBytes(m.Layers, m.KVHeads, m.HeadDim, context, kvType)
}

// Overhead models what llama.cpp needs beyond weights and KV cache — runtime libraries,
// tokenizer tables, compute buffers, the worker process — plus the second copy of weights the
// CPU backend makes when it repacks them, all as seen in the worker's peak RSS:
//
//	overhead = Base + PerCtxHidden · context · hidden + PerVocab · vocab
//	         + PerFFNUBatch · ffn · ubatch + RepackShare · repackable weight bytes
//
// The context·hidden term follows attention scratch, the vocab term the tokenizer's tables
// and the logits buffer, ffn·ubatch the feed-forward activations of the largest micro-batch
// (min(prompt, n_ubatch) tokens). Repackable
// bytes are weights in Q4_0, Q4_K or IQ4_NL: ggml's CPU backend rearranges those into
// interleaved blocks (ggml-cpu/repack.cpp: Q4_0 and Q4_K on AVX2 and ARM dot-product CPUs),
// and while the model loads both copies are resident. FitOverhead fits the five coefficients
// by least squares on measured twins (peak RSS − exact weights − exact KV), pulled toward
// DefaultOverhead when only a few twins were measured.
type Overhead struct {
	BaseBytes    float64 `json:"base_bytes"`
	PerCtxHidden float64 `json:"per_ctx_hidden_bytes"`
	PerVocab     float64 `json:"per_vocab_bytes"`
	PerFFNUBatch float64 `json:"per_ffn_ubatch_bytes"`
	RepackShare  float64 `json:"repack_share"`
	// Points is how many measurements the fit used; 0 means the default prior.
	Points int `json:"points"`
	// ResidualRMSBytes is the fit's root-mean-square error on those measurements.
	ResidualRMSBytes float64 `json:"residual_rms_bytes"`
	Basis            string  `json:"basis"`
}

// DefaultOverhead is the prior used before anything is measured on this machine. Its
// coefficients come from twins measured on the development machine (Debian 12, x86-64 with
// AVX2, 2 threads, context 2048, llama.cpp v0.5.0; testdata/devmachine_rss.json): peak RSS
// minus weights and KV was 54 MB for the 2-layer tiny model, 69 MB for SmolLM2-135M, 79 MB
// for SmolLM2-360M and 124 MB for Qwen2.5-0.5B at Q8_0 with 512-token prompts, 10–22 MB less
// with 256-token prompts, and a Q4_0 twin's RSS exceeded its Q8_0 sibling's by its whole
// Q4_0 weight size again (the repacked copy). Least squares on those runs gives ≈ 42 MB +
// 208 B per vocabulary entry + 20 B·ffn·ubatch + 1.0 × repackable bytes; the context·hidden
// term is set to 0.5 B because those runs did not vary the context.
func DefaultOverhead() Overhead {
	return Overhead{
		BaseBytes: 42e6, PerCtxHidden: 0.5, PerVocab: 208, PerFFNUBatch: 20, RepackShare: 1,
		Basis: "default overhead prior from the development machine's twins (42 MB + 0.5 B·context·hidden + 208 B·vocab + 20 B·ffn·ubatch + repacked Q4 weights), not measured on this machine",
	}
}

// overheadInputs are the quantities the overhead depends on for one model and run.
type overheadInputs struct {
	context, hidden, vocab, ffn, ubatch int
	repack                              int64
}

func (in overheadInputs) features() []float64 {
	ub := in.ubatch
	if ub <= 0 {
		ub = DefaultUBatch
	}
	return []float64{1,
		float64(in.context) * float64(in.hidden) / 1e6,
		float64(in.vocab) / 1e3,
		float64(in.ffn) * float64(ub) / 1e6,
		float64(in.repack) / 1e6,
	}
}

func (o Overhead) theta() []float64 {
	return []float64{o.BaseBytes, o.PerCtxHidden * 1e6, o.PerVocab * 1e3, o.PerFFNUBatch * 1e6, o.RepackShare * 1e6}
}

func (o Overhead) bytes(in overheadInputs) int64 {
	v := dot(in.features(), o.theta())
	if v < 0 {
		return 0
	}
	return int64(math.Round(v))
}

// Bytes evaluates the overhead for a model at a context on the CPU (ubatch 0 = 512).
func (o Overhead) Bytes(m catalog.Model, qt quant.Quant, context, ubatch int) int64 {
	return o.bytes(overheadInputs{context: context, hidden: m.Hidden, vocab: m.Vocab, ffn: m.FFN, ubatch: ubatch, repack: repackBytes(m, qt)})
}

// repackBytes is the weight bytes of m in qt that ggml's CPU backend repacks (repackedBytes).
func repackBytes(m catalog.Model, qt quant.Quant) int64 {
	ts, err := Plan(m, qt)
	if err != nil {
		return 0
	}
	return repackedBytes(m, ts)
}

// idleEmbeddingBytes is the part of the weights a run never touches: with untied embeddings
// the token table is only read a row per token (the output projection is its own matrix), so
// its mapped pages mostly stay on disk and out of the resident set. Tied tables are read whole
// by the output projection on every token.
func idleEmbeddingBytes(m catalog.Model, qt quant.Quant) int64 {
	if m.TiedEmbeddings {
		return 0
	}
	ts, err := Plan(m, qt)
	if err != nil {
		return 0
	}
	return idleOf(m, ts)
}

func idleOf(m catalog.Model, ts []Tensor) int64 {
	if m.TiedEmbeddings {
		return 0
	}
	for _, t := range ts {
		if t.Name == "token_embd.weight" {
			return t.Bytes
		}
	}
	return 0
}

// overheadSample is one measured twin reduced to the overhead regression's inputs.
type overheadSample struct {
	m     Measurement
	model catalog.Model
	in    overheadInputs
	fixed int64   // weights + KV, exact
	y     float64 // peak RSS − fixed
}

func overheadSamples(ms []Measurement, models []catalog.Model) []overheadSample {
	var out []overheadSample
	for _, m := range ms {
		if m.PeakRSSBytes <= 0 || m.Context <= 0 {
			continue
		}
		cm, ok := findModel(models, m.ModelID)
		if !ok {
			continue
		}
		wb := m.WeightBytes
		if wb == 0 {
			b, err := WeightBytes(cm, m.Quant)
			if err != nil {
				continue
			}
			wb = b
		}
		kv, err := modelKV(cm, m.Context, "F16")
		if err != nil {
			continue
		}
		in := overheadInputs{context: m.Context, hidden: cm.Hidden, vocab: cm.Vocab, ffn: cm.FFN, ubatch: m.ubatch()}
		if m.Read != ReadDirect {
			// mapped: the original of the repacked copy is resident beside it, and the untied
			// embedding table is not (a direct read holds every weight once)
			if m.OnCPU() {
				in.repack = repackBytes(cm, m.Quant)
			}
			wb -= idleEmbeddingBytes(cm, m.Quant)
		}
		out = append(out, overheadSample{m: m, model: cm, in: in, fixed: wb + kv, y: float64(m.PeakRSSBytes - wb - kv)})
	}
	return out
}

// overheadPrior returns the prior mean and weights for the regression in its scaled units
// (bytes; per million context·hidden; per thousand vocabulary entries; per million ffn·ubatch;
// per MB of repackable weights). The prior standard deviations are 30 MB, 2 B, 200 B, 10 B
// per element and 0.3 of the repacked copy, against an
// assumed measurement noise of 4 MB: one measured twin moves the fit mostly through the base
// term; several twins of different widths, vocabularies and quantizations pin the rest.
func overheadPrior() (mu, lambda []float64) {
	mu = DefaultOverhead().theta()
	const noise = 4e6
	sd := []float64{30e6, 2e6, 200e3, 10e6, 0.3e6}
	lambda = make([]float64, len(sd))
	for i := range sd {
		lambda[i] = (noise * noise) / (sd[i] * sd[i])
	}
	return mu, lambda
}

func fitOverheadSamples(ss []overheadSample) (Overhead, error) {
	mu, lambda := overheadPrior()
	if len(ss) == 0 {
		return DefaultOverhead(), nil
	}
	x := make([][]float64, len(ss))
	y := make([]float64, len(ss))
	for i, s := range ss {
		x[i], y[i] = s.in.features(), s.y
	}
	th, err := linearFit(x, y, nil, mu, lambda)
	if err != nil {
		return DefaultOverhead(), err
	}
	o := Overhead{BaseBytes: th[0], PerCtxHidden: th[1] / 1e6, PerVocab: th[2] / 1e3, PerFFNUBatch: th[3] / 1e6, RepackShare: th[4] / 1e6, Points: len(ss)}
	res := make([]float64, len(ss))
	for i := range ss {
		res[i] = dot(x[i], th) - y[i]
	}
	o.ResidualRMSBytes = rms(res)
	o.Basis = fmt.Sprintf("overhead fitted on %d measured run(s): %s + %.2f B·context·hidden + %.0f B·vocab + %.1f B·ffn·ubatch + %.2f × repacked Q4 weights (fit error %s RMS)",
		len(ss), units.Bytes(int64(o.BaseBytes)), o.PerCtxHidden, o.PerVocab, o.PerFFNUBatch, o.RepackShare, units.Bytes(int64(o.ResidualRMSBytes)))
	return o, nil
}

// FitOverhead fits the Overhead coefficients to measurements of catalog models (measurements
// of models not in models or the catalog, or without peak RSS and context, are skipped). With
// none left it returns DefaultOverhead.
func FitOverhead(ms []Measurement, models []catalog.Model) Overhead {
	o, err := fitOverheadSamples(overheadSamples(ms, models))
	if err != nil {
		d := DefaultOverhead()
		d.Basis += fmt.Sprintf(" (fit failed: %v)", err)
		return d
	}
	return o
}

// Memory is the memory a model needs at a context length.
type Memory struct {
	WeightBytes   int64 `json:"weight_bytes"`
	KVBytes       int64 `json:"kv_bytes"`
	OverheadBytes int64 `json:"overhead_bytes"`
	// RepackBytes is the part of OverheadBytes that is the CPU backend's repacked copy of Q4
	// weights. Peak RSS counts both copies while loading, but the original is clean file cache
	// (the mapped GGUF) the OS can drop under pressure, and a GPU does not repack at all.
	RepackBytes int64 `json:"repack_bytes"`
	// IdleBytes is the untied token-embedding table: mapped, but only a row per token is
	// read, so it stays out of the resident set and is not counted in TotalBytes.
	IdleBytes int64 `json:"idle_embedding_bytes,omitempty"`
	// TotalBytes is the expected peak RSS (what the worker's measurement shows);
	// RequiredBytes = TotalBytes − RepackBytes is what must fit, used for the fit verdicts.
	RequiredBytes int64 `json:"required_bytes"`
	TotalBytes    int64 `json:"total_bytes"`
	// Read is how a CPU run reads the weights: ReadMapped, or ReadDirect when the mapped file
	// beside the repacked copy would crowd the machine's free memory (readDirectly); ReadWhy
	// says why it is direct.
	Read    string  `json:"read"`
	ReadWhy string  `json:"read_why,omitempty"`
	Context int     `json:"context"`
	KVType  string  `json:"kv_type"`
	Weights Weights `json:"weights"`
	Basis   string  `json:"basis"`
}

// EstimateMemory adds exact weights, exact KV cache and the overhead model for m at quant
// and context (kvType "" = F16).
func EstimateMemory(m catalog.Model, qt quant.Quant, context int, kvType string, ov Overhead) (Memory, error) {
	if kvType == "" {
		kvType = "F16"
	}
	ts, err := Plan(m, qt)
	if err != nil {
		return Memory{}, err
	}
	return estimateMemoryPlan(m, qt, ts, context, DefaultUBatch, kvType, ov)
}

// estimateMemoryPlan is EstimateMemory for typed tensors ts (a plan or a file's tensors) and
// a largest micro-batch of ubatch tokens: min(prompt, n_ubatch), since llama.cpp's compute
// scratch is touched only as far as the batches it ran.
func estimateMemoryPlan(m catalog.Model, qt quant.Quant, ts []Tensor, context, ubatch int, kvType string, ov Overhead) (Memory, error) {
	if kvType == "" {
		kvType = "F16"
	}
	w := weightsOfPlan(m, qt, ts)
	kv, err := modelKV(m, context, kvType)
	if err != nil {
		return Memory{}, fmt.Errorf("model %s: %w", m.ID, err)
	}
	in := overheadInputs{context: context, hidden: m.Hidden, vocab: m.Vocab, ffn: m.FFN, ubatch: ubatch, repack: repackedBytes(m, ts)}
	oh := ov.bytes(in)
	rp := int64(math.Round(ov.RepackShare * float64(in.repack)))
	idle := idleOf(m, ts)
	resident := w.Bytes - idle
	mem := Memory{
		WeightBytes: w.Bytes, IdleBytes: idle, KVBytes: kv, OverheadBytes: oh, RepackBytes: min(rp, oh), TotalBytes: resident + kv + oh,
		RequiredBytes: resident + kv + oh - min(rp, oh),
		Context:       context, KVType: strings.ToUpper(kvType), Weights: w, Read: ReadMapped,
	}
	mem.Basis = fmt.Sprintf("weights %s (%s, exact per tensor) + KV cache %s (%d tokens, %s) + overhead %s (%s)",
		units.Bytes(w.Bytes), w.TypeSummary(), units.Bytes(kv), context, mem.KVType, units.Bytes(oh), ov.Basis)
	mem.Basis += mem.mappedNotes()
	return mem, nil
}

// mappedNotes is the memory basis's words on what a mapped read leaves out of the resident
// set: the untied embedding table and the original of the repacked copy ("" for neither).
func (mem Memory) mappedNotes() string {
	s := ""
	if mem.IdleBytes > 0 {
		s += fmt.Sprintf("; the %s untied embedding table is mapped but read a row per token, so it is not counted as resident", units.Bytes(mem.IdleBytes))
	}
	if mem.RepackBytes > 0 {
		s += fmt.Sprintf("; %s of that is the CPU backend's repacked copy of the Q4 weights: peak RSS shows it while loading, but the mapped original can be dropped by the OS, so %s must fit",
			units.Bytes(mem.RepackBytes), units.Bytes(mem.RequiredBytes))
	}
	return s
}

func findModel(models []catalog.Model, id string) (catalog.Model, bool) {
	for _, m := range models {
		if strings.EqualFold(m.ID, id) {
			return m, true
		}
	}
	return catalog.ByID(id)
}
