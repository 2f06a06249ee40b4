package engine

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/hwprobe"
)

// ladderRuns is one CPU measurement per step of ladder.
func ladderRuns(ladder []LadderStep) []estimate.Measurement {
	var ms []estimate.Measurement
	for _, st := range ladder {
		ms = append(ms, estimate.Measurement{ModelID: st.ModelID, Quant: st.Quant, Device: "cpu", GenTPS: 10})
	}
	return ms
}

func TestLadderGapNote(t *testing.T) {
	withoutMXFP4 := slices.DeleteFunc(slices.Clone(DefaultLadder), func(st LadderStep) bool { return st.Quant == quant.MXFP4_MOE })
	for _, c := range []struct {
		name string
		runs []estimate.Measurement
		want string // "" for no note
	}{
		{"nothing measured", nil, ""},
		{"the whole ladder", ladderRuns(DefaultLadder), ""},
		{"saved before the MXFP4 step", ladderRuns(withoutMXFP4), "this calibration has no run of MXFP4, which `slmscope calibrate` measures: until it does, projections of models that use it borrow"},
		{"GPU runs measure no CPU kernel", append(ladderRuns(withoutMXFP4), estimate.Measurement{ModelID: "granite-3.0-1b-a400m", Quant: quant.MXFP4_MOE, Device: "Vulkan0"}), "no run of MXFP4,"},
		{"a user's own file is no ladder step", append(ladderRuns(DefaultLadder), estimate.Measurement{ModelID: "my-model", Quant: quant.Q4_K_M}), ""},
		{"only the first step", ladderRuns(DefaultLadder[:1]), "no run of F16, F32, MXFP4, Q3_K, Q4_0 (repacked), Q4_K (repacked), Q5_0, Q5_1, Q5_K, Q6_K, which `slmscope calibrate` measures: until it does, projections of models that use them"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ladderGapNote(estimate.Calibration{Measurements: c.runs})
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("note %q, want %q", got, c.want)
			}
		})
	}
}

// A calibration saved before the ladder measured MXFP4 says so where the machine's notes go
// (`project`, `report`), and measuring again drops the note.
func TestMachineNotesAnOldCalibrationsGap(t *testing.T) {
	withoutMXFP4 := slices.DeleteFunc(slices.Clone(DefaultLadder), func(st LadderStep) bool { return st.Quant == quant.MXFP4_MOE })
	old := estimate.Calibration{Key: "k", Measurements: ladderRuns(withoutMXFP4)}
	h := &MachineHub{Save: func(string, estimate.Calibration) error { return nil }}
	s, err := h.LoadOnce(context.Background(), MachineOptions{
		Probe:           func(context.Context, hwprobe.Options) (*hwprobe.Report, error) { return &hwprobe.Report{}, nil },
		LoadCalibration: func(string, string) (estimate.Calibration, error) { return old, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(s.Notes, func(n string) bool { return strings.HasPrefix(n, "this calibration has no run of MXFP4") }) {
		t.Fatalf("notes %q lack the MXFP4 gap", s.Notes)
	}
	if !strings.HasPrefix(s.LadderGap(), "this calibration has no run of MXFP4") {
		t.Errorf("LadderGap() = %q", s.LadderGap())
	}
	fresh := estimate.Calibration{Key: "k", When: time.Now(), Measurements: ladderRuns(DefaultLadder[12:14])}
	got, err := h.AddCalibration(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(got.Notes, func(n string) bool { return strings.HasPrefix(n, ladderGapPrefix) }) || got.LadderGap() != "" {
		t.Errorf("after measuring MXFP4, notes %q", got.Notes)
	}
}
