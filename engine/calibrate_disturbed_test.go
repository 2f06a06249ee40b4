package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"slmscope/internal/interference"
)

// fakeSampling is a scripted interference source: the n-th sampled run is disturbed when
// disturbed(n) says so (n counts from 1), with one other program busy on one of 2 cores.
type fakeSampling struct {
	n         int
	disturbed func(n int) bool
}

func (f *fakeSampling) source() interference.Source {
	return func(threads int, pids ...int) interference.Sampling {
		f.n++
		return fixedSampling(f.disturbed(f.n))
	}
}

type fixedSampling bool

func (d fixedSampling) Stop() interference.Report {
	if d {
		return interference.Report{Measured: true, Cores: 2, OtherCPUCores: 0.93, Disturbed: true, Why: "other programs used 0.93 of 2 cores during the run"}
	}
	return interference.Report{Measured: true, Cores: 2, OtherCPUCores: 0.02, Why: "other programs used 0.02 of 2 cores during the run"}
}

// Calibration runs go through measureClean, whatever the machine does: a disturbed run is
// measured again or left out, never kept, and a machine that stays busy stops the calibration
// with a BusyError.
func TestCalibrationRefusesDisturbedRuns(t *testing.T) {
	tests := []struct {
		name      string
		disturbed func(n int) bool
		busy      bool   // the calibration stops for a busy machine
		runs      []int  // runs each twin keeps (when not busy)
		note      string // a note that must be there ("" = no note)
		tally     int    // disturbed runs counted
	}{
		{"quiet", func(int) bool { return false }, false, []int{3, 3, 3}, "", 0},
		{"one disturbed run is measured again", func(n int) bool { return n == 2 }, false, []int{3, 3, 3}, "", 1},
		// runs 1-3 climb; twin a's second run is disturbed three times in a row (4, 5, 6):
		// it is left out, and a keeps the runs it had
		{"a run disturbed on every try is left out", func(n int) bool { return n >= 4 && n <= 6 }, false, []int{1, 3, 3}, "a run 2 left out: other programs disturbed it 3 times in a row", 3},
		{"a busy machine stops the calibration", func(n int) bool { return n > 1 }, true, nil, "", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeSampling{disturbed: tc.disturbed}
			src := fake.source()
			// again stands in for BenchAgain: one run whose interference the fake sampled
			again := func(ctx context.Context, r *ladderRun) error {
				run := BenchRun{GenTPS: 100, Interference: src(2).Stop()}
				if run.Interference.Disturbed {
					run.GenTPS = 16
				}
				r.res.Runs = append(r.res.Runs, run)
				r.res.Repeats = len(r.res.Runs)
				r.res.takeMedians()
				return nil
			}
			var tally disturbTally
			var notes []string
			runs := []ladderRun{{label: "a", want: 3}, {label: "b", want: 3}, {label: "c", want: 3}}
			var err error
			for i := range runs { // the climb
				runs[i].res = &BenchResult{}
				if err = measureClean(context.Background(), &runs[i], again, &tally); err != nil {
					break
				}
			}
			if err == nil {
				err = repeatPasses(context.Background(), runs, time.Now().Add(time.Hour), again, func(int, string) {}, &notes, &tally)
			}
			var busy *BusyError
			if tc.busy != errors.As(err, &busy) {
				t.Fatalf("err %v; want a BusyError: %v", err, tc.busy)
			}
			if tally.disturbed != tc.tally {
				t.Errorf("%d disturbed runs counted, want %d", tally.disturbed, tc.tally)
			}
			if tc.busy {
				want := "another program used 0.9 of 2 cores; close it and measure again"
				if !strings.HasPrefix(err.Error(), want) {
					t.Errorf("error %q, want it to start %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range runs {
				if len(r.res.Runs) != tc.runs[i] {
					t.Errorf("%s kept %d runs, want %d", r.label, len(r.res.Runs), tc.runs[i])
				}
				for _, run := range r.res.Runs {
					if run.Interference.Disturbed {
						t.Errorf("%s kept a disturbed run", r.label)
					}
				}
				if r.res.GenTPS != 100 || r.res.DisturbedRuns != 0 {
					t.Errorf("%s: median %.0f tok/s with %d disturbed runs, want 100 from quiet runs only", r.label, r.res.GenTPS, r.res.DisturbedRuns)
				}
			}
			if got := strings.Join(notes, "\n"); (tc.note == "") != (got == "") || !strings.Contains(got, tc.note) {
				t.Errorf("notes %q, want %q", got, tc.note)
			}
		})
	}
}

// A benchmark's headline interference is its busiest run's, and it counts the disturbed ones.
func TestBusiest(t *testing.T) {
	quiet := BenchRun{Interference: fixedSampling(false).Stop()}
	busy := BenchRun{Interference: fixedSampling(true).Stop()}
	unmeasured := BenchRun{Interference: interference.NotMeasured("not measured on this OS")}
	tests := []struct {
		name  string
		runs  []BenchRun
		want  interference.Report
		count int
	}{
		{"quiet", []BenchRun{quiet, quiet}, quiet.Interference, 0},
		{"one of three disturbed", []BenchRun{quiet, busy, quiet}, busy.Interference, 1},
		{"not measured", []BenchRun{unmeasured}, unmeasured.Interference, 0},
		{"measured after unmeasured", []BenchRun{unmeasured, quiet}, quiet.Interference, 0},
	}
	for _, tc := range tests {
		got, n := busiest(tc.runs)
		if got != tc.want || n != tc.count {
			t.Errorf("%s: %+v, %d; want %+v, %d", tc.name, got, n, tc.want, tc.count)
		}
	}
}
