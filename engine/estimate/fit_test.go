package estimate

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// noise returns a deterministic pseudo-random value in [-1, 1] for index i.
func noise(i int) float64 {
	x := uint32(i*2654435761 + 12345)
	x ^= x >> 13
	x *= 0x5bd1e995
	x ^= x >> 15
	return float64(x%20001)/10000 - 1
}

func TestLinearFitRecoversLine(t *testing.T) {
	// y = 3 + 2x exactly, no prior weight.
	var x [][]float64
	var y []float64
	for i := 0; i < 5; i++ {
		x = append(x, []float64{1, float64(i)})
		y = append(y, 3+2*float64(i))
	}
	th, err := linearFit(x, y, nil, []float64{0, 0}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(th[0]-3) > 1e-9 || math.Abs(th[1]-2) > 1e-9 {
		t.Errorf("fit %v, want [3 2]", th)
	}
	// No data: the prior mean.
	th, err = linearFit(nil, nil, nil, []float64{5, 7}, []float64{1, 1})
	if err != nil || th[0] != 5 || th[1] != 7 {
		t.Errorf("empty fit %v %v, want the prior [5 7]", th, err)
	}
	// One point and no prior cannot pin two unknowns.
	if _, err := linearFit([][]float64{{1, 2}}, []float64{3}, nil, []float64{0, 0}, []float64{0, 0}); err == nil {
		t.Error("an underdetermined fit succeeded")
	}
}

// synthRuns makes CPU decode measurements of models of the given weight sizes following
// seconds/token = t0 + bytes/bw, with relative noise of ±amp.
func synthRuns(sizes []float64, t0, bwGBs, amp float64) []Measurement {
	var ms []Measurement
	for i, b := range sizes {
		tps := 1 / (t0 + b/(bwGBs*1e9)) * (1 + amp*noise(i))
		ms = append(ms, Measurement{ModelID: fmt.Sprintf("synthetic-%d", i), Quant: "Q8_0", WeightBytes: int64(b),
			Params: int64(b), GenTPS: tps, PromptTPS: 1 / (1e-4 + 2*b/200e9), When: time.Unix(int64(i), 0)})
	}
	return ms
}

func TestFitDecodeRecoversSyntheticParameters(t *testing.T) {
	sizes := []float64{0.14e9, 0.36e9, 0.7e9, 1.5e9, 3e9, 6e9}
	tests := []struct {
		name        string
		t0, bw, amp float64
		measuredBW  float64 // the microbenchmark's figure (prior), deliberately off
	}{
		{"exact", 0.8e-3, 15, 0, 30},
		{"2% noise", 0.8e-3, 15, 0.02, 30},
		{"5% noise, no prior bandwidth", 0.3e-3, 40, 0.05, 0},
	}
	for _, tc := range tests {
		ms := synthRuns(sizes, tc.t0, tc.bw, tc.amp)
		sm := FitSpeed(MachineSpec{MeasuredBandwidthGBs: tc.measuredBW}, ms, nil)
		d := sm.CPU
		if !d.Calibrated || d.Points != len(sizes) {
			t.Fatalf("%s: calibrated=%v points=%d", tc.name, d.Calibrated, d.Points)
		}
		tol := 0.02 + 2*tc.amp
		if e := math.Abs(d.BandwidthGBs-tc.bw) / tc.bw; e > tol {
			t.Errorf("%s: bandwidth %.2f GB/s, want %.2f ± %.0f%%", tc.name, d.BandwidthGBs, tc.bw, 100*tol)
		}
		if math.Abs(d.OverheadSec-tc.t0) > 0.3e-3+tc.amp*10e-3 {
			t.Errorf("%s: overhead %.3f ms, want %.3f ms", tc.name, d.OverheadSec*1e3, tc.t0*1e3)
		}
		if d.Band < bandFloor || (tc.amp == 0 && d.Band > bandFloor+1e-9) {
			t.Errorf("%s: band %.3f", tc.name, d.Band)
		}
		// Prompt: seconds/token = 0.1 ms + 2·params/200 GFLOP/s.
		if p := sm.CPUPrompt; !p.Calibrated || math.Abs(p.GFLOPS-200)/200 > 0.05 {
			t.Errorf("%s: prompt fit %+v, want 200 GFLOP/s", tc.name, p)
		}
	}
}

func TestFitDecodeFewPointsLeansOnPrior(t *testing.T) {
	// One run at 10 GB/s effective; the prior says 0.75 × 20 = 15 GB/s. The fit must land
	// between, near the measurement, and the band must be at least 25%.
	ms := synthRuns([]float64{1e9}, 0, 10, 0)
	d := FitSpeed(MachineSpec{MeasuredBandwidthGBs: 20}, ms, nil).CPU
	if d.BandwidthGBs < 9.5 || d.BandwidthGBs > 12 {
		t.Errorf("one-point bandwidth %.2f, want near 10", d.BandwidthGBs)
	}
	if d.Band < bandOnePoint {
		t.Errorf("one-point band %.2f < %.2f", d.Band, bandOnePoint)
	}
	// Nothing measured: uncalibrated, from the prior's range.
	d = FitSpeed(MachineSpec{MeasuredBandwidthGBs: 20}, nil, nil).CPU
	tps, lo, hi := d.TPS(1e9)
	if d.Calibrated || math.Abs(tps-15) > 1e-9 || math.Abs(lo-10) > 1e-9 || math.Abs(hi-20) > 1e-9 {
		t.Errorf("uncalibrated: calibrated=%v tps %.2f [%.2f, %.2f], want 15 [10, 20]", d.Calibrated, tps, lo, hi)
	}
	if d.Label() != "uncalibrated" {
		t.Errorf("label %q", d.Label())
	}
}

func TestFitOverheadRecoversSyntheticParameters(t *testing.T) {
	truth := Overhead{BaseBytes: 80e6, PerCtxHidden: 2, PerVocab: 300, PerFFNUBatch: 30, RepackShare: 0.6}
	var ms []Measurement
	i := 0
	for _, id := range []string{"tiny", "smollm2-135m", "smollm2-360m", "qwen2.5-0.5b", "llama-3.2-1b", "qwen2.5-1.5b", "smollm2-1.7b"} {
		m, _ := catalog.ByID(id)
		for _, ctx := range []int{512, 2048, 8192} {
			for _, q := range []quant.Quant{"Q8_0", "Q4_0"} {
				w, _ := WeightBytes(m, q)
				kv, _ := modelKV(m, ctx, "F16")
				rss := float64(w+kv+truth.Bytes(m, q, ctx, 0)) + 2e6*noise(i)
				ms = append(ms, Measurement{ModelID: id, Quant: q, Context: ctx, PeakRSSBytes: int64(rss)})
				i++
			}
		}
	}
	o := FitOverhead(ms, nil)
	if o.Points != len(ms) {
		t.Fatalf("fit used %d of %d runs", o.Points, len(ms))
	}
	if math.Abs(o.BaseBytes-truth.BaseBytes) > 5e6 || math.Abs(o.PerCtxHidden-truth.PerCtxHidden) > 0.2 || math.Abs(o.PerVocab-truth.PerVocab) > 30 ||
		math.Abs(o.PerFFNUBatch-truth.PerFFNUBatch) > 3 || math.Abs(o.RepackShare-truth.RepackShare) > 0.05 {
		t.Errorf("fit %+v, want %+v", o, truth)
	}
	if o.ResidualRMSBytes > 3e6 {
		t.Errorf("residual %s, noise was ±2 MB", units.Bytes(int64(o.ResidualRMSBytes)))
	}
	// No usable runs: the documented prior.
	if d := FitOverhead(nil, nil); d.Points != 0 || d.BaseBytes != DefaultOverhead().BaseBytes {
		t.Errorf("empty fit %+v", d)
	}
}

func TestValidateLeaveOneOut(t *testing.T) {
	sizes := []float64{0.14e9, 0.36e9, 0.7e9, 1.5e9, 3e9}
	// Exact data: every run is projected from the others within 1%.
	cal := Calibration{Measurements: synthRuns(sizes, 0.5e-3, 12, 0)}
	v := Validate(MachineSpec{MeasuredBandwidthGBs: 17}, cal, nil)
	if len(v.Models) != len(sizes) {
		t.Fatalf("%d checks, want %d", len(v.Models), len(sizes))
	}
	for _, c := range v.Models {
		if math.Abs(c.ErrorPct) > 1 || c.From != len(sizes)-1 {
			t.Errorf("%s: %.2f%% from %d runs", c.ID, c.ErrorPct, c.From)
		}
	}
	if v.MedianAbsErrorPct > 1 {
		t.Errorf("median %.2f%%", v.MedianAbsErrorPct)
	}
	// One run 30% slower than the rest predict: its own check shows it, the median does not.
	cal.Measurements[2].GenTPS *= 0.7
	v = Validate(MachineSpec{MeasuredBandwidthGBs: 17}, cal, nil)
	if e := v.Models[2].ErrorPct; e < 30 {
		t.Errorf("outlier projected %.1f%% off, want > +30%%", e)
	}
	if v.MedianAbsErrorPct > 15 {
		t.Errorf("median %.1f%% dragged by one outlier", v.MedianAbsErrorPct)
	}
}

func TestValidateMemory(t *testing.T) {
	var ms []Measurement
	for i, id := range []string{"smollm2-135m", "smollm2-360m", "qwen2.5-0.5b", "llama-3.2-1b"} {
		m, _ := catalog.ByID(id)
		w, _ := WeightBytes(m, "Q8_0")
		kv, _ := modelKV(m, 2048, "F16")
		oh := DefaultOverhead().Bytes(m, "Q8_0", 2048, 0) + int64(3e6*noise(i))
		ms = append(ms, Measurement{ModelID: id, Quant: "Q8_0", Context: 2048, PeakRSSBytes: w + kv + oh, GenTPS: 10})
	}
	v := Validate(MachineSpec{}, Calibration{Measurements: ms}, nil)
	if len(v.Memory) != 4 {
		t.Fatalf("%d memory checks", len(v.Memory))
	}
	if v.MaxAbsMemoryErrorPct > 3 {
		t.Errorf("memory error up to %.1f%%: %+v", v.MaxAbsMemoryErrorPct, v.Memory)
	}
}

// Peak RSS of twins measured on the development machine (testdata/devmachine_rss.json): the
// default overhead prior, fitted from these runs, must put every one within 10%, and so must
// the leave-one-out estimate (within 5%).
func TestOverheadOnDevMachineTwins(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "devmachine_rss.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cal Calibration
	if err := json.Unmarshal(data, &cal); err != nil {
		t.Fatal(err)
	}
	for _, m := range cal.Measurements {
		cm := model(t, m.ModelID)
		mem, err := EstimateMemory(cm, m.Quant, m.Context, "", DefaultOverhead())
		if err != nil {
			t.Fatal(err)
		}
		if e := 100 * float64(mem.TotalBytes-m.PeakRSSBytes) / float64(m.PeakRSSBytes); math.Abs(e) > 10 {
			t.Errorf("%s %s: prior estimate %s vs measured %s (%+.1f%%)", m.ModelID, m.Quant, units.Bytes(mem.TotalBytes), units.Bytes(m.PeakRSSBytes), e)
		}
	}
	v := Validate(MachineSpec{}, cal, nil)
	if len(v.Memory) != len(cal.Measurements) || v.MaxAbsMemoryErrorPct > 5 {
		t.Errorf("leave-one-out memory: worst %.1f%% over %d runs: %+v", v.MaxAbsMemoryErrorPct, len(v.Memory), v.Memory)
	}
}
