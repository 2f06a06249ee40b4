package lessons

import (
	"fmt"
	"math"

	"slmscope/internal/units"
)

// ModelFigures are one model's numbers on this machine, as the app measured or projected them.
type ModelFigures struct {
	Name         string
	Quant        string
	TotalParams  float64 // every weight the model holds (all experts)
	ActiveParams float64 // the weights one token passes through (= TotalParams for a dense model)
	MemoryBytes  float64 // what it needs to run here (weights, KV cache, runtime)
	TPS          float64 // generation speed, tokens per second
	TPSLow       float64 // the band's low end (projections; 0 for a measurement)
	TPSHigh      float64
	Measured     bool // TPS was measured here; otherwise projected
	Fits         bool // slmscope's fit rule says it fits in this machine's memory
}

// MoEPair sets a mixture-of-experts model beside a dense model of similar memory.
type MoEPair struct {
	MoE, Dense ModelFigures
}

// NotProjectedMoE is what the lesson says before the app has projected the pair.
const NotProjectedMoE = "not projected yet — open Compare; Measure this machine there makes the figures this machine's own"

// complete says whether both models have a speed and a memory figure.
func (p MoEPair) complete() bool {
	return p.MoE.TPS > 0 && p.Dense.TPS > 0 && p.MoE.MemoryBytes > 0 && p.Dense.MemoryBytes > 0
}

// speedText is "14 tok/s (measured)" or "14 tok/s (projected, 11–17)".
func (m ModelFigures) speedText() string {
	if m.Measured {
		return formatNum(m.TPS) + " tok/s (measured here)"
	}
	if m.TPSLow > 0 && m.TPSHigh > 0 {
		return fmt.Sprintf("%s tok/s (projected, %s–%s)", formatNum(m.TPS), formatNum(m.TPSLow), formatNum(m.TPSHigh))
	}
	return formatNum(m.TPS) + " tok/s (projected)"
}

// moeSentence writes one pair for the lesson's "On this machine" line.
func moeSentence(p MoEPair) string {
	m, d := p.MoE, p.Dense
	s := fmt.Sprintf("%s %s holds %s parameters but reads only %s of them per token; it needs %s and generates %s. ",
		m.Name, m.Quant, units.Params(int64(m.TotalParams)), units.Params(int64(m.ActiveParams)), gb(m.MemoryBytes), m.speedText())
	s += fmt.Sprintf("%s %s, a dense model, reads all %s per token; it needs %s and generates %s.",
		d.Name, d.Quant, units.Params(int64(d.TotalParams)), gb(d.MemoryBytes), d.speedText())
	ratio := m.TPS / d.TPS
	switch {
	case ratio >= 1.2:
		s += fmt.Sprintf(" The mixture is %s as fast for %s the memory.", times(ratio), memoryRatio(m.MemoryBytes/d.MemoryBytes))
	case ratio <= 1/1.2:
		s += fmt.Sprintf(" Here the dense model is %s as fast: the experts' routing and scattered reads cost more than they save on this machine.", times(1/ratio))
	default:
		s += " Here the two run at about the same speed."
	}
	if !m.Fits || !d.Fits {
		s += " (Not every one of them fits in this machine's memory: the figures are what it would do with enough.)"
	}
	return s
}

// memoryRatio says how two memory needs compare, in words.
func memoryRatio(r float64) string {
	if math.Abs(r-1) < 0.15 {
		return "about the same"
	}
	return times(r)
}

// moeOnThisMachine is the lesson's "On this machine" line for the topic "moe".
func moeOnThisMachine(f Facts) (string, bool) {
	s := "On this machine: "
	n := 0
	for _, p := range f.MoE {
		if p.complete() {
			s += moeSentence(p) + " "
			n++
		}
	}
	if n == 0 {
		return "On this machine: mixture-of-experts speeds " + NotProjectedMoE + ".", false
	}
	return s[:len(s)-1], true
}

// makeMoEVsDense asks which of the first complete pair generates faster on this machine.
func makeMoEVsDense(id string, _ map[string]float64, f Facts) (Question, bool, string) {
	for _, p := range f.MoE {
		if !p.complete() {
			continue
		}
		m, d := p.MoE, p.Dense
		moeFaster := m.TPS > d.TPS
		q := Question{
			ID:   id,
			Kind: KindSingle,
			Prompt: fmt.Sprintf("On this machine, which generates text faster: %s (%s parameters, a mixture of experts reading %s per token) or %s (%s parameters, dense)?",
				m.Name, units.Params(int64(m.TotalParams)), units.Params(int64(m.ActiveParams)), d.Name, units.Params(int64(d.TotalParams))),
			Choice: []Choice{
				{Text: m.Name + ", because each token reads only its active experts", Correct: moeFaster},
				{Text: d.Name + ", because it has fewer parameters in total", Correct: !moeFaster},
				{Text: "Neither: speed follows the total number of parameters, so they are the same", Correct: false},
			},
			Explanation: "On this machine: " + moeSentence(p) + " Generation speed follows the bytes read per token, and a mixture of experts reads only the experts its router picks; its memory still holds every expert.",
		}
		return q, true, ""
	}
	return Question{}, false, "mixture-of-experts speeds " + NotProjectedMoE
}
