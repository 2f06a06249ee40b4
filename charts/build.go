package charts

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"slmscope/internal/units"
)

// ModelValue is one number for one model at one quantization, as the estimate engine hands it
// over: measured on this machine, or projected with a low/high band.
type ModelValue struct {
	Name      string  // e.g. "Qwen2.5-7B"
	Params    float64 // parameter count, e.g. 7.6e9
	Quant     string  // e.g. "Q4_0"
	Value     float64 // the number itself, in the chart's unit
	Low, High float64 // band of a projected value; leave both 0 for none
	Measured  bool
	Note      string // how it was obtained, e.g. "twin, 3 runs" or "fit on 4 twins, ±12%"
}

// Reading-speed band: people read roughly 5–10 tokens per second.
const (
	ReadingSpeedLow  = 5.0
	ReadingSpeedHigh = 10.0
)

// SpeedOptions adds context lines to SpeedVsSize.
type SpeedOptions struct {
	// BandwidthBytesPerSec is the measured memory bandwidth; with BytesPerParam it draws one
	// roofline per quantization (y = bandwidth / bytes read per token). 0 draws none.
	BandwidthBytesPerSec float64
	// BytesPerParam maps a quantization name to its bytes per weight (Q4_0: 0.5625).
	BytesPerParam map[string]float64
	// ReadingSpeed draws the 5–10 tok/s band people read at.
	ReadingSpeed bool
	// Basis is appended to the subtitle: where the numbers come from.
	Basis string
}

// SpeedVsSize charts generation speed (tok/s) against parameter count on log-log axes: one
// colour per quantization, measured points solid, projections dashed with their band.
func SpeedVsSize(models []ModelValue, opt SpeedOptions) Chart {
	return sizeChart(Chart{
		ID:       "speed-vs-size",
		Title:    "Generation speed vs model size",
		Subtitle: "Solid: measured on this machine. Dashed: projected, shaded band = low–high.",
		Y:        Axis{Label: "Generation speed", Unit: UnitTokPerSec},
		Empty:    "No data yet: run “Measure this machine” to measure small models and project the rest.",
	}, opt.Basis, models, func(c *Chart) {
		if opt.BandwidthBytesPerSec > 0 && len(c.Series) > 0 {
			f := c.Frame(8, 8)
			for i, q := range quants(models) {
				bpp := opt.BytesPerParam[q]
				if bpp <= 0 {
					continue
				}
				name := fmt.Sprintf("roofline %s (%s/s)", q, units.BytesN(opt.BandwidthBytesPerSec, 3))
				s := Roofline(name, opt.BandwidthBytesPerSec, bpp, f.X.Lo, f.X.Hi, 24)
				s.Color = QuantColor(q, i)
				s.Legend = fmt.Sprintf("thin: roofline at %s/s", trimZeros(units.BytesN(opt.BandwidthBytesPerSec, 3)))
				c.Series = append(c.Series, s)
			}
			c.Subtitle = joinText(c.Subtitle, "Thin lines: roofline, the speed memory bandwidth allows when every weight is read once per token.")
		}
		if opt.ReadingSpeed {
			c.Limits = append(c.Limits, Limit{Orientation: Horizontal, Value: ReadingSpeedLow, To: ReadingSpeedHigh, Label: "reading speed 5–10 tok/s", Color: "#7f8c8d"})
		}
	})
}

// GPUMemory is one GPU's memory for MemoryVsSize.
type GPUMemory struct {
	Name  string
	Bytes float64
}

// MemoryOptions gives MemoryVsSize the machine's limits.
type MemoryOptions struct {
	RAMAvailable float64 // bytes; 0 draws no RAM line
	RAMLabel     string  // optional, default "RAM available 24.6 GB"
	GPUs         []GPUMemory
	Basis        string
}

