package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine"
	"slmscope/engine/download"
	"slmscope/engine/estimate"
)

// TestBeforeLoading: a file and the built-in download show size, type mix, memory need
// against the machine and projected speed with a band before anything loads them; a file
// that cannot be projected is judged by its size and says so.
func TestBeforeLoading(t *testing.T) {
	st := engine.MachineState{Machine: estimate.MachineSpec{RAMTotalBytes: 8e9, RAMAvailableBytes: 6e9, CPUCores: 2, MeasuredBandwidthGBs: 10}}
	p := tinyTwin(t)
	fi, _ := os.Stat(p)
	b := st.FileBeforeLoading(p, fi.Size(), 0)
	if b.Projection == nil {
		t.Fatalf("tiny twin not projected: %s", b.Basis)
	}
	if !b.Verdict.Fits || !strings.HasPrefix(b.MemoryText(), "fits in RAM") {
		t.Errorf("memory %q", b.MemoryText())
	}
	if !strings.Contains(b.Mix, "Q8_0") || !strings.Contains(b.SpeedText(), "tok/s (") {
		t.Errorf("mix %q, speed %q", b.Mix, b.SpeedText())
	}

	bad := filepath.Join(t.TempDir(), "x.gguf")
	os.WriteFile(bad, []byte("GGUF nonsense"), 0o644)
	b = st.FileBeforeLoading(bad, 13, 0)
	if b.Projection != nil || !strings.Contains(b.Basis, "size only") || !b.Verdict.Fits {
		t.Errorf("broken file: %+v", b)
	}

	pin := st.PinBeforeLoading(download.DefaultPin(), 0)
	if pin.Projection == nil || pin.Mix != "Q8_0" || pin.Bytes <= 0 || pin.SpeedText() == "" {
		t.Errorf("pin: %+v (%s)", pin, pin.Basis)
	}
	tiny := engine.MachineState{Machine: estimate.MachineSpec{RAMTotalBytes: 50e6}}
	if v := tiny.PinBeforeLoading(download.DefaultPin(), 0).Verdict; v.Fits || !strings.HasPrefix(v.Sentence, "does not fit") {
		t.Errorf("a 50 MB machine: %+v", v)
	}
}
