package lessons

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"slmscope/internal/predict"
	"slmscope/internal/units"
)

// Facts are this machine's numbers that lessons and live questions use. A zero field means
// "not measured": nothing is ever made up to fill it.
type Facts struct {
	AvailableRAMBytes uint64 // memory available for a model right now
	TotalRAMBytes     uint64
	RAMSource         string // how the RAM was read, e.g. "hwprobe (cgroup limit)" or "gopsutil /proc/meminfo"

	// Fits are this machine's verdicts for the lesson's reference models by slmscope's one fit
	// rule (weights, KV cache and runtime), one sentence each; empty when not judged.
	Fits []string

	GenTPS    float64 // generation speed measured on Live run, tokens per second
	GenModel  string  // which model that run used
	GenSource string  // when and how it was measured, e.g. "Live run, 2026-11-24 04:10 UTC"

	// LastPrediction is the learner's newest guess with its measurement (zero: none yet).
	LastPrediction predict.Prediction

	// MoE sets mixtures of experts beside dense models of similar memory, with this machine's
	// measured or projected speeds (live_moe.go); empty when not projected.
	MoE []MoEPair
}

// HasRAM says whether available memory was measured.
func (f Facts) HasRAM() bool { return f.AvailableRAMBytes > 0 }

// HasGen says whether a generation speed was measured.
func (f Facts) HasGen() bool {
	return f.GenTPS > 0 && !math.IsInf(f.GenTPS, 0) && !math.IsNaN(f.GenTPS)
}

// NotMeasuredRAM and NotMeasuredGen are what a lesson says instead of a number it does not have.
const (
	NotMeasuredRAM = "memory not measured yet — open the Hardware screen, or run a model on Live run"
	NotMeasuredGen = "not measured yet — run a model on Live run"
)

// LiveTopics are the topics a lesson body may ask for with {{on-this-machine TOPIC}}.
var LiveTopics = []string{"memory", "speed", "moe"}

// Reference sizes from lesson 8 (parameters) and bf16's 2 bytes per parameter.
const (
	smolParams   = 135e6
	bigParams    = 70e9
	bf16Bytes    = 2.0
	speedTokens  = 500
	gigabyte     = 1e9
	defaultTolPc = 10
)

// OnThisMachine writes a lesson's "On this machine: …" line for topic from f. measured is false
// when the fact is missing; the text then says so instead of showing a number.
func OnThisMachine(topic string, f Facts) (text string, measured bool) {
	switch topic {
	case "memory":
		if !f.HasRAM() {
			return "On this machine: " + NotMeasuredRAM + ".", false
		}
		avail := float64(f.AvailableRAMBytes)
		small, big := smolParams*bf16Bytes, bigParams*bf16Bytes
		s := fmt.Sprintf("On this machine: %s of memory is available", gb(avail))
		if f.TotalRAMBytes > 0 {
			s += fmt.Sprintf(" (of %s in total)", gb(float64(f.TotalRAMBytes)))
		}
		s += sourceNote(f.RAMSource) + ". "
		s += fmt.Sprintf("SmolLM2-135M's bf16 weights (%s) would fit %s over; ", gb(small), times(avail/small))
		if avail >= big {
			s += fmt.Sprintf("a 70B model's (%s) would fit too, with %s to spare for everything else.", gb(big), gb(avail-big))
		} else {
			s += fmt.Sprintf("a 70B model's (%s) would need %s as much memory as is available.", gb(big), times(big/avail))
		}
		if len(f.Fits) > 0 {
			s += " Counting the KV cache and the runtime too (slmscope's fit rule, as on Compare): " + strings.Join(f.Fits, "; ") + "."
		}
		return s, true
	case "moe":
		return moeOnThisMachine(f)
	case "speed":
		if !f.HasGen() {
			return "On this machine: generation speed " + NotMeasuredGen + ".", false
		}
		s := fmt.Sprintf("On this machine: the last Live run generated %s tokens/s", formatNum(f.GenTPS))
		s += phrase(" with ", f.GenModel, "") + sourceNote(f.GenSource) + ". "
		s += fmt.Sprintf("At that rate a %d-token answer takes about %s s.", speedTokens, formatNum(speedTokens/f.GenTPS))
		return s, true
	}
	return "", false
}

