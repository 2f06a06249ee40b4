package report

import (
	"fmt"
	"sort"
	"strings"

	"slmscope/charts"
	"slmscope/engine/estimate"
	"slmscope/engine/table"
	"slmscope/internal/units"
)

// Charts returns the report's four charts in order: speed vs size (rooflines and the reading
// band), memory vs size (RAM and VRAM limits), cost per million tokens (API prices), and time
// to first token vs prompt length.
func Charts(d table.Data) []charts.Chart {
	return []charts.Chart{SpeedChart(d), MemoryChart(d), CostChart(d), TTFTChart(d)}
}

// SpeedChart is generation speed against parameter count.
func SpeedChart(d table.Data) charts.Chart {
	var vals []charts.ModelValue
	for _, p := range d.Projections {
		v := charts.ModelValue{Name: p.Name, Params: float64(p.Params), Quant: string(p.Quant), Value: p.DecodeTPS,
			Measured: p.Source == estimate.SourceMeasured, Note: table.BasisNote(p)}
		if !v.Measured {
			v.Low, v.High = p.DecodeTPSLow, p.DecodeTPSHigh
		}
		vals = append(vals, v)
	}
	bw := d.Input.Machine.MeasuredBandwidthGBs * 1e9
	basis := fmt.Sprintf("Memory bandwidth %.1f GB/s measured by slmscope's microbenchmark.", d.Input.Machine.MeasuredBandwidthGBs)
	if bw <= 0 {
		basis = fmt.Sprintf("No bandwidth measured: rooflines omitted, speeds rest on an assumed %.0f GB/s.", estimate.AssumedBandwidthGBs)
	}
	return charts.SpeedVsSize(vals, charts.SpeedOptions{
		BandwidthBytesPerSec: bw, BytesPerParam: bytesPerParam(d.Projections),
		ReadingSpeed: true, Basis: basis,
	})
}

// bytesPerParam is, per quant, the median bytes one generated token reads per parameter.
func bytesPerParam(ps []estimate.Projection) map[string]float64 {
	per := map[string][]float64{}
	for _, p := range ps {
		if p.Params > 0 && p.ReadPerTokenBytes > 0 {
			per[string(p.Quant)] = append(per[string(p.Quant)], float64(p.ReadPerTokenBytes)/float64(p.Params))
		}
	}
	out := map[string]float64{}
	for q, v := range per {
		sort.Float64s(v)
		out[q] = v[len(v)/2]
	}
	return out
}

// MemoryChart is memory needed against parameter count, with the machine's limits.
func MemoryChart(d table.Data) charts.Chart {
	var vals []charts.ModelValue
	for _, p := range d.Projections {
		v := charts.ModelValue{Name: p.Name, Params: float64(p.Params), Quant: string(p.Quant), Value: float64(p.MemoryBytes),
			Note: fmt.Sprintf("weights %s + KV cache %s (%d tokens) + overhead %s", units.Bytes(p.Memory.ResidentWeightBytes()),
				units.Bytes(p.Memory.KVBytes), p.Context, units.Bytes(p.Memory.KeptOverheadBytes()))}
		if band := memoryBand(d); band > 0 {
			v.Low, v.High = v.Value*(1-band), v.Value*(1+band)
		}
		v.Note = fmt.Sprintf("estimate at a %d-token context: ", p.Context) + v.Note
		if p.MeasuredPeakRSSBytes > 0 {
			// The measurement is shown at any chosen context, beside the estimate for that
			// context, each saying which context it is for.
			vals = append(vals, charts.ModelValue{Name: p.Name, Params: float64(p.Params), Quant: string(p.Quant),
				Value: float64(p.MeasuredPeakRSSBytes), Measured: true,
				Note: fmt.Sprintf("measured peak RSS of the worker, at a %d-token context", measuredContext(d, p))})
		}
		vals = append(vals, v)
	}
	m := d.Input.Machine
	var gpus []charts.GPUMemory
	for _, g := range m.GPUs {
		b := g.FreeBytes
		if b <= 0 {
			b = g.TotalBytes
		}
		if !g.Unified {
			gpus = append(gpus, charts.GPUMemory{Name: g.Name, Bytes: float64(b)})
		}
	}
	basis := fmt.Sprintf("Context %d tokens, F16 KV cache.", d.Input.Context)
	if mb := memoryBand(d); mb > 0 {
		basis += fmt.Sprintf(" Band ±%.0f%%: the worst leave-one-out memory error on this machine.", mb*100)
	}
	return charts.MemoryVsSize(vals, charts.MemoryOptions{RAMAvailable: float64(m.UsableRAM()), GPUs: gpus, Basis: basis})
}

