package engine

import (
	"math"
	"strings"
	"testing"
)

func TestSteadinessOf(t *testing.T) {
	for _, c := range []struct {
		name                string
		gen, p50, p95       float64
		wantRatio, wantTail float64
		uneven              bool
	}{
		// runs of 2026-12-05 on the 2-core VM (docs/accuracy.md)
		{"gpt-oss-20b, tail state", 7.41, 84.9, 301.1, 0.629, 3.55, true},
		{"gpt-oss-20b, sitting N", 5.97, 126.8, 333.6, 0.757, 2.63, true},
		{"gpt-oss-20b, cache dropped", 9.93, 94.8, 147.8, 0.941, 1.56, false},
		{"Llama-3.1-8B Q4_K_M, sitting N", 7.76, 124.4, 152.4, 0.965, 1.23, false},
		{"Qwen3-4B, sitting O", 10.05, 81.2, 170.5, 0.816, 2.10, false},
		{"no tokens", 0, 0, 0, 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := SteadinessOf(128, c.gen, c.p50, c.p95)
			if math.Abs(s.MeanToMedian-c.wantRatio) > 0.005 || math.Abs(s.TailToMedian-c.wantTail) > 0.01 || s.Uneven != c.uneven {
				t.Errorf("SteadinessOf(%v, %v, %v) = %+v, want ratio %.3f, tail %.2f, uneven %v", c.gen, c.p50, c.p95, s, c.wantRatio, c.wantTail, c.uneven)
			}
			if got := s.Sentence() != ""; got != c.uneven {
				t.Errorf("sentence %q for uneven %v", s.Sentence(), c.uneven)
			}
		})
	}
	s := SteadinessOf(128, 7.41, 84.9, 301.1)
	for _, want := range []string{"0.63", "11.8 tok/s", "3.5×", "Measure again"} {
		if !strings.Contains(s.Sentence(), want) {
			t.Errorf("sentence %q lacks %q", s.Sentence(), want)
		}
	}
	if short := SteadinessOf(16, 7.41, 84.9, 301.1); short.Uneven {
		t.Errorf("16 tokens called uneven: %+v", short)
	}
	if !strings.Contains(s.Figure(), "(uneven)") {
		t.Errorf("figure %q does not say uneven", s.Figure())
	}
}

func TestUnevenestKeepsTheLeastEvenRun(t *testing.T) {
	runs := []BenchRun{
		{Steadiness: SteadinessOf(128, 9.93, 94.8, 147.8)},
		{Steadiness: SteadinessOf(128, 7.41, 84.9, 301.1)},
		{Steadiness: SteadinessOf(128, 0, 0, 0)},
		{Steadiness: SteadinessOf(128, 5.97, 126.8, 333.6)},
	}
	s, n := unevenest(runs)
	if n != 2 || math.Abs(s.MeanToMedian-0.629) > 0.005 {
		t.Errorf("unevenest = %+v, %d uneven; want ratio 0.629, 2 uneven", s, n)
	}
}