// MemoryVsSize charts memory needed (bytes) against parameter count on log-log axes, with
// the machine's RAM and each GPU's VRAM as horizontal limit lines.
func MemoryVsSize(models []ModelValue, opt MemoryOptions) Chart {
	return sizeChart(Chart{
		ID:       "memory-vs-size",
		Title:    "Memory needed vs model size",
		Subtitle: "Solid: measured peak memory (worker RSS). Dashed: estimated weights + KV cache + overhead, band = low–high.",
		Y:        Axis{Label: "Memory needed", Unit: UnitBytes},
		Empty:    "No data yet: the memory estimate needs the model catalog.",
	}, opt.Basis, models, func(c *Chart) {
		if opt.RAMAvailable > 0 {
			label := opt.RAMLabel
			if label == "" {
				label = "RAM available " + units.GB(int64(opt.RAMAvailable))
			}
			c.Limits = append(c.Limits, Limit{Orientation: Horizontal, Value: opt.RAMAvailable, Label: label, Color: LimitColor})
		}
		for _, g := range opt.GPUs {
			if g.Bytes > 0 {
				c.Limits = append(c.Limits, Limit{Orientation: Horizontal, Value: g.Bytes, Label: "VRAM " + g.Name + " " + units.GB(int64(g.Bytes)), Color: "#8e44ad"})
			}
		}
	})
}

// APIPrice is a hosted model's published price, dated and sourced.
type APIPrice struct {
	Name       string
	USDPerMTok float64
	AsOf       string // e.g. "2025-06"
	Source     string // e.g. "vendor pricing page"
}

// CostOptions adds API prices and the cost basis to CostPerMillion.
type CostOptions struct {
	APIPrices []APIPrice
	Basis     string // e.g. "energy from RAPL × $0.30/kWh, hardware amortised over 3 years"
}

// CostPerMillion charts the cost of a million generated tokens against parameter count on
// log-log axes, with hosted API prices as horizontal reference lines.
func CostPerMillion(models []ModelValue, opt CostOptions) Chart {
	return sizeChart(Chart{
		ID:       "cost-per-million",
		Title:    "Cost per million tokens",
		Subtitle: "Local cost from this machine's speed and power. Solid: from measured speed; dashed: from projected speed.",
		Y:        Axis{Label: "Cost", Unit: UnitUSDPerMTok},
		Empty:    "No data yet: cost needs a measured or projected speed.",
	}, opt.Basis, models, func(c *Chart) {
		var src []string
		for _, p := range opt.APIPrices {
			if p.USDPerMTok > 0 {
				c.Limits = append(c.Limits, Limit{Orientation: Horizontal, Value: p.USDPerMTok, Label: p.Name + " " + FormatUSD(p.USDPerMTok), Color: "#7f8c8d"})
				if p.AsOf != "" || p.Source != "" {
					src = append(src, strings.TrimSpace(fmt.Sprintf("%s: as of %s, source %s", p.Name, p.AsOf, p.Source)))
				}
			}
		}
		if len(src) > 0 {
			c.Subtitle = joinText(c.Subtitle, "API prices (grey lines) — "+strings.Join(src, "; ")+".")
		}
	})
}

// TTFTPoint is a time to first token for one prompt length.
type TTFTPoint struct {
	PromptTokens int
	Millis       float64
	Low, High    float64 // band in ms for projections; 0 for none
}

// TTFTSeries is one model's time to first token over prompt lengths.
type TTFTSeries struct {
	Name     string // e.g. "SmolLM2-135M Q8_0"
	Measured bool
	Note     string
	Points   []TTFTPoint
}