// measuredContext is the context of the measurement of p's model and quant (0 if none).
func measuredContext(d table.Data, p estimate.Projection) int {
	for _, m := range d.Input.Calibration.Measurements {
		if m.ModelID == p.ID && m.Quant == p.Quant {
			return m.Context
		}
	}
	return 0
}

// memoryBand is the relative band for memory estimates: the worst leave-one-out error, at
// least 5%, or 10% before anything was measured.
func memoryBand(d table.Data) float64 {
	if len(d.Validation.Memory) == 0 {
		return 0.10
	}
	return max(d.Validation.MaxAbsMemoryErrorPct/100, 0.05)
}

// CostChart is the local cost of a million generated tokens against parameter count, with API
// output prices as reference lines.
func CostChart(d table.Data) charts.Chart {
	var vals []charts.ModelValue
	for _, p := range d.Projections {
		if !p.Fits || p.Cost.TotalPerMTok <= 0 {
			continue
		}
		v := charts.ModelValue{Name: p.Name, Params: float64(p.Params), Quant: string(p.Quant), Value: p.Cost.TotalPerMTok,
			Measured: p.Source == estimate.SourceMeasured, Note: p.Cost.Basis}
		if !v.Measured && p.DecodeTPSLow > 0 && p.DecodeTPSHigh > 0 {
			// cost is inversely proportional to speed
			v.Low, v.High = v.Value*p.DecodeTPS/p.DecodeTPSHigh, v.Value*p.DecodeTPS/p.DecodeTPSLow
		}
		vals = append(vals, v)
	}
	var api []charts.APIPrice
	for _, pr := range d.Input.Prices.Prices {
		api = append(api, charts.APIPrice{Name: pr.Model + " output", USDPerMTok: pr.OutputPerMTok, AsOf: pr.AsOf, Source: pr.Source})
	}
	basis := costBasis(d)
	c := charts.CostPerMillion(vals, charts.CostOptions{APIPrices: api, Basis: basis})
	c.Empty = "No model fits this machine's memory, so there is no local cost to show."
	return c
}

func costBasis(d table.Data) string {
	s := d.Input.Cost
	b := fmt.Sprintf("Electricity %.2f %s/kWh", s.PricePerKWh, s.Currency)
	if s.HardwarePrice > 0 && s.LifetimeYears > 0 {
		b += fmt.Sprintf(", hardware %.0f %s over %.0f years", s.HardwarePrice, s.Currency, s.LifetimeYears)
	}
	if !strings.EqualFold(s.Currency, "USD") && s.Currency != "" {
		b += fmt.Sprintf(" (local costs are in %s, API prices in USD: the axis is labelled $ for both)", s.Currency)
	}
	return b + "."
}

// TTFTChart is time to first token against prompt length.
func TTFTChart(d table.Data) charts.Chart {
	basis := "Projected from this machine's prompt speed fit."
	if !d.Calibrated() {
		basis = "Uncalibrated: prompt speed assumed from the CPU's core count until this machine is measured."
	}
	c := charts.TTFTVsPromptLength(d.TTFT, basis)
	top := 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			top = max(top, p.Y, p.High)
		}
	}
	if top >= 10_000 { // seconds read better than tens of thousands of milliseconds
		for i := range c.Series {
			for j := range c.Series[i].Points {
				pt := &c.Series[i].Points[j]
				pt.Y, pt.Low, pt.High = pt.Y/1000, pt.Low/1000, pt.High/1000
			}
		}
		c.Y.Unit = charts.UnitSeconds
	}
	return c
}
