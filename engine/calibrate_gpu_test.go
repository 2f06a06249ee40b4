package engine

import "testing"

// A step's predicted time: scaled by bytes on the CPU, the last run's plus the extra bytes'
// load on a GPU, times the repeats its size gets (one on a GPU).
func TestCalibrationPredictsAStep(t *testing.T) {
	tests := []struct {
		gpu        string
		lastSize   int64
		lastRunSec float64
		size       int64
		want       float64
	}{
		{"", 0, 0, 1e9, 1},
		{"", 5e8, 2, 1e9, 1 + 4*float64(calibrationRepeats(1e9))},
		{"NVIDIA H200", 5e8, 2, 1.5e9, 1 + 3},
		{"NVIDIA H200", 5e8, 2, 1e8, 1 + 2},
	}
	for _, tt := range tests {
		c := &calibration{gpu: tt.gpu, lastSize: tt.lastSize, lastRunSec: tt.lastRunSec}
		if got := c.predict(tt.size); got != tt.want {
			t.Errorf("gpu %q, last %d B in %.0f s: %d B predicted %.2f s, want %.2f", tt.gpu, tt.lastSize, tt.lastRunSec, tt.size, got, tt.want)
		}
	}
}
