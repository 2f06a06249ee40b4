package table

import (
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
)

// The answer lists every catalog model once, in the group its best quantization puts it,
// each group's models ordered as documented.
func TestAnswerGroupsEveryModelOnce(t *testing.T) {
	d := Compute(fixture(t))
	groups := Answer(d.Projections)
	seen := map[string]bool{}
	for _, g := range groups {
		if len(g.Models) == 0 {
			t.Errorf("%q is empty", g.Title)
		}
		for i, p := range g.Models {
			if seen[p.ID] {
				t.Errorf("%s is listed twice", p.ID)
			}
			seen[p.ID] = true
			if KindOf(p) != g.Kind {
				t.Errorf("%s %s (%s) is under %q", p.ID, p.Quant, FitsText(p), g.Title)
			}
			// No other quantization of the model would put it in a better group.
			for _, q := range d.Projections {
				if q.ID == p.ID && KindOf(q) < g.Kind {
					t.Errorf("%s: %s would be %q, better than %s's %q", p.ID, q.Quant, KindOf(q).Title(), p.Quant, g.Title)
				}
			}
			if i > 0 && g.Kind == GroupWell && g.Models[i-1].Params < p.Params {
				t.Errorf("%q: %s before the larger %s", g.Title, g.Models[i-1].ID, p.ID)
			}
		}
	}
	for _, m := range catalog.All() {
		if !seen[m.ID] {
			t.Errorf("%s is missing from the answer", m.ID)
		}
	}
	if len(groups) < 2 || groups[0].Kind != GroupWell {
		t.Fatalf("groups %v: the fixture machine runs small models well and cannot fit 405B", groups)
	}
	if last := groups[len(groups)-1]; last.Kind != GroupNoFit {
		t.Errorf("last group %q, want %q", last.Title, GroupNoFit.Title())
	}
}

func TestAnswerPicksTheBestQuantization(t *testing.T) {
	well := func(q string, tps float64, weights int64) estimate.Projection {
		p := estimate.Projection{ID: "m", Name: "M", Quant: quant.Quant(q), Fits: true, DecodeTPS: tps, Source: estimate.SourceProjected}
		p.Memory.WeightBytes, p.FitVerdict.Placement = weights, estimate.PlaceRAM
		return p
	}
	// Runs well at both: the better quality (more weight bytes) wins.
	a, b := well("Q8_0", 8, 800), well("Q4_K_M", 14, 450)
	if g := Answer([]estimate.Projection{b, a}); g[0].Models[0].Quant != "Q8_0" {
		t.Errorf("runs well at both: picked %s, want Q8_0", g[0].Models[0].Quant)
	}
	// Only Q4_K_M reaches reading speed: it wins.
	a.DecodeTPS = 3
	g := Answer([]estimate.Projection{a, b})
	if g[0].Kind != GroupWell || g[0].Models[0].Quant != "Q4_K_M" {
		t.Errorf("only Q4_K_M at reading speed: got %q %s", g[0].Title, g[0].Models[0].Quant)
	}
	// Slow at both: the faster wins.
	b.DecodeTPS = 4
	if g := Answer([]estimate.Projection{a, b}); g[0].Kind != GroupSlow || g[0].Models[0].Quant != "Q4_K_M" {
		t.Errorf("slow at both: got %q %s", g[0].Title, g[0].Models[0].Quant)
	}
}

func TestAnswerPartialOffload(t *testing.T) {
	p := estimate.Projection{ID: "m", Name: "Model-14B", Quant: "Q4_K_M", Fits: true, DecodeTPS: 9}
	p.FitVerdict = estimate.Verdict{Fits: true, Placement: estimate.PlacePartial, GPULayers: 20, TotalLayers: 48}
	g := Answer([]estimate.Projection{p})
	if len(g) != 1 || g[0].Kind != GroupPartial {
		t.Fatalf("groups %+v, want the partial-offload group", g)
	}
	if got := AnswerMemory(p); got != "20 of 48 layers on the GPU" {
		t.Errorf("memory cell %q", got)
	}
	if !strings.Contains(AnswerLine(p), "Model-14B Q4_K_M: 9.0 tok/s") {
		t.Errorf("line %q", AnswerLine(p))
	}
}

func TestParamsText(t *testing.T) {
	tests := []struct{ id, want string }{
		{"qwen3-30b-a3b", "active per token (8 of 128 experts per layer)"},
		{"llama-3.1-8b", "Parameters: 8.03B"},
		{"/tmp/x.gguf", "Parameters: 1B"},
	}
	for _, tc := range tests {
		got := ParamsText(estimate.Projection{ID: tc.id, Params: 1e9})
		if tc.id == "llama-3.1-8b" {
			m, _ := catalog.ByID(tc.id)
			got = ParamsText(estimate.Projection{ID: tc.id, Params: m.ParamCount()})
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q lacks %q", tc.id, got, tc.want)
		}
	}
}
