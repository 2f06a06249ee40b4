package estimate

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// A measured run of the very model and quant asked for replaces its projection, but a run's
// speed belongs to the position it decoded at: the ladder decodes after 16 or 144 prompt tokens
// (positions 80 and 208), and a token at position 576, the default prompt's, costs the
// SmolLM2-135M twin 1.1 ms more on 2 cores here (2.9 ms per 1000 positions), 15 % of its time.
// So each run is moved to the position asked for by the fitted model's cost between the two
// positions (its attention and KV cache), and the basis says by how much.

// positionShift is how small a move (relative to a run's own time) goes unmentioned.
const positionShift = 0.005

func matchingRuns(ms []Measurement, id string, q quant.Quant) []Measurement {
	var out []Measurement
	for _, m := range ms {
		if strings.EqualFold(m.ModelID, id) && m.Quant == q && m.GenTPS > 0 {
			out = append(out, m)
		}
	}
	return out
}

// decodeSeconds is the projected time per token of model m (tensors ts) at position pos with
// placement v: what moves a measured run from its position to another.
func (pr projector) decodeSeconds(m catalog.Model, ts []Tensor, w Weights, v Verdict, gpu *GPU, pos int) float64 {
	kv, _ := modelKV(m, max(pos, 1), "F16")
	d, _ := pr.projectDecode(decodeWork{m: m, ts: ts, w: w, read: float64(w.ReadPerToken + kv), pos: pos}, v, gpu)
	if d.tps <= 0 || math.IsInf(d.tps, 0) || math.IsNaN(d.tps) {
		return 0
	}
	return 1 / d.tps
}

// atPosition is a run's decode speed moved from the position it decoded at to pos by secAt's
// difference between the two, and the seconds per token that added (0 where secAt cannot say).
func atPosition(r Measurement, pos int, secAt func(int) float64) (tps, shift float64) {
	from := r.PromptTokens + r.GenTokens/2
	if secAt == nil || from == pos {
		return r.GenTPS, 0
	}
	a, b := secAt(from), secAt(pos)
	if a <= 0 || b <= 0 {
		return r.GenTPS, 0
	}
	sec := 1/r.GenTPS + b - a
	if sec <= 0 {
		return r.GenTPS, 0
	}
	return 1 / sec, b - a
}

// applyMeasured puts measured figures in place of projected ones: decode = mean of the runs
// moved to the projection's position (band = their min and max), prompt speed = mean, time to
// first token measured when a run used the same prompt length (else prompt length ÷ measured
// prompt speed), peak RSS shown beside the estimate. secAt (nil: no move) is the projected time
// per token at a position. It reports what of the prompt side was measured.
func applyMeasured(p *Projection, runs []Measurement, opt Options, secAt func(int) float64) promptMeasured {
	p.Source, p.Calibrated = SourceMeasured, true
	pos := opt.PromptTokens + decodeGenTokens/2
	sum, lo, hi, psum, pn := 0.0, math.Inf(1), math.Inf(-1), 0.0, 0
	runSum, runLo, runHi := 0.0, math.Inf(1), math.Inf(-1) // as the runs measured, unmoved
	ttft, tn := 0.0, 0
	var rss int64
	var shifts []float64
	var lengths []string
	minFrom, maxFrom, moved := math.MaxInt, 0, false
	for _, r := range runs {
		tps, shift := atPosition(r, pos, secAt)
		if math.Abs(shift)*r.GenTPS >= positionShift {
			moved = true
		}
		shifts = append(shifts, shift)
		from := r.PromptTokens + r.GenTokens/2
		minFrom, maxFrom = min(minFrom, from), max(maxFrom, from)
		sum += tps
		lo, hi = math.Min(lo, tps), math.Max(hi, tps)
		runSum += r.GenTPS
		runLo, runHi = math.Min(runLo, r.GenTPS), math.Max(runHi, r.GenTPS)
		if r.PromptTPS > 0 {
			psum += r.PromptTPS
			pn++
			if l := fmt.Sprint(r.PromptTokens); !slices.Contains(lengths, l) {
				lengths = append(lengths, l)
			}
		}
		if r.TTFTMs > 0 && r.PromptTokens == opt.PromptTokens {
			ttft += r.TTFTMs
			tn++
		}
		if r.PeakRSSBytes > rss {
			rss = r.PeakRSSBytes
		}
		if r.Device != "" {
			p.Device = r.Device
		}
	}
	p.DecodeTPS, p.DecodeTPSLow, p.DecodeTPSHigh = sum/float64(len(runs)), lo, hi
	if pn > 0 {
		p.PromptTPS = psum / float64(pn)
		p.TTFTMs = float64(opt.PromptTokens) / p.PromptTPS * msPerSecond
	}
	if tn > 0 {
		p.TTFTMs = ttft / float64(tn)
	}
	p.MeasuredPeakRSSBytes = rss
	kind := "real file"
	if runs[0].Twin {
		kind = units.TwinDisclaimer
	}
	p.Basis = fmt.Sprintf("measured: %d run(s) of this model and quant on this machine (%s), last on %s; decode %.1f tok/s (range %.1f–%.1f)",
		len(runs), kind, runs[len(runs)-1].When.Format("2006-01-02 15:04"), p.DecodeTPS, lo, hi)
	if moved {
		p.Basis += fmt.Sprintf(" at position %d (a %d-token prompt), moved from the %.1f tok/s (range %.1f–%.1f) the runs measured at %s by the fitted cost of the positions between (%s per token)",
			pos, opt.PromptTokens, runSum/float64(len(runs)), runLo, runHi, positionsText(minFrom, maxFrom), shiftText(shifts))
	}
	p.Basis += ", peak RSS " + units.Bytes(rss)
	return promptMeasured{speed: pn > 0, ttft: tn > 0, lengths: strings.Join(lengths, "/")}
}

// promptMeasured is what measured runs said of the prompt: its speed, the time to first token
// at the prompt length asked for, and the prompt lengths the speed was measured on ("16/144").
type promptMeasured struct {
	speed, ttft bool
	lengths     string
}

// positionsText names the positions runs decoded at: "position 80" or "positions 80–208".
func positionsText(lo, hi int) string {
	if lo == hi {
		return fmt.Sprintf("position %d", lo)
	}
	return fmt.Sprintf("positions %d–%d", lo, hi)
}

// shiftText is the seconds per token added to the runs, signed, in milliseconds: "+1.10 ms"
// or "+0.80 to +1.20 ms".
func shiftText(shifts []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range shifts {
		lo, hi = math.Min(lo, s), math.Max(hi, s)
	}
	f := func(s float64) string { return fmt.Sprintf("%+.2f", s*1000) }
	if f(lo) == f(hi) {
		return f(lo) + " ms"
	}
	return f(lo) + " to " + f(hi) + " ms"
}
