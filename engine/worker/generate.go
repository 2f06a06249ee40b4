package worker

import (
	"errors"
	"fmt"
	"time"

	"github.com/hybridgroup/yzma/pkg/llama"

	"slmscope/engine/wire"
)

// promptTokens tokenizes the prompt; with exact > 0 it repeats or cuts the text so the prompt
// is exactly that many tokens (benchmarks need a fixed prompt length).
func promptTokens(vocab llama.Vocab, prompt string, exact int) ([]llama.Token, error) {
	toks := llama.Tokenize(vocab, prompt, true, true)
	if exact <= 0 {
		return toks, nil
	}
	body := llama.Tokenize(vocab, prompt, false, false)
	if len(body) == 0 {
		return nil, errors.New("the prompt is empty: a fixed-length prompt needs some text to repeat")
	}
	for len(toks) < exact {
		toks = append(toks, body...)
	}
	return toks[:exact], nil
}

// generate runs one request on the loaded model: it processes the prompt, then samples and
// sends tokens until the model ends its answer, the token budget or the context runs out,
// or the request is cancelled, and sends the timings last.
func (w *server) generate(req wire.Request) error {
	if w.ctx == 0 {
		return errors.New("no model loaded")
	}
	start := time.Now()
	vocab := llama.ModelGetVocab(w.model)
	prompt, chatFormat, toks, err := w.prompt(req, vocab)
	if err != nil {
		return err
	}
	budget := w.budgetFor(req.MaxTokens, len(toks))

	mem, err := llama.GetMemory(w.ctx)
	if err == nil {
		_ = llama.MemoryClear(mem, true)
	}
	_ = llama.PerfContextReset(w.ctx)
	smpl := newSampler(req)
	defer llama.SamplerFree(smpl)

	if err := w.decodePrompt(toks); err != nil {
		return err
	}
	tok := llama.SamplerSample(smpl, w.ctx, -1)
	promptMs := msSince(start)
	firstAt := time.Now()

	stats := wire.Stats{PromptTokens: len(toks), PromptMs: promptMs, StopReason: "max_tokens", ChatFormat: chatFormat}
	if chatFormat != "" {
		stats.Formatted = prompt
	}
	n, err := w.sampleTokens(req, vocab, smpl, tok, budget, &stats)
	if err != nil {
		return err
	}
	stats.GenTokens = n
	stats.GenMs = msSince(firstAt)
	perf := llama.PerfContext(w.ctx)
	stats.LlamaPromptMs, stats.LlamaPromptN = perf.TPromptEvalMs, int(perf.NPEval)
	stats.LlamaEvalMs, stats.LlamaEvalN = perf.TEvalMs, int(perf.NEval)
	_, stats.PeakRSSBytes = memoryUse()
	stats.HugePageBytes = hugePageUse()
	w.send(wire.Event{Op: wire.OpDone, Stats: &stats})
	return nil
}

// prompt returns the text the model reads (the request's prompt, in the model's chat
// template for a chat request without a fixed length), the chat format used ("" for none)
// and its tokens, which must leave room in the context for at least one more.
func (w *server) prompt(req wire.Request, vocab llama.Vocab) (prompt, chatFormat string, toks []llama.Token, err error) {
	prompt = req.Prompt
	if req.Chat && req.PromptTokens <= 0 {
		prompt, chatFormat = chatPrompt(w.model, req.Prompt)
	}
	toks, err = promptTokens(vocab, prompt, req.PromptTokens)
	if err != nil {
		return "", "", nil, err
	}
	if len(toks) == 0 {
		return "", "", nil, errors.New("the prompt is empty")
	}
	if len(toks) >= w.nCtx {
		return "", "", nil, fmt.Errorf("the prompt is %d tokens but the context holds %d: shorten the prompt or choose a larger context", len(toks), w.nCtx)
	}
	return prompt, chatFormat, toks, nil
}

// tokenBudget is how many tokens a request may generate.
type tokenBudget struct {
	max         int
	contextFull bool // max was cut to the room left in the context
}

// budgetFor returns the budget for maxTokens (128 when not set) after a prompt of
// promptLen tokens, cut to the room the context has left.
func (w *server) budgetFor(maxTokens, promptLen int) tokenBudget {
	if maxTokens <= 0 {
		maxTokens = 128
	}
	if room := w.nCtx - promptLen; maxTokens > room {
		return tokenBudget{max: room, contextFull: true}
	}
	return tokenBudget{max: maxTokens}
}

// decodePrompt feeds the prompt tokens to llama.cpp a batch at a time; a cancelled request
// stops after the current batch.
func (w *server) decodePrompt(toks []llama.Token) error {
	for i := 0; i < len(toks); i += w.nBatch {
		chunk := toks[i:min(i+w.nBatch, len(toks))]
		if rc, err := llama.Decode(w.ctx, llama.BatchGetOne(chunk)); err != nil || rc != 0 {
			return fmt.Errorf("llama.cpp failed to process the prompt (decode returned %d, %v)", rc, err)
		}
		if w.cancel.Load() {
			break
		}
	}
	return nil
}

// sampleTokens sends tok and the tokens sampled after it, one event each, until the request
// is cancelled, the model ends its answer or the budget is spent; it records why it stopped
// in stats and returns how many tokens it sent.
func (w *server) sampleTokens(req wire.Request, vocab llama.Vocab, smpl llama.Sampler, tok llama.Token, budget tokenBudget, stats *wire.Stats) (int, error) {
	piece := make([]byte, 256)
	one := make([]llama.Token, 1)
	n := 0
	for {
		if w.cancel.Load() {
			stats.Cancelled, stats.StopReason = true, "cancelled"
			return n, nil
		}
		if !req.IgnoreEOS && llama.VocabIsEOG(vocab, tok) {
			stats.StopReason = "eos"
			return n, nil
		}
		llama.SamplerAccept(smpl, tok)
		np := llama.TokenToPiece(vocab, tok, piece, 0, false)
		if np < 0 {
			piece = make([]byte, -np)
			np = llama.TokenToPiece(vocab, tok, piece, 0, false)
		}
		n++
		w.send(wire.Event{Op: wire.OpToken, Index: n, Piece: append([]byte(nil), piece[:max(np, 0)]...)})
		if n >= budget.max {
			if budget.contextFull {
				stats.StopReason = "context_full"
			}
			return n, nil
		}
		one[0] = tok
		if rc, err := llama.Decode(w.ctx, llama.BatchGetOne(one)); err != nil || rc != 0 {
			return n, fmt.Errorf("llama.cpp failed to generate token %d (decode returned %d, %v)", n+1, rc, err)
		}
		tok = llama.SamplerSample(smpl, w.ctx, -1)
	}
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }
