package engine

import (
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
)

// measuredRun is a ladder run of model id at q, as the climb keeps it.
func measuredRun(t *testing.T, id string, q quant.Quant) ladderRun {
	t.Helper()
	m, ok := catalog.ByID(id)
	if !ok {
		t.Fatalf("no catalog model %s", id)
	}
	return ladderRun{modelID: id, opts: BenchOptions{Model: TwinRef(m, q)}}
}

// A climb that stopped before Granite's steps names the first step that would measure a
// kernel no run has (MXFP4), and none once every kernel ahead was measured.
func TestUnmeasuredAhead(t *testing.T) {
	var c calibration
	c.o.Ladder = DefaultLadder
	for _, st := range DefaultLadder[:12] {
		c.measured = append(c.measured, measuredRun(t, st.ModelID, st.Quant))
	}
	got := c.unmeasuredAhead(12)
	if !strings.Contains(got, "MXFP4 kernel") || !strings.Contains(got, "Granite-3.0-1B-A400M MXFP4_MOE") {
		t.Errorf("after 12 steps: %q, want the MXFP4 kernel of Granite's MXFP4_MOE step", got)
	}
	for _, st := range DefaultLadder[12:] {
		c.measured = append(c.measured, measuredRun(t, st.ModelID, st.Quant))
	}
	if got := c.unmeasuredAhead(12); got != "" {
		t.Errorf("every step measured: %q", got)
	}
	if got := c.unmeasuredAhead(len(DefaultLadder)); got != "" {
		t.Errorf("past the ladder's end: %q", got)
	}
}

// An MoE twin reads its active experts per token: Granite 1B-A400M at Q4_K_M reads about a
// third of its file, a dense twin nearly all of it.
func TestStepReadCountsActiveExperts(t *testing.T) {
	for _, tt := range []struct {
		id       string
		q        quant.Quant
		min, max float64 // read ÷ file
	}{
		{"granite-3.0-1b-a400m", quant.Q4_K_M, 0.2, 0.45},
		{"llama-3.2-1b", quant.Q3_K_M, 0.95, 1.0},
	} {
		m, _ := catalog.ByID(tt.id)
		size, err := TwinSize(m, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if r := stepRead(m, tt.q) / float64(size); r < tt.min || r > tt.max {
			t.Errorf("%s %s reads %.2f of its file per token, want %.2f–%.2f", tt.id, tt.q, r, tt.min, tt.max)
		}
	}
}
