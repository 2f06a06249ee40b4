package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"slmscope/engine/wire"
	"slmscope/internal/interference"
	"slmscope/internal/units"
)

// GenerateOptions is one generation request.
type GenerateOptions struct {
	Prompt       string
	PromptTokens int // >0: the worker repeats or cuts the prompt to exactly this many tokens
	MaxTokens    int
	IgnoreEOS    bool // keep going past end-of-text (benchmarks and twins)
	Seed         uint32
	Greedy       bool // argmax sampling (benchmarks)
	// Chat formats Prompt as one user message with the model's own chat template.
	Chat        bool
	Temperature float32 // 0: DefaultTemperature
	TopP        float32 // 0: DefaultTopP
}

// Token is one generated token as the caller sees it.
type Token struct {
	Index int           // 1-based
	Piece []byte        // raw bytes; may end inside a UTF-8 character (see UTF8Buffer)
	At    time.Duration // since the request was sent
	Gap   time.Duration // since the previous token (for the first: time to first token)
}

// Result is one finished generation, timed by slmscope's clock beside llama.cpp's counters.
type Result struct {
	PromptTokens int
	GenTokens    int
	TTFT         time.Duration   // request sent -> first token received
	Gaps         []time.Duration // per-token latency after the first token
	GenDuration  time.Duration   // first token -> last token received
	Stats        wire.Stats      // the worker's own record
	Cancelled    bool
	StopReason   string
	// Chat says how the prompt was formatted when chat was asked for.
	Chat ChatAnswer
	// Interference is what other programs did from the request to the last token.
	Interference interference.Report
}

// GenTPS is slmscope's wall-clock generation speed: tokens after the first, over the time
// from first to last token (the same intervals llama.cpp's eval counter covers).
func (r *Result) GenTPS() float64 {
	if r.GenTokens < 2 || r.GenDuration <= 0 {
		return 0
	}
	return float64(r.GenTokens-1) / r.GenDuration.Seconds()
}

// PromptTPS is prompt tokens over the time to first token (slmscope's clock).
func (r *Result) PromptTPS() float64 {
	if r.TTFT <= 0 {
		return 0
	}
	return float64(r.PromptTokens) / r.TTFT.Seconds()
}

// LlamaPromptTPS and LlamaGenTPS are llama.cpp's own perf counters for the same run.
func (r *Result) LlamaPromptTPS() float64 { return rate(r.Stats.LlamaPromptN, r.Stats.LlamaPromptMs) }

// LlamaGenTPS is llama.cpp's eval counter: decoded tokens over eval time.
func (r *Result) LlamaGenTPS() float64 { return rate(r.Stats.LlamaEvalN, r.Stats.LlamaEvalMs) }

func rate(n int, ms float64) float64 {
	if n <= 0 || ms <= 0 {
		return 0
	}
	return float64(n) / ms * 1000
}

// TokenMsPercentile returns the p-th percentile (0..100) of per-token latency in ms.
func (r *Result) TokenMsPercentile(p float64) float64 {
	if len(r.Gaps) == 0 {
		return 0
	}
	ms := make([]float64, len(r.Gaps))
	for i, g := range r.Gaps {
		ms[i] = float64(g.Nanoseconds()) / 1e6
	}
	return units.Percentile(ms, p)
}

// cancelGrace is how long a cancelled generation may take to stop before the worker is killed
// (a long prompt cannot be interrupted between tokens).
const cancelGrace = 2 * time.Second

