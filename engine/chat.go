package engine

import (
	"math"
	"strconv"

	"slmscope/engine/wire"
)

// Sampling says how the next token is chosen in an interactive run. The zero value is the
// usual chat setting: temperature DefaultTemperature, top-p DefaultTopP, top-k 40 and a fixed
// seed, so the same prompt gives the same answer. Benchmarks and calibration always use
// greedy argmax (the cheapest sampler), whatever the Live run chose.
type Sampling struct {
	Greedy      bool    // argmax: the most likely token every time
	Temperature float32 // 0 means DefaultTemperature
	TopP        float32 // 0 means DefaultTopP
	Seed        uint32  // 0 means the fixed DefaultSeed
}

// KeyChatTemplate is the GGUF metadata key of a model's own chat template (Jinja text).
const KeyChatTemplate = "tokenizer.chat_template"

// Sampling defaults (the worker applies the same ones).
const (
	DefaultTemperature = wire.DefaultTemperature
	DefaultTopP        = wire.DefaultTopP
	DefaultSeed        = wire.DefaultSeed
)

// Validate refuses settings llama.cpp's samplers cannot use.
func (s Sampling) Validate() error {
	t, p := float64(s.Temperature), float64(s.TopP)
	if math.IsNaN(t) || t < 0 || t > 5 {
		return bad("temperature", "%v is outside 0–5: use about 0.7 for chat, or greedy sampling for the same answer every time", s.Temperature)
	}
	if math.IsNaN(p) || p < 0 || p > 1 {
		return bad("top-p", "%v is outside 0–1: use about 0.9", s.TopP)
	}
	return nil
}

// Describe is the sampling setting for people: "temperature 0.7, top-p 0.9, seed 42".
func (s Sampling) Describe() string {
	if s.Greedy {
		return "greedy (the most likely token every time)"
	}
	t, p, seed := s.Temperature, s.TopP, s.Seed
	if t == 0 {
		t = DefaultTemperature
	}
	if p == 0 {
		p = DefaultTopP
	}
	if seed == 0 {
		seed = DefaultSeed
	}
	return "temperature " + trimFloat(t) + ", top-p " + trimFloat(p) + ", seed " + strconv.FormatUint(uint64(seed), 10)
}

func trimFloat(f float32) string { return strconv.FormatFloat(float64(f), 'f', -1, 32) }

// ChatAnswer says how a run's prompt reached the model: as the model's own chat template
// (its words are the model's answer), or as is (a twin, or a file with no usable template).
type ChatAnswer struct {
	Format    string // a wire.Chat* constant, "" when no chat was asked for
	Formatted string // the text the worker tokenized, when a template was applied
}

// Applied reports whether the model's own chat template formatted the prompt.
func (c ChatAnswer) Applied() bool { return c.Format == wire.ChatTemplate }

// Note is one sentence for the screen about how the prompt was formatted.
func (c ChatAnswer) Note() string {
	switch c.Format {
	case wire.ChatTemplate:
		return "real model: your prompt went in as a chat message through the model's own chat template; the text is its answer"
	case wire.ChatNoTemplate:
		return "real model: the file has no chat template, so the model continued your prompt as plain text"
	case wire.ChatUnsupported:
		return "real model: llama.cpp does not know this file's chat template, so the model continued your prompt as plain text"
	}
	return ""
}
