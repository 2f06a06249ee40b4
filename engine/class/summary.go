package class

import (
	"fmt"
	"sort"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/ident"
	"slmscope/engine/quant"
	"slmscope/internal/predict"
)

// FitContext is the context length the class's fit questions use.
const FitContext = 4096

// FitModels are the class's questions: "how many machines in this room can run …?".
var FitModels = []struct {
	ID    string
	Quant quant.Quant
}{{"llama-3.1-8b", quant.Q4_K_M}, {"qwen2.5-7b", quant.Q4_K_M}, {"llama-3.1-70b", quant.Q4_K_M}}

// Fit is one machine's verdict for one of FitModels, by the one fit rule (estimate.FitAt)
// with that machine's own memory and calibrated overhead.
type Fit struct {
	Model          string `json:"model"`
	Quant          string `json:"quant"`
	Fits           bool   `json:"fits"`
	Placement      string `json:"placement,omitempty"`
	NeedBytes      int64  `json:"need_bytes"`
	AvailableBytes int64  `json:"available_bytes"`
}

// CanRun counts the machines that can run one of FitModels.
type CanRun struct {
	Model    string `json:"model"`
	Quant    string `json:"quant"`
	Machines int    `json:"machines"`
	Of       int    `json:"of"`
}

// Median is the class's median machine: the one with the median measured bandwidth, and the
// medians of RAM and cores over every machine.
type Median struct {
	Label        string  `json:"label"`
	CPU          string  `json:"cpu"`
	BandwidthGBs float64 `json:"bandwidth_gbs"`
	RAMBytes     int64   `json:"ram_bytes"`
	// MedianRAMBytes and MedianCores are over all machines (not the median machine's own).
	MedianRAMBytes int64   `json:"median_ram_bytes"`
	MedianCores    float64 `json:"median_cores"`
}

// SpeedModel is the model most machines measured, for speed against bandwidth: each machine's
// newest generation speed beside its measured bandwidth, and the ceiling line bandwidth ÷
// bytes read per token.
type SpeedModel struct {
	Key   string `json:"key"`
	Model string `json:"model"`
	// ReadPerTokenBytes is what one generated token reads from memory (0 = not a catalog
	// model: no ceiling line).
	ReadPerTokenBytes int64        `json:"read_per_token_bytes,omitempty"`
	Points            []SpeedPoint `json:"points"`
}

// SpeedPoint is one machine on the speed-against-bandwidth chart.
type SpeedPoint struct {
	Label        string  `json:"label"`
	BandwidthGBs float64 `json:"bandwidth_gbs"`
	GenTPS       float64 `json:"gen_tps"`
}

// summarise fills everything computed from the machines.
func (c *Class) summarise() {
	var all []predict.Prediction
	for i := range c.Machines {
		m := &c.Machines[i]
		m.Fits = fitsOf(m)
		all = append(all, m.res.Predictions...)
	}
	c.Predictions = predict.ScoreAll(all)
	for k, f := range FitModels {
		cm, ok := catalog.ByID(f.ID)
		if !ok {
			continue
		}
		cr := CanRun{Model: cm.Name, Quant: f.Quant.String(), Of: len(c.Machines)}
		for _, m := range c.Machines {
			if k < len(m.Fits) && m.Fits[k].Fits {
				cr.Machines++
			}
		}
		c.CanRun = append(c.CanRun, cr)
	}
	c.Median = medianOf(c.Machines)
	c.Speed = speedModel(c.Machines)
	c.RPC = rpcPlans(c.Machines)
}

// overheadOf is the runtime overhead fitted on a machine's own calibration.
func overheadOf(m *Machine) estimate.Overhead {
	return estimate.FitOverhead(m.res.Calibration.Measurements, catalog.All())
}

// fitsOf judges FitModels on m (in FitModels' order; a model the catalog lacks is skipped).
func fitsOf(m *Machine) []Fit {
	ov := overheadOf(m)
	var out []Fit
	for _, f := range FitModels {
		cm, ok := catalog.ByID(f.ID)
		if !ok {
			continue
		}
		fit := Fit{Model: cm.Name, Quant: f.Quant.String()}
		if v, err := estimate.FitAt(cm, f.Quant, FitContext, m.res.Machine, ov); err == nil {
			fit.Fits, fit.Placement, fit.NeedBytes, fit.AvailableBytes = v.Fits, v.Placement, v.NeedBytes, v.AvailableBytes
		}
		out = append(out, fit)
	}
	return out
}

