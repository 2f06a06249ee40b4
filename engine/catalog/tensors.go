package catalog

import "strconv"

// Kind says what a tensor holds, which decides how a twin fills it and how a quantization
// types it.
type Kind uint8

const (
	KindMatrix Kind = iota // weight matrix (or a stack of expert matrices): quantized
	KindNorm               // RMS norm weights: F32
	KindBias               // biases and attention sinks: F32
)

// Tensor is one tensor of a model as llama.cpp names and shapes it in a GGUF: Dims in GGUF
// order (Dims[0] is the row length; an expert stack has the expert index last).
type Tensor struct {
	Name    string
	Dims    []uint64
	Layer   int // block index, -1 outside the blocks
	Kind    Kind
	Experts int // experts stacked in this tensor's last dimension; 0 for shared weights
}

// Elements is the number of weights the tensor holds.
func (t Tensor) Elements() int64 {
	n := int64(1)
	for _, d := range t.Dims {
		n *= int64(d)
	}
	return n
}

// Tensors lists m's tensors with the names and shapes llama.cpp v0.5.0 loads for m.Arch
// (src/models/<arch>.cpp, load_arch_tensors), in the order a twin writes them. It is the one
// description of an architecture: ParamCount, twins and weight estimates all read it.
//   - every block: attn_norm, the attention projections (fused attn_qkv for phi3, MLA's
//     low-rank q/kv projections for deepseek2), q/k biases and norms where the model has them,
//     attn_output (+ bias), attention sinks, and the FFN norm (gpt-oss names its pre-FFN norm
//     post_attention_norm; Gemma 3 has post_attention_norm and post_ffw_norm besides);
//   - the FFN: dense gate/up/down (phi3 fuses gate and up), or for MoE layers the router
//     ffn_gate_inp [hidden, experts] and the expert stacks ffn_{gate,up,down}_exps with the
//     expert index last, shared experts as ffn_*_shexp, biases for gpt-oss;
//   - token_embd first, output_norm and (unless tied) output last.
//
// Not listed: rope frequency factor tensors (Llama 3.1 rope_freqs, Phi longrope factors),
// which are tiny and which twins do not write.
func (m Model) Tensors() []Tensor {
	h, v := uint64(m.Hidden), uint64(m.Vocab)
	out := []Tensor{{Name: "token_embd.weight", Dims: []uint64{h, v}, Layer: -1, Kind: KindMatrix}}
	for i := 0; i < m.Layers; i++ {
		p := "blk." + strconv.Itoa(i) + "."
		add := func(name string, k Kind, experts int, dims ...uint64) {
			out = append(out, Tensor{Name: p + name, Dims: dims, Layer: i, Kind: k, Experts: experts})
		}
		add("attn_norm.weight", KindNorm, 0, h)
		m.addAttention(add)
		m.addFFN(add, i)
	}
	out = append(out, Tensor{Name: "output_norm.weight", Dims: []uint64{h}, Layer: -1, Kind: KindNorm})
	if !m.TiedEmbeddings {
		out = append(out, Tensor{Name: "output.weight", Dims: []uint64{h, v}, Layer: -1, Kind: KindMatrix})
	}
	return out
}

// addTensor adds one tensor of the current block, its name without the "blk.N." prefix.
type addTensor func(name string, k Kind, experts int, dims ...uint64)

// addAttention adds one block's attention: the projections, q/k biases and norms,
// attn_output (+ bias) and attention sinks.
func (m Model) addAttention(add addTensor) {
	h, q := uint64(m.Hidden), uint64(m.QDim())
	attnOut := q
	switch {
	case m.MLA != nil:
		attnOut = m.addMLA(add)
	case m.Arch == "phi3":
		add("attn_qkv.weight", KindMatrix, 0, h, q+2*uint64(m.KVDim()))
	default:
		m.addQKV(add)
	}
	m.addQKNorm(add)
	add("attn_output.weight", KindMatrix, 0, attnOut, h)
	if m.OutBias {
		add("attn_output.bias", KindBias, 0, h)
	}
	if m.Sinks {
		add("attn_sinks.weight", KindBias, 0, uint64(m.Heads))
	}
}

