// Package table is the Compare table's data model, shared by the Compare screen,
// `slmscope project` and `slmscope report`: every catalog model's projection at the chosen
// quantizations with the leave-one-out validation and the time-to-first-token series
// (Compute, a pure function: no probing, no I/O), the table's columns, cells and sort keys,
// and the answer to "what can this machine run?" (Answer). engine/report renders it.
package table

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"slmscope/charts"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// TTFTPromptLengths are the prompt lengths the time-to-first-token chart projects.
var TTFTPromptLengths = []int{128, 512, 2048, 8192}

// Input is everything a report is computed from. Only Machine and Models are needed; the
// rest have defaults.
type Input struct {
	// Hardware is the probe's report for the summary (nil: the summary uses Machine alone and
	// says the figures were stored with the calibration).
	Hardware    *hwprobe.Report
	Machine     estimate.MachineSpec
	Calibration estimate.Calibration
	Models      []catalog.Model
	// Quants to project (default: estimate.DefaultQuants plus every quant that was measured,
	// so measured rows appear).
	Quants       []quant.Quant
	Context      int // KV cache length in tokens (default estimate.DefaultContext)
	PromptTokens int // prompt length for time to first token (default 512)
	Cost         estimate.CostSettings
	Prices       estimate.PriceTable
	Now          time.Time // when the report was made (default time.Now)
}

// Data is a computed report.
type Data struct {
	Input       Input
	Projections []estimate.Projection
	// Skipped explains model/quant pairs the estimator could not project.
	Skipped    []string
	Validation estimate.Validation
	// TTFT holds, per model shown in the TTFT chart, its time to first token at each of
	// TTFTPromptLengths (projected) or its measured run.
	TTFT []charts.TTFTSeries
}

// Calibrated reports whether any measurement of this machine backs the report.
func (d Data) Calibrated() bool { return len(d.Input.Calibration.Measurements) > 0 }

// QuantsFor returns estimate.DefaultQuants followed by every quant measured in cal that is
// not already listed, in canonical spelling.
func QuantsFor(cal estimate.Calibration) []quant.Quant {
	out := estimate.DefaultQuants()
	seen := map[quant.Quant]bool{}
	for _, q := range out {
		seen[q] = true
	}
	for _, m := range cal.Measurements {
		q, err := quant.Parse(string(m.Quant))
		if err != nil || seen[q] {
			continue
		}
		seen[q] = true
		out = append(out, q)
	}
	return out
}

