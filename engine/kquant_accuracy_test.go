package engine_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
	"slmscope/engine/units"
	"slmscope/hwprobe"
)

// kquantFiles are the files people download, made by llama.cpp's own quantizer from F16
// twins of catalog models: calibrated types and types the ladder never measured.
var kquantFiles = []struct {
	id string
	q  quant.Quant
}{
	{"qwen2.5-0.5b", quant.Q4_K_M}, {"qwen2.5-0.5b", quant.Q6_K}, {"qwen2.5-0.5b", quant.Q5_K_M},
	{"smollm2-360m", quant.IQ4_XS}, {"llama-3.2-1b", quant.Q3_K_M}, {"llama-3.2-1b", quant.Q4_K_M},
}

// BenchmarkKQuantAccuracy is issue 9's check against something slmscope did not write: it
// calibrates on the default ladder, quantizes F16 twins with llama.cpp's quantizer (through
// the worker), projects each file from its own tensor types BEFORE running it, then measures
// it and prints projected vs measured decode speed (with band), TTFT and memory. Run it on an
// idle machine: `make kquant-accuracy`.
func BenchmarkKQuantAccuracy(b *testing.B) {
	ctx := context.Background()
	hw, err := hwprobe.Probe(ctx, hwprobe.Options{})
	if err != nil {
		b.Fatal(err)
	}
	machine := estimate.MachineFromReport(hw)
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		cal, err := engine.Calibrate(ctx, engine.CalibrateOptions{Budget: 90 * time.Second, Machine: machine,
			Key: estimate.HardwareKey(hw), Worker: workerOptions()})
		if err != nil {
			b.Fatal(err)
		}
		if cal.Machine.MeasuredBandwidthGBs > 0 {
			machine.MeasuredBandwidthGBs = cal.Machine.MeasuredBandwidthGBs
		}
		var decodeErr, ttftErr, memErr, halfWidth []float64
		inside := 0
		fmt.Printf("\n%-24s %-34s %-22s %9s %6s %9s %9s %6s %9s %9s\n", "file", "type mix", "projected tok/s (band)", "measured", "err", "TTFT proj", "TTFT meas", "err", "mem proj", "peak RSS")
		for _, f := range kquantFiles {
			m, _ := catalog.ByID(f.id)
			path := quantized(b, ctx, dir, m, f.q)
			fm, err := estimate.ReadFileModel(path)
			if err != nil {
				b.Fatal(err)
			}
			opt := estimate.Options{Context: 2048, PromptTokens: 128}
			p, err := estimate.ProjectFile(machine, cal, fm, opt)
			if err != nil {
				b.Fatal(err)
			}
			ref, err := engine.ParseModelRef(path, "")
			if err != nil {
				b.Fatal(err)
			}
			if err := ref.Resolve(ctx, nil, nil); err != nil {
				b.Fatal(err)
			}
			res, err := engine.Bench(ctx, engine.BenchOptions{Model: ref, PromptTokens: 128, GenTokens: 64, Context: 2048, Repeat: 2, Worker: workerOptions()})
			if err != nil {
				b.Fatal(err)
			}
			de := (p.DecodeTPS - res.GenTPS) / res.GenTPS
			te := (p.TTFTMs - res.TTFTMs) / res.TTFTMs
			me := (float64(p.Memory.TotalBytes) - float64(res.PeakRSSBytes)) / float64(res.PeakRSSBytes)
			decodeErr, ttftErr, memErr = append(decodeErr, math.Abs(de)), append(ttftErr, math.Abs(te)), append(memErr, math.Abs(me))
			if res.GenTPS >= p.DecodeTPSLow && res.GenTPS <= p.DecodeTPSHigh {
				inside++
			}
			halfWidth = append(halfWidth, (p.DecodeTPSHigh-p.DecodeTPSLow)/2/p.DecodeTPS)
			fmt.Printf("%-24s %-34.34s %6.1f (%5.1f–%5.1f)  %9.1f %+5.0f%% %9s %9s %+5.0f%% %9s %9s\n",
				f.id+" "+f.q.String(), fm.Mix, p.DecodeTPS, p.DecodeTPSLow, p.DecodeTPSHigh, res.GenTPS, 100*de,
				units.Millis(p.TTFTMs), units.Millis(res.TTFTMs), 100*te, units.Bytes(p.Memory.TotalBytes), units.BytesU(res.PeakRSSBytes))
		}
		n := float64(len(kquantFiles))
		maxDecode := decodeErr[0]
		for _, e := range decodeErr {
			maxDecode = math.Max(maxDecode, e)
		}
		fmt.Printf("calibration: %d twins, bandwidth %s; load average %s\n", len(cal.Measurements), units.GBps(machine.MeasuredBandwidthGBs), loadAvg())
		fmt.Printf("decode median |err| %.1f %% (goal ≤ 8), worst %.1f %% (goal ≤ 20), inside band %.0f %% (goal ≥ 80) with median half-width ±%.0f %% (goal ≤ 15); TTFT median |err| %.1f %% (goal ≤ 15); memory median |err| %.1f %% (goal ≤ 5)\n",
			100*median(decodeErr), 100*maxDecode, 100*float64(inside)/n, 100*median(halfWidth), 100*median(ttftErr), 100*median(memErr))
		b.ReportMetric(100*median(decodeErr), "decode_median_abs_err_%")
		b.ReportMetric(100*float64(inside)/n, "inside_band_%")
		b.ReportMetric(100*median(ttftErr), "ttft_median_abs_err_%")
		b.ReportMetric(100*median(memErr), "memory_median_abs_err_%")
	}
}

// quantized writes m's F16 twin and has llama.cpp's quantizer turn it into q.
func quantized(b *testing.B, ctx context.Context, dir string, m catalog.Model, q quant.Quant) string {
	f16 := filepath.Join(dir, m.ID+".f16.gguf")
	if _, err := os.Stat(f16); err != nil {
		if err := twin.Write(ctx, m, twin.F16, f16, nil); err != nil {
			b.Fatal(err)
		}
	}
	out := filepath.Join(dir, m.ID+"."+q.FileTag()+".gguf")
	w := startWorker(b, ctx, workerOptions())
	defer w.Close()
	if err := w.Quantize(ctx, engine.QuantizeOptions{In: f16, Out: out, Quant: q}); err != nil {
		b.Fatal(err)
	}
	return out
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return units.Median(s)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return string(b[:min(len(b), 14)])
}
