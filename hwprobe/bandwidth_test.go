package hwprobe

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"slmscope/internal/units"
)

func TestMeasureBandwidthSane(t *testing.T) {
	bw, err := MeasureBandwidth(context.Background(), 96<<20, runtime.GOMAXPROCS(0))
	if err != nil {
		t.Fatal(err)
	}
	// Not a timing assertion: only "something was measured" and "below any real machine".
	for name, v := range map[string]float64{"read": bw.ReadGBps, "triad": bw.TriadGBps} {
		if v <= 0 || v >= 2000 {
			t.Errorf("%s bandwidth %.1f GB/s is outside (0, 2000)", name, v)
		}
	}
	if bw.Passes < 3 || bw.BufferBytes == 0 || bw.BufferBytes > 96<<20 || !strings.Contains(bw.Source, "best of") {
		t.Errorf("measurement details wrong: %+v", bw)
	}
	t.Logf("read %.1f GB/s, triad %.1f GB/s over %s, %d passes, %.2f s", bw.ReadGBps, bw.TriadGBps, units.BytesU(bw.BufferBytes), bw.Passes, bw.Seconds)
}

func TestMeasureBandwidthErrors(t *testing.T) {
	if _, err := MeasureBandwidth(context.Background(), 100, 4); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("tiny buffer: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := MeasureBandwidth(ctx, 48<<20, 1); err == nil {
		t.Error("a cancelled measurement returned no error")
	}
}

func TestBandwidthSize(t *testing.T) {
	tests := []struct{ available, want uint64 }{
		{0, DefaultBandwidthBytes},
		{64 * gib, DefaultBandwidthBytes},
		{512 << 20, 128 << 20},
		{100 << 20, minBandwidthBytes},
	}
	for _, tc := range tests {
		if got := bandwidthSize(tc.available); got != tc.want {
			t.Errorf("bandwidthSize(%d) = %d, want %d", tc.available, got, tc.want)
		}
	}
}

func TestBandwidthCache(t *testing.T) {
	opts := fixtureOpts(t, "root-x86-cgv2") // boot id 11111111-...
	opts.SkipBandwidth = false
	opts.BandwidthBytes = minBandwidthBytes
	ctx := context.Background()

	first := CachedBandwidth(ctx, opts)
	if first.Cached || first.ReadGBps <= 0 || first.Note != "" {
		t.Fatalf("first run should measure: %+v", first)
	}
	file := filepath.Join(opts.CacheDir, "bandwidth.json")
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "11111111-2222-3333-4444-555555555555") {
		t.Fatalf("cache file: %v %s", err, b)
	}
	second := CachedBandwidth(ctx, opts)
	if !second.Cached || second.ReadGBps != first.ReadGBps || !strings.Contains(second.Source, "cached") {
		t.Errorf("second run should come from the cache: %+v", second)
	}
	skip := opts
	skip.SkipBandwidth = true
	if s := CachedBandwidth(ctx, skip); !s.Cached {
		t.Errorf("--no-bandwidth should still show this boot's cached result: %+v", s)
	}
	re := opts
	re.Remeasure = true
	if r := CachedBandwidth(ctx, re); r.Cached || r.ReadGBps <= 0 {
		t.Errorf("Remeasure should measure again: %+v", r)
	}
	// Another boot: the cache no longer applies.
	other := fixtureOpts(t, "root-arm-cgv1") // no boot_id file: falls back to the host's boot time
	other.CacheDir = opts.CacheDir
	if o := CachedBandwidth(ctx, other); o.Cached || !strings.Contains(o.Note, "skipped") {
		t.Errorf("a different boot must not reuse the cache: %+v", o)
	}
	// A corrupt cache file is ignored, not fatal.
	if err := os.WriteFile(file, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := CachedBandwidth(ctx, skip); c.Cached || c.Note == "" {
		t.Errorf("corrupt cache: %+v", c)
	}
}

// BenchmarkBandwidth measures the machine's memory bandwidth with the probe's own loops and
// reports it as custom metrics (read_GB/s, triad_GB/s).
func BenchmarkBandwidth(b *testing.B) {
	var read, triadBW float64
	for b.Loop() {
		bw, err := MeasureBandwidth(context.Background(), DefaultBandwidthBytes, runtime.GOMAXPROCS(0))
		if err != nil {
			b.Fatal(err)
		}
		read, triadBW = bw.ReadGBps, bw.TriadGBps
	}
	b.ReportMetric(read, "read_GB/s")
	b.ReportMetric(triadBW, "triad_GB/s")
}

func BenchmarkMemory(b *testing.B) {
	for b.Loop() {
		if _, err := Memory(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
