package estimate

import (
	"fmt"
	"math"
	"sort"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// SpeedCheck is one measured run projected from the other runs (leave-one-out).
type SpeedCheck struct {
	ID     string      `json:"id"`
	Quant  quant.Quant `json:"quant"`
	Device string      `json:"device"`
	// MeasuredTPS is the run's decode speed as the models are fitted on it (DecodeTPS: its
	// median token where recorded; over repeats, their mean without the slowest).
	MeasuredTPS  float64 `json:"measured_tps"`
	ProjectedTPS float64 `json:"projected_tps"`
	// ErrorPct is (projected − measured) / measured × 100.
	ErrorPct float64 `json:"error_pct"`
	// From says how many other runs the projection used (0 = the bandwidth prior alone).
	From int `json:"from_runs"`
	// BandPct is the half-width of the band the projection carried (fitted without this
	// run); Covered says whether the measurement fell inside it. Family is the kernel family
	// holding most of the run's weights; Uncalibrated lists kernels no other run measured.
	BandPct      float64  `json:"band_pct,omitempty"`
	Covered      bool     `json:"covered"`
	Family       string   `json:"family,omitempty"`
	Uncalibrated []string `json:"uncalibrated_types,omitempty"`
	// Doublings is, for an extrapolation check, how far beyond its fit set's largest run it lay.
	Doublings float64 `json:"doublings,omitempty"`
}

// TypeErrors summarises leave-one-out errors of one quantization or kernel family.
type TypeErrors struct {
	Name              string  `json:"name"`
	Runs              int     `json:"runs"`
	MedianAbsErrorPct float64 `json:"median_abs_error_pct"`
	MaxAbsErrorPct    float64 `json:"max_abs_error_pct"`
	BandCoverage      float64 `json:"band_coverage"`
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
	Models            []SpeedCheck `json:"models"`
	MedianAbsErrorPct float64      `json:"median_abs_error_pct"`
	// BandCoverage is the share of runs whose measurement fell inside the band projected
	// without them; MedianBandPct the median band half-width.
	BandCoverage  float64 `json:"band_coverage"`
	MedianBandPct float64 `json:"median_band_pct"`
	// PerType and PerFamily group the decode errors by quantization and by kernel family.
	PerType   []TypeErrors `json:"per_type"`
	PerFamily []TypeErrors `json:"per_family"`
	// Extrapolation projects the largest runs from the runs 1.5× smaller only, as projections
	// for models beyond the ladder are made; each band carries the prior widening per doubling
	// of reach (the checks set the fitted widening, so they cannot test it).
	Extrapolation                  []SpeedCheck `json:"extrapolation,omitempty"`
	ExtrapolationMedianAbsErrorPct float64      `json:"extrapolation_median_abs_error_pct,omitempty"`
	ExtrapolationBandCoverage      float64      `json:"extrapolation_band_coverage,omitempty"`
	// Prompt holds the prompt-speed leave-one-out checks (time to first token scales with
	// it); PromptMedianAbsErrorPct summarises them.
	Prompt                  []SpeedCheck  `json:"prompt,omitempty"`
	PromptMedianAbsErrorPct float64       `json:"prompt_median_abs_error_pct"`
	Memory                  []MemoryCheck `json:"memory"`
	// MedianAbsMemoryErrorPct and MaxAbsMemoryErrorPct summarise Memory.
	MedianAbsMemoryErrorPct float64 `json:"median_abs_memory_error_pct"`
	MaxAbsMemoryErrorPct    float64 `json:"max_abs_memory_error_pct"`
	Note                    string  `json:"note,omitempty"`
}

// Validate projects each measured run from the others on the same device — decode speed with
// the decode model fitted without it, memory with the overhead fitted without it — and
// compares with what was measured. Runs of models not in models (or the catalog) are used
// only where their file size suffices.
func Validate(machine MachineSpec, cal Calibration, models []catalog.Model) Validation {
	known := append(append([]catalog.Model(nil), models...), catalog.All()...)
	v := Validation{Models: []SpeedCheck{}, Memory: []MemoryCheck{}}

	devices, priors := validationDevices(machine)
	for _, dev := range devices {
		v.addDecodeChecks(dev, speedSamples(cal.Measurements, known, dev), priors[dev])
		v.addPromptChecks(machine, dev, speedSamples(cal.Measurements, known, dev))
	}
	v.summariseSpeed()
	v.summariseExtrapolation()
	v.PerType = groupErrors(v.Models, func(c SpeedCheck) string { return string(c.Quant) })
	v.PerFamily = groupErrors(v.Models, func(c SpeedCheck) string { return c.Family })

	v.addMemoryChecks(overheadSamples(cal.Measurements, known))
	v.Note = validationNote(len(cal.Measurements), len(v.Models))
	return v
}

// validationDevices lists the devices whose runs are checked — the CPU, then every named GPU —
// with each one's decode prior (the CPU's for a GPU of unknown bandwidth).
func validationDevices(machine MachineSpec) ([]string, map[string]decodePrior) {
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
	return devices, priors
}

// addDecodeChecks adds the decode checks of dev's samples: kernel leave-one-out checks and
// extrapolation checks where every run's kernels could be fitted, and bytes-only checks for
// the rest (all of them when there are too few runs for kernel fits).
func (v *Validation) addDecodeChecks(dev string, samples []speedSample, prior decodePrior) {
	pts := decodeSamples(samples)
	kp := decodeKernelPoints(pts)
	kpr := kernelPrior{secPerGB: 1 / prior.gbs, what: prior.what}
	checks := honestLOO(dev, "decode", kp, kpr)
	var plain []speedSample
	if len(checks) == 0 || len(checks) < len(kp) { // too few runs for kernel fits: bytes alone
		checks, plain = nil, pts
	} else {
		plain = unprofiledSamples(pts)
	}
	for _, c := range checks {
		v.Models = append(v.Models, checkOf(c, dev, len(kp)-1))
	}
	for _, c := range extrapolationChecks(dev, "decode", kp, kpr) {
		c.band += extrapPrior * c.doublings
		sc := checkOf(c.looCheck, dev, 0)
		sc.Doublings = c.doublings
		v.Extrapolation = append(v.Extrapolation, sc)
	}
	for i, s := range plain {
		others := append(append([]speedSample(nil), plain[:i]...), plain[i+1:]...)
		v.Models = append(v.Models, bytesCheck(dev, s, others, prior))
	}
}

// decodeSamples keeps the samples that measured a decode speed.
func decodeSamples(ss []speedSample) []speedSample {
	var pts []speedSample
	for _, s := range ss {
		if s.m.DecodeTPS() > 0 {
			pts = append(pts, s)
		}
	}
	return pts
}

// unprofiledSamples keeps the samples whose tensor types are unknown: the kernel checks
// cannot project them.
func unprofiledSamples(ss []speedSample) []speedSample {
	var out []speedSample
	for _, s := range ss {
		if s.prof == nil {
			out = append(out, s)
		}
	}
	return out
}

// bytesCheck projects s on dev from the bytes-only decode model fitted on others.
func bytesCheck(dev string, s speedSample, others []speedSample, prior decodePrior) SpeedCheck {
	d := fitDecode(dev, others, prior)
	proj, lo, _ := d.TPS(s.readByte)
	e := 100 * relErr(proj, s.m.DecodeTPS())
	band := 100 * (proj/lo - 1)
	return SpeedCheck{ID: s.m.ModelID, Quant: s.m.Quant, Device: dev,
		MeasuredTPS: s.m.DecodeTPS(), ProjectedTPS: proj, ErrorPct: e, From: len(others), BandPct: band, Covered: math.Abs(e) <= band}
}

// addPromptChecks adds the prompt-speed leave-one-out checks of dev's samples, when dev has
// a prompt prior.
func (v *Validation) addPromptChecks(machine MachineSpec, dev string, samples []speedSample) {
	ppts := promptKernelPoints(samples)
	g, what, ok := promptPriorFor(machine, dev)
	if !ok {
		return
	}
	for _, c := range honestLOO(dev, "prompt", ppts, kernelPrior{secPerGB: 1 / g, what: what}) {
		v.Prompt = append(v.Prompt, checkOf(c, dev, len(ppts)-1))
	}
}

// summariseSpeed sets the medians and band coverage of the decode and prompt checks.
func (v *Validation) summariseSpeed() {
	var abs, bands, pabs []float64
	covered := 0
	for _, c := range v.Models {
		abs = append(abs, math.Abs(c.ErrorPct))
		bands = append(bands, c.BandPct)
		if c.Covered {
			covered++
		}
	}
	for _, c := range v.Prompt {
		pabs = append(pabs, math.Abs(c.ErrorPct))
	}
	v.MedianAbsErrorPct = units.Median(abs)
	v.PromptMedianAbsErrorPct = units.Median(pabs)
	v.MedianBandPct = units.Median(bands)
	if len(v.Models) > 0 {
		v.BandCoverage = float64(covered) / float64(len(v.Models))
	}
}

// summariseExtrapolation sets the median error and band coverage of the extrapolation checks
// (left zero, and out of the JSON, when there are none).
func (v *Validation) summariseExtrapolation() {
	var eabs []float64
	ecovered := 0
	for _, c := range v.Extrapolation {
		eabs = append(eabs, math.Abs(c.ErrorPct))
		if c.Covered {
			ecovered++
		}
	}
	if len(eabs) > 0 {
		v.ExtrapolationMedianAbsErrorPct = units.Median(eabs)
		v.ExtrapolationBandCoverage = float64(ecovered) / float64(len(eabs))
	}
}

// addMemoryChecks estimates each sample's peak RSS with the overhead fitted on the others
// (the default overhead when they cannot be fitted) and summarises the errors.
func (v *Validation) addMemoryChecks(ss []overheadSample) {
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
}

// validationNote says why a validation checks little: nothing measured, no speeds, or too
// few runs for the checks to mean much ("" otherwise).
func validationNote(measurements, speedChecks int) string {
	switch {
	case measurements == 0:
		return "nothing measured on this machine yet: run `slmscope calibrate`"
	case speedChecks == 0:
		return "no measured generation speeds: only the memory estimate can be checked"
	case speedChecks < 3:
		return "fewer than three measured runs: each check leans on the bandwidth prior"
	}
	return ""
}

// checkOf turns a kernel leave-one-out check into a SpeedCheck.
func checkOf(c looCheck, dev string, from int) SpeedCheck {
	e := c.errPct()
	return SpeedCheck{ID: c.p.s.m.ModelID, Quant: c.p.s.m.Quant, Device: dev, MeasuredTPS: 1 / c.p.y, ProjectedTPS: 1 / c.projected,
		ErrorPct: e, From: from, BandPct: 100 * c.band, Covered: math.Abs(e) <= 100*c.band, Family: c.family, Uncalibrated: c.uncal}
}

// groupErrors summarises checks per key (skipping empty keys), in key order.
func groupErrors(cs []SpeedCheck, key func(SpeedCheck) string) []TypeErrors {
	by := map[string][]SpeedCheck{}
	for _, c := range cs {
		if k := key(c); k != "" {
			by[k] = append(by[k], c)
		}
	}
	out := []TypeErrors{}
	for k, list := range by {
		te := TypeErrors{Name: k, Runs: len(list)}
		var abs []float64
		in := 0
		for _, c := range list {
			abs = append(abs, math.Abs(c.ErrorPct))
			te.MaxAbsErrorPct = math.Max(te.MaxAbsErrorPct, math.Abs(c.ErrorPct))
			if c.Covered {
				in++
			}
		}
		te.MedianAbsErrorPct = units.Median(abs)
		te.BandCoverage = float64(in) / float64(len(list))
		out = append(out, te)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// promptPriorFor is the prompt FLOP/s prior of a device, as FitSpeed uses it.
func promptPriorFor(machine MachineSpec, dev string) (float64, string, bool) {
	if dev == "cpu" {
		return cpuPromptPrior(machine)
	}
	for _, g := range machine.GPUs {
		if g.Name == dev && g.TFLOPS > 0 {
			return g.TFLOPS * 1000 * GPUPromptEfficiency, fmt.Sprintf("%s %.0f TFLOPS × %.2f", g.Name, g.TFLOPS, GPUPromptEfficiency), true
		}
	}
	return 0, "", false
}