// sourceNote is " (src)", or "" when src is empty.
func sourceNote(src string) string { return phrase(" (", src, ")") }

// phrase wraps s in before and after for an optional part of a sentence; an empty s gives "".
func phrase(before, s, after string) string {
	if s == "" {
		return ""
	}
	return before + s + after
}

// gb prints bytes as decimal gigabytes, as the lesson does (140 GB = 140e9 bytes), with the
// app's one formatter so the lesson's RAM reads as on every other screen.
func gb(bytes float64) string { return units.GB(int64(bytes)) }

func times(x float64) string {
	if x >= 10 {
		return fmt.Sprintf("about %.0f times", x)
	}
	return fmt.Sprintf("about %s times", formatNum(x))
}

// LiveGenerator computes a concrete question from Facts. Params lists its parameters with
// their defaults; Make receives them with the quiz file's values applied. Make returns ok=false with a reason when the fact it needs is missing.
type LiveGenerator struct {
	Summary string
	Params  map[string]float64
	Make    func(id string, p map[string]float64, f Facts) (q Question, ok bool, missing string)
}

// LiveGenerators are the live questions a quiz file can use (kind: live, live: NAME).
var LiveGenerators = map[string]LiveGenerator{
	"ram-fits-model": {
		Summary: "can this machine's available memory hold a model's weights? (single choice)",
		Params:  map[string]float64{"params_b": bigParams / 1e9, "bytes_per_param": bf16Bytes},
		Make:    makeRAMFits,
	},
	"max-params-in-ram": {
		Summary: "how many billion parameters fit in this machine's available memory? (numeric)",
		Params:  map[string]float64{"bytes_per_param": bf16Bytes, "tolerance_pct": 15},
		Make:    makeMaxParams,
	},
	"moe-vs-dense": {
		Summary: "which generates faster here: a mixture of experts or a dense model of similar memory? (single choice)",
		Params:  map[string]float64{},
		Make:    makeMoEVsDense,
	},
	"gen-time": {
		Summary: "how long do N tokens take at the measured generation speed? (numeric)",
		Params:  map[string]float64{"tokens": speedTokens, "tolerance_pct": defaultTolPc},
		Make:    makeGenTime,
	},
}

