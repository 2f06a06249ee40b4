package estimate

import (
	"math"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
)

// A measured model asked for at another prompt length shows its runs moved to that position by
// the fitted position cost, close to what the synthetic machine takes there, and says so; at
// the run's own position it shows the run as measured.
func TestMeasuredRunMovesToThePositionAskedFor(t *testing.T) {
	cal := Calibration{Measurements: synthKernelRuns(t, 0)}
	m, _ := catalog.ByID("llama-3.2-1b")
	q := quant.Q4_K_M
	runs := matchingRuns(cal.Measurements, m.ID, q)
	if len(runs) != 1 {
		t.Fatalf("%d runs of %s %s", len(runs), m.ID, q)
	}
	run := runs[0]
	tests := []struct {
		name   string
		prompt int
		moved  bool
	}{
		{"its own position", run.PromptTokens + run.GenTokens/2 - decodeGenTokens/2, false},
		{"a long prompt", 2048, true},
		{"the default prompt", 0, true},
	}
	for _, tc := range tests {
		ps, errs := ProjectWith(synthMachine, cal, []catalog.Model{m}, []quant.Quant{q}, Options{PromptTokens: tc.prompt})
		if len(errs) > 0 || len(ps) != 1 {
			t.Fatal(errs)
		}
		p := ps[0]
		prompt := tc.prompt
		if prompt == 0 {
			prompt = defaultPrompt
		}
		truth, _ := synthTruth(t, m, q, prompt, decodeGenTokens)
		if p.Source != SourceMeasured {
			t.Errorf("%s: source %s", tc.name, p.Source)
		}
		if !tc.moved {
			if p.DecodeTPS != run.GenTPS || strings.Contains(p.Basis, "moved from") {
				t.Errorf("%s: %.3f tok/s, want the run's %.3f unmoved; basis %q", tc.name, p.DecodeTPS, run.GenTPS, p.Basis)
			}
			continue
		}
		if e := p.DecodeTPS*truth - 1; math.Abs(e) > 0.02 {
			t.Errorf("%s: %.2f tok/s, the synthetic machine takes %.2f there (%+.1f %%); the run measured %.2f",
				tc.name, p.DecodeTPS, 1/truth, 100*e, run.GenTPS)
		}
		if !strings.Contains(p.Basis, "the runs measured at position") || !strings.Contains(p.Basis, "ms per token") {
			t.Errorf("%s: basis does not say the run was moved: %q", tc.name, p.Basis)
		}
	}
}

// Runs move by the difference the projection makes between their position and the one asked
// for; without a projection they stay as measured.
func TestAtPosition(t *testing.T) {
	r := Measurement{GenTPS: 100, PromptTokens: 16, GenTokens: 128} // position 80, 10 ms
	secAt := func(pos int) float64 { return 0.008 + float64(pos)*1e-6 }
	tests := []struct {
		name      string
		pos       int
		secAt     func(int) float64
		wantTPS   float64
		wantShift float64
	}{
		{"same position", 80, secAt, 100, 0},
		{"later", 1080, secAt, 1 / 0.011, 0.001},
		{"earlier", 0, secAt, 1 / (0.010 - 80e-6), -80e-6},
		{"no projection", 1080, nil, 100, 0},
		{"projection unknown", 1080, func(int) float64 { return 0 }, 100, 0},
	}
	for _, tc := range tests {
		tps, shift := atPosition(r, tc.pos, tc.secAt)
		if math.Abs(tps-tc.wantTPS) > 1e-9 || math.Abs(shift-tc.wantShift) > 1e-12 {
			t.Errorf("%s: %.4f tok/s shifted %.6f s, want %.4f and %.6f", tc.name, tps, shift, tc.wantTPS, tc.wantShift)
		}
	}
}
