package class

import (
	"sort"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
)

// RPCLabel says what every RPC figure is.
const RPCLabel = "projected, not measured: slmscope's runtime has no RPC backend"

// ActivationBytes is what one activation value costs on the wire: llama.cpp's RPC backend
// passes the hidden state between machines as F32.
const ActivationBytes = 4

// RPCQuant is the quantization the plans assume (what people download).
const RPCQuant = quant.Q4_K_M

// RPCPlan is what llama.cpp's RPC backend would need to run a model too large for any single
// machine of the class, split evenly by layers over Machines of them.
type RPCPlan struct {
	Model     string `json:"model"`
	Quant     string `json:"quant"`
	Layers    int    `json:"layers"`
	NeedBytes int64  `json:"need_bytes"`
	// Machines is the fewest machines of this class whose usable memory holds an even share
	// (0 = even all of them together cannot).
	Machines        int   `json:"machines"`
	PerMachineBytes int64 `json:"per_machine_bytes"`
	// Boundaries is the number of machine-to-machine hops a token crosses (Machines − 1);
	// TrafficPerTokenBytes = hidden size × ActivationBytes × Boundaries.
	Boundaries           int    `json:"boundaries"`
	Hidden               int    `json:"hidden"`
	TrafficPerTokenBytes int64  `json:"traffic_per_token_bytes"`
	Label                string `json:"label"`
}

// rpcPlans plans every catalog model at RPCQuant that fits on no machine of the class.
func rpcPlans(ms []Machine) []RPCPlan {
	if len(ms) == 0 {
		return nil
	}
	usable := make([]int64, len(ms))
	for i, m := range ms {
		usable[i] = m.res.Machine.UsableRAM()
	}
	sort.Slice(usable, func(i, j int) bool { return usable[i] > usable[j] })
	var out []RPCPlan
	for _, cm := range catalog.All() {
		if cm.ID == "tiny" || fitsSomewhere(cm, ms) {
			continue
		}
		mem, err := estimate.EstimateMemory(cm, RPCQuant, FitContext, "", estimate.DefaultOverhead())
		if err != nil {
			continue
		}
		need := mem.RequiredBytes
		if need == 0 {
			need = mem.TotalBytes
		}
		p := RPCPlan{Model: cm.Name, Quant: RPCQuant.String(), Layers: cm.Layers, NeedBytes: need, Hidden: cm.Hidden, Label: RPCLabel}
		for n := 2; n <= len(usable) && n <= cm.Layers; n++ {
			if usable[n-1] >= need/int64(n) {
				p.Machines = n
				break
			}
		}
		if p.Machines > 0 {
			p.PerMachineBytes = need / int64(p.Machines)
			p.Boundaries = p.Machines - 1
			p.TrafficPerTokenBytes = int64(cm.Hidden) * ActivationBytes * int64(p.Boundaries)
		}
		out = append(out, p)
	}
	return out
}

// fitsSomewhere says whether any machine can run cm at RPCQuant by the one fit rule.
func fitsSomewhere(cm catalog.Model, ms []Machine) bool {
	for i := range ms {
		if v, err := estimate.FitAt(cm, RPCQuant, FitContext, ms[i].res.Machine, overheadOf(&ms[i])); err == nil && v.Fits {
			return true
		}
	}
	return false
}
