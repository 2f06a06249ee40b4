package estimate

import (
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
)

// modelMemory is catalog model id and its memory at q with a 4096-token context.
func modelMemory(t *testing.T, id string, q quant.Quant) (catalog.Model, Memory) {
	t.Helper()
	m := model(t, id)
	mem, err := EstimateMemory(m, q, 4096, "", DefaultOverhead())
	if err != nil {
		t.Fatal(err)
	}
	return m, mem
}

func TestJudge(t *testing.T) {
	const GB = int64(1e9)
	m, mem := modelMemory(t, "llama-3.1-8b", quant.Q4_K_M)
	need := mem.RequiredBytes // about 5.7 GB; peak RSS adds the droppable repacked copy
	tests := []struct {
		name      string
		machine   MachineSpec
		placement string
		fits      bool
		layers    int
		sentence  string
	}{
		{"plenty of RAM", MachineSpec{RAMAvailableBytes: 32 * GB}, PlaceRAM, true, 0, "fits in RAM"},
		{"cgroup limit wins", MachineSpec{RAMAvailableBytes: 32 * GB, CgroupLimitBytes: 4 * GB}, PlaceNone, false, 0, "the container's memory limit"},
		{"too little RAM", MachineSpec{RAMAvailableBytes: 4 * GB}, PlaceNone, false, 0, "short"},
		{"tight", MachineSpec{RAMAvailableBytes: need + need/20}, PlaceRAM, true, 0, "tight"},
		{"unknown memory", MachineSpec{}, PlaceUnknown, false, 0, "unknown"},
		{"whole model on a GPU", MachineSpec{RAMAvailableBytes: 16 * GB, GPUs: []GPU{{Name: "RTX 4090", FreeBytes: 23 * GB, BandwidthGBs: 1008}}},
			PlaceGPU, true, 32, "fits on the GPU"},
		{"partial offload", MachineSpec{RAMAvailableBytes: 16 * GB, GPUs: []GPU{{Name: "GTX 1650", FreeBytes: 3 * GB, BandwidthGBs: 128}}},
			PlacePartial, true, -1, "layers on the GPU GTX 1650"},
		{"Apple working-set cap fits", MachineSpec{RAMAvailableBytes: 12 * GB, AppleWorkingSetBytes: 10 * GB, GPUs: []GPU{{Name: "Apple M2", Unified: true, BandwidthGBs: 100}}},
			PlaceGPU, true, 32, "usable by the GPU"},
		{"Apple cap too small, RAM not", MachineSpec{RAMAvailableBytes: 12 * GB, AppleWorkingSetBytes: 5 * GB, GPUs: []GPU{{Name: "Apple M1", Unified: true, BandwidthGBs: 68}}},
			PlaceRAM, true, 0, "fits in RAM"},
	}
	for _, tc := range tests {
		v := Judge(m, mem, tc.machine)
		if v.Placement != tc.placement || v.Fits != tc.fits {
			t.Errorf("%s: %s fits=%v, want %s fits=%v (%s)", tc.name, v.Placement, v.Fits, tc.placement, tc.fits, v.Sentence)
		}
		if tc.layers >= 0 && v.GPULayers != tc.layers {
			t.Errorf("%s: %d GPU layers, want %d", tc.name, v.GPULayers, tc.layers)
		}
		if !strings.Contains(v.Sentence, tc.sentence) {
			t.Errorf("%s: sentence %q lacks %q", tc.name, v.Sentence, tc.sentence)
		}
	}
	// Partial offload: the layer count follows from free memory and per-layer bytes.
	v := Judge(m, mem, MachineSpec{RAMAvailableBytes: 16 * GB, GPUs: []GPU{{Name: "GTX 1650", FreeBytes: 3 * GB}}})
	perLayer := mem.Weights.LayerBytes + mem.KVBytes/32
	if want := int((3*GB - (mem.OverheadBytes - mem.RepackBytes)) / perLayer); v.GPULayers != want || want < 1 || want >= 32 {
		t.Errorf("partial: %d layers, want %d", v.GPULayers, want)
	}
	if !strings.Contains(v.Sentence, "of 32 layers") {
		t.Errorf("partial sentence %q", v.Sentence)
	}
}

// The Compare table's Fits? column (a projection's verdict) and FitAt are one rule: for every
// catalog model, quant and context, on machines with and without a GPU, they give the same
// verdict, with the context capped at the model's trained context.
func TestFitsColumnAndFitAtAgree(t *testing.T) {
	const GB = int64(1e9)
	machines := map[string]MachineSpec{
		"8 GB laptop":      {RAMAvailableBytes: 8 * GB},
		"64 GB desktop":    {RAMAvailableBytes: 64 * GB},
		"16 GB + 8 GB GPU": {RAMAvailableBytes: 16 * GB, GPUs: []GPU{{Name: "RTX 3070", FreeBytes: 8 * GB, BandwidthGBs: 448}}},
	}
	ov := FitOverhead(nil, catalog.All())
	quants := []quant.Quant{"Q4_K_M", "Q8_0", "F16"}
	n := 0
	for name, machine := range machines {
		for _, ctx := range []int{0, 512, 4096, 32768, 131072, 1 << 20} {
			ps, errs := ProjectWith(machine, Calibration{}, catalog.All(), quants, Options{Context: ctx, PromptTokens: DefaultUBatch})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			for _, p := range ps {
				m, _ := catalog.ByID(p.ID)
				v, err := FitAt(m, p.Quant, ctx, machine, ov)
				if err != nil {
					t.Fatal(err)
				}
				if v != p.FitVerdict {
					t.Errorf("%s, %s %s at context %d: column says %q, FitAt %q", name, p.ID, p.Quant, ctx, p.FitVerdict.Sentence, v.Sentence)
				}
				if want := FitContext(m, ctx); p.Context != want || want > m.Context {
					t.Errorf("%s %s at context %d: projected at %d tokens, want %d (trained %d)", p.ID, p.Quant, ctx, p.Context, want, m.Context)
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d comparisons", n)
	}
}
