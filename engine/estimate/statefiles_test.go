package estimate

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/quant"
	"slmscope/internal/proctest"
)

// TestCalibrationHelperProcess is the child of TestCalibrationTwoProcesses: it saves n
// measurements under its key, and n under a shared key, one at a time.
func TestCalibrationHelperProcess(t *testing.T) {
	path, who, n := proctest.Writer(t)
	for i := 0; i < n; i++ {
		m := Measurement{ModelID: fmt.Sprintf("%s-%d", who, i), Quant: quant.Quant("Q8_0"), GenTPS: 1, When: time.Now()}
		if err := MergeSaveCalibration(path, Calibration{Key: "shared", Measurements: []Measurement{m}}); err != nil {
			t.Fatal(err)
		}
		if err := SaveCalibration(path, Calibration{Key: who, Measurements: []Measurement{m}}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCalibrationTwoProcesses: two processes saving at the same moment lose nothing: both
// keys survive, and every measurement merged into the shared key is there.
func TestCalibrationTwoProcesses(t *testing.T) {
	path := filepath.Join(proctest.TempDir(t), "calibration.json")
	const n = 15
	proctest.RunWriters(t, "TestCalibrationHelperProcess", path, n, "app", "cli")
	for _, who := range []string{"app", "cli"} {
		if _, err := LoadCalibration(path, who); err != nil {
			t.Errorf("%s's entry lost: %v", who, err)
		}
	}
	shared, err := LoadCalibration(path, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if len(shared.Measurements) != 2*n {
		t.Fatalf("shared key has %d measurements, want %d: updates were lost", len(shared.Measurements), 2*n)
	}
}

// TestBadPriceTables: garbage, a truncated end, NaN, negative and 1e309 prices are moved
// aside with a note naming the problem, and the built-in table is used.
func TestBadPriceTables(t *testing.T) {
	cases := map[string]string{
		"garbage":   "\x00\x01price",
		"truncated": `{"as_of": "2026-01-01", "prices": [{"model": "A", "input_per_mtok": 1`,
		"nan":       `{"prices": [{"model": "A", "input_per_mtok": NaN, "output_per_mtok": 1}]}`,
		"negative":  `{"prices": [{"model": "A", "input_per_mtok": -1, "output_per_mtok": 1}]}`,
		"1e309":     `{"prices": [{"model": "A", "input_per_mtok": 1e309, "output_per_mtok": 1}]}`,
		"huge":      `{"prices": [{"model": "A", "input_per_mtok": 1e300, "output_per_mtok": 1}]}`,
		"empty":     `{"prices": []}`,
	}
	d := DefaultPrices()
	for name, data := range cases {
		p := filepath.Join(t.TempDir(), "api_prices.json")
		os.WriteFile(p, []byte(data), 0o644)
		tb, err := LoadPrices(p)
		if err == nil || !strings.Contains(err.Error(), "kept as") || len(tb.Prices) != len(d.Prices) {
			t.Errorf("%s: got %d prices, %v", name, len(tb.Prices), err)
		}
		if _, serr := os.Stat(p); serr == nil {
			t.Errorf("%s: the bad table is still in place", name)
		}
	}
	p := filepath.Join(t.TempDir(), "api_prices.json")
	if err := SavePrices(p, PriceTable{Prices: []APIPrice{{Model: "A", InputPerMTok: 0, OutputPerMTok: 1}}}); err != nil {
		t.Errorf("price 0: %v", err)
	}
	for _, v := range []float64{-1, math.NaN(), math.Inf(1), 2e6} {
		if err := SavePrices(p, PriceTable{Prices: []APIPrice{{Model: "A", InputPerMTok: v, OutputPerMTok: 1}}}); err == nil {
			t.Errorf("saving price %v: no error", v)
		}
	}
}

// TestFutureCalibration: a cache written by a newer slmscope is moved aside, not misread.
func TestFutureCalibration(t *testing.T) {
	p := filepath.Join(t.TempDir(), "calibration.json")
	os.WriteFile(p, []byte(`{"version": 7, "entries": {}}`), 0o644)
	_, err := LoadCalibration(p, "")
	if err == nil || !strings.Contains(err.Error(), "newer slmscope") || !strings.Contains(err.Error(), "moved to") {
		t.Fatalf("got %v", err)
	}
}
