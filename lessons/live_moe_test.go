package lessons

import (
	"strings"
	"testing"
)

func moePair(moeTPS, denseTPS float64, measured bool) MoEPair {
	return MoEPair{
		MoE: ModelFigures{Name: "Qwen3-30B-A3B", Quant: "Q4_K_M", TotalParams: 30.5e9, ActiveParams: 3.3e9,
			MemoryBytes: 18.6e9, TPS: moeTPS, TPSLow: moeTPS * 0.8, TPSHigh: moeTPS * 1.2, Fits: true},
		Dense: ModelFigures{Name: "Qwen3-14B", Quant: "Q8_0", TotalParams: 14.8e9, ActiveParams: 14.8e9,
			MemoryBytes: 15.7e9, TPS: denseTPS, Measured: measured, Fits: true},
	}
}

// The lesson's MoE line and live question follow this machine's figures: the mixture faster
// or slower, measured or projected.
func TestMoEOnThisMachineAndQuestion(t *testing.T) {
	tests := []struct {
		name      string
		pair      MoEPair
		line      []string
		moeFaster bool
	}{
		{"mixture faster, projected", moePair(14, 3.2, false),
			[]string{"reads only 3.3B of them per token", "14 tok/s (projected, 11.2–16.8)", "about 4.38 times as fast", "about 1.18 times the memory"}, true},
		{"dense faster, measured", moePair(2, 3.2, true),
			[]string{"3.2 tok/s (measured here)", "the dense model is about 1.6 times as fast"}, false},
	}
	for _, tc := range tests {
		f := Facts{MoE: []MoEPair{tc.pair}}
		s, ok := OnThisMachine("moe", f)
		for _, want := range tc.line {
			if !ok || !strings.Contains(s, want) {
				t.Errorf("%s: line %q lacks %q", tc.name, s, want)
			}
		}
		q, ok, missing := makeMoEVsDense("q", nil, f)
		if !ok {
			t.Fatalf("%s: no question: %s", tc.name, missing)
		}
		if q.Choice[0].Correct != tc.moeFaster || q.Choice[1].Correct == tc.moeFaster || q.Choice[2].Correct {
			t.Errorf("%s: choices %+v", tc.name, q.Choice)
		}
		if err := q.validate(false); err != nil {
			t.Errorf("%s: question does not validate: %v", tc.name, err)
		}
	}
	if _, ok, missing := makeMoEVsDense("q", nil, Facts{}); ok || !strings.Contains(missing, "not projected yet") {
		t.Errorf("no facts gave a question (missing %q)", missing)
	}
}