// TTFTVsPromptLength charts time to first token against prompt length. Axes turn logarithmic
// when the values span more than a factor of 20 (prompt lengths) or 50 (times).
func TTFTVsPromptLength(series []TTFTSeries, basis string) Chart {
	c := Chart{
		ID:       "ttft-vs-prompt",
		Title:    "Time to first token vs prompt length",
		Subtitle: joinText("Time from sending the prompt to the first generated token. Solid: measured; dashed: projected from prompt speed, band = low–high.", basis),
		X:        Axis{Label: "Prompt length", Unit: UnitTokens, Scale: Linear},
		Y:        Axis{Label: "Time to first token", Unit: UnitMillis, Scale: Linear},
		Empty:    "No data yet: measure a model to see its time to first token.",
	}
	xlo, xhi, ylo, yhi := math.Inf(1), 0.0, math.Inf(1), 0.0
	for i, ts := range series {
		s := Series{Name: ts.Name, Kind: Projected, Line: true, Color: Palette[i%len(Palette)]}
		if ts.Measured {
			s.Kind = Measured
		}
		for _, p := range ts.Points {
			if p.PromptTokens <= 0 || !(p.Millis > 0) || math.IsInf(p.Millis, 0) {
				continue
			}
			lo, hi := cleanBand(p.Millis, p.Low, p.High)
			s.Points = append(s.Points, Point{X: float64(p.PromptTokens), Y: p.Millis, Low: lo, High: hi, Label: fmt.Sprintf("%s, %d-token prompt", ts.Name, p.PromptTokens), Note: ts.Note})
			xlo, xhi = math.Min(xlo, float64(p.PromptTokens)), math.Max(xhi, float64(p.PromptTokens))
			ylo, yhi = math.Min(ylo, math.Min(p.Millis, nonzero(lo, p.Millis))), math.Max(yhi, math.Max(p.Millis, hi))
		}
		sort.Slice(s.Points, func(a, b int) bool { return s.Points[a].X < s.Points[b].X })
		if len(s.Points) > 0 {
			c.Series = append(c.Series, s)
		}
	}
	if xhi/xlo > 20 {
		c.X.Scale = Log
	}
	if yhi/ylo > 50 {
		c.Y.Scale = Log
	}
	return c
}

// LatencyOptions describes a live generation run for TokenLatency.
type LatencyOptions struct {
	Model string // e.g. "SmolLM2-135M Q8_0"
	Twin  bool   // the model is a twin: real speed, random words
	// MaxTokens, when known, ends the token axis at the run's limit from the first token.
	MaxTokens int
}

// TokenLatency charts each generated token's latency in milliseconds over its index, with the
// run's p50 and p95 as horizontal lines. It is cheap enough to rebuild on every refresh.
func TokenLatency(latMs []float64, opt LatencyOptions) Chart {
	c := Chart{
		ID:       "token-latency",
		Title:    "Per-token latency",
		Subtitle: "Wall-clock time between generated tokens, measured here.",
		X:        Axis{Label: "Token", Unit: UnitNone, Scale: Linear},
		Y:        Axis{Label: "Latency", Unit: UnitMillis, Scale: Linear},
		Empty:    "No data yet: start a run to see each token's latency.",
	}
	if opt.Model != "" {
		c.Title += " — " + opt.Model
	}
	if opt.Twin {
		c.Subtitle = joinText(c.Subtitle, units.TwinDisclaimer+".")
	}
	s := Series{Name: "token latency", Kind: Measured, Line: true, Color: Palette[0], Points: make([]Point, 0, len(latMs))}
	valid := make([]float64, 0, len(latMs))
	for i, v := range latMs {
		if v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
			s.Points = append(s.Points, Point{X: float64(i + 1), Y: v})
			valid = append(valid, v)
		}
	}
	if len(s.Points) == 0 {
		return c
	}
	c.Series = append(c.Series, s)
	// The token axis ends at the run's length (or its max tokens), not at the next round
	// number: a 128-token run must not draw an axis to 200.
	c.X.Min, c.X.Max, c.X.FixedMin, c.X.FixedMax = 0, math.Max(float64(len(latMs)), float64(opt.MaxTokens)), true, true
	sort.Float64s(valid)
	p50, p95 := units.PercentileSorted(valid, 50), units.PercentileSorted(valid, 95)
	c.Limits = append(c.Limits,
		Limit{Orientation: Horizontal, Value: p50, Label: "p50 " + FormatValue(p50, UnitMillis), Color: "#009e73"},
		Limit{Orientation: Horizontal, Value: p95, Label: "p95 " + FormatValue(p95, UnitMillis), Color: "#d55e00"})
	return c
}

