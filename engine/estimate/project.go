package estimate

import (
	"fmt"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// DefaultContext is the context length projections use when none is given.
const DefaultContext = 4096

// Sources of a projection's numbers.
const (
	SourceMeasured  = "measured"
	SourceProjected = "projected"
)

// Options tune ProjectWith; the zero value means the defaults.
type Options struct {
	Context      int    // tokens of context the KV cache holds (default 4096)
	PromptTokens int    // prompt length for time to first token (default 512)
	KVType       string // KV cache type (default F16)
	Cost         CostSettings
	// GPULayers, when above 0, places that many layers on the GPU with the most bandwidth, as
	// llama.cpp's n_gpu_layers counts them (the output layer first, then blocks), instead of
	// the fit rule's choice: for projecting the offload a person sets by hand.
	GPULayers int
	// Published also projects each model at the quantization its makers published it in
	// (catalog.Model.PublishedQuant) when the quants asked for lack it.
	Published bool
}

func (o Options) withDefaults() Options {
	if o.Context <= 0 {
		o.Context = DefaultContext
	}
	if o.PromptTokens <= 0 {
		o.PromptTokens = defaultPrompt
	}
	if o.KVType == "" {
		o.KVType = "F16"
	}
	if o.Cost.PricePerKWh == 0 && o.Cost.Currency == "" {
		o.Cost = DefaultCostSettings()
	}
	return o
}

// Projection is what slmscope says about one model at one quantization on this machine.
// JSON field names follow `slmscope project --json`.
type Projection struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Quant   quant.Quant `json:"quant"`
	Params  int64       `json:"params"`
	Context int         `json:"context"`

	// MemoryBytes is what must fit in memory (Memory.RequiredBytes); Memory.TotalBytes is the
	// expected peak RSS, which for Q4 weights on a CPU also counts a droppable second copy.
	MemoryBytes int64  `json:"memory_bytes"`
	Memory      Memory `json:"memory"`
	// MeasuredPeakRSSBytes is set when this exact model and quant was measured.
	MeasuredPeakRSSBytes int64 `json:"measured_peak_rss_bytes,omitempty"`

	Fits       bool    `json:"fits"`
	Verdict    string  `json:"verdict"`
	FitVerdict Verdict `json:"fit_detail"`
	// Device is where the speed figures assume it runs: "cpu", a GPU name, or
	// "GPU name + cpu" for partial offload.
	Device string `json:"device"`

	DecodeTPS     float64 `json:"decode_tps"`
	DecodeTPSLow  float64 `json:"decode_tps_low"`
	DecodeTPSHigh float64 `json:"decode_tps_high"`
	PromptTPS     float64 `json:"prompt_tps"`
	PromptTokens  int     `json:"prompt_tokens"`
	// TTFTMs is time to first token for PromptTokens of prompt, model already loaded;
	// Low/High bound it when the per-kernel prompt model projected it.
	TTFTMs     float64 `json:"ttft_ms"`
	TTFTMsLow  float64 `json:"ttft_ms_low,omitempty"`
	TTFTMsHigh float64 `json:"ttft_ms_high,omitempty"`
	// Uncalibrated lists the kernels no calibration run measured ("Q3_K from Q4_K"): their
	// cost is the nearest measured kernel's and the band is wider.
	Uncalibrated []string `json:"uncalibrated_types,omitempty"`
	// ReadPerTokenBytes is what one generated token streams from memory.
	ReadPerTokenBytes int64 `json:"read_per_token_bytes"`

	// Source is "measured" when a run of this exact model and quant was measured here,
	// otherwise "projected". Calibrated tells whether a projection rests on measurements
	// from this machine ("uncalibrated" ones rest on bandwidth and published efficiency).
	Source     string `json:"source"`
	Calibrated bool   `json:"calibrated"`
	Basis      string `json:"basis"`

	// Cost is the local cost of a million generated tokens; InputCost of a million prompt
	// tokens (at the prompt speed), for comparing with an API's input price.
	Cost      Cost `json:"cost"`
	InputCost Cost `json:"input_cost"`
}

// Label is the short badge for a projection: "measured", "projected" or
// "projected, uncalibrated".
func (p Projection) Label() string {
	if p.Source == SourceMeasured {
		return SourceMeasured
	}
	if !p.Calibrated {
		return SourceProjected + ", uncalibrated"
	}
	return SourceProjected
}

// Project projects every model at every quant for this machine and calibration at context
// tokens (0 = DefaultContext), with a 512-token prompt for time to first token. Unknown quant
// names and models whose shapes cannot be planned are skipped; ProjectWith reports them.
func Project(machine MachineSpec, cal Calibration, models []catalog.Model, quants []quant.Quant, context int) []Projection {
	out, _ := ProjectWith(machine, cal, models, quants, Options{Context: context})
	return out
}

