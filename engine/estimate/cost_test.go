package estimate

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCostPerMillion(t *testing.T) {
	tests := []struct {
		name                   string
		tps                    float64
		power                  Power
		s                      CostSettings
		kwh, energy, hw, total float64
	}{
		// 65 W for 10⁶/10 = 100,000 s = 6.5·10⁶ J = 1.80556 kWh; × 0.30 = 0.541667.
		{"desktop default", 10, DefaultPower(MachineSpec{}, nil), DefaultCostSettings(), 1.805556, 0.541667, 0, 0.541667},
		// 25 W laptop at 50 tok/s: 20,000 s → 0.138889 kWh → × 0.40 = 0.055556.
		{"laptop", 50, DefaultPower(MachineSpec{Laptop: true}, nil), CostSettings{PricePerKWh: 0.40, Currency: "EUR"}, 0.138889, 0.055556, 0, 0.055556},
		// Amortisation: 1500 over 3 years × 365 × 8 h = 31,536,000 s of use; 100,000 s of it
		// = 4.756469.
		{"with hardware", 10, MeasuredPower(65, "RAPL"), CostSettings{PricePerKWh: 0.30, Currency: "USD", HardwarePrice: 1500, LifetimeYears: 3, HoursPerDay: 8},
			1.805556, 0.541667, 4.756469, 5.298136},
		{"no speed", 0, MeasuredPower(65, "RAPL"), DefaultCostSettings(), 0, 0, 0, 0},
	}
	for _, tc := range tests {
		c := CostPerMillion(tc.tps, tc.power, tc.s)
		for _, f := range []struct {
			what      string
			got, want float64
		}{{"kWh", c.KWhPerMTok, tc.kwh}, {"energy", c.EnergyPerMTok, tc.energy}, {"hardware", c.HardwarePerMTok, tc.hw}, {"total", c.TotalPerMTok, tc.total}} {
			if math.Abs(f.got-f.want) > 1e-5 {
				t.Errorf("%s: %s = %.6f, want %.6f", tc.name, f.what, f.got, f.want)
			}
		}
		if c.Basis == "" {
			t.Errorf("%s: no basis", tc.name)
		}
	}
	if p := DefaultPower(MachineSpec{}, nil); p.Measured || !strings.Contains(p.Basis, "default") {
		t.Errorf("default power not labelled: %+v", p)
	}
	if p := DefaultPower(MachineSpec{}, &GPU{Name: "X"}); p.Watts != DefaultGPUWatts {
		t.Errorf("GPU without limit: %+v", p)
	}
}

func TestCompareAndQuality(t *testing.T) {
	api := APIPrice{Model: "Big", InputPerMTok: 3, OutputPerMTok: 15, AsOf: "2026-11-24", Source: "test"}
	local := Cost{TotalPerMTok: 0.54, Currency: "USD"}
	c := Compare("SmolLM2", local, api, 40, 80)
	if math.Abs(c.PercentOfCost-3.6) > 1e-9 {
		t.Errorf("percent %.3f, want 3.6", c.PercentOfCost)
	}
	// quality per dollar: 40/0.54 = 74.07 vs 80/15 = 5.333 → 13.9×
	if math.Abs(c.LocalQualityPerDollar-74.074) > 0.01 || math.Abs(c.APIQualityPerDollar-5.3333) > 0.001 {
		t.Errorf("quality per dollar %.3f vs %.3f", c.LocalQualityPerDollar, c.APIQualityPerDollar)
	}
	if !strings.Contains(c.Sentence, "3.6% of the cost") || !strings.Contains(c.Sentence, "as of 2026-11-24") {
		t.Errorf("sentence %q", c.Sentence)
	}
	if PercentOfCost(1, 0) != 0 || QualityPerDollar(5, 0) != 0 {
		t.Error("division by zero not guarded")
	}
	if got := api.BlendedPerMTok(0.75); math.Abs(got-6) > 1e-9 { // 0.75·3 + 0.25·15
		t.Errorf("blended %.2f, want 6", got)
	}
}

func TestPriceTable(t *testing.T) {
	d := DefaultPrices()
	if len(d.Prices) < 3 || d.AsOf == "" {
		t.Fatalf("built-in table: %+v", d)
	}
	for _, p := range d.Prices {
		if p.AsOf == "" || p.Source == "" || p.OutputPerMTok <= 0 || p.InputPerMTok <= 0 {
			t.Errorf("price without date, source or numbers: %+v", p)
		}
	}
	dir := t.TempDir()
	// Missing user file: built-in table.
	if tb, err := LoadPrices(filepath.Join(dir, "none.json")); err != nil || len(tb.Prices) != len(d.Prices) {
		t.Errorf("missing file: %v", err)
	}
	user := filepath.Join(dir, "api_prices.json")
	if err := SavePrices(user, PriceTable{AsOf: "2027-01-01", Prices: []APIPrice{{Model: "Mine", InputPerMTok: 1, OutputPerMTok: 2}}}); err != nil {
		t.Fatal(err)
	}
	tb, err := LoadPrices(user)
	if err != nil || len(tb.Prices) != 1 || tb.Prices[0].AsOf != "2027-01-01" || !strings.Contains(tb.Prices[0].Source, user) || tb.Path != user {
		t.Errorf("user table %+v, %v", tb, err)
	}
	if p, ok := tb.Find("mine"); !ok || p.OutputPerMTok != 2 {
		t.Errorf("find: %+v %v", p, ok)
	}
	os.WriteFile(user, []byte("{not json"), 0o644)
	if tb, err := LoadPrices(user); err == nil || len(tb.Prices) != len(d.Prices) || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("broken table: %v", err)
	}
}