// Generate runs one generation. onToken (may be nil) is called on the caller's goroutine for
// every token as it arrives. Cancelling ctx stops the generation (the partial Result is
// returned with Cancelled set); if the worker does not stop within 2 s it is killed.
func (w *Worker) Generate(ctx context.Context, o GenerateOptions, onToken func(Token)) (*Result, error) {
	if w.Model == nil {
		return nil, errors.New("no model loaded")
	}
	if err := ValidateGenerate(o); err != nil {
		return nil, err
	}
	sampling := w.sampleInterference()
	start := time.Now()
	if err := w.send(wire.Request{Op: wire.OpGenerate, Prompt: o.Prompt, PromptTokens: o.PromptTokens,
		MaxTokens: o.MaxTokens, IgnoreEOS: o.IgnoreEOS, Seed: o.Seed, Greedy: o.Greedy,
		Chat: o.Chat, Temperature: o.Temperature, TopP: o.TopP}); err != nil {
		return nil, w.crashError("generating")
	}
	res := &Result{}
	// Every way out of the loop, a cancelled run's too, says what else the machine did.
	defer func() { res.Interference = sampling.Stop() }()
	g := &generation{res: res, start: start, onToken: onToken}
	var killTimer <-chan time.Time
	done := ctx.Done()
	// The worker must say something within the stall timeout (the first token may take
	// longer: the whole prompt is processed first), or it is taken to have hung.
	silence := w.promptTimeout(expectedPromptTokens(o))
	stall := time.NewTimer(silence)
	defer stall.Stop()
	for {
		var ev wire.Event
		var ok bool
		select {
		case <-stall.C:
			if g.cancelled {
				continue // the kill timer ends it
			}
			return res, w.stalled(fmt.Sprintf("generating token %d", res.GenTokens+1), silence)
		case ev, ok = <-w.events:
			silence = w.stallTimeout()
			stall.Reset(silence)
		case <-done:
			g.cancelled, done = true, nil
			w.Cancel()
			killTimer = time.After(cancelGrace)
			continue
		case <-killTimer:
			w.Kill()
			res.Cancelled, res.StopReason = true, "cancelled"
			return res, nil
		}
		if over, err := w.handleEvent(g, ev, ok); over {
			return res, err
		}
	}
}

// expectedPromptTokens is the prompt length the first token's stall timeout allows for: the
// requested count, else about three characters a token.
func expectedPromptTokens(o GenerateOptions) int {
	if o.PromptTokens > 0 {
		return o.PromptTokens
	}
	return len(o.Prompt)/3 + 1
}

// generation is one Generate call's result as the worker's events arrive.
type generation struct {
	res         *Result
	start       time.Time // when the request was sent
	first, last time.Time // when the first and the latest token arrived
	cancelled   bool      // ctx was cancelled and the worker asked to stop
	onToken     func(Token)
}

// handleEvent applies one event from the worker (ok false: its event stream closed) and says
// whether the generation is over, with its error: a worker that went away is a crash unless
// the run was cancelled.
func (w *Worker) handleEvent(g *generation, ev wire.Event, ok bool) (bool, error) {
	if !ok {
		if g.cancelled {
			g.res.Cancelled, g.res.StopReason = true, "cancelled"
			return true, nil
		}
		return true, w.crashError(fmt.Sprintf("generating token %d", g.res.GenTokens+1))
	}
	switch ev.Op {
	case wire.OpToken:
		g.token(ev, time.Now())
	case wire.OpDone:
		g.finish(ev)
		return true, nil
	case wire.OpError:
		return true, errors.New(ev.Error)
	}
	return false, nil
}

// token times a token that arrived at now and hands it to onToken.
func (g *generation) token(ev wire.Event, now time.Time) {
	res := g.res
	t := Token{Index: ev.Index, Piece: ev.Piece, At: now.Sub(g.start)}
	if g.first.IsZero() {
		g.first = now
		res.TTFT = now.Sub(g.start)
		t.Gap = res.TTFT
	} else {
		t.Gap = now.Sub(g.last)
		res.Gaps = append(res.Gaps, t.Gap)
	}
	g.last = now
	res.GenTokens++
	if g.onToken != nil {
		g.onToken(t)
	}
}

// finish completes the result from the worker's closing record.
func (g *generation) finish(ev wire.Event) {
	res := g.res
	if ev.Stats != nil {
		res.Stats = *ev.Stats
	}
	res.PromptTokens = res.Stats.PromptTokens
	if !g.first.IsZero() {
		res.GenDuration = g.last.Sub(g.first)
	}
	res.Cancelled = res.Stats.Cancelled || g.cancelled
	res.StopReason = res.Stats.StopReason
	res.Chat = ChatAnswer{Format: res.Stats.ChatFormat, Formatted: res.Stats.Formatted}
}
