package estimate

import (
	"fmt"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// Placement says where a model would run.
const (
	PlaceGPU     = "gpu"     // every layer on one GPU (or Apple's unified memory under Metal)
	PlacePartial = "partial" // some layers on a GPU, the rest in system RAM
	PlaceRAM     = "ram"     // CPU only, in system RAM
	PlaceNone    = "none"    // does not fit anywhere
	PlaceUnknown = "unknown" // the machine's memory is not known
)

// tightShare is the share of available memory above which a fit is called tight.
const tightShare = 0.9

// Verdict is whether and where a model fits, with one sentence for people.
type Verdict struct {
	Fits      bool   `json:"fits"`
	Placement string `json:"placement"`
	// Device is the GPU's name for "gpu" and "partial".
	Device string `json:"device,omitempty"`
	// GPULayers of TotalLayers blocks go to the GPU (all for "gpu", none for "ram").
	GPULayers int `json:"gpu_layers"`
	// ExpertsInRAM is a partial placement of a mixture of experts as llama.cpp's --n-cpu-moe
	// makes it: every block on the GPU but the expert stacks of the first CPUExpertLayers
	// blocks, which stay in system RAM (all of them: --cpu-moe).
	ExpertsInRAM    bool  `json:"experts_in_ram,omitempty"`
	CPUExpertLayers int   `json:"cpu_expert_layers,omitempty"`
	TotalLayers     int   `json:"total_layers"`
	NeedBytes       int64 `json:"need_bytes"`
	// AvailableBytes is the memory the verdict compared against (GPU free memory, the Apple
	// working-set cap or usable RAM).
	AvailableBytes int64 `json:"available_bytes"`
	// Tight is set when the model needs more than 90% of that memory.
	Tight    bool   `json:"tight"`
	Sentence string `json:"sentence"`
}

// Judge decides where m, needing mem, fits on machine. The order follows what llama.cpp
// would do: the whole model on the GPU with the most bandwidth that has room (discrete GPUs
// against their free memory, Apple silicon against Metal's working-set cap and usable RAM),
// else as many layers as fit on a discrete GPU with the rest in RAM ("fits with N of M
// layers on the GPU"), else CPU only against usable RAM (available RAM capped by the cgroup
// limit).
func Judge(m catalog.Model, mem Memory, machine MachineSpec) Verdict {
	need := mem.RequiredBytes // peak RSS minus the droppable copy of repacked weights
	if need == 0 {
		need = mem.TotalBytes
	}
	v := Verdict{NeedBytes: need, TotalLayers: m.Layers}
	if v, ok := judgeWholeGPU(v, m, machine); ok {
		return v
	}
	if v, ok := judgeExpertsInRAM(v, m, mem, machine); ok {
		return v
	}
	if v, ok := judgePartial(v, m, mem, machine); ok {
		return v
	}
	return judgeRAM(v, machine)
}

// judgeWholeGPU places the whole model on the GPU with the most bandwidth that has room for
// it; false when none has.
func judgeWholeGPU(v Verdict, m catalog.Model, machine MachineSpec) (Verdict, bool) {
	gpuNeed := v.NeedBytes
	best := -1
	var bestAvail int64
	for i, g := range machine.GPUs {
		avail := gpuAvailable(g, machine)
		if avail <= 0 || gpuNeed > avail {
			continue
		}
		if best < 0 || g.BandwidthGBs > machine.GPUs[best].BandwidthGBs {
			best, bestAvail = i, avail
		}
	}
	if best < 0 {
		return v, false
	}
	g := machine.GPUs[best]
	v.Fits, v.Placement, v.Device, v.GPULayers, v.AvailableBytes, v.NeedBytes = true, PlaceGPU, g.Name, m.Layers, bestAvail, gpuNeed
	v.Tight = float64(gpuNeed) > tightShare*float64(bestAvail)
	what := "free on"
	if g.Unified {
		what = "usable by the GPU on"
	}
	v.Sentence = fmt.Sprintf("fits on the GPU: needs %s of %s %s %s", units.Bytes(gpuNeed), units.Bytes(bestAvail), what, g.Name)
	return v.withTight(), true
}

// judgePartial offloads as many layers as fit to the discrete GPU that takes the most, the
// rest staying in system RAM; false when no GPU takes even one layer with the rest fitting.
func judgePartial(v Verdict, m catalog.Model, mem Memory, machine MachineSpec) (Verdict, bool) {
	ram := machine.UsableRAM()
	perLayer := mem.Weights.LayerBytes + mem.KVBytes/int64(max(m.Layers, 1))
	for _, g := range machine.GPUs {
		n, ok := offloadLayers(g, m, mem, perLayer)
		if !ok {
			continue
		}
		cpuPart := v.NeedBytes - int64(n)*perLayer
		if ram > 0 && cpuPart > ram {
			continue
		}
		if n > v.GPULayers {
			v.Fits, v.Placement, v.Device, v.GPULayers, v.AvailableBytes = true, PlacePartial, g.Name, n, g.FreeBytes
			v.Sentence = fmt.Sprintf("fits with %d of %d layers on the GPU %s (%s free there); the other %s stays in system RAM, which is slower",
				n, m.Layers, g.Name, units.Bytes(g.FreeBytes), units.Bytes(cpuPart))
		}
	}
	return v, v.Fits
}

// judgeExpertsInRAM places a mixture of experts that does not fit whole on a GPU as llama.cpp's
// --n-cpu-moe N does (and its --fit does for such models): the expert stacks of the first N
// blocks in system RAM, the fewest that let everything else — the other experts, attention,
// shared experts, embeddings, output, KV cache, compute buffers — fit on the discrete GPU with
// the most bandwidth. A token then reads those blocks' active experts on the CPU. False for a
// dense model, or when the GPU is short even with every expert in RAM, or the RAM is.
func judgeExpertsInRAM(v Verdict, m catalog.Model, mem Memory, machine MachineSpec) (Verdict, bool) {
	experts, layers := mem.Weights.ExpertBytes, int64(max(m.Layers, 1))
	if experts <= 0 {
		return v, false
	}
	perLayer := experts / layers
	best, bestN := -1, int64(0)
	for i, g := range machine.GPUs {
		if g.Unified || g.FreeBytes <= 0 || v.NeedBytes-experts > g.FreeBytes {
			continue
		}
		n := min(layers, (v.NeedBytes-g.FreeBytes+perLayer-1)/max(perLayer, 1)) // blocks whose experts must leave
		if best < 0 || g.BandwidthGBs > machine.GPUs[best].BandwidthGBs {
			best, bestN = i, max(n, 1)
		}
	}
	if best < 0 {
		return v, false
	}
	inRAM := bestN * perLayer
	if ram := machine.UsableRAM(); ram > 0 && inRAM > ram {
		return v, false
	}
	g := machine.GPUs[best]
	v.Fits, v.Placement, v.Device, v.GPULayers, v.AvailableBytes = true, PlacePartial, g.Name, m.Layers, g.FreeBytes
	v.ExpertsInRAM, v.CPUExpertLayers = true, int(bestN)
	flag := fmt.Sprintf("--n-cpu-moe %d", bestN)
	if bestN == layers {
		flag = "--cpu-moe"
	}
	v.Sentence = fmt.Sprintf("fits with the experts of %d of %d layers in system RAM (%s) and the rest on the GPU %s (%s of %s free), as llama.cpp's %s places it; "+
		"a token reads those experts on the CPU, which is slower",
		bestN, layers, units.Bytes(inRAM), g.Name, units.Bytes(v.NeedBytes-inRAM), units.Bytes(g.FreeBytes), flag)
	return v, true
}

// GPUShare says what part of a partial placement is on the GPU: "20 of 32 layers" or "all
// but 9 of 48 layers' experts".
func (v Verdict) GPUShare() string {
	if v.ExpertsInRAM {
		return fmt.Sprintf("all but %d of %d layers' experts", v.CPUExpertLayers, v.TotalLayers)
	}
	return fmt.Sprintf("%d of %d layers", v.GPULayers, v.TotalLayers)
}

// offloadLayers is how many layers of perLayer bytes discrete GPU g takes beside the runtime's
// fixed overhead — never all of them, or it would be a whole-GPU fit; false for a unified GPU,
// one with no free memory, or room for less than a layer.
func offloadLayers(g GPU, m catalog.Model, mem Memory, perLayer int64) (int, bool) {
	if g.Unified || g.FreeBytes <= 0 || perLayer <= 0 {
		return 0, false
	}
	n := int((g.FreeBytes - (mem.OverheadBytes - mem.RepackBytes)) / perLayer)
	if n < 1 {
		return 0, false
	}
	if n >= m.Layers {
		n = m.Layers - 1
	}
	return n, true
}

// judgeRAM judges a CPU-only run against usable RAM: it fits, does not, or cannot be judged
// when the machine's free memory is unknown.
func judgeRAM(v Verdict, machine MachineSpec) Verdict {
	need, ram := v.NeedBytes, machine.UsableRAM()
	if ram <= 0 {
		v.Placement = PlaceUnknown
		v.Sentence = fmt.Sprintf("needs %s; this machine's free memory is unknown, so the fit cannot be judged", units.Bytes(need))
		return v
	}
	v.AvailableBytes = ram
	what := "available RAM"
	if machine.CgroupLimitBytes > 0 && machine.CgroupLimitBytes == ram {
		what = "the container's memory limit"
	}
	if need <= ram {
		v.Fits, v.Placement = true, PlaceRAM
		v.Tight = float64(need) > tightShare*float64(ram)
		v.Sentence = fmt.Sprintf("fits in RAM: needs %s of %s %s", units.Bytes(need), units.Bytes(ram), what)
		return v.withTight()
	}
	v.Placement = PlaceNone
	v.Sentence = fmt.Sprintf("does not fit: needs %s, %s is %s (%s short)", units.Bytes(need), what, units.Bytes(ram), units.Bytes(need-ram))
	if len(machine.GPUs) > 0 {
		v.Sentence += ", and no GPU has room for even one layer"
	}
	return v
}

// gpuAvailable is what a whole model may use on g: free memory for a discrete GPU; for a
// unified-memory GPU, Apple's working-set cap (when known) bounded by usable RAM.
func gpuAvailable(g GPU, machine MachineSpec) int64 {
	if !g.Unified {
		return g.FreeBytes
	}
	avail := machine.AppleWorkingSetBytes
	if avail == 0 {
		avail = g.FreeBytes
	}
	if ram := machine.UsableRAM(); ram > 0 && (avail == 0 || ram < avail) {
		avail = ram
	}
	return avail
}

func (v Verdict) withTight() Verdict {
	if v.Tight {
		v.Sentence += " (tight: less than 10% to spare)"
	}
	return v
}

// FitInputs are what a fit depends on besides the model, its tensors and the machine.
type FitInputs struct {
	Context int    // tokens of context (0 = DefaultContext); capped at the model's trained context
	UBatch  int    // largest micro-batch the run uses (0 = DefaultUBatch): it sizes the compute scratch
	KVType  string // KV cache type ("" = F16)
}

// Fit is slmscope's one fit rule: the memory model m needs with typed tensors ts (a plan or a
// real file's tensor table) — exact weights, exact KV cache for the context, capped at the
// model's trained context as llama.cpp caps it, and the runtime overhead fitted on this
// machine's runs, ov — judged against machine by Judge. A CPU run whose mapped file and
// repacked copy would crowd usable RAM reads the weights directly instead (readDirectly), and
// its memory says so. FitAt is this rule for a catalog quant; the Compare table's Fits? column
// (projectTensors), the model pickers, the Run buttons, the twin cache's refusal, the lesson's
// live facts, the worker's read mode and the command line all come here.
func Fit(m catalog.Model, q quant.Quant, ts []Tensor, in FitInputs, machine MachineSpec, ov Overhead) (Memory, Verdict, error) {
	in.Context = FitContext(m, in.Context)
	if in.UBatch <= 0 {
		in.UBatch = DefaultUBatch
	}
	mem, err := estimateMemoryPlan(m, q, ts, in.Context, in.UBatch, in.KVType, ov)
	if err != nil {
		return Memory{}, Verdict{}, err
	}
	v := Judge(m, mem, machine)
	if v.Placement == PlaceRAM {
		if d, ok := mem.readDirectly(machine.UsableRAM()); ok {
			mem, v = d, Judge(m, d, machine)
		}
	}
	return mem, v, nil
}

// FitContext is the context a run of m gets when context tokens are asked for: DefaultContext
// for none, and never more than the model was trained for.
func FitContext(m catalog.Model, context int) int {
	if context <= 0 {
		context = DefaultContext
	}
	if m.Context > 0 && context > m.Context {
		context = m.Context
	}
	return context
}

// FitAt is Fit for catalog model m at quant q and context tokens, with the largest micro-batch.
func FitAt(m catalog.Model, q quant.Quant, context int, machine MachineSpec, ov Overhead) (Verdict, error) {
	ts, err := Plan(m, q)
	if err != nil {
		return Verdict{}, err
	}
	_, v, err := Fit(m, q, ts, FitInputs{Context: context}, machine, ov)
	return v, err
}