// addMLA adds latent attention's low-rank q and kv projections and returns the row count of
// attn_output, which takes the heads' value dims rather than the q dim.
func (m Model) addMLA(add addTensor) (attnOut uint64) {
	u := func(n int) uint64 { return uint64(n) }
	h, a := u(m.Hidden), m.MLA
	qk := u(m.Heads * (a.NopeDim + a.RopeDim))
	if a.QLoRARank > 0 {
		add("attn_q_a.weight", KindMatrix, 0, h, u(a.QLoRARank))
		add("attn_q_a_norm.weight", KindNorm, 0, u(a.QLoRARank))
		add("attn_q_b.weight", KindMatrix, 0, u(a.QLoRARank), qk)
	} else {
		add("attn_q.weight", KindMatrix, 0, h, qk)
	}
	add("attn_kv_a_mqa.weight", KindMatrix, 0, h, u(a.KVLoRARank+a.RopeDim))
	add("attn_kv_a_norm.weight", KindNorm, 0, u(a.KVLoRARank))
	// llama.cpp v0.5.0 runs MLA with kv_b split per head into k_b and v_b (the unsplit attn_kv_b
	// is only for legacy files, which cache full keys and values, not the latent).
	add("attn_k_b.weight", KindMatrix, 0, u(a.NopeDim), u(a.KVLoRARank), u(m.Heads))
	add("attn_v_b.weight", KindMatrix, 0, u(a.KVLoRARank), u(a.VHeadDim), u(m.Heads))
	return u(m.Heads * a.VHeadDim)
}

// addQKV adds separate q, k and v projections and, where the model has them, their biases.
func (m Model) addQKV(add addTensor) {
	h, q, kv := uint64(m.Hidden), uint64(m.QDim()), uint64(m.KVDim())
	add("attn_q.weight", KindMatrix, 0, h, q)
	add("attn_k.weight", KindMatrix, 0, h, kv)
	add("attn_v.weight", KindMatrix, 0, h, kv)
	if m.QKVBias {
		add("attn_q.bias", KindBias, 0, q)
		add("attn_k.bias", KindBias, 0, kv)
		add("attn_v.bias", KindBias, 0, kv)
	}
}

// addQKNorm adds the q/k norms: per head, or over the full q and k widths.
func (m Model) addQKNorm(add addTensor) {
	switch m.QKNorm {
	case QKNormHead:
		add("attn_q_norm.weight", KindNorm, 0, uint64(m.HeadDim))
		add("attn_k_norm.weight", KindNorm, 0, uint64(m.HeadDim))
	case QKNormFull:
		add("attn_q_norm.weight", KindNorm, 0, uint64(m.QDim()))
		add("attn_k_norm.weight", KindNorm, 0, uint64(m.KVDim()))
	}
}

// addFFN adds block i's FFN norms and its FFN: experts from the first MoE layer on, dense
// gate/up/down before it and in dense models.
func (m Model) addFFN(add addTensor, i int) {
	h := uint64(m.Hidden)
	switch {
	case m.Arch == "gpt-oss":
		add("post_attention_norm.weight", KindNorm, 0, h) // gpt-oss's pre-FFN norm
	case m.PostNorms:
		add("post_attention_norm.weight", KindNorm, 0, h)
		add("ffn_norm.weight", KindNorm, 0, h)
	default:
		add("ffn_norm.weight", KindNorm, 0, h)
	}
	if m.IsMoE() && i >= m.DenseLayers {
		m.addExperts(add, h)
	} else {
		f := uint64(m.FFN)
		if m.Arch == "phi3" {
			add("ffn_up.weight", KindMatrix, 0, h, 2*f) // gate and up fused, gate first
		} else {
			add("ffn_gate.weight", KindMatrix, 0, h, f)
			add("ffn_up.weight", KindMatrix, 0, h, f)
		}
		add("ffn_down.weight", KindMatrix, 0, f, h)
	}
	if m.PostNorms {
		add("post_ffw_norm.weight", KindNorm, 0, h)
	}
}

// addExperts adds one MoE layer's FFN: router, expert stacks, biases and shared experts.
func (m Model) addExperts(add addTensor, h uint64) {
	e, f := uint64(m.Experts), uint64(m.ExpertFFN)
	add("ffn_gate_inp.weight", KindMatrix, 0, h, e)
	if m.ExpertBiases {
		add("ffn_gate_inp.bias", KindBias, 0, e)
	}
	if m.Arch == "deepseek2" {
		add("exp_probs_b.bias", KindBias, 0, e) // the router's score correction
	}
	add("ffn_gate_exps.weight", KindMatrix, m.Experts, h, f, e)
	add("ffn_up_exps.weight", KindMatrix, m.Experts, h, f, e)
	add("ffn_down_exps.weight", KindMatrix, m.Experts, f, h, e)
	if m.ExpertBiases {
		add("ffn_gate_exps.bias", KindBias, m.Experts, f, e)
		add("ffn_up_exps.bias", KindBias, m.Experts, f, e)
		add("ffn_down_exps.bias", KindBias, m.Experts, h, e)
	}
	if m.SharedExperts > 0 {
		s := f * uint64(m.SharedExperts)
		add("ffn_gate_shexp.weight", KindMatrix, 0, h, s)
		add("ffn_up_shexp.weight", KindMatrix, 0, h, s)
		add("ffn_down_shexp.weight", KindMatrix, 0, s, h)
	}
}