func liveNames() []string {
	n := make([]string, 0, len(LiveGenerators))
	for k := range LiveGenerators {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// withDefaults returns the generator's default parameters overridden by p.
func withDefaults(defaults, p map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(defaults))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range p {
		out[k] = v
	}
	return out
}

func precisionName(bytes float64) string {
	switch bytes {
	case 4:
		return "fp32 (4 bytes per parameter)"
	case 2:
		return "bf16 (2 bytes per parameter)"
	case 1:
		return "8-bit (1 byte per parameter)"
	case 0.5:
		return "4-bit (half a byte per parameter)"
	}
	return formatNum(bytes) + " bytes per parameter"
}

func ramBasis(f Facts) string {
	return "available memory " + gb(float64(f.AvailableRAMBytes)) + phrase(", measured by ", f.RAMSource, "")
}

func makeRAMFits(id string, p map[string]float64, f Facts) (Question, bool, string) {
	if !f.HasRAM() {
		return Question{}, false, NotMeasuredRAM
	}
	paramsB, bpp := p["params_b"], p["bytes_per_param"]
	need := paramsB * 1e9 * bpp
	avail := float64(f.AvailableRAMBytes)
	fits := need <= avail
	q := Question{
		ID:   id,
		Kind: KindSingle,
		Prompt: fmt.Sprintf("This machine has %s of memory available right now. Could that memory hold the weights of a %s-billion-parameter model stored in %s?",
			gb(avail), formatNum(paramsB), precisionName(bpp)),
		Choice: []Choice{
			{Text: "Yes: the weights fit in the memory that is available", Correct: fits},
			{Text: "No: the weights alone are bigger than the memory that is available", Correct: !fits},
			{Text: "Memory does not matter; only the processor's speed decides what runs", Correct: false},
		},
		Basis: ramBasis(f),
	}
	expl := fmt.Sprintf("Weights take about parameters × bytes per parameter: %s × 10⁹ × %s bytes ≈ %s. Available here: %s, so ",
		formatNum(paramsB), formatNum(bpp), gb(need), gb(avail))
	if fits {
		expl += fmt.Sprintf("they fit, leaving %s. The KV cache and the runtime still need room on top of the weights.", gb(avail-need))
	} else {
		expl += fmt.Sprintf("they would need %s as much as there is. A model that does not fit in memory either fails to load or crawls while it pages from disk.", times(need/avail))
	}
	q.Explanation = expl
	return q, true, ""
}

func makeMaxParams(id string, p map[string]float64, f Facts) (Question, bool, string) {
	if !f.HasRAM() {
		return Question{}, false, NotMeasuredRAM
	}
	bpp := p["bytes_per_param"]
	avail := float64(f.AvailableRAMBytes)
	ans := avail / bpp / 1e9
	q := Question{
		ID:   id,
		Kind: KindNumeric,
		Prompt: fmt.Sprintf("This machine has %s of memory available. Counting the weights only, at %s, about how many billion parameters could that memory hold?",
			gb(avail), precisionName(bpp)),
		Answer:       &ans,
		TolerancePct: p["tolerance_pct"],
		Unit:         "billion parameters",
		Explanation: fmt.Sprintf("Parameters ≈ memory ÷ bytes per parameter: %s ÷ %s bytes ≈ %s billion. In practice leave room for the KV cache, the runtime and everything else running, so the real ceiling is lower.",
			gb(avail), formatNum(bpp), formatNum(ans)),
		Basis: ramBasis(f),
	}
	return q, true, ""
}

func makeGenTime(id string, p map[string]float64, f Facts) (Question, bool, string) {
	if !f.HasGen() {
		return Question{}, false, "generation speed " + NotMeasuredGen
	}
	tokens := p["tokens"]
	ans := tokens / f.GenTPS
	q := Question{
		ID:   id,
		Kind: KindNumeric,
		Prompt: fmt.Sprintf("Your last Live run generated %s tokens per second%s. At that rate, about how many seconds does a %s-token answer take?",
			formatNum(f.GenTPS), phrase(" with ", f.GenModel, ""), formatNum(tokens)),
		Answer:       &ans,
		TolerancePct: p["tolerance_pct"],
		Unit:         "s",
		Explanation: fmt.Sprintf("Time ≈ tokens ÷ speed = %s ÷ %s tokens/s ≈ %s s. Each token runs the whole network once, so a model with many times more parameters would be roughly that many times slower on the same hardware, if it fit at all.",
			formatNum(tokens), formatNum(f.GenTPS), formatNum(ans)),
		Basis: "generation speed " + formatNum(f.GenTPS) + " tokens/s" + phrase(" from ", f.GenSource, ""),
	}
	return q, true, ""
}

// Resolve turns a question into the one to ask on this machine. Fixed questions come back as
// they are. A live question is computed from f; if its fact is missing, its fallback is asked
// instead, and without a fallback ok is false and skipped says why.
func Resolve(q Question, f Facts) (out Question, ok bool, skipped string) {
	if q.Kind != KindLive {
		return q, true, ""
	}
	gen, known := LiveGenerators[q.Live]
	if !known {
		return Question{}, false, fmt.Sprintf("unknown live question %q", q.Live)
	}
	lq, ok, missing := gen.Make(q.ID, withDefaults(gen.Params, q.Params), f)
	if ok {
		return lq, true, ""
	}
	if q.Fallback != nil {
		fb := *q.Fallback
		if fb.ID == "" {
			fb.ID = q.ID + "-fallback"
		}
		return fb, true, ""
	}
	return Question{}, false, missing
}