// Roofline returns a reference series y = bandwidth / (x · bytesPerParam): the tokens per
// second a model of x parameters cannot beat when each weight is read once per token.
func Roofline(name string, bandwidth, bytesPerParam, xlo, xhi float64, n int) Series {
	return FunctionSeries(name, Reference, func(x float64) float64 { return bandwidth / (x * bytesPerParam) }, xlo, xhi, n, Log)
}

// FunctionSeries samples f at n points over [xlo, xhi], evenly on the given scale, skipping
// values that are not finite (or not positive, on a log scale).
func FunctionSeries(name string, kind Kind, f func(float64) float64, xlo, xhi float64, n int, scale Scale) Series {
	if n < 2 {
		n = 2
	}
	r := Range{Scale: scale, Lo: xlo, Hi: xhi}
	s := Series{Name: name, Kind: kind, Line: true}
	for i := 0; i < n; i++ {
		x := r.Unmap(float64(i) / float64(n-1))
		y := f(x)
		if math.IsNaN(y) || math.IsInf(y, 0) || (scale == Log && y <= 0) {
			continue
		}
		s.Points = append(s.Points, Point{X: x, Y: y})
	}
	return s
}

// sizeChart completes c as a chart of one quantity against model size: parameters on a log x
// axis, c.Y on a log scale, basis after the subtitle, and a measured and a projected series
// per quantization. extra then adds the chart's own lines and limits; the sentence about
// models that could not be plotted ends the subtitle.
func sizeChart(c Chart, basis string, models []ModelValue, extra func(c *Chart)) Chart {
	c.Subtitle = joinText(c.Subtitle, basis)
	c.X = Axis{Label: "Parameters", Unit: UnitParams, Scale: Log}
	c.Y.Scale = Log
	skipped := c.addModelSeries(models)
	extra(&c)
	c.Subtitle = joinText(c.Subtitle, skipped)
	return c
}

// addModelSeries adds, per quantization, a measured and a projected series (same colour),
// sorted by size. It returns a sentence about models it could not plot, or "".
func (c *Chart) addModelSeries(models []ModelValue) string {
	var missing []string
	for i, q := range quants(models) {
		color, marker := QuantColor(q, i), QuantMarker(q)
		meas := Series{Name: q + " measured", Kind: Measured, Line: false, Color: color, Legend: q, Marker: marker, LabelPoints: true}
		proj := Series{Name: q + " projected", Kind: Projected, Line: true, Color: color, Legend: q, Marker: marker}
		for _, m := range models {
			if m.Quant != q {
				continue
			}
			if !(m.Value > 0) || math.IsInf(m.Value, 0) || !(m.Params > 0) || math.IsInf(m.Params, 0) {
				missing = append(missing, strings.TrimSpace(m.Name+" "+m.Quant))
				continue
			}
			p := Point{X: m.Params, Y: m.Value, Label: strings.TrimSpace(m.Name + " " + m.Quant), Note: m.Note}
			if m.Measured {
				meas.Points = append(meas.Points, p)
				continue
			}
			p.Low, p.High = cleanBand(m.Value, m.Low, m.High)
			proj.Points = append(proj.Points, p)
		}
		for _, s := range []Series{meas, proj} {
			if len(s.Points) > 0 {
				c.StyleKey = true
				sort.SliceStable(s.Points, func(a, b int) bool { return s.Points[a].X < s.Points[b].X })
				c.Series = append(c.Series, s)
			}
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("Not shown (no usable value): %s.", strings.Join(missing, ", "))
}

// quants lists the quantizations in order of first appearance.
func quants(models []ModelValue) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range models {
		if !seen[m.Quant] {
			seen[m.Quant] = true
			out = append(out, m.Quant)
		}
	}
	return out
}

// cleanBand returns a band that contains v and can be drawn on a log axis, or 0, 0.
func cleanBand(v, lo, hi float64) (float64, float64) {
	if !(lo > 0) || !(hi > 0) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(hi > lo) {
		return 0, 0
	}
	return math.Min(lo, v), math.Max(hi, v)
}

func nonzero(v, fallback float64) float64 {
	if v > 0 {
		return v
	}
	return fallback
}

func joinText(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
