package estimate

import (
	"strings"
	"testing"
	"time"
)

func TestMergeCalibration(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	old := Calibration{Key: "k", When: t0, BudgetSeconds: 90, Machine: MachineSpec{MeasuredBandwidthGBs: 8.4},
		Measurements: []Measurement{{ModelID: "a", Quant: "q8_0", GenTPS: 1}, {ModelID: "b", Quant: "Q4_0", GenTPS: 2}}}
	cases := []struct {
		name      string
		fresh     Calibration
		wantRuns  map[string]float64
		wantBW    float64
		wantWhen  time.Time
		wantBudge float64
	}{
		{"same model and quant replaced, spelling ignored",
			Calibration{Key: "k", When: t0.Add(time.Hour), Measurements: []Measurement{{ModelID: "a", Quant: "Q8_0", GenTPS: 5}}},
			map[string]float64{"a": 5, "b": 2}, 8.4, t0.Add(time.Hour), 90},
		{"new bandwidth wins",
			Calibration{Key: "k", When: t0.Add(time.Hour), Machine: MachineSpec{MeasuredBandwidthGBs: 11.2}, Measurements: []Measurement{{ModelID: "c", Quant: "F16", GenTPS: 3}}},
			map[string]float64{"a": 1, "b": 2, "c": 3}, 11.2, t0.Add(time.Hour), 90},
		{"other hardware replaces",
			Calibration{Key: "other", When: t0, Measurements: []Measurement{{ModelID: "c", Quant: "F16", GenTPS: 3}}},
			map[string]float64{"c": 3}, 0, t0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := MergeCalibration(old, c.fresh)
			runs := map[string]float64{}
			for _, m := range got.Measurements {
				runs[m.ModelID] = m.GenTPS
			}
			if len(runs) != len(c.wantRuns) || len(got.Measurements) != len(c.wantRuns) {
				t.Fatalf("runs %v, want %v", runs, c.wantRuns)
			}
			for k, v := range c.wantRuns {
				if runs[k] != v {
					t.Errorf("run %s = %v, want %v", k, runs[k], v)
				}
			}
			if got.Machine.MeasuredBandwidthGBs != c.wantBW || !got.When.Equal(c.wantWhen) || got.BudgetSeconds != c.wantBudge {
				t.Errorf("bandwidth %v when %v budget %v", got.Machine.MeasuredBandwidthGBs, got.When, got.BudgetSeconds)
			}
		})
	}
}

// A calibration on another thread count does not keep the earlier runs of the twins it did not
// measure on that device: one fit takes every run as the machine's one speed.
func TestMergeCalibrationThreads(t *testing.T) {
	run := func(id string, threads int, device string) Measurement {
		return Measurement{ModelID: id, Quant: "Q4_0", Threads: threads, Device: device, GenTPS: float64(threads)}
	}
	old := Calibration{Key: "k", Measurements: []Measurement{
		run("a", 2, ""), run("b", 2, "cpu"), run("c", 0, ""), run("g", 2, "GPU0"), run("h", 2, "GPU1")}}
	cases := []struct {
		name     string
		fresh    []Measurement
		wantIDs  string
		wantNote string
	}{
		{"same threads: every other run kept", []Measurement{run("a", 2, "")}, "b c g h a", ""},
		{"1 thread on the CPU: the CPU's 2-thread runs left out, the GPUs' and the unknown kept",
			[]Measurement{run("a", 1, "cpu")}, "c g h a",
			"left out 1 earlier run on 2 threads: this calibration ran on 1 thread, and a fit takes every run at one speed of the machine"},
		{"1 thread on one GPU: that GPU's other run left out", []Measurement{run("x", 1, "GPU0")}, "a b c h x",
			"left out 1 earlier run on 2 threads"},
		{"no thread count said: nothing left out", []Measurement{run("a", 0, "")}, "b c g h a", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := MergeCalibration(old, Calibration{Key: "k", Measurements: c.fresh, Notes: []string{"fresh"}})
			var ids []string
			for _, m := range got.Measurements {
				ids = append(ids, m.ModelID)
			}
			if strings.Join(ids, " ") != c.wantIDs {
				t.Errorf("runs %v, want %s", ids, c.wantIDs)
			}
			notes := strings.Join(got.Notes, " | ")
			if c.wantNote == "" && notes != "fresh" || !strings.Contains(notes, c.wantNote) || !strings.HasPrefix(notes, "fresh") {
				t.Errorf("notes %q, want fresh and %q", notes, c.wantNote)
			}
		})
	}
}

// A run added to a calibration is measured on its thread count: the latest run's on that device.
func TestCalibrationThreadsOn(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	c := Calibration{Measurements: []Measurement{
		{ModelID: "a", Threads: 2, When: t0},
		{ModelID: "b", Threads: 1, Device: "cpu", When: t0.Add(time.Minute)},
		{ModelID: "c", Threads: 0, When: t0.Add(2 * time.Minute)},
		{ModelID: "g", Threads: 4, Device: "GPU0", When: t0.Add(3 * time.Minute)},
	}}
	for _, tc := range []struct {
		device string
		want   int
	}{{"", 1}, {"cpu", 1}, {"GPU0", 4}, {"GPU1", 0}} {
		if got := c.ThreadsOn(tc.device); got != tc.want {
			t.Errorf("ThreadsOn(%q) = %d, want %d", tc.device, got, tc.want)
		}
	}
	if got := (Calibration{}).ThreadsOn("cpu"); got != 0 {
		t.Errorf("an empty calibration's threads = %d, want 0", got)
	}
}

// A twin measured after a short and a long prompt is one twin.
func TestCalibrationTwins(t *testing.T) {
	c := Calibration{Measurements: []Measurement{
		{ModelID: "smollm2-135m", Quant: "Q4_0", PromptTokens: 64},
		{ModelID: "smollm2-135m", Quant: "Q4_0", PromptTokens: 1024},
		{ModelID: "smollm2-135m", Quant: "Q8_0", PromptTokens: 64},
	}}
	if got := c.Twins(); got != 2 {
		t.Errorf("Twins() = %d, want 2", got)
	}
}
