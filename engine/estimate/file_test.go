package estimate

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
)

// A file's projection comes from its own tensor table: for a twin of a catalog model it
// equals the catalog model's projection at that quant, and its quant says the file's mix.
func TestProjectFileMatchesCatalogProjection(t *testing.T) {
	m := model(t, "smollm2-135m")
	path := filepath.Join(t.TempDir(), "smol.gguf")
	if err := twin.Write(context.Background(), m, quant.Q4_K_M, path, nil); err != nil {
		t.Fatal(err)
	}
	fm, err := ReadFileModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fm.Mix, "Q4_K_M (mixed: Q5_0 ") || !strings.Contains(fm.Mix, "Q8_0") {
		t.Errorf("mix %q", fm.Mix)
	}
	cal := Calibration{Measurements: synthKernelRuns(t, 0.02)}
	opt := Options{Context: 2048, PromptTokens: 256}
	got, err := ProjectFile(synthMachine, cal, fm, opt)
	if err != nil {
		t.Fatal(err)
	}
	ps, errs := ProjectWith(synthMachine, cal, []catalog.Model{m}, []quant.Quant{quant.Q4_K_M}, opt)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := ps[0]
	if got.Source != SourceProjected {
		t.Errorf("a file nobody measured is %s", got.Source)
	}
	if got.Memory.WeightBytes != want.Memory.WeightBytes || got.MemoryBytes != want.MemoryBytes {
		t.Errorf("memory %d (weights %d), catalog %d (%d)", got.MemoryBytes, got.Memory.WeightBytes, want.MemoryBytes, want.Memory.WeightBytes)
	}
	// The catalog row is the synthetic measurement itself; the file's is projected from the
	// kernel model, which those runs calibrate to within the synthetic noise.
	dec, pr := synthTruth(t, m, quant.Q4_K_M, 256, 128)
	if math.Abs(got.DecodeTPS*dec-1) > 0.05 || math.Abs(got.PromptTPS*pr-1) > 0.08 {
		t.Errorf("file projection %.1f tok/s decode, %.0f prompt; truth %.1f and %.0f", got.DecodeTPS, got.PromptTPS, 1/dec, 1/pr)
	}
	if got.TTFTMs <= 0 || !(got.TTFTMsLow < got.TTFTMs && got.TTFTMs < got.TTFTMsHigh) {
		t.Errorf("TTFT %.0f ms (%.0f–%.0f)", got.TTFTMs, got.TTFTMsLow, got.TTFTMsHigh)
	}
	// Measured when a run of this very file exists.
	cal.Measurements = append(cal.Measurements, Measurement{ModelID: path, Quant: "Q4_K_M", FileBytes: fm.Size, GenTPS: 42, PromptTPS: 300, PromptTokens: 256, GenTokens: decodeGenTokens})
	got, err = ProjectFile(synthMachine, cal, fm, opt)
	if err != nil || got.Source != SourceMeasured || got.DecodeTPS != 42 {
		t.Errorf("after a run of the file: %s %.1f tok/s, %v", got.Source, got.DecodeTPS, err)
	}
}
