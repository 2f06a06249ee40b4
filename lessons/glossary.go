package lessons

import (
	"fmt"
	"strings"
)

// The glossary: the words slmscope's screens and the lesson use, each explained once, for a
// beginner. The lesson's key terms and the app's "?" buttons both read it, so a definition is
// written in one place only.

// Term is one glossary entry.
type Term struct {
	ID      string // stable key, e.g. "ttft"
	Name    string // as shown, e.g. "TTFT (time to first token)"
	Meaning string // one or two plain sentences
}

// Glossary term ids, for screens that point at a term.
const (
	TermTTFT        = "ttft"
	TermTokPerSec   = "tokens-per-second"
	TermPercentiles = "p50-p95"
	TermPromptGen   = "prompt-vs-generation"
	TermKVCache     = "kv-cache"
	TermRSS         = "rss"
	TermQuant       = "quantization"
	TermQuantNames  = "quant-names"
	TermRoofline    = "roofline"
	TermBandwidth   = "bandwidth"
	TermTwin        = "twin"
	TermProjected   = "measured-vs-projected"
	TermContext     = "context"
)

// glossary is every term, in the order a beginner meets them.
var glossary = []Term{
	{TermTokPerSec, "Tokens per second (tok/s)", "How fast a model writes. A token is a piece of a word (about ¾ of an English word on average); 20 tok/s is faster than people read (5–10 tok/s)."},
	{TermPromptGen, "Prompt vs generation", "A run has two phases. Prompt processing reads your whole prompt at once, in parallel, so it runs at hundreds of tok/s. Generation then writes one token at a time, each needing the whole model again, so it is much slower."},
	{TermTTFT, "TTFT (time to first token)", "How long you wait after pressing Run until the first word appears: mostly the time to read the prompt. It grows with the prompt's length, so a TTFT figure only means something with its prompt length (Compare assumes a 512-token prompt)."},
	{TermPercentiles, "p50 / p95 latency", "The time between two generated tokens, summarised: p50 (the median) is the typical gap, half the tokens are faster; p95 is a slow gap, only 1 token in 20 takes longer. A big p95 means stutters."},
	{TermContext, "Context length", "How many tokens the model keeps in view at once: the prompt plus everything generated. Longer contexts need more memory for the KV cache."},
	{TermKVCache, "KV cache", "Memory where the model keeps what it has already read (the keys and values of every earlier token), so it need not read them again. It grows with the context length and the model's size."},
	{TermRSS, "Resident memory (RSS, peak memory)", "The RAM a process really occupies, measured by the operating system. slmscope reports the worker's peak RSS: model weights + KV cache + llama.cpp's working buffers."},
	{TermQuant, "Quantization", "Storing each weight in fewer bits to make a model smaller and faster, at some cost in quality. 16 bits per weight is the original; 8 bits halves the size; about 4.5 bits quarters it."},
	{TermQuantNames, "Quantization names (F16, BF16, Q8_0, Q4_0, Q4_K_M…)", "F16 and BF16: 16-bit numbers, unquantized. Q8_0: 8 bits per weight. Q4_0: 4 bits plus a scale per block of 32. K-quants (Q4_K_M, Q5_K_M, Q6_K) mix block sizes and give some tensors more bits; the number is the bits, M/S/L are medium/small/large mixes. Q4_K_M is what most people download."},
	{TermBandwidth, "Memory bandwidth", "How many gigabytes per second the processor can read from memory. Generating a token reads every weight once, so bandwidth, not computing power, usually limits generation speed."},
	{TermRoofline, "Roofline", "The fastest generation speed memory bandwidth allows: bandwidth ÷ bytes read per token. A real run stays below this line; how far below shows the other costs."},
	{TermTwin, "Twin", "A model file slmscope writes itself with a real model's exact shapes but random weights: its speed and memory are the real model's on this machine, its words are noise."},
	{TermProjected, "Measured vs projected", "Measured: timed on this machine, and the screen says how. Projected: computed from measurements of other models, with a band (low–high) saying how wrong it may be."},
}

// Glossary returns every term, in reading order.
func Glossary() []Term { return append([]Term(nil), glossary...) }

// GlossaryTerm returns the term with id, if there is one.
func GlossaryTerm(id string) (Term, bool) {
	for _, t := range glossary {
		if t.ID == id {
			return t, true
		}
	}
	return Term{}, false
}

// AllKeyTerms is the lesson's own key terms followed by the glossary terms it names.
func (fm FrontMatter) AllKeyTerms() []KeyTerm {
	out := append([]KeyTerm(nil), fm.KeyTerms...)
	for _, id := range fm.Glossary {
		if t, ok := GlossaryTerm(id); ok {
			out = append(out, KeyTerm{Term: t.Name, Meaning: t.Meaning})
		}
	}
	return out
}

// checkGlossary names the glossary ids a lesson lists that the glossary lacks.
func checkGlossary(ids []string) []string {
	var probs []string
	for i, id := range ids {
		if _, ok := GlossaryTerm(id); !ok {
			probs = append(probs, fmt.Sprintf("glossary item %d: no term %q (known: %s)", i+1, id, strings.Join(glossaryIDs(), ", ")))
		}
	}
	return probs
}

func glossaryIDs() []string {
	var out []string
	for _, t := range glossary {
		out = append(out, t.ID)
	}
	return out
}

// GlossaryMarkdown writes terms (all when ids is empty) as a Markdown list: "- **Name**: meaning".
func GlossaryMarkdown(ids ...string) string {
	var b strings.Builder
	for _, t := range glossary {
		if len(ids) > 0 && !contains(ids, t.ID) {
			continue
		}
		b.WriteString("- **" + t.Name + "**: " + t.Meaning + "\n")
	}
	return b.String()
}
