package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/runs"
	"slmscope/engine/twin"
)

// TestCalibrateShortLadderThenProject is issue 4's "projection of a real small twin ladder on
// this machine (short budget)": two real SmolLM2-135M twins (Q8_0 and Q4_0) measured through
// the test-binary worker, then every catalog model projected from them (skipped with -short).
func TestCalibrateShortLadderThenProject(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: writes two SmolLM2-135M twins (≈ 230 MB)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var steps []string
	o := smallLadder(t)
	o.Progress = func(step, n int, msg string, frac float64) { steps = append(steps, msg) }
	machine := o.Machine
	cal, err := engine.Calibrate(ctx, o)
	if err != nil {
		t.Fatalf("calibrate: %v (notes %q)", err, cal.Notes)
	}
	if len(cal.Measurements) != 2 || cal.Key != "test-machine" || len(steps) == 0 {
		t.Fatalf("%d measurements, key %q, %d progress messages; notes %q", len(cal.Measurements), cal.Key, len(steps), cal.Notes)
	}
	// The repeats come in passes over the ladder, not back to back: runs 2 and 3 of each
	// twin, then, as far as the budget's time to spare goes (a busy machine may not), runs 4
	// and 5.
	var again, wantAgain []string
	for _, s := range steps {
		if strings.Contains(s, " again ") {
			again = append(again, s)
		}
	}
	for run := 2; run <= 5; run++ {
		for _, q := range []string{"Q8_0", "Q4_0"} {
			wantAgain = append(wantAgain, fmt.Sprintf("Measuring SmolLM2-135M %s again (run %d)…", q, run))
		}
	}
	if len(again) < 4 || !slices.Equal(again, wantAgain[:min(len(again), len(wantAgain))]) {
		t.Errorf("repeats %q, want %q", again, wantAgain)
	}
	for _, m := range cal.Measurements {
		if m.TokenMsP50 <= 0 || m.GenTPS <= 0 || m.PromptTPS <= 0 || m.TTFTMs <= 0 || m.PeakRSSBytes <= 0 || !m.Twin {
			t.Errorf("incomplete measurement: %+v", m)
		}
	}

	ps, errs := estimate.ProjectWith(machine, cal, catalog.All(), []quant.Quant{"Q8_0", "Q4_0", "Q4_K_M"}, estimate.Options{Context: 2048, PromptTokens: 64})
	if len(errs) > 0 {
		t.Errorf("skipped: %v", errs)
	}
	measured := map[quant.Quant]float64{}
	for _, m := range cal.Measurements {
		measured[m.Quant] = m.GenTPS
	}
	for _, p := range ps {
		if p.DecodeTPS <= 0 || p.MemoryBytes <= 0 || p.TTFTMs <= 0 {
			t.Errorf("%s %s: empty projection %+v", p.ID, p.Quant, p)
			continue
		}
		if p.ID == "smollm2-135m" && (p.Quant == "Q8_0" || p.Quant == "Q4_0") {
			if p.Source != estimate.SourceMeasured {
				t.Errorf("%s %s: %s, want measured", p.ID, p.Quant, p.Label())
			}
			continue
		}
		if p.Source != estimate.SourceProjected || !p.Calibrated || !(p.DecodeTPSLow < p.DecodeTPS && p.DecodeTPS < p.DecodeTPSHigh) {
			t.Errorf("%s %s: %s, %.2f (%.2f–%.2f) tok/s: want a calibrated projection with a band", p.ID, p.Quant, p.Label(), p.DecodeTPS, p.DecodeTPSLow, p.DecodeTPSHigh)
		}
	}
	// Among projections at one quant, a model that reads more bytes per token is never faster.
	byQuant := map[quant.Quant][]estimate.Projection{}
	for _, p := range ps {
		if p.Source == estimate.SourceProjected {
			byQuant[p.Quant] = append(byQuant[p.Quant], p)
		}
	}
	for q, list := range byQuant {
		for _, a := range list {
			for _, b := range list {
				if a.ReadPerTokenBytes > 2*b.ReadPerTokenBytes && a.DecodeTPS > b.DecodeTPS {
					t.Errorf("%s: %s (%d B/token) projected faster (%.1f tok/s) than %s (%d B/token, %.1f tok/s)",
						q, a.ID, a.ReadPerTokenBytes, a.DecodeTPS, b.ID, b.ReadPerTokenBytes, b.DecodeTPS)
				}
			}
		}
	}
	t.Logf("measured: %+v", measured)
	checkPaceAfter(ctx, t, o, cal)
}

