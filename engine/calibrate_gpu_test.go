package engine

import (
	"math"
	"testing"
)

// A step's predicted time: scaled by the bytes a token reads on the CPU (by the file's when
// that is unknown), the last run's plus the extra bytes' load on a GPU, times the repeats its
// size gets (one on a GPU).
func TestCalibrationPredictsAStep(t *testing.T) {
	tests := []struct {
		gpu        string
		lastSize   int64
		lastRead   float64
		lastRunSec float64
		size       int64
		read       float64
		want       float64
	}{
		{"", 0, 0, 0, 1e9, 1e9, 1},
		{"", 5e8, 0, 2, 1e9, 0, 1 + 4*float64(calibrationRepeats(1e9))},
		{"", 5e8, 5e8, 2, 1e9, 1e9, 1 + 4*float64(calibrationRepeats(1e9))},
		// a mixture of experts: its file twice the last one's, its active experts a third
		{"", 5e8, 5e8, 3, 1e9, 5e8 / 3, 1 + 1*float64(calibrationRepeats(1e9))},
		{"NVIDIA H200", 5e8, 5e8, 2, 1.5e9, 1.5e9, 1 + 3},
		{"NVIDIA H200", 5e8, 5e8, 2, 1e8, 1e8, 1 + 2},
	}
	for _, tt := range tests {
		c := &calibration{gpu: tt.gpu, lastSize: tt.lastSize, lastRead: tt.lastRead, lastRunSec: tt.lastRunSec}
		if got := c.predict(tt.size, tt.read); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("gpu %q, last %d B in %.0f s: %d B predicted %.2f s, want %.2f", tt.gpu, tt.lastSize, tt.lastRunSec, tt.size, got, tt.want)
		}
	}
}
