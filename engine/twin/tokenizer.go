package twin

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"slmscope/engine/assets"
	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
)

// Token types as llama.cpp numbers them (enum llama_token_type).
const (
	tokNormal      = 1
	tokUnknown     = 2
	tokControl     = 3
	tokUserDefined = 4
	tokUnused      = 5
	tokByte        = 6
)

// Keys of the token arrays that must hold exactly one entry per token.
const (
	keyTokens = "tokenizer.ggml.tokens"
	keyTypes  = "tokenizer.ggml.token_type"
	keyScores = "tokenizer.ggml.scores"
)

// vocabFile locates a vocab-only GGUF; tests replace it.
var vocabFile = assets.VocabFile

var (
	vocabMu    sync.Mutex
	vocabCache = map[string][]gguf.KV{} // tokenizer name -> its tokenizer.* metadata
	sizedCache = map[string][]gguf.KV{} // "name/size" -> padded or generated metadata
)

// loadVocab returns the tokenizer.* metadata of llama.cpp's vocab file name, read once.
func loadVocab(name string) ([]gguf.KV, error) {
	vocabMu.Lock()
	defer vocabMu.Unlock()
	if kvs, ok := vocabCache[name]; ok {
		return kvs, nil
	}
	path, err := vocabFile(name)
	if err != nil {
		return nil, err
	}
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer %s: %w", name, err)
	}
	var kvs []gguf.KV
	for _, kv := range f.KVs {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			kvs = append(kvs, kv)
		}
	}
	if _, ok := f.Get(keyTokens); !ok {
		return nil, fmt.Errorf("tokenizer %s (%s) has no token list; run `make setup` again to restore it", name, path)
	}
	vocabCache[name] = kvs
	return kvs, nil
}

// tokenizerKVs returns the tokenizer metadata for m's twin: the real tokenizer's when
// m.Tokenizer names a vocab file, padded with unused "[PADn]" tokens when the config's
// vocab is larger than the tokenizer (Qwen2.5 7B and up, as in the real checkpoints), or a
// generated SentencePiece-style tokenizer of exactly m.Vocab tokens when m.Tokenizer is empty.
func tokenizerKVs(m catalog.Model) ([]gguf.KV, error) {
	key := m.Tokenizer + "/" + strconv.Itoa(m.Vocab)
	vocabMu.Lock()
	kvs, ok := sizedCache[key]
	vocabMu.Unlock()
	if ok {
		return kvs, nil
	}
	kvs, err := buildTokenizerKVs(m)
	if err != nil {
		return nil, err
	}
	vocabMu.Lock()
	sizedCache[key] = kvs
	vocabMu.Unlock()
	return kvs, nil
}

func buildTokenizerKVs(m catalog.Model) ([]gguf.KV, error) {
	if m.Tokenizer == "" {
		return generatedVocab(m.Vocab)
	}
	src, err := loadVocab(m.Tokenizer)
	if err != nil {
		return nil, err
	}
	var n int
	for _, kv := range src {
		if kv.Key == keyTokens {
			n = kv.Value.Len()
		}
	}
	switch {
	case n == m.Vocab:
		return src, nil
	case n > m.Vocab:
		return nil, fmt.Errorf("%s: the %s tokenizer has %d tokens but the config's vocab is %d; the catalog entry is wrong", m.ID, m.Tokenizer, n, m.Vocab)
	}
	return padVocab(src, n, m.Vocab)
}

