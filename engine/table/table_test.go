package table

import (
	"slices"
	"strings"
	"testing"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/estimate/estimatetest"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// fixtureCalibration loads engine/table/testdata/calibration.json: a real calibration of the development
// machine (Debian 12, 2 cores, no GPU), measured with `slmscope calibrate --budget 45s`.
func fixtureCalibration(t testing.TB) estimate.Calibration {
	return estimatetest.Calibration(t, "testdata/calibration.json")
}

// fixture is the report input of the fixture calibration, every catalog model and a fixed
// date.
func fixture(t *testing.T) Input {
	t.Helper()
	cal := fixtureCalibration(t)
	if len(cal.Measurements) < 3 {
		t.Fatalf("fixture has %d measurements, want ≥ 3", len(cal.Measurements))
	}
	return Input{Machine: cal.Machine, Calibration: cal, Models: catalog.All(),
		Now: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)}
}

func TestComputeCoversEveryModelAndQuant(t *testing.T) {
	tests := []struct {
		name       string
		calibrated bool
		quants     []quant.Quant
	}{
		{"calibrated, default quants plus measured ones", true, nil},
		{"uncalibrated", false, nil},
		{"one quant", true, []quant.Quant{"Q8_0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := fixture(t)
			if !tc.calibrated {
				in.Calibration = estimate.Calibration{}
			}
			in.Quants = tc.quants
			d := Compute(in)
			want, published := len(d.Input.Quants)*len(in.Models), 0
			for _, m := range in.Models { // and each model's published quant (gpt-oss's MXFP4) unless one quant was asked for
				if len(d.Input.Quants) != 1 && m.PublishedQuant != "" && !slices.Contains(d.Input.Quants, quant.Canonical(m.PublishedQuant)) {
					published++
				}
			}
			if got := len(d.Projections) + len(d.Skipped); got != want+published || published == 0 && len(d.Input.Quants) != 1 {
				t.Fatalf("%d projections + %d skipped, want %d (%d models × %v, and %d at their published quant)",
					len(d.Projections), len(d.Skipped), want+published, len(in.Models), d.Input.Quants, published)
			}
			measured := 0
			for _, p := range d.Projections {
				if p.Source == estimate.SourceMeasured {
					measured++
				}
				if b := Badge(p); !strings.HasPrefix(b, "● measured") && !strings.HasPrefix(b, "○ projected") {
					t.Errorf("%s %s: badge %q", p.ID, p.Quant, b)
				}
			}
			if tc.calibrated && tc.quants == nil && measured == 0 {
				t.Error("a calibrated report with the measured quants shows no measured row")
			}
			if !tc.calibrated && measured != 0 {
				t.Errorf("uncalibrated report shows %d measured rows", measured)
			}
			if d.Calibrated() != tc.calibrated {
				t.Errorf("Calibrated() = %v", d.Calibrated())
			}
		})
	}
}

func TestQuantsForAddsMeasuredQuants(t *testing.T) {
	cal := estimate.Calibration{Measurements: []estimate.Measurement{{ModelID: "smollm2-135m", Quant: "q4_0"}, {ModelID: "smollm2-135m", Quant: "q8_0"}}}
	got := quant.Join(QuantsFor(cal), ",")
	if want := quant.Join(append(estimate.DefaultQuants(), quant.Q4_0), ","); got != want {
		t.Errorf("QuantsFor = %s, want %s", got, want)
	}
}

func TestContextChangesMemory(t *testing.T) {
	in := fixture(t)
	in.Quants = []quant.Quant{"Q8_0"}
	in.Context = 2048
	small := Compute(in)
	in.Context = 32768
	big := Compute(in)
	for i := range small.Projections {
		a, b := small.Projections[i], big.Projections[i]
		if b.Memory.KVBytes <= a.Memory.KVBytes || b.MemoryBytes <= a.MemoryBytes {
			t.Errorf("%s: KV %d → %d, memory %d → %d when context grows 16×", a.ID, a.Memory.KVBytes, b.Memory.KVBytes, a.MemoryBytes, b.MemoryBytes)
		}
	}
}

func TestCellsAndSortKeys(t *testing.T) {
	p := estimate.Projection{Name: "Qwen2.5-7B", Quant: "Q4_K_M", Params: 7_615_616_512, MemoryBytes: 5_000_000_000,
		Fits: true, FitVerdict: estimate.Verdict{Fits: true, Placement: estimate.PlaceRAM},
		DecodeTPS: 4, DecodeTPSLow: 3, DecodeTPSHigh: 5, TTFTMs: 2500, Source: estimate.SourceProjected, Calibrated: true,
		Cost: estimate.Cost{TotalPerMTok: 1.234, Currency: "USD"}}
	tests := []struct {
		col  Column
		want string
	}{
		{ColParams, "7.62B"}, {ColFits, "yes (RAM)"}, {ColSpeed, "4.0 (3.0–5.0)"}, {ColTTFT, "2.50 s"},
		{ColCost, "1.23 USD"}, {ColSource, "○ projected ±25%"},
	}
	cells := Cells(p)
	for _, tc := range tests {
		if cells[tc.col] != tc.want {
			t.Errorf("column %s: %q, want %q", ColumnTitles[tc.col], cells[tc.col], tc.want)
		}
	}
	for b, want := range map[int64]string{512: "512 B", 94_400_000: "94.4 MB", 922_000_000: "922 MB", 1_540_000_000: "1.54 GB", 999_600_000: "1.00 GB"} {
		if got := units.Bytes(b); got != want {
			t.Errorf("units.Bytes(%d) = %q, want %q", b, got, want)
		}
	}
	for ms, want := range map[float64]string{840: "840 ms", 2500: "2.50 s", 27_300: "27 s", 1_452_000: "24 min", 11_000_000: "3.1 h"} {
		if got := TTFTText(estimate.Projection{TTFTMs: ms}); got != want {
			t.Errorf("TTFTText(%v ms) = %q, want %q", ms, got, want)
		}
	}
	if v, _ := SortKey(p, ColMemory); v != 5e9 {
		t.Errorf("memory sort key %v", v)
	}
	p.Cost.TotalPerMTok = 0
	if v, _ := SortKey(p, ColCost); v < 1e300 {
		t.Errorf("unknown cost sorts at %v, want last", v)
	}
}

// BenchmarkCompute is what the Compare screen pays on every setting change, here with every
// quantization selected (the screen runs it off the UI goroutine and drops stale results).
func BenchmarkCompute(b *testing.B) {
	cal := fixtureCalibration(b)
	in := Input{Machine: cal.Machine, Calibration: cal, Models: catalog.All(), Quants: estimate.Quants()}
	for b.Loop() {
		_ = Compute(in)
	}
}