// ProjectWith is Project with options; it also returns one error per skipped model/quant.
func ProjectWith(machine MachineSpec, cal Calibration, models []catalog.Model, quants []quant.Quant, opt Options) ([]Projection, []error) {
	opt = opt.withDefaults()
	if len(quants) == 0 {
		quants = DefaultQuants()
	}
	known := append(append([]catalog.Model(nil), models...), catalog.All()...)
	pr := projector{machine: machine, cal: cal, opt: opt,
		ov: FitOverhead(cal.Measurements, known), sm: FitSpeed(machine, cal.Measurements, known)}
	var out []Projection
	var errs []error
	for _, m := range models {
		for _, q := range modelQuants(m, quants, opt.Published) {
			p, err := pr.projectPlan(m, q)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, p)
		}
	}
	return out, errs
}

// modelQuants is quants, and m's published quantization after them when published is set and
// they lack it.
func modelQuants(m catalog.Model, quants []quant.Quant, published bool) []quant.Quant {
	if !published || m.PublishedQuant == "" {
		return quants
	}
	pq := quant.Canonical(m.PublishedQuant)
	for _, q := range quants {
		if quant.Canonical(string(q)) == pq {
			return quants
		}
	}
	return append(append([]quant.Quant(nil), quants...), pq)
}

// projector is what every projection on one machine shares: the machine, its calibration
// runs, the options and the overhead and speed models fitted on those runs.
type projector struct {
	machine MachineSpec
	cal     Calibration
	opt     Options
	ov      Overhead
	sm      SpeedModels
}

// projectPlan projects catalog model m at the quant named qt, from the quant's tensor plan.
func (pr projector) projectPlan(m catalog.Model, qt quant.Quant) (Projection, error) {
	q, err := quant.Parse(string(qt))
	if err != nil {
		return Projection{}, err
	}
	ts, err := Plan(m, q)
	if err != nil {
		return Projection{}, err
	}
	return pr.projectTensors(m, q, ts)
}

// projectTensors projects model m whose typed tensors are ts (a plan, or a real file's
// tensor table); q labels it and finds its measured runs.
func (pr projector) projectTensors(m catalog.Model, q quant.Quant, ts []Tensor) (Projection, error) {
	opt := pr.opt
	mem, v, err := Fit(m, q, ts, FitInputs{Context: opt.Context, UBatch: min(opt.PromptTokens, DefaultUBatch), KVType: opt.KVType}, pr.machine, pr.ov)
	if err != nil {
		return Projection{}, err
	}
	if opt.GPULayers > 0 {
		v = forceLayers(v, m, pr.machine, opt.GPULayers)
	}
	pos := opt.PromptTokens + decodeGenTokens/2
	kv, _ := modelKV(m, max(pos, 1), "F16")
	read := float64(mem.Weights.ReadPerToken + kv)
	p := Projection{
		ID: m.ID, Name: m.Name, Quant: q, Params: mem.Weights.Params, Context: mem.Context,
		MemoryBytes: mem.RequiredBytes, Memory: mem, Fits: v.Fits, Verdict: v.Sentence, FitVerdict: v,
		PromptTokens: opt.PromptTokens, ReadPerTokenBytes: int64(read), Source: SourceProjected,
	}

	gpu := gpuNamed(pr.machine, v.Device)
	d, prompt := pr.projectDecode(decodeWork{m: m, ts: ts, w: mem.Weights, read: read, pos: pos}, v, gpu)
	p.DecodeTPS, p.DecodeTPSLow, p.DecodeTPSHigh = d.tps, d.low, d.high
	p.Device, p.Calibrated, p.Uncalibrated = d.device, d.calibrated, d.uncalibrated
	decodeBasis := d.basis
	tailDevice := "cpu"
	if v.Placement == PlaceGPU && gpu != nil {
		tailDevice = gpu.Name
	}
	if t := toMean(&p, pr.cal.Measurements, tailDevice); t != "" {
		decodeBasis += "; " + t
	}
	pp := projectPrompt(prompt, m, ts, p.Params, p.Device, opt.PromptTokens)
	p.PromptTPS, p.TTFTMs, p.TTFTMsLow, p.TTFTMsHigh = pp.tps, pp.ttftMs, pp.ttftMsLow, pp.ttftMsHigh
	promptBasis := pp.basis

	// A measured run of this exact model and quant replaces the projection.
	if runs := matchingRuns(pr.cal.Measurements, m.ID, q); len(runs) > 0 {
		secAt := func(at int) float64 { return pr.decodeSeconds(m, ts, mem.Weights, v, gpu, at) }
		if pm := applyMeasured(&p, runs, opt, secAt); pm.ttft {
			promptBasis = fmt.Sprintf("prompt %.0f tok/s and time to first token measured", p.PromptTPS)
		} else if pm.speed {
			promptBasis = fmt.Sprintf("prompt %.0f tok/s measured (on %s-token prompts); time to first token = %d tokens ÷ that speed", p.PromptTPS, pm.lengths, opt.PromptTokens)
		}
		decodeBasis = p.Basis
	} else {
		label := "projected"
		if !p.Calibrated {
			label = "projected, uncalibrated"
		}
		decodeBasis = fmt.Sprintf("%s: decode reads %s per token; %s", label, units.Bytes(int64(read)), decodeBasis)
	}
	if m.IsMoE() {
		decodeBasis = moeBasis(m, mem.Weights, ts, opt.PromptTokens) + "; " + decodeBasis
	}
	p.Basis = joinNonEmpty("; ", decodeBasis, promptBasis, "memory: "+mem.Basis, "fit: "+v.Sentence)
	pw := powerFor(pr.machine, pr.cal, gpu, p.Device)
	p.Cost = CostPerMillion(p.DecodeTPS, pw, opt.Cost)
	p.InputCost = CostPerMillion(p.PromptTPS, pw, opt.Cost)
	return p, nil
}

