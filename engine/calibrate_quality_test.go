package engine

import (
	"strings"
	"testing"

	"slmscope/engine/estimate/estimatetest"
)

// qualityMisses decides whether a calibration measures further (GrowBudget). Two recorded
// ladders of the same 2-core EPYC: 17 runs on a quiet day meet every goal (leave-one-out
// 4.2 %, band ±9.6 %, 94 % inside); 11 runs on a noisy evening (2026-12-04 21:22, the
// default calibration stopped before Granite with 0 s left) miss the error and band goals.
func TestQualityMissesOnRecordedLadders(t *testing.T) {
	tests := []struct {
		file    string
		want    []string
		notWant []string
	}{
		{"ladder_epyc_2c.json", nil, []string{"missed"}},
		{"ladder_epyc_2c_noisy.json", []string{"the fit missed", "leave-one-out 16.5 % (goal 5)", "median band ±25.6 % (goal ±12)"}, []string{"inside their bands"}},
	}
	for _, tc := range tests {
		cal := estimatetest.Calibration(t, "estimate/testdata/"+tc.file)
		got := qualityMisses(cal.Machine, cal)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.file, got, w)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q has %q", tc.file, got, w)
			}
		}
		if tc.want == nil && got != "" {
			t.Errorf("%s: %q, want no miss", tc.file, got)
		}
	}
}
