package estimate

import (
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