// checkPaceAfter runs the pace check on the calibration just measured, and on the same
// calibration with its times quartered, as if it had been measured on a machine four times
// faster: the check must find this one slower (unless it now ran 3.3 times faster than
// moments ago) and say so.
func checkPaceAfter(ctx context.Context, t *testing.T, o engine.CalibrateOptions, cal estimate.Calibration) {
	p, err := engine.CheckPace(ctx, engine.MachineState{Calibration: cal}, o.Cache, o.Worker, nil)
	if err != nil || p.Runs != 3 || p.Reference == "" || p.NowTokenMs <= 0 || p.Threads != 2 || p.PromptTokens <= 0 {
		t.Fatalf("pace check: %+v, %v", p, err)
	}
	fast := cal
	fast.Measurements = slices.Clone(cal.Measurements)
	for i := range fast.Measurements {
		m := &fast.Measurements[i]
		m.TokenMsP50Runs = slices.Clone(m.TokenMsP50Runs)
		for j := range m.TokenMsP50Runs {
			m.TokenMsP50Runs[j] /= 4
		}
	}
	q, err := engine.CheckPace(ctx, engine.MachineState{Calibration: fast}, o.Cache, o.Worker, nil)
	if err != nil || math.Abs(q.CalibratedTokenMs*4/p.CalibratedTokenMs-1) > 1e-9 || q.Verdict != engine.PaceSlower || !strings.Contains(q.Why, "slower than when it was calibrated") {
		t.Errorf("pace against a calibration 4× faster: %+v, %v (against the real one: %+v)", q, err, p)
	}
}

// Cancelled while the repeats are under way, the calibration keeps every twin the climb
// measured, each with the runs it had.
func TestCalibrateCancelledDuringRepeatsKeepsTheClimb(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: writes two SmolLM2-135M twins (≈ 230 MB)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var recorded []runs.Run
	o := smallLadder(t)
	o.Progress = func(step, n int, msg string, frac float64) {
		if strings.Contains(msg, "again (run 3)") {
			cancel()
		}
	}
	o.Record = func(r runs.Run) error { recorded = append(recorded, r); return nil }
	cal, err := engine.Calibrate(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if len(cal.Measurements) != 2 || len(recorded) != 2 {
		t.Fatalf("%d measurements and %d recorded runs kept, want both twins", len(cal.Measurements), len(recorded))
	}
	for _, m := range cal.Measurements {
		if m.GenTPS <= 0 || m.TokenMsP50 <= 0 {
			t.Errorf("incomplete measurement kept: %+v", m)
		}
	}
}

// smallLadder calibrates two real SmolLM2-135M twins (Q8_0 and Q4_0, written into a test
// folder) through the test-binary worker. The budget is ample: on a quiet machine this
// takes seconds, and every twin gets its five runs well within it.
func smallLadder(t *testing.T) engine.CalibrateOptions {
	return engine.CalibrateOptions{
		Budget:       120 * time.Second,
		Ladder:       []engine.LadderStep{{ModelID: "smollm2-135m", Quant: "q8_0"}, {ModelID: "smollm2-135m", Quant: "q4_0"}},
		Threads:      2,
		PromptTokens: 64,
		GenTokens:    16,
		Machine:      estimate.MachineSpec{RAMTotalBytes: 8 << 30, RAMAvailableBytes: 4 << 30, CPUCores: 2, MeasuredBandwidthGBs: 10},
		Key:          "test-machine",
		Cache:        &twin.Cache{Dir: t.TempDir(), CapBytes: 1 << 30},
		Worker:       workerOptions(),
	}
}
