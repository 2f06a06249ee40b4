package units

import (
	"math"
	"testing"
)

func TestFormatters(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{Bytes(0), "0 B"},
		{Bytes(512), "512 B"},
		{Bytes(999), "999 B"},
		{Bytes(1000), "1.00 kB"}, {Bytes(999_600_000), "1.00 GB"},
		{Bytes(136_400_000), "136 MB"},
		{Bytes(4_920_000_000), "4.92 GB"},
		{Bytes(24_400_000_000), "24.4 GB"},
		{BytesU(1_230_000_000_000), "1.23 TB"}, {BytesN(94_400_000, 3), "94.4 MB"}, {BytesN(1_500_000_000, 2), "1.5 GB"},
		{BytesN(math.NaN(), 3), "n/a"},
		{GB(23_456_000_000), "23.5 GB"}, {GB(16e9), "16 GB"}, {GB(270e6), "0.27 GB"}, {GB(140e9), "140 GB"},
		{Params(134_515_008), "135M"},
		{Params(1_711_376_384), "1.71B"},
		{Params(70_553_706_496), "70.6B"},
		{Params(1_700_000_000), "1.7B"},
		{Params(405_000_000_000), "405B"},
		{Params(999), "999"},
		{Tokens(4096), "4K"},
		{Tokens(512), "512"},
		{Count(1, "twin"), "1 twin"},
		{Count(0, "twin"), "0 twins"},
		{Count(14, "run"), "14 runs"},
		{Millis(0.84), "0.84 ms"},
		{Millis(840), "840 ms"},
		{Millis(1234), "1.23 s"},
		{Duration(4.5), "4.5 s"},
		{Duration(138), "2.3 min"},
		{Duration(5400), "1.5 h"},
		{TokPerSec(95.04), "95.0 tok/s"},
		{TokPerSec(573.2), "573 tok/s"},
		{TokPerSec(0.844), "0.84 tok/s"},
		{GBps(8.43), "8.4 GB/s"},
		{GBps(120.4), "120 GB/s"},
		{Percent(0.081), "8.1 %"},
		{Sig(0.012345, 2), "0.012"},
		{Sig(4.0, 3), "4"},
		{Sig(12345, 2), "12000"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	cases := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{nil, 50, 0},
		{[]float64{7}, 95, 7},
		{[]float64{3, 1, 2}, 50, 2},
		{[]float64{1, 2, 3, 4}, 50, 2.5},
		{[]float64{1, 2, 3, 4}, 0, 1},
		{[]float64{1, 2, 3, 4}, 100, 4},
		{[]float64{10, 20}, 95, 19.5},
		{[]float64{1, 2}, 150, 2},
		{[]float64{5}, 95, 5},
		{[]float64{1, 2, 3, 4, 5}, 50, 3},
		{[]float64{5, 1, 4, 2, 3}, 0, 1},
		{[]float64{1, 2, 3, 4, 5}, 100, 5},
		{[]float64{10, 20}, 50, 15},
	}
	for _, c := range cases {
		if got := Percentile(c.xs, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Percentile(%v, %v) = %v, want %v", c.xs, c.p, got, c.want)
		}
	}
	xs := []float64{3, 1, 2}
	_ = Median(xs)
	if xs[0] != 3 {
		t.Error("Percentile sorted its input in place")
	}
}
