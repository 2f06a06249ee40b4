package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
)

// shrink keeps m's architecture, features and real vocabulary but makes every block tiny,
// so a twin of each architecture loads and runs in the pinned llama.cpp in about a second:
// the same tensor names, metadata keys and tokenizer, only narrower and two layers deep.
func shrink(m catalog.Model) catalog.Model {
	m.ID += "-shrunk"
	m.Layers, m.Hidden, m.Heads, m.KVHeads, m.HeadDim, m.FFN, m.Context = 2, 64, 4, 2, 16, 128, 512
	if m.RopeDim > 0 {
		m.RopeDim = 12 // partial rotary, as Phi-4-mini's 96 of 128
	}
	if m.IsMoE() {
		m.Experts, m.ActiveExperts, m.ExpertFFN, m.DenseLayers = 8, 2, 32, 0
		if m.MLA != nil { // DeepSeek: a narrow latent, rope part and one leading dense layer
			mla := catalog.MLA{QLoRARank: 64, KVLoRARank: 32, NopeDim: 32, RopeDim: 16, VHeadDim: 32}
			m.MLA, m.HeadDim, m.DenseLayers = &mla, mla.NopeDim+mla.RopeDim, 1
		}
		if m.Arch == "granitemoe" {
			m.FFN = m.ExpertFFN // granitemoe reads its experts' width from feed_forward_length
		}
	}
	return m
}

// TestEveryArchitectureTwinLoadsAndGenerates writes a shrunk twin of one catalog model per
// architecture slmscope can write, loads it in the pinned llama.cpp through a worker and
// generates tokens: the tensors, metadata and tokenizer the twin writer produces are what
// llama.cpp v0.5.0 requires for that architecture, DeepSeek-V3's latent attention included.
// The mixtures of experts load in MXFP4_MOE too, the layout
// gpt-oss is published in (experts in MXFP4, the rest Q8_0).
func TestEveryArchitectureTwinLoadsAndGenerates(t *testing.T) {
	type twinCase struct {
		id string
		q  twin.Quant
	}
	var cases []twinCase
	for _, id := range []string{
		"qwen3-0.6b", "qwen3-30b-a3b", "gemma-3-1b", "gemma-3-4b", "gpt-oss-20b",
		"granite-3.0-1b-a400m", "smollm3-3b", "phi-4-mini", "llama-3.3-70b", "qwen2.5-7b",
		"deepseek-v3",
	} {
		cases = append(cases, twinCase{id, twin.Q8_0})
	}
	cases = append(cases, twinCase{"gpt-oss-20b", quant.MXFP4_MOE}, twinCase{"qwen3-30b-a3b", quant.MXFP4_MOE})
	seen := map[string]bool{}
	for _, c := range cases {
		m, _ := catalog.ByID(c.id)
		seen[m.Arch] = true
	}
	for _, m := range catalog.All() {
		if twin.CanWrite(m) == nil && !seen[m.Arch] {
			t.Errorf("architecture %s (%s) has a twin writer but no load test here", m.Arch, m.ID)
		}
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, c := range cases {
		t.Run(c.id+"/"+string(c.q), func(t *testing.T) {
			m, ok := catalog.ByID(c.id)
			if !ok {
				t.Fatalf("no catalog model %s", c.id)
			}
			m = shrink(m)
			p := filepath.Join(dir, m.ID+"."+c.q.FileTag()+".gguf")
			if err := twin.Write(ctx, m, c.q, p, nil); err != nil {
				t.Fatalf("write: %v", err)
			}
			w := startWorker(t, ctx, workerOptions())
			defer w.Close()
			if _, err := w.Load(ctx, engine.LoadOptions{Path: p, Threads: 2, Context: 256, GPULayers: -1}); err != nil {
				t.Fatalf("llama.cpp does not load the %s twin: %v\n%s", m.Arch, err, strings.Join(w.Log(8), "\n"))
			}
			res, err := w.Generate(ctx, engine.GenerateOptions{Prompt: "The quick brown fox", MaxTokens: 8, IgnoreEOS: true}, nil)
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			if res.GenTokens != 8 || res.GenTPS() <= 0 {
				t.Errorf("generated %d tokens at %.1f tok/s, want 8", res.GenTokens, res.GenTPS())
			}
		})
	}
}
