package engine_test

import (
	"testing"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
)

// TestLadderMeasuresEveryPublishedKernel checks that the calibration measures the kernels the
// models people run spend their time in: every kernel, on the CPU and on a GPU, carrying at least 1 % of the bytes a
// token reads, for every catalog model at Q4_K_M and at the quantization its makers published
// (gpt-oss's MXFP4_MOE). A kernel no ladder step measures is projected from another kernel's
// cost: gpt-oss-20b's MXFP4 experts, costed as Q5_0, were projected 30 % too slow.
func TestLadderMeasuresEveryPublishedKernel(t *testing.T) {
	for _, c := range []struct {
		name   string
		ladder []engine.LadderStep
		device string
	}{
		{"DefaultLadder", engine.DefaultLadder, "cpu"},
		{"GPULadder", engine.GPULadder, "Vulkan0"},
	} {
		t.Run(c.name, func(t *testing.T) { ladderCovers(t, c.ladder, c.device) })
	}
}

// ladderCovers checks one ladder's kernels on device against the catalog's.
func ladderCovers(t *testing.T, ladder []engine.LadderStep, device string) {
	measured := map[string]bool{}
	for _, st := range ladder {
		m, ok := catalog.ByID(st.ModelID)
		if !ok {
			t.Fatalf("ladder step %s: not in the catalog", st.ModelID)
		}
		for k := range kernelsOf(t, m, st.Quant, device) {
			measured[k] = true
		}
	}
	for _, m := range catalog.All() {
		qs := []quant.Quant{quant.Q4_K_M}
		if m.PublishedQuant != "" {
			qs = append(qs, quant.Canonical(m.PublishedQuant))
		}
		for _, q := range qs {
			ks := kernelsOf(t, m, q, device)
			var total float64
			for _, l := range ks {
				total += l.Bytes
			}
			for k, l := range ks {
				if l.Bytes >= total/100 && !measured[k] {
					t.Errorf("%s %s: kernel %s reads %.0f %% of each token's weight bytes, and no step of the ladder measures it",
						m.ID, q, k, 100*l.Bytes/total)
				}
			}
		}
	}
}

// kernelsOf is m's per-token work by kernel at q on device.
func kernelsOf(t *testing.T, m catalog.Model, q quant.Quant, device string) map[string]estimate.Load {
	t.Helper()
	ts, err := estimate.Plan(m, q)
	if err != nil {
		t.Fatalf("%s %s: %v", m.ID, q, err)
	}
	return estimate.ProfileOf(m, ts, device).Kernels
}

// TestLadderPairsALongPromptWithAShortOne checks that some twin of the CPU ladder decodes after
// a long prompt and after a short one, early enough that a busy machine's shortened ladder
// still has both: that pair is what pins the attention term, free of any kernel's cost.
func TestLadderPairsALongPromptWithAShortOne(t *testing.T) {
	const early = 5 // steps a busy machine still climbs
	type twin struct {
		id string
		q  quant.Quant
	}
	lengths := map[twin]map[engine.PromptLength]bool{}
	for i, st := range engine.DefaultLadder {
		if i >= early {
			break
		}
		k := twin{st.ModelID, st.Quant}
		if lengths[k] == nil {
			lengths[k] = map[engine.PromptLength]bool{}
		}
		lengths[k][st.Prompt] = true
	}
	for _, l := range lengths {
		if l[engine.LongPrompt] && l[engine.ShortPrompt] {
			return
		}
	}
	t.Errorf("no twin among the first %d steps decodes after both a long and a short prompt: %v", early, engine.DefaultLadder[:early])
}
