package engine

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"slmscope/internal/units"
)

// Limits on what a run may ask for; beyond them the request is refused in words before any
// worker sees it.
const (
	MaxContext     = 1 << 20   // tokens
	MaxGenTokens   = 1 << 20   // tokens per generation
	MaxPromptBytes = 256 << 10 // a prompt of more is refused (it would not fit any context)
)

// MaxThreads is the most threads a run may ask for: four per logical CPU, at least 64.
func MaxThreads() int { return max(64, 4*runtime.NumCPU()) }

// ErrBadInput is what every *InputError matches with errors.Is; the command line exits with
// code 2 (a usage error) for it.
var ErrBadInput = errors.New("bad input")

// InputError is a setting or prompt that cannot be used; Problem says what to do.
type InputError struct {
	Field   string // "threads", "context", "max tokens", "prompt", ...
	Problem string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Problem }

// Unwrap lets errors.Is(err, ErrBadInput) match.
func (e *InputError) Unwrap() error { return ErrBadInput }

func bad(field, format string, args ...any) error {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// CheckThreads accepts 0 (all logical CPUs) up to MaxThreads.
func CheckThreads(n int) error {
	if n < 0 {
		return bad("threads", "%d is negative: give a positive number, or 0 for all %d logical CPUs", n, runtime.NumCPU())
	}
	if n > MaxThreads() {
		return bad("threads", "%d is far more than this machine's %d logical CPUs: use at most %d (0 uses all CPUs)", n, runtime.NumCPU(), MaxThreads())
	}
	return nil
}

// CheckContext accepts 0 (the default) up to MaxContext tokens.
func CheckContext(n int) error {
	if n < 0 {
		return bad("context", "%d tokens is negative: give a positive size such as 2048, or 0 for the default", n)
	}
	if n > MaxContext {
		return bad("context", "%d tokens is more than the %d slmscope allows: choose a smaller context such as 4096", n, MaxContext)
	}
	return nil
}

// CheckGenTokens accepts 0 (the default) up to MaxGenTokens.
func CheckGenTokens(field string, n int) error {
	if n < 0 {
		return bad(field, "%d is negative: give a positive number of tokens, or 0 for the default", n)
	}
	if n > MaxGenTokens {
		return bad(field, "%d tokens is more than the %d slmscope allows: ask for fewer", n, MaxGenTokens)
	}
	return nil
}

// CheckPrompt refuses an empty prompt (unless emptyOK), one larger than MaxPromptBytes, one
// with NUL bytes and one that is not UTF-8 text.
func CheckPrompt(p string, emptyOK bool) error {
	if strings.TrimSpace(p) == "" && !emptyOK {
		return bad("prompt", "it is empty: type some text for the model to continue")
	}
	if len(p) > MaxPromptBytes {
		return bad("prompt", "it is %s, more than the %s a prompt may be (it would not fit any context): shorten it",
			units.Bytes(int64(len(p))), units.Bytes(MaxPromptBytes))
	}
	if i := strings.IndexByte(p, 0); i >= 0 {
		return bad("prompt", "it contains a NUL byte at byte %d (binary data, not text): give plain text", i)
	}
	if !utf8.ValidString(p) {
		i := 0
		for i < len(p) {
			r, n := utf8.DecodeRuneInString(p[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return bad("prompt", "it is not valid UTF-8 text (bad byte at %d): save it as UTF-8 and try again", i)
	}
	return nil
}

// ValidateLoad checks a load request's settings.
func ValidateLoad(o LoadOptions) error {
	if strings.TrimSpace(o.Path) == "" {
		return bad("model", "no model file given: choose a .gguf file or a twin")
	}
	if o.GPULayers < AutoLayers {
		return bad("GPU layers", "%d is not valid: use -1 for as many as fit, 0 for CPU only, or a positive count", o.GPULayers)
	}
	return errors.Join(CheckThreads(o.Threads), CheckContext(o.Context), CheckDevice(o.Device))
}

// maxGPULayers bounds a layer count: no model has more blocks than this.
const maxGPULayers = 10000

// ParseGPULayers reads a GPU layer count as a person types it: "auto" (AutoLayers) or a
// count from 0 (CPU only).
func ParseGPULayers(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "auto") {
		return AutoLayers, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxGPULayers {
		return 0, bad("--gpu-layers", "%q is not a layer count: give auto, 0 (CPU only) or a count up to %d", s, maxGPULayers)
	}
	return n, nil
}

// CheckDevice accepts a device as a person names it: auto, cpu, or a llama.cpp device name
// (letters, digits, '_' and '-': "Vulkan0", "CUDA0"); whether that device exists is known only
// once llama.cpp has listed its devices.
func CheckDevice(s string) error {
	if len(s) > 64 {
		return bad("--device", "%d characters is too long for a device name: give auto, cpu or a name from `slmscope probe`", len(s))
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return bad("--device", "%q is not a device name: give auto, cpu or a name from `slmscope probe` such as Vulkan0", s)
		}
	}
	return nil
}

// ValidateGenerate checks a generation request.
func ValidateGenerate(o GenerateOptions) error {
	return errors.Join(CheckPrompt(o.Prompt, false), CheckGenTokens("max tokens", o.MaxTokens),
		CheckGenTokens("prompt tokens", o.PromptTokens), Sampling{Temperature: o.Temperature, TopP: o.TopP}.Validate())
}

// Validate checks an interactive run's settings and prompt, so the app and the command line
// refuse the same things with the same words.
func (r RunRequest) Validate() error {
	return errors.Join(CheckThreads(r.Threads), CheckContext(r.Context),
		CheckGenTokens("max tokens", r.MaxTokens), CheckPrompt(r.Prompt, false), r.Sampling.Validate())
}
