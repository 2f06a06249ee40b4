package ui

import (
	"strings"
	"testing"
)

func TestLiveLatencyChartDecimates(t *testing.T) {
	tests := []struct {
		name    string
		gaps    int
		maxPts  int
		twin    bool
		wantSub string
	}{
		{"empty", 0, 0, false, ""},
		{"short run keeps every token", 50, 50, false, ""},
		{"long run is decimated", 5000, latencyPoints, true, "twin: real speed, random words"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gaps := make([]float64, tc.gaps)
			for i := range gaps {
				gaps[i] = 10 + float64(i%7)
			}
			if tc.gaps > 100 {
				gaps[tc.gaps/2] = 500 // a spike must survive decimation
			}
			c := liveLatencyChart(gaps, "SmolLM2-135M Q8_0", tc.twin)
			if got := c.PointCount(); got > tc.maxPts || (tc.gaps > 0 && got == 0) {
				t.Errorf("%d points, want 1..%d", got, tc.maxPts)
			}
			if tc.gaps > 100 {
				top := 0.0
				for _, p := range c.Series[0].Points {
					top = max(top, p.Y)
				}
				if top != 500 {
					t.Errorf("the 500 ms spike was lost (max %v)", top)
				}
			}
			if !strings.Contains(c.Subtitle, tc.wantSub) {
				t.Errorf("subtitle %q lacks %q", c.Subtitle, tc.wantSub)
			}
			if err := c.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}
