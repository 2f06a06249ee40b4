package hwprobe

import (
	"context"
	"encoding/json"
	"testing"
)

// TestProbeHost runs the real probe on this machine (default GPU library names) and logs the report: it must not fail whatever the hardware.
func TestProbeHost(t *testing.T) {
	opts := Options{SkipBandwidth: true, CacheDir: t.TempDir()}
	r, err := Probe(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.CPU.LogicalCores == 0 || r.RAM.TotalBytes == 0 || r.OS == "" {
		t.Errorf("incomplete host report: %+v", r)
	}
	if len(r.GPUs) == 0 && len(r.GPUNotes) == 0 {
		t.Error("no GPUs and no note saying why")
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	t.Logf("%s", b)
}
