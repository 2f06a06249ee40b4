package estimate

import (
	"math"
	"testing"
)

func TestMeanPerMedian(t *testing.T) {
	run := func(dev string, gen, p50ms float64) Measurement {
		return Measurement{Device: dev, GenTPS: gen, TokenMsP50: p50ms}
	}
	tests := []struct {
		name   string
		ms     []Measurement
		device string
		ratio  float64
		n      int
	}{
		{"no medians", []Measurement{{GenTPS: 10}}, "cpu", 1, 0},
		{"one run", []Measurement{run("cpu", 9.8, 100)}, "cpu", 0.98, 1},
		{"median of three", []Measurement{run("", 9.0, 100), run("cpu", 9.8, 100), run("cpu", 9.9, 100)}, "cpu", 0.98, 3},
		{"other device left out", []Measurement{run("cpu", 9.8, 100), run("RTX", 5, 100)}, "cpu", 0.98, 1},
		{"even count", []Measurement{run("cpu", 9.6, 100), run("cpu", 10, 100)}, "cpu", 0.98, 2},
	}
	for _, tc := range tests {
		r, n := meanPerMedian(tc.ms, tc.device)
		if math.Abs(r-tc.ratio) > 1e-9 || n != tc.n {
			t.Errorf("%s: %v from %d, want %v from %d", tc.name, r, n, tc.ratio, tc.n)
		}
	}
}
