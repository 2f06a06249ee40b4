package hwprobe

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzBandwidthCache: bandwidth.json never panics the probe; an accepted file has a finite,
// non-negative bandwidth.
func FuzzBandwidthCache(f *testing.F) {
	f.Add([]byte(`{"version":1,"boot_id":"b","read_gbps":12.5,"triad_gbps":10}`))
	f.Add([]byte(`{"boot_id":"b","read_gbps":-1}`))
	f.Add([]byte(`{"version":2}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "bandwidth.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := loadBandwidthCache(p)
		os.Remove(p)
		if err == nil && (math.IsNaN(c.ReadGBps) || c.ReadGBps < 0) {
			t.Fatalf("accepted %+v", c)
		}
	})
}
