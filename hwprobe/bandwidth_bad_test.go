package hwprobe

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadBandwidthCache: garbage, a truncated end, a future version and an impossible value
// in bandwidth.json are moved aside with a note; the probe carries on without a crash.
func TestBadBandwidthCache(t *testing.T) {
	cases := map[string]string{
		"garbage":   "\xff\xfe garbage",
		"truncated": `{"boot_id": "11111111-2222-3333-4444-555555555555", "read_gbps": 12.`,
		"future":    `{"version": 99, "boot_id": "11111111-2222-3333-4444-555555555555", "read_gbps": 12}`,
		"negative":  `{"boot_id": "11111111-2222-3333-4444-555555555555", "read_gbps": -4}`,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			opts := fixtureOpts(t, "root-x86-cgv2")
			opts.SkipBandwidth = true
			file := filepath.Join(opts.CacheDir, "bandwidth.json")
			os.MkdirAll(opts.CacheDir, 0o755)
			if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			bw := CachedBandwidth(context.Background(), opts)
			if bw.Cached || !strings.Contains(bw.Note, "kept as") {
				t.Fatalf("%+v", bw)
			}
			if _, err := os.Stat(file); err == nil {
				t.Fatal("the bad cache is still in place")
			}
		})
	}
}
