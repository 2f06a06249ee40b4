package report

import (
	"strings"
	"testing"

	"slmscope/charts"
	"slmscope/engine/table"
)

// The charts keep their promises: measured memory shows at any chosen context, each quant has
// one legend entry, and tooltips do not repeat themselves.

func TestMemoryChartShowsMeasuredAtAnyContext(t *testing.T) {
	for _, ctx := range []int{1024, 4096, 32768} {
		in := fixture(t)
		in.Context = ctx
		c := MemoryChart(table.Compute(in))
		measured, estimates := 0, 0
		for _, s := range c.Series {
			for _, p := range s.Points {
				switch {
				case s.Kind == charts.Measured:
					measured++
					if !strings.Contains(p.Note, "-token context") {
						t.Errorf("context %d: measured point %q does not say its context: %q", ctx, p.Label, p.Note)
					}
				case strings.Contains(p.Note, "estimate at a "):
					estimates++
				}
			}
		}
		if measured == 0 || estimates == 0 {
			t.Errorf("context %d: %d measured and %d estimated points, want both", ctx, measured, estimates)
		}
	}
}

func TestChartLegendsAndTooltipsAreShort(t *testing.T) {
	in := fixture(t)
	d := table.Compute(in)
	for _, c := range Charts(d) {
		entries := map[string]bool{}
		for _, s := range c.Series {
			entries[s.LegendName()] = true
		}
		if len(entries) > 10 {
			t.Errorf("%s: %d legend entries: %v", c.ID, len(entries), entries)
		}
		for si, s := range c.Series {
			for pi := range s.Points {
				txt := c.HoverText(charts.Hit{Series: si, Point: pi})
				for _, w := range []string{"projected, uncalibrated:", "projected:"} {
					if strings.Count(txt, w) > 1 {
						t.Errorf("%s: %q repeats %q", c.ID, txt, w)
					}
				}
			}
		}
	}
	// BF16 and F16 are told apart by more than a shade of blue.
	if charts.QuantColor("BF16", 0) == charts.QuantColor("F16", 1) || charts.QuantMarker("Q8_0") == charts.QuantMarker("Q4_K_M") {
		t.Error("quant styles collide")
	}
}
