package estimate

import (
	"math"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/engine/units"
)

// SpeedCheck is one measured run projected from the other runs (leave-one-out).
type SpeedCheck struct {
	ID           string      `json:"id"`
	Quant        quant.Quant `json:"quant"`
	Device       string      `json:"device"`
	MeasuredTPS  float64     `json:"measured_tps"`
	ProjectedTPS float64     `json:"projected_tps"`
	// ErrorPct is (projected − measured) / measured × 100.
	ErrorPct float64 `json:"error_pct"`
	// From says how many other runs the projection used (0 = the bandwidth prior alone).
	From int `json:"from_runs"`
}

// MemoryCheck is one measured run's peak RSS against the estimate made with the overhead
// fitted on the other runs.
type MemoryCheck struct {
	ID                   string      `json:"id"`
	Quant                quant.Quant `json:"quant"`
	Context              int         `json:"context"`
	EstimatedBytes       int64       `json:"estimated_bytes"`
	MeasuredPeakRSSBytes int64       `json:"measured_peak_rss_bytes"`
	ErrorPct             float64     `json:"error_pct"`
}

// Validation is how wrong the projections were on the runs this machine could measure.
// JSON names follow `slmscope project --validate --json`.
type Validation struct {
	Models            []SpeedCheck  `json:"models"`
	MedianAbsErrorPct float64       `json:"median_abs_error_pct"`
	Memory            []MemoryCheck `json:"memory"`
	// MedianAbsMemoryErrorPct and MaxAbsMemoryErrorPct summarise Memory.
	MedianAbsMemoryErrorPct float64 `json:"median_abs_memory_error_pct"`
	MaxAbsMemoryErrorPct    float64 `json:"max_abs_memory_error_pct"`
	Note                    string  `json:"note,omitempty"`
}

// Validate projects each measured run from the others on the same device — decode speed with
// the decode model fitted without it, memory with the overhead fitted without it — and
// compares with what was measured. Runs of models not in models (or the catalog) are used
// only where their file size suffices.
func Validate(machine Machine, cal Calibration, models []catalog.Model) Validation {
	known := append(append([]catalog.Model(nil), models...), catalog.All()...)
	v := Validation{Models: []SpeedCheck{}, Memory: []MemoryCheck{}}

	devices := []string{"cpu"}
	priors := map[string]decodePrior{"cpu": cpuDecodePrior(machine)}
	for _, g := range machine.GPUs {
		if g.Name == "" {
			continue
		}
		devices = append(devices, g.Name)
		if g.BandwidthGBs > 0 {
			priors[g.Name] = gpuDecodePrior(g)
		} else {
			priors[g.Name] = cpuDecodePrior(machine)
		}
	}
	var abs []float64
	for _, dev := range devices {
		var pts []speedSample
		for _, s := range speedSamples(cal.Measurements, known, dev) {
			if s.m.GenTPS > 0 {
				pts = append(pts, s)
			}
		}
		for i, s := range pts {
			others := append(append([]speedSample(nil), pts[:i]...), pts[i+1:]...)
			d := fitDecode(dev, others, priors[dev])
			proj, _, _ := d.TPS(s.readByte)
			e := 100 * relErr(proj, s.m.GenTPS)
			v.Models = append(v.Models, SpeedCheck{ID: s.m.ModelID, Quant: s.m.Quant, Device: dev,
				MeasuredTPS: s.m.GenTPS, ProjectedTPS: proj, ErrorPct: e, From: len(others)})
			abs = append(abs, math.Abs(e))
		}
	}
	v.MedianAbsErrorPct = units.Median(abs)

	ss := overheadSamples(cal.Measurements, known)
	var mabs []float64
	for i, s := range ss {
		others := append(append([]overheadSample(nil), ss[:i]...), ss[i+1:]...)
		o, err := fitOverheadSamples(others)
		if err != nil {
			o = DefaultOverhead()
		}
		est := s.fixed + o.bytes(s.in)
		e := 100 * float64(est-s.m.PeakRSSBytes) / float64(s.m.PeakRSSBytes)
		v.Memory = append(v.Memory, MemoryCheck{ID: s.m.ModelID, Quant: s.m.Quant, Context: s.m.Context,
			EstimatedBytes: est, MeasuredPeakRSSBytes: s.m.PeakRSSBytes, ErrorPct: e})
		mabs = append(mabs, math.Abs(e))
	}
	v.MedianAbsMemoryErrorPct = units.Median(mabs)
	for _, e := range mabs {
		v.MaxAbsMemoryErrorPct = math.Max(v.MaxAbsMemoryErrorPct, e)
	}
	switch {
	case len(cal.Measurements) == 0:
		v.Note = "nothing measured on this machine yet: run `slmscope calibrate`"
	case len(v.Models) == 0:
		v.Note = "no measured generation speeds: only the memory estimate can be checked"
	case len(v.Models) < 3:
		v.Note = "fewer than three measured runs: each check leans on the bandwidth prior"
	}
	return v
}
