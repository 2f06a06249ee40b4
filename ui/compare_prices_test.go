package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine"
	"slmscope/engine/estimate"
)

func TestCompareEditPrices(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api_prices.json")
	old := pricesFile
	pricesFile = func() (string, error) { return path, nil }
	t.Cleanup(func() { pricesFile = old })
	a, s := compareFor(t, &fakeCompare{cal: fixtureCalibration(t)})

	s.onEditPrices()
	if len(a.win.Canvas().Overlays().List()) == 0 {
		t.Fatal("the price editor did not open")
	}

	if err := s.savePrices("{not json", path); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("broken JSON: err = %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a refused table was written")
	}

	table := engine.DefaultPrices()
	table.AsOf = "2027-01-01"
	table.Prices = table.Prices[:1]
	table.Prices[0].OutputPerMTok = 99
	table.Prices[0].AsOf = "2027-01-01"
	data, _ := json.Marshal(table)
	if err := s.savePrices(string(data), path); err != nil {
		t.Fatalf("valid table refused: %v", err)
	}
	back, err := estimate.LoadPrices(path)
	if err != nil || len(back.Prices) != 1 || back.Prices[0].OutputPerMTok != 99 {
		t.Fatalf("saved table reads back as %+v, %v", back, err)
	}
	if s.pricesTable.Path != path || s.pricesTable.Prices[0].OutputPerMTok != 99 {
		t.Errorf("the screen still uses %+v", s.pricesTable)
	}
}