// medianOf picks the machine with the median measured bandwidth (the lower of two middles).
func medianOf(ms []Machine) *Median {
	if len(ms) == 0 {
		return nil
	}
	var measured []Machine
	var rams []int64
	var cores []int
	for _, m := range ms {
		if m.BandwidthGBs > 0 {
			measured = append(measured, m)
		}
		rams = append(rams, m.RAMBytes)
		cores = append(cores, m.Cores)
	}
	if len(measured) == 0 {
		measured = ms
	}
	sort.SliceStable(measured, func(i, j int) bool { return measured[i].BandwidthGBs < measured[j].BandwidthGBs })
	mid := measured[(len(measured)-1)/2]
	sort.Slice(rams, func(i, j int) bool { return rams[i] < rams[j] })
	sort.Ints(cores)
	md := &Median{Label: mid.Label, CPU: mid.CPU, BandwidthGBs: mid.BandwidthGBs, RAMBytes: mid.RAMBytes}
	n := len(ms)
	md.MedianRAMBytes = (rams[(n-1)/2] + rams[n/2]) / 2
	md.MedianCores = float64(cores[(n-1)/2]+cores[n/2]) / 2
	return md
}

// speedModel picks the model measured on the most machines (ties: the fewest parameters)
// and collects each machine's speed for it.
func speedModel(ms []Machine) *SpeedModel {
	count := map[string]int{}
	name := map[string]string{}
	for _, m := range ms {
		for _, r := range m.Runs {
			if speedRun(m, r) {
				count[r.Key]++
				name[r.Key] = r.Model
			}
		}
	}
	best := ""
	for k := range count {
		if best == "" || preferSpeedModel(k, best, count) {
			best = k
		}
	}
	if best == "" {
		return nil
	}
	s := &SpeedModel{Key: best, Model: name[best], ReadPerTokenBytes: readPerToken(best)}
	for _, m := range ms {
		for _, r := range m.Runs {
			if r.Key == best && speedRun(m, r) {
				s.Points = append(s.Points, SpeedPoint{Label: m.Label, BandwidthGBs: m.BandwidthGBs, GenTPS: r.GenTPS})
			}
		}
	}
	return s
}

// speedRun reports whether run r on machine m can place a point on the speed chart: it
// needs both a generation speed and the machine's bandwidth.
func speedRun(m Machine, r RunRow) bool { return r.GenTPS > 0 && m.BandwidthGBs > 0 }

// preferSpeedModel reports whether key k makes a better speed model than best: measured on
// more machines, then fewer parameters, then the lower key so that the choice is stable.
func preferSpeedModel(k, best string, count map[string]int) bool {
	if count[k] != count[best] {
		return count[k] > count[best]
	}
	if pk, pb := paramsOf(k), paramsOf(best); pk != pb {
		return pk < pb
	}
	return k < best
}

// readPerToken is the bytes one generated token reads for catalog key key, or 0 for a file
// or a model the catalog does not have.
func readPerToken(key string) int64 {
	id, q, ok := ident.Key(key).Catalog()
	if !ok {
		return 0
	}
	cm, ok := catalog.ByID(id)
	if !ok {
		return 0
	}
	ps, _ := estimate.ProjectWith(estimate.MachineSpec{MeasuredBandwidthGBs: 1}, estimate.Calibration{}, []catalog.Model{cm}, []quant.Quant{q}, estimate.Options{})
	if len(ps) != 1 {
		return 0
	}
	return ps[0].ReadPerTokenBytes
}

// paramsOf is a catalog key's parameter count (files sort last).
func paramsOf(key string) int64 {
	if id, _, ok := ident.Key(key).Catalog(); ok {
		if cm, ok := catalog.ByID(id); ok {
			return cm.Params
		}
	}
	return 1 << 62
}

// Ceiling is the tokens per second a machine of bandwidth gbs cannot beat on the speed
// model: every weight read once per generated token.
func (s SpeedModel) Ceiling(gbs float64) float64 {
	if s.ReadPerTokenBytes <= 0 {
		return 0
	}
	return gbs * 1e9 / float64(s.ReadPerTokenBytes)
}

// String names the fit question: "Llama-3.1-8B Q4_K_M: 3 of 5 machines".
func (c CanRun) String() string {
	return fmt.Sprintf("%s %s: %d of %d machines", c.Model, c.Quant, c.Machines, c.Of)
}