// Compute projects every model at every quant and runs the validation. It does no I/O, so
// the Compare screen can call it again whenever a setting changes.
func Compute(in Input) Data {
	if in.Context <= 0 {
		in.Context = estimate.DefaultContext
	}
	if in.PromptTokens <= 0 {
		in.PromptTokens = DefaultPromptTokens
	}
	if len(in.Quants) == 0 {
		in.Quants = QuantsFor(in.Calibration)
	}
	if in.Cost.PricePerKWh <= 0 && in.Cost.Currency == "" {
		in.Cost = estimate.DefaultCostSettings()
	}
	if len(in.Prices.Prices) == 0 {
		in.Prices = estimate.DefaultPrices()
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	if len(in.Models) == 0 {
		in.Models = catalog.All()
	}
	// A list of quants is a view of the catalog, which shows each model at its published
	// quantization too; one quant asked for (Compare's quant filter) is that one alone.
	opt := estimate.Options{Context: in.Context, PromptTokens: in.PromptTokens, Cost: in.Cost, Published: len(in.Quants) != 1}
	ps, errs := estimate.ProjectWith(in.Machine, in.Calibration, in.Models, in.Quants, opt)
	d := Data{Input: in, Projections: ps}
	for _, e := range errs {
		d.Skipped = append(d.Skipped, e.Error())
	}
	d.Validation = estimate.Validate(in.Machine, in.Calibration, in.Models)
	d.TTFT = ttftSeries(in, ps)
	return d
}

// ttftSeries projects time to first token over TTFTPromptLengths for up to four models that
// fit, spread over the size range (at Q4_K_M when shown, else the first quant), and adds each measured run as a point.
func ttftSeries(in Input, ps []estimate.Projection) []charts.TTFTSeries {
	out := measuredTTFTSeries(in.Calibration.Measurements)
	if len(ps) == 0 {
		return out
	}
	q := chartQuant(in.Quants)
	return append(out, projectedTTFTSeries(in, ttftModels(ps, q), q)...)
}

// measuredTTFTSeries is one single-point series per measured run, for up to three runs spread
// over the size range.
func measuredTTFTSeries(ms []estimate.Measurement) []charts.TTFTSeries {
	var out []charts.TTFTSeries
	for _, m := range spreadMeasurements(ms, 3) {
		name := m.ModelID
		if cm, ok := catalog.ByID(m.ModelID); ok {
			name = cm.Name
		}
		out = append(out, charts.TTFTSeries{
			Name: name + " " + m.Quant.String() + " measured", Measured: true,
			Note:   fmt.Sprintf("measured here (%s), %d-token prompt", twinWord(m.Twin), m.PromptTokens),
			Points: []charts.TTFTPoint{{PromptTokens: m.PromptTokens, Millis: m.TTFTMs}},
		})
	}
	return out
}

// chartQuant is the quantization the chart projects: Q4_K_M when shown, else the first.
func chartQuant(quants []quant.Quant) quant.Quant {
	q := quants[0]
	for _, c := range quants {
		if c == "Q4_K_M" { // the quantization people most often download
			q = c
		}
	}
	return q
}

// ttftCandidates are the projections at q that fit, or all those at q when none does.
func ttftCandidates(ps []estimate.Projection, q quant.Quant) []estimate.Projection {
	var sized []estimate.Projection
	for _, p := range ps {
		if p.Quant == q && p.Fits { // a model that cannot run here has no time to first token
			sized = append(sized, p)
		}
	}
	if len(sized) > 0 {
		return sized
	}
	for _, p := range ps {
		if p.Quant == q {
			sized = append(sized, p)
		}
	}
	return sized
}

// ttftModels picks up to four catalog models projected at q, spread over the size range:
// among those that fit, or among all when none does.
func ttftModels(ps []estimate.Projection, q quant.Quant) []catalog.Model {
	sized := ttftCandidates(ps, q)
	sort.Slice(sized, func(i, j int) bool { return sized[i].Params < sized[j].Params })
	var pick []catalog.Model
	const want = 4
	for i := 0; i < want && len(sized) > 0; i++ {
		idx := 0
		if want > 1 {
			idx = int(math.Round(float64(i) * float64(len(sized)-1) / float64(want-1)))
		}
		if cm, ok := catalog.ByID(sized[idx].ID); ok && (len(pick) == 0 || pick[len(pick)-1].ID != cm.ID) {
			pick = append(pick, cm)
		}
	}
	return pick
}

// projectedTTFTSeries projects time to first token of each picked model at q over
// TTFTPromptLengths, one series per model, with a context long enough for each prompt.
func projectedTTFTSeries(in Input, pick []catalog.Model, q quant.Quant) []charts.TTFTSeries {
	series := make([]charts.TTFTSeries, len(pick))
	for i, m := range pick {
		series[i] = charts.TTFTSeries{Name: m.Name + " " + q.String(), Note: "projected from prompt speed"}
	}
	for _, n := range TTFTPromptLengths {
		opt := estimate.Options{Context: max(in.Context, n+256), PromptTokens: n, Cost: in.Cost}
		got, _ := estimate.ProjectWith(in.Machine, in.Calibration, pick, []quant.Quant{q}, opt)
		for _, p := range got {
			addTTFTPoint(series, pick, p, n)
		}
	}
	return series
}

// addTTFTPoint adds p's time to first token for an n-token prompt to the series of its model,
// when it was projected.
func addTTFTPoint(series []charts.TTFTSeries, pick []catalog.Model, p estimate.Projection, n int) {
	for i, m := range pick {
		if m.ID != p.ID || p.TTFTMs <= 0 {
			continue
		}
		lo, hi := ttftBand(p)
		series[i].Points = append(series[i].Points, charts.TTFTPoint{PromptTokens: n, Millis: p.TTFTMs, Low: lo, High: hi})
		series[i].Note = BasisNote(p)
	}
}

// spreadMeasurements picks up to n runs with a time to first token, spread over the size range
// (smallest, largest, and between), so the chart's legend stays readable.
func spreadMeasurements(ms []estimate.Measurement, n int) []estimate.Measurement {
	var ok []estimate.Measurement
	for _, m := range ms {
		if m.TTFTMs > 0 && m.PromptTokens > 0 {
			ok = append(ok, m)
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].Params < ok[j].Params })
	if len(ok) <= n {
		return ok
	}
	out := make([]estimate.Measurement, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, ok[int(math.Round(float64(i)*float64(len(ok)-1)/float64(n-1)))])
	}
	return out
}

// ttftBand widens time to first token by the decode band's relative width (the prompt model's
// own band is not exported per projection): the slow end at the low speed, the fast at high.
func ttftBand(p estimate.Projection) (float64, float64) {
	if p.DecodeTPS <= 0 || p.DecodeTPSLow <= 0 || p.DecodeTPSHigh <= 0 {
		return 0, 0
	}
	return p.TTFTMs * p.DecodeTPS / p.DecodeTPSHigh, p.TTFTMs * p.DecodeTPS / p.DecodeTPSLow
}

func twinWord(twin bool) string {
	if twin {
		return units.TwinDisclaimer
	}
	return "real model file"
}

func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// BasisNote is a projection's basis for a tooltip, its label said once: the basis of a
// projection already opens with it ("projected, uncalibrated: decode reads …").
func BasisNote(p estimate.Projection) string {
	if strings.HasPrefix(p.Basis, p.Label()) {
		return shorten(p.Basis, 160)
	}
	return p.Label() + ": " + shorten(p.Basis, 160)
}
