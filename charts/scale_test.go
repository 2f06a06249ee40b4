package charts

import (
	"math"
	"strings"
	"testing"
)

func tickValues(r Range) []float64 {
	out := make([]float64, len(r.Ticks))
	for i, t := range r.Ticks {
		out[i] = t.Value
	}
	return out
}

func tickLabels(r Range) string {
	var s []string
	for _, t := range r.Ticks {
		s = append(s, t.Label)
	}
	return strings.Join(s, " ")
}

func TestRangeMap(t *testing.T) {
	tests := []struct {
		name string
		r    Range
		v    float64
		want float64
	}{
		{"linear low end", Range{Scale: Linear, Lo: 0, Hi: 100}, 0, 0},
		{"linear middle", Range{Scale: Linear, Lo: 0, Hi: 100}, 25, 0.25},
		{"linear above", Range{Scale: Linear, Lo: 10, Hi: 20}, 25, 1.5},
		{"log decade middle", Range{Scale: Log, Lo: 1e8, Hi: 1e12}, 1e10, 0.5},
		{"log top", Range{Scale: Log, Lo: 1e8, Hi: 1e12}, 1e12, 1},
		{"log one decade of four", Range{Scale: Log, Lo: 1e8, Hi: 1e12}, 1e9, 0.25},
		{"log base 2 bytes", Range{Scale: Log, Lo: 1 << 20, Hi: 1 << 40}, 1 << 30, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.r.Map(tc.v)
			if math.Abs(got-tc.want) > 1e-12 {
				t.Fatalf("Map(%g) = %g, want %g", tc.v, got, tc.want)
			}
			back := tc.r.Unmap(got)
			if math.Abs(back-tc.v) > 1e-9*math.Max(1, math.Abs(tc.v)) {
				t.Fatalf("Unmap(Map(%g)) = %g", tc.v, back)
			}
		})
	}
	if f := (Range{Scale: Log, Lo: 1, Hi: 10}).Map(0); !math.IsInf(f, -1) {
		t.Fatalf("log Map(0) = %g, want -Inf", f)
	}
}

func TestNiceStep(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0.7, 1}, {1, 1}, {1.1, 2}, {2.5, 5}, {4.99, 5}, {6, 10}, {0.013, 0.02}, {340, 500}, {1e9, 1e9},
	}
	for _, tc := range tests {
		if got := NiceStep(tc.in); math.Abs(got-tc.want) > 1e-12*tc.want {
			t.Errorf("NiceStep(%g) = %g, want %g", tc.in, got, tc.want)
		}
	}
}

// tickCase is one row of the tick tables: data lo..hi, at most about max ticks in unit, and
// the range and labels the ticks must come out as.
type tickCase struct {
	name         string
	lo, hi       float64
	max          int
	unit         Unit
	wantLo       float64
	wantHi       float64
	wantLabels   string
	fixLo, fixHi bool
}

// checkTicks fails t unless r's labels are want and every tick lies inside r (and above 0
// on a log range).
func checkTicks(t *testing.T, r Range, want string) {
	t.Helper()
	if got := tickLabels(r); got != want {
		t.Fatalf("labels = %q, want %q", got, want)
	}
	for _, v := range tickValues(r) {
		if (r.Scale == Log && v <= 0) || !r.Contains(v) {
			t.Fatalf("tick %g outside %g..%g", v, r.Lo, r.Hi)
		}
	}
}

func TestLinearTicks(t *testing.T) {
	tests := []tickCase{
		{"latency ms", 0, 87, 6, UnitMillis, 0, 100, "0 20 40 60 80 100", false, false},
		{"fractions", 0, 0.9, 6, UnitNone, 0, 1, "0 0.2 0.4 0.6 0.8 1", false, false},
		{"tight around 100", 100.05, 100.9, 6, UnitNone, 100, 101, "100 100.2 100.4 100.6 100.8 101", false, false},
		{"negative to positive", -3, 7, 6, UnitNone, -5, 10, "-5 0 5 10", false, false},
		{"negative to positive, more ticks", -3, 7, 7, UnitNone, -4, 8, "-4 -2 0 2 4 6 8", false, false},
		{"gigabytes", 0, 23 << 30, 6, UnitBytes, 0, 25e9, "0 B 5 GB 10 GB 15 GB 20 GB 25 GB", false, false},
		{"tokens", 0, 1900, 5, UnitTokens, 0, 2000, "0 500 1000 1500 2000", false, false},
		{"fixed min kept", 3, 9, 6, UnitNone, 3, 10, "4 6 8 10", true, false},
		{"single value widened", 5, 5, 6, UnitNone, 4.5, 5.5, "4.5 5 5.5", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := LinearTicks(tc.lo, tc.hi, tc.max, tc.unit, tc.fixLo, tc.fixHi)
			if math.Abs(r.Lo-tc.wantLo) > 1e-9*math.Max(1, math.Abs(tc.wantLo)) || math.Abs(r.Hi-tc.wantHi) > 1e-9*math.Max(1, tc.wantHi) {
				t.Fatalf("range = %g..%g, want %g..%g", r.Lo, r.Hi, tc.wantLo, tc.wantHi)
			}
			checkTicks(t, r, tc.wantLabels)
			if len(r.Ticks) > tc.max {
				t.Fatalf("%d ticks, asked for at most about %d", len(r.Ticks), tc.max)
			}
		})
	}
}