// gpuNamed is the machine's GPU called name (the last one, should two share it), nil for none.
// forceLayers places n layers as llama.cpp's n_gpu_layers counts them — the output layer,
// then n-1 blocks from the last down — on the machine's GPU with the most bandwidth; v is
// unchanged on a machine without one. The verdict counts blocks (partialDecode adds the
// output layer's read to the GPU's share).
func forceLayers(v Verdict, m catalog.Model, machine MachineSpec, n int) Verdict {
	best := -1
	for i, g := range machine.GPUs {
		if best < 0 || g.BandwidthGBs > machine.GPUs[best].BandwidthGBs {
			best = i
		}
	}
	if best < 0 {
		return v
	}
	g := machine.GPUs[best]
	v.Device, v.GPULayers, v.Fits, v.ExpertsInRAM = g.Name, min(n-1, m.Layers), true, false
	v.Placement = PlacePartial
	if n > m.Layers {
		v.Placement = PlaceGPU
	}
	v.Sentence = fmt.Sprintf("%d of %d layers on %s, as asked (the output layer and %d blocks)", min(n, m.Layers+1), m.Layers+1, g.Name, v.GPULayers)
	return v
}

func gpuNamed(machine MachineSpec, name string) *GPU {
	var gpu *GPU
	for i := range machine.GPUs {
		if machine.GPUs[i].Name == name {
			gpu = &machine.GPUs[i]
		}
	}
	return gpu
}

// moeBasis says what a mixture of experts reads: per generated token its shared weights and
// active experts, per prompt batch the distinct experts the batch touches, while memory
// holds every expert.
func moeBasis(m catalog.Model, w Weights, ts []Tensor, promptTokens int) string {
	n := max(min(promptTokens, DefaultUBatch), 1)
	return fmt.Sprintf("mixture of experts: reads %s of %s weights per token (%d of %d experts per layer%s); a %d-token prompt batch touches %.1f of %d experts per layer (%s of weights read once); memory holds every expert",
		units.Params(w.ActiveParams), units.Params(w.Params), m.ActiveExperts, m.Experts, sharedText(m), n,
		ExpertsTouched(m.Experts, m.ActiveExperts, n), m.Experts, units.Bytes(BatchReadBytes(m, ts, n)))
}

// idleExpertParams is the expert weights a token does not use: (1 − k/e) of every expert stack.
func idleExpertParams(m catalog.Model, ts []Tensor) int64 {
	var n float64
	for _, t := range ts {
		if t.Experts > 0 {
			n += float64(t.Elements()) * (1 - activeShare(m, t))
		}
	}
	return int64(n)
}

func sharedText(m catalog.Model) string {
	if m.SharedExperts == 0 {
		return ""
	}
	return fmt.Sprintf(" plus %d shared", m.SharedExperts)
}

func hasModel(m map[string]DecodeModel, name string) bool {
	_, ok := m[name]
	return ok
}

// powerFor picks measured power for the device from the calibration runs, else the default.
func powerFor(machine MachineSpec, cal Calibration, gpu *GPU, device string) Power {
	sum, n, src := 0.0, 0, ""
	for _, m := range cal.Measurements {
		if m.AvgPowerW <= 0 {
			continue
		}
		if gpu == nil && !m.OnCPU() || gpu != nil && m.Device != gpu.Name {
			continue
		}
		sum += m.AvgPowerW
		n++
		src = m.PowerSource
	}
	if n > 0 {
		if src == "" {
			src = "power counter"
		}
		return MeasuredPower(sum/float64(n), fmt.Sprintf("%s, mean of %d run(s) on %s", src, n, device))
	}
	return DefaultPower(machine, gpu)
}

// uncalText says which kernels were projected from others.
func uncalText(uncal []string) string {
	if len(uncal) == 0 {
		return ""
	}
	return "; uncalibrated type " + strings.Join(uncal, ", ") + " (cost of the nearest measured kernel, wider band)"
}
