package estimate

import (
	"testing"

	"slmscope/internal/statefile"
)

// FuzzParsePrices: a user's price table never panics, and every accepted price is finite
// and in range.
func FuzzParsePrices(f *testing.F) {
	f.Add(builtinPrices)
	f.Add([]byte(`{"prices":[{"model":"A","input_per_mtok":1e309}]}`))
	f.Add([]byte(`{"prices":[{"model":"A","input_per_mtok":-1,"output_per_mtok":1}]}`))
	f.Add([]byte(`{"prices":[{"model":"","input_per_mtok":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParsePrices(data, "fuzz.json")
		if err != nil {
			return
		}
		for _, p := range tb.Prices {
			if !validPrice(p.InputPerMTok) || !validPrice(p.OutputPerMTok) || p.Model == "" {
				t.Fatalf("accepted %+v", p)
			}
		}
	})
}

// FuzzCalibrationCache: the calibration cache's decoder never panics and never accepts a
// future version.
func FuzzCalibrationCache(f *testing.F) {
	f.Add([]byte(`{"version":1,"entries":{"k":{"key":"k","measurements":[{"model_id":"m","gen_tps":3}]}}}`))
	f.Add([]byte(`{"version":2,"entries":{}}`))
	f.Add([]byte(`{"version":1,"entries":{"k":{"measurements":[{"gen_tps":"x"}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var cf cacheFile
		if err := statefile.JSON(&cf, cacheVersion)(data); err == nil && cf.Version > cacheVersion {
			t.Fatalf("accepted version %d", cf.Version)
		}
	})
}
