package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/estimate"
	"slmscope/engine/runs"
	"slmscope/engine/twin"
	"slmscope/internal/interference"
	"slmscope/internal/units"
)

// scriptedInterference is an interference source for the worker: the n-th generation (from 1)
// is disturbed when disturbed(n) says so, as if another program had used 0.93 of 2 cores.
func scriptedInterference(disturbed func(n int) bool) interference.Source {
	n := 0
	return func(threads int, pids ...int) interference.Sampling {
		n++
		return scripted(disturbed(n))
	}
}

type scripted bool

func (d scripted) Stop() interference.Report {
	if d {
		return interference.Report{Measured: true, Cores: 2, OtherCPUCores: 0.93, Disturbed: true, Why: "other programs used 0.93 of 2 cores during the run"}
	}
	return interference.Report{Measured: true, Cores: 2, OtherCPUCores: 0.01, Why: "other programs used 0.01 of 2 cores during the run"}
}

// The whole calibration, through real workers on tiny twins, with the machine's interference
// scripted: a disturbed run is measured again and counted, and a machine that stays busy stops
// the calibration with the sentence that says what to do, recording nothing.
func TestCalibrateWithInterference(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the bandwidth cache of the calibration's own probe
	tests := []struct {
		name      string
		disturbed func(n int) bool
		busy      bool
		want      int // disturbed runs reported
	}{
		{"first run disturbed", func(n int) bool { return n == 1 }, false, 1},
		{"machine stays busy", func(n int) bool { return true }, true, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			var recorded []runs.Run
			opts := workerOptions()
			opts.Interference = scriptedInterference(tc.disturbed)
			cal, err := engine.Calibrate(ctx, engine.CalibrateOptions{
				Budget:       60 * time.Second,
				Ladder:       []engine.LadderStep{{ModelID: "tiny", Quant: "q8_0"}, {ModelID: "tiny", Quant: "q4_0"}},
				Threads:      1,
				PromptTokens: 16,
				GenTokens:    4,
				Machine:      estimate.MachineSpec{RAMTotalBytes: 8 << 30, RAMAvailableBytes: 4 << 30, CPUCores: 2, MeasuredBandwidthGBs: 10},
				Key:          "test-machine",
				Cache:        &twin.Cache{Dir: t.TempDir(), CapBytes: 1 << 30},
				Worker:       opts,
				Record:       func(r runs.Run) error { recorded = append(recorded, r); return nil },
			})
			var busy *engine.BusyError
			if errors.As(err, &busy) != tc.busy {
				t.Fatalf("err %v (notes %q); want a busy-machine error: %v", err, cal.Notes, tc.busy)
			}
			if cal.DisturbedRuns != tc.want {
				t.Errorf("%d disturbed runs reported, want %d", cal.DisturbedRuns, tc.want)
			}
			if tc.busy {
				if !strings.HasPrefix(err.Error(), "another program used 0.9 of 2 cores; close it and measure again") || len(recorded) != 0 {
					t.Errorf("error %q with %d runs recorded; want the busy sentence and nothing recorded", err, len(recorded))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cal.Measurements) != 2 || len(recorded) != 2 {
				t.Fatalf("%d measurements, %d recorded (notes %q); want both twins", len(cal.Measurements), len(recorded), cal.Notes)
			}
			for _, r := range recorded {
				if r.Interference == nil || r.Interference.Disturbed {
					t.Errorf("recorded %s with interference %+v: want an undisturbed report", r.Label, r.Interference)
				}
			}
		})
	}
}

// A bench's medians leave out the repeats other programs disturbed while another repeat ran
// quiet, and it says so; a machine busy through every repeat is reported as it ran, disturbed.
// Real workers on the tiny twin, the interference scripted per repeat.
func TestBenchLeavesDisturbedRepeatsOut(t *testing.T) {
	tests := []struct {
		name              string
		disturbed         func(n int) bool
		leftOut, counted  int
		headlineDisturbed bool
		sentence          string
	}{
		{"second of three disturbed", func(n int) bool { return n == 2 }, 1, 1, false,
			"1 of 3 runs was disturbed and left out of the medians: other programs used 0.93 of 2 cores during the run."},
		{"every repeat disturbed", func(int) bool { return true }, 0, 3, true, ""},
		{"quiet", func(int) bool { return false }, 0, 0, false, ""},
	}
	ref, err := engine.ParseModelRef(tinyTwin(t), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			opts := workerOptions()
			opts.Interference = scriptedInterference(tc.disturbed)
			res, err := engine.Bench(ctx, engine.BenchOptions{Model: ref, PromptTokens: 16, GenTokens: 8, Threads: 1, Repeat: 3, Worker: opts})
			if err != nil {
				t.Fatal(err)
			}
			if res.LeftOutRuns != tc.leftOut || res.DisturbedRuns != tc.counted || res.Interference.Disturbed != tc.headlineDisturbed {
				t.Errorf("left out %d, disturbed %d, headline disturbed %v; want %d, %d, %v", res.LeftOutRuns, res.DisturbedRuns, res.Interference.Disturbed, tc.leftOut, tc.counted, tc.headlineDisturbed)
			}
			var inMedians []float64
			for _, r := range res.Runs {
				if !r.Interference.Disturbed || tc.headlineDisturbed {
					inMedians = append(inMedians, r.TokenMsP50)
				}
			}
			if want := units.Median(inMedians); res.TokenMsP50 != want {
				t.Errorf("median token %.3f ms; want %.3f, the median of %v", res.TokenMsP50, want, inMedians)
			}
			if got := res.LeftOut(); got != tc.sentence {
				t.Errorf("LeftOut() = %q; want %q", got, tc.sentence)
			}
		})
	}
}
