package gguf

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
)

// tinyKVs returns the metadata of a minimal llama-shaped model: 1 layer, width 64, 4 heads,
// 2 KV heads, FFN 128, 32 tokens.
func tinyKVs() []KV { return shapedKVs(64, 4, 2, 128, 32) }

func shapedKVs(width, heads, kvHeads, ffn, vocab int) []KV {
	tokens := make([]string, vocab)
	scores := make([]float32, vocab)
	types := make([]int32, vocab)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("tok%d", i)
		scores[i] = -float32(i)
		types[i] = 1
	}
	tokens[0], tokens[1], tokens[2] = "<unk>", "<s>", "</s>"
	return []KV{
		{"general.architecture", String("llama")},
		{"general.name", String("tiny test model")},
		{"general.file_type", Uint32(7)},
		{"llama.block_count", Uint32(1)},
		{"llama.context_length", Uint32(128)},
		{"llama.embedding_length", Uint32(uint32(width))},
		{"llama.feed_forward_length", Uint32(uint32(ffn))},
		{"llama.attention.head_count", Uint32(uint32(heads))},
		{"llama.attention.head_count_kv", Uint32(uint32(kvHeads))},
		{"llama.attention.layer_norm_rms_epsilon", Float32(1e-5)},
		{"llama.rope.freq_base", Float32(10000)},
		{"tokenizer.ggml.model", String("llama")},
		{"tokenizer.ggml.tokens", Strings(tokens)},
		{"tokenizer.ggml.scores", Float32s(scores)},
		{"tokenizer.ggml.token_type", Int32s(types)},
		{"tokenizer.ggml.bos_token_id", Uint32(1)},
		{"tokenizer.ggml.eos_token_id", Uint32(2)},
	}
}

func tinyTensors() []TensorSpec { return shapedTensors(64, 4, 2, 128, 32) }

func shapedTensors(width, heads, kvHeads, ffn, vocab int) []TensorSpec {
	w, kv, f, v := uint64(width), uint64(width/heads*kvHeads), uint64(ffn), uint64(vocab)
	return []TensorSpec{
		{"token_embd.weight", []uint64{w, v}, TypeQ8_0},
		{"output_norm.weight", []uint64{w}, TypeF32},
		{"blk.0.attn_norm.weight", []uint64{w}, TypeF32},
		{"blk.0.attn_q.weight", []uint64{w, w}, TypeQ8_0},
		{"blk.0.attn_k.weight", []uint64{w, kv}, TypeQ8_0},
		{"blk.0.attn_v.weight", []uint64{w, kv}, TypeQ8_0},
		{"blk.0.attn_output.weight", []uint64{w, w}, TypeQ8_0},
		{"blk.0.ffn_norm.weight", []uint64{w}, TypeF32},
		{"blk.0.ffn_gate.weight", []uint64{w, f}, TypeQ8_0},
		{"blk.0.ffn_up.weight", []uint64{w, f}, TypeQ8_0},
		{"blk.0.ffn_down.weight", []uint64{f, w}, TypeF16},
	}
}

// patternFill writes deterministic bytes derived from the tensor index.
func patternFill(i int, t TensorSpec, w io.Writer) error {
	n, err := t.Bytes()
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(i), 7))
	b := make([]byte, n)
	for j := range b {
		b[j] = byte(r.Uint32())
	}
	_, err = w.Write(b)
	return err
}

// tinyModel returns the bytes of a minimal valid llama-shaped GGUF.
func tinyModel() []byte {
	var buf bytes.Buffer
	if err := Write(&buf, tinyKVs(), tinyTensors(), patternFill); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// microModel is an even smaller valid model (width 32, 8 tokens) whose tensor bytes are all
// 'w', so it stays small and readable as a fuzz seed.
func microModel() []byte {
	var buf bytes.Buffer
	err := Write(&buf, shapedKVs(32, 2, 1, 32, 8), shapedTensors(32, 2, 1, 32, 8), func(i int, t TensorSpec, w io.Writer) error {
		n, _ := t.Bytes()
		_, err := w.Write(bytes.Repeat([]byte{'w'}, int(n)))
		return err
	})
	if err != nil {
		panic(err)
	}
	return buf.Bytes()
}