func TestLogTicks(t *testing.T) {
	tests := []tickCase{
		{"params 135M..405B by decade", 135e6, 405e9, 8, UnitParams, 1e8, 1e12, "100M 1B 10B 100B 1T", false, false},
		{"params 135M..405B 1-2-5", 135e6, 405e9, 12, UnitParams, 1e8, 5e11, "100M 200M 500M 1B 2B 5B 10B 20B 50B 100B 200B 500B", false, false},
		{"params 135M..405B few ticks", 135e6, 405e9, 3, UnitParams, 1e8, 1e12, "100M 10B 1T", false, false},
		{"speeds 1-2-5", 0.9, 95, 8, UnitTokPerSec, 0.5, 100, "0.5 1 2 5 10 20 50 100", false, false},
		{"speeds every other decade", 0.013, 355, 4, UnitTokPerSec, 0.01, 1000, "0.01 1 100", false, false},
		{"dollars", 0.004, 12, 8, UnitUSDPerMTok, 0.001, 100, "$0.001 $0.01 $0.1 $1 $10 $100", false, false},
		{"bytes by decade", 100 << 20, 200 << 30, 8, UnitBytes, 1e8, 1e12, "100 MB 1 GB 10 GB 100 GB 1 TB", false, false},
		{"bytes 1-2-5", 300 << 20, 3 << 30, 8, UnitBytes, 2e8, 5e9, "200 MB 500 MB 1 GB 2 GB 5 GB", false, false},
		{"within a decade", 60, 90, 6, UnitTokPerSec, 60, 90, "60 70 80 90", false, false},
		{"within a decade, many ticks", 60, 90, 8, UnitTokPerSec, 60, 90, "60 65 70 75 80 85 90", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := LogTicks(tc.lo, tc.hi, tc.max, tc.unit, tc.fixLo, tc.fixHi)
			if r.Scale != Log {
				t.Fatalf("scale = %v", r.Scale)
			}
			if math.Abs(r.Lo/tc.wantLo-1) > 1e-9 || math.Abs(r.Hi/tc.wantHi-1) > 1e-9 {
				t.Fatalf("range = %g..%g, want %g..%g", r.Lo, r.Hi, tc.wantLo, tc.wantHi)
			}
			checkTicks(t, r, tc.wantLabels)
			if r.Lo > tc.lo || r.Hi < tc.hi {
				t.Fatalf("range %g..%g does not cover the data %g..%g", r.Lo, r.Hi, tc.lo, tc.hi)
			}
		})
	}
}

func TestResolveAxis(t *testing.T) {
	tests := []struct {
		name           string
		a              Axis
		lo, hi         float64
		wantLo, wantHi float64
	}{
		{"linear starts at zero", Axis{Scale: Linear}, 12, 87, 0, 100},
		{"fixed bounds kept", Axis{Scale: Linear, Min: 10, Max: 50, FixedMin: true, FixedMax: true}, 12, 87, 10, 50},
		{"no data linear", Axis{Scale: Linear}, math.Inf(1), math.Inf(-1), 0, 1},
		{"no data log", Axis{Scale: Log}, math.Inf(1), math.Inf(-1), 1, 10},
		{"log rounds out", Axis{Scale: Log, Unit: UnitParams}, 135e6, 8e9, 1e8, 1e10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ResolveAxis(tc.a, tc.lo, tc.hi, 6)
			if math.Abs(r.Lo-tc.wantLo) > 1e-9*math.Max(1, tc.wantLo) || math.Abs(r.Hi-tc.wantHi) > 1e-9*math.Max(1, tc.wantHi) {
				t.Fatalf("range = %g..%g, want %g..%g", r.Lo, r.Hi, tc.wantLo, tc.wantHi)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v    float64
		u    Unit
		want string
	}{
		{6.1, UnitTokPerSec, "6.1 tok/s"},
		{612.34, UnitTokPerSec, "612 tok/s"},
		{22.9 * (1 << 30), UnitBytes, "24.6 GB"},
		{136 << 20, UnitBytes, "143 MB"},
		{512, UnitBytes, "512 B"},
		{840, UnitMillis, "840 ms"},
		{1234, UnitMillis, "1.23 s"},
		{0.84, UnitSeconds, "840 ms"},
		{2.5, UnitSeconds, "2.5 s"},
		{0.45, UnitUSDPerMTok, "$0.45 per 1M tokens"},
		{0.0123, UnitUSDPerMTok, "$0.0123 per 1M tokens"},
		{135e6, UnitParams, "135M"},
		{1.7e9, UnitParams, "1.7B"},
		{7e9, UnitParams, "7B"},
		{70.6e9, UnitParams, "70.6B"},
		{405e9, UnitParams, "405B"},
		{512, UnitTokens, "512 tokens"},
		{32768, UnitTokens, "32.8k tokens"},
		{0, UnitNone, "0"},
		{-0.00004, UnitNone, "-0.00004"},
		{math.NaN(), UnitTokPerSec, "n/a"},
	}
	for _, tc := range tests {
		if got := FormatValue(tc.v, tc.u); got != tc.want {
			t.Errorf("FormatValue(%g, %v) = %q, want %q", tc.v, tc.u, got, tc.want)
		}
	}
}

func TestAxisTitle(t *testing.T) {
	tests := []struct {
		a    Axis
		want string
	}{
		{Axis{Label: "Generation speed", Unit: UnitTokPerSec}, "Generation speed (tok/s)"},
		{Axis{Label: "Parameters", Unit: UnitParams}, "Parameters"},
		{Axis{Label: "Memory", Unit: UnitBytes}, "Memory"},
		{Axis{Unit: UnitMillis}, "ms"},
	}
	for _, tc := range tests {
		if got := AxisTitle(tc.a); got != tc.want {
			t.Errorf("AxisTitle(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}
