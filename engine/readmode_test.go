package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/twin"
)

// TestWorkerReadsDirectlyWhenTheMappedPeakCrowdsRAM: with usable RAM just at the tiny Q4_0
// twin's mapped peak, the worker has llama.cpp read the weights with direct I/O (its load
// mode "dio"), says why, and generates; with room it maps the file as llama.cpp does by default.
func TestWorkerReadsDirectlyWhenTheMappedPeakCrowdsRAM(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "tiny.q4_0.gguf")
	if err := twin.Write(ctx, catalog.Tiny, twin.Q4_0, p, nil); err != nil {
		t.Fatal(err)
	}
	fm, err := estimate.ReadFileModel(p)
	if err != nil {
		t.Fatal(err)
	}
	mem, _, err := estimate.Fit(fm.Model, twin.Q4_0, fm.Tensors, estimate.FitInputs{Context: 256}, estimate.MachineSpec{RAMAvailableBytes: 1 << 40}, estimate.DefaultOverhead())
	if err != nil {
		t.Fatal(err)
	}
	if mem.RepackBytes <= 0 {
		t.Fatalf("the tiny Q4_0 twin has no repacked weights (%+v): the test needs some", mem)
	}
	for _, c := range []struct {
		usable int64
		read   string
		mode   string
	}{
		{mem.TotalBytes, estimate.ReadDirect, "dio"},
		{1 << 40, estimate.ReadMapped, "auto"},
	} {
		restore := engine.SetUsableRAM(func() int64 { return c.usable })
		w := startWorker(t, ctx, workerOptions())
		info, err := w.Load(ctx, engine.LoadOptions{Path: p, Threads: 1, Context: 256, Device: "cpu"})
		if err != nil {
			t.Fatalf("usable %d: %v", c.usable, err)
		}
		if w.Placement.Read != c.read || info.LoadMode != c.mode {
			t.Errorf("usable %d: read %q (llama.cpp %q), want %q (%q)", c.usable, w.Placement.Read, info.LoadMode, c.read, c.mode)
		}
		if direct := c.read == estimate.ReadDirect; direct != strings.Contains(w.Placement.ReadWhy, "direct I/O") {
			t.Errorf("usable %d: read why %q", c.usable, w.Placement.ReadWhy)
		}
		r, err := w.Generate(ctx, engine.GenerateOptions{Prompt: "hello", MaxTokens: 4, IgnoreEOS: true}, nil)
		if err != nil || r.Stats.GenTokens != 4 {
			t.Errorf("usable %d: generation %+v, %v", c.usable, r, err)
		}
		w.Close()
		restore()
	}
}