// padVocab copies kvs with the token arrays extended from n to size entries. New tokens are
// "[PADi]" with the type the tokenizer already gives its own [PAD] tokens (unused otherwise)
// and the lowest score.
func padVocab(kvs []gguf.KV, n, size int) ([]gguf.KV, error) {
	out := make([]gguf.KV, len(kvs))
	copy(out, kvs)
	for i, kv := range out {
		switch kv.Key {
		case keyTokens:
			toks, ok := kv.Value.AsStrings()
			if !ok {
				return nil, fmt.Errorf("%s is not a string array", keyTokens)
			}
			out[i].Value = gguf.Strings(padded(toks, size, func(j int) string { return "[PAD" + strconv.Itoa(j) + "]" }))
		case keyTypes:
			types, ok := kv.Value.Any().([]int32)
			if !ok || len(types) != n {
				return nil, fmt.Errorf("%s is not an int32 array of %d entries", keyTypes, n)
			}
			padType := int32(tokUnused)
			if toks, ok := valueOf(kvs, keyTokens).AsStrings(); ok && strings.HasPrefix(toks[n-1], "[PAD") {
				padType = types[n-1]
			}
			out[i].Value = gguf.Int32s(padded(types, size, func(int) int32 { return padType }))
		case keyScores:
			scores, ok := kv.Value.Any().([]float32)
			if !ok || len(scores) != n {
				return nil, fmt.Errorf("%s is not a float32 array of %d entries", keyScores, n)
			}
			low := float32(0)
			for _, s := range scores {
				low = min(low, s)
			}
			out[i].Value = gguf.Float32s(padded(scores, size, func(int) float32 { return low }))
		}
	}
	return out, nil
}

// padded returns a copy of a extended to size entries; each new entry j is fill(j).
func padded[T any](a []T, size int, fill func(j int) T) []T {
	p := make([]T, size)
	copy(p, a)
	for j := len(a); j < size; j++ {
		p[j] = fill(j)
	}
	return p
}

func valueOf(kvs []gguf.KV, key string) gguf.Value {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value
		}
	}
	return gguf.Value{}
}

// minGenerated is the smallest generated vocab: <unk>, <s>, </s> and the 256 byte tokens.
const minGenerated = 3 + 256

// generatedVocab builds a SentencePiece ("llama") tokenizer of exactly size tokens that
// llama.cpp accepts: <unk>, <s>, </s>, the 256 byte-fallback tokens <0x00>..<0xFF>, the
// printable ASCII characters, then unique filler pieces, with descending scores.
func generatedVocab(size int) ([]gguf.KV, error) {
	if size < minGenerated {
		return nil, fmt.Errorf("a generated tokenizer needs at least %d tokens, not %d", minGenerated, size)
	}
	toks := make([]string, 0, size)
	types := make([]int32, 0, size)
	add := func(s string, t int32) {
		toks = append(toks, s)
		types = append(types, t)
	}
	add("<unk>", tokUnknown)
	add("<s>", tokControl)
	add("</s>", tokControl)
	for b := 0; b < 256; b++ {
		add(fmt.Sprintf("<0x%02X>", b), tokByte)
	}
	for c := byte(' ' + 1); c <= '~' && len(toks) < size; c++ {
		add(string(c), tokNormal)
	}
	if len(toks) < size {
		add("\u2581", tokNormal) // the SentencePiece word boundary
	}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	for i := 0; len(toks) < size; i++ {
		// "▁" + i written in base 26 with letters: unique, and never a single character.
		var b []byte
		for k := i; ; k = k/26 - 1 {
			b = append([]byte{letters[k%26]}, b...)
			if k < 26 {
				break
			}
		}
		add("\u2581"+string(b)+"x", tokNormal)
	}
	scores := make([]float32, size)
	for i := range scores {
		if types[i] == tokNormal {
			scores[i] = -float32(i)
		}
	}
	return []gguf.KV{
		{Key: "tokenizer.ggml.model", Value: gguf.String("llama")},
		{Key: "tokenizer.ggml.pre", Value: gguf.String("default")},
		{Key: keyTokens, Value: gguf.Strings(toks)},
		{Key: keyScores, Value: gguf.Float32s(scores)},
		{Key: keyTypes, Value: gguf.Int32s(types)},
		{Key: "tokenizer.ggml.bos_token_id", Value: gguf.Uint32(1)},
		{Key: "tokenizer.ggml.eos_token_id", Value: gguf.Uint32(2)},
		{Key: "tokenizer.ggml.unknown_token_id", Value: gguf.Uint32(0)},
		{Key: "tokenizer.ggml.add_bos_token", Value: gguf.Bool(true)},
		{Key: "tokenizer.ggml.add_eos_token", Value: gguf.Bool(false)},
	}, nil
}

// Preload reads the tokenizers that Size and RAMNeeded need for models, so that later calls
// do no file I/O: a UI calls it off its event loop before sizing twins on it.
func Preload(models []catalog.Model) {
	for _, m := range models {
		_, _ = tokenizerKVs(m)
	}
}
