package engine

import (
	"math"
	"strings"
	"testing"

	"slmscope/engine/estimate"
	"slmscope/engine/quant"
)

// calRun is a CPU twin run of the calibration measured len(ms) times, each repeat's median
// token ms; loadMs and a 64-token prompt at promptTPS make up the rest of a run.
func calRun(id, q string, fileBytes int64, loadMs, promptTPS float64, ms ...float64) estimate.Measurement {
	return estimate.Measurement{ModelID: id, Quant: quant.Quant(q), FileBytes: fileBytes, Twin: true, Threads: 2, Context: 2048,
		PromptTokens: 64, GenTokens: 32, LoadMs: loadMs, PromptTPS: promptTPS, TokenMsP50: ms[0], TokenMsP50Runs: ms}
}

func TestPaceReference(t *testing.T) {
	small := calRun("smollm2-135m", "Q4_0", 90e6, 200, 900, 4.2, 4.4, 4.9)
	mid := calRun("llama-3.2-1b", "Q4_K_M", 808e6, 400, 130, 26.1, 23.5, 25.6)
	slow := calRun("llama-3.2-1b", "Q6_K", 1022e6, 370, 20, 30.5, 30.7, 30.3) // a 3.2 s prompt
	twice := calRun("smollm2-360m", "Q8_0", 380e6, 300, 400, 15.9, 16.1)
	gpu := mid
	gpu.Device, gpu.GPULayers = "Vulkan0", 17
	file := mid
	file.Twin, file.ModelID = false, "my-file"
	once := mid
	once.TokenMsP50Runs = nil // a Compare ▶ row: one run
	for _, c := range []struct {
		name string
		runs []estimate.Measurement
		want string // Quant of the chosen run, "" for none
	}{
		{"the largest quick run measured three times", []estimate.Measurement{small, slow, mid, twice}, "Q4_K_M"},
		{"never a run of more than paceRunSeconds when a quicker one has three repeats", []estimate.Measurement{slow, small}, "Q4_0"},
		{"else the quickest measured twice", []estimate.Measurement{slow, twice}, "Q8_0"},
		{"not a GPU run, a file, or a single run", []estimate.Measurement{gpu, file, once}, ""},
		{"an empty calibration", nil, ""},
	} {
		got, ok := paceReference(estimate.Calibration{Measurements: c.runs})
		if ok != (c.want != "") || ok && string(got.Quant) != c.want {
			t.Errorf("%s: got %v %s %s, want %q", c.name, ok, got.ModelID, got.Quant, c.want)
		}
	}
}

func TestPaceJudge(t *testing.T) {
	for _, c := range []struct {
		name     string
		now, cal float64
		busy     bool
		verdict  string
		says     string
	}{
		{"quiet, slower by as much as a quiet day moves", 36.0, 30.9, false, PaceSame, "at its calibrated pace (within 20 %)"},
		{"quiet, a little faster", 28.0, 30.9, false, PaceSame, "took 28 ms a token now against 30.9 ms"},
		{"just inside the tolerance", 30.9 * 1.19, 30.9, false, PaceSame, "within 20 %"},
		// a 0.6-core CPU quota on 2 threads, 2026-12-07: the CPU counters saw nothing
		{"in a CPU quota", 103.2, 30.9, false, PaceSlower, "running 3.3× slower than when it was calibrated"},
		{"just past the tolerance", 30.9 * 1.21, 30.9, false, PaceSlower, "1.2× slower"},
		{"calibrated in a slow stretch", 20.0, 30.9, false, PaceFaster, "1.5× faster"},
		{"disturbed", 60, 30.9, true, PaceBusy, "could not be checked. Another program wanted"},
		{"no token times", math.Inf(1), 30.9, false, PaceBusy, "gave no token times"},
	} {
		p := PaceCheck{Reference: "Llama-3.2-1B (twin, Q5_K_M)", CalibratedTokenMs: c.cal, NowTokenMs: c.now, CalibratedAt: "7 Dec 09:31"}
		p.judge(c.busy, "Another program wanted 0.93 of 2 cores during this run.")
		if p.Verdict != c.verdict || !strings.Contains(p.Why, c.says) || p.Slower() != (c.verdict == PaceSlower) {
			t.Errorf("%s: %s %q, want %s saying %q", c.name, p.Verdict, p.Why, c.verdict, c.says)
		}
	}
}
