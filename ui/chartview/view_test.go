package chartview

import (
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"slmscope/charts"
	"slmscope/ui/internal/uitest"
)

func chartTestModels() []charts.ModelValue {
	return []charts.ModelValue{
		{Name: "SmolLM2-135M", Params: 135e6, Quant: "Q8_0", Value: 90, Measured: true, Note: "twin, 3 runs"},
		{Name: "SmolLM2-360M", Params: 362e6, Quant: "Q8_0", Value: 41, Measured: true},
		{Name: "Qwen2.5-7B", Params: 7.6e9, Quant: "Q8_0", Value: 2.1, Low: 1.8, High: 2.4},
		{Name: "SmolLM2-135M", Params: 135e6, Quant: "Q4_0", Value: 120, Measured: true},
		{Name: "Qwen2.5-7B", Params: 7.6e9, Quant: "Q4_0", Value: 6.1, Low: 5.2, High: 7.0, Note: "fit on 2 twins"},
		{Name: "Llama-3.1-70B", Params: 70.6e9, Quant: "Q4_0", Value: 0.6, Low: 0.5, High: 0.72},
	}
}

func speedChart() charts.Chart {
	return charts.SpeedVsSize(chartTestModels(), charts.SpeedOptions{
		BandwidthBytesPerSec: 20e9, BytesPerParam: map[string]float64{"Q4_0": 0.5625}, ReadingSpeed: true,
	})
}

func TestViewRendersChart(t *testing.T) {
	v := shownView(t, speedChart(), 900, 560)
	r := test.WidgetRenderer(v)
	objs := r.Objects()

	for _, want := range []string{
		"Generation speed vs model size", // title
		"Q8_0", "Q4_0",                   // legend: one entry per quantization
		charts.StyleKeyMeasured, charts.StyleKeyProjected, // legend: the styles, once
		"thin: roofline at 20 GB/s",                     // legend: reference lines
		"SmolLM2-135M Q8_0",                             // measured points are named
		"reading speed 5–10 tok/s",                      // legend and band label
		"100M", "1B", "10B", "Generation speed (tok/s)", // ticks and axis titles
	} {
		if !uitest.HasText(objs, want) {
			t.Errorf("no text %q among %q", want, uitest.RenderedTexts(objs))
		}
	}
	if n := uitest.Count[*canvas.Circle](objs); n < 6 {
		t.Errorf("%d circles, want one per measured and projected point (6) at least", n)
	}
	// Projected lines are dashed: many short segments in the projected colour.
	q4 := parseHex(charts.QuantColor("Q4_0", 1))
	dashes := 0
	for _, o := range objs {
		if l, ok := o.(*canvas.Line); ok && l.StrokeColor == color.Color(q4) && l.StrokeWidth == 2 {
			dashes++
		}
	}
	if dashes < 10 {
		t.Errorf("%d dash segments for the projected Q4_0 line, want a dashed line", dashes)
	}
	// The band is translucent fill.
	bandFill := withAlpha(q4, 0x30)
	strips := 0
	for _, o := range objs {
		if rc, ok := o.(*canvas.Rectangle); ok && rc.FillColor == color.Color(bandFill) {
			strips++
		}
	}
	if strips < 10 {
		t.Errorf("%d band strips, want a shaded band", strips)
	}
	if ms := v.MinSize(); ms.Width < 360 || ms.Height < 240 {
		t.Errorf("MinSize %v, want at least 360×240", ms)
	}
}

func TestViewHoverAndTap(t *testing.T) {
	v := shownView(t, speedChart(), 900, 560)
	r := test.WidgetRenderer(v)

	px, py := v.frame.Project(v.plot, 7.6e9, 6.1)
	want := "Qwen2.5-7B Q4_0: 6.1 tok/s (projected, 5.2–7)"
	v.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(float32(px)+4, float32(py)-3)}})
	if got := v.HoverText(); !strings.HasPrefix(got, want) {
		t.Fatalf("hover text %q, want %q", got, want)
	}
	if !uitest.HasText(r.Objects(), want) || !uitest.HasText(r.Objects(), "fit on 2 twins") {
		t.Fatalf("hover readout not drawn: %q", uitest.RenderedTexts(r.Objects()))
	}
	v.MouseOut()
	if v.HoverText() != "" || uitest.HasText(r.Objects(), want) {
		t.Fatal("readout still shown after the pointer left")
	}

	px, py = v.frame.Project(v.plot, 135e6, 90)
	test.TapAt(v, fyne.NewPos(float32(px), float32(py)))
	if got := v.HoverText(); !strings.HasPrefix(got, "SmolLM2-135M Q8_0: 90 tok/s (measured)") {
		t.Fatalf("tap text %q", got)
	}
	// Far from every point: nothing.
	v.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(float32(v.plot.X+v.plot.W-2), float32(v.plot.Y+v.plot.H-2))}})
	if got := v.HoverText(); got != "" {
		t.Fatalf("hover in an empty corner shows %q", got)
	}
}

func TestViewEmptyState(t *testing.T) {
	c := charts.TokenLatency(nil, charts.LatencyOptions{})
	v := shownView(t, c, 500, 300)
	objs := test.WidgetRenderer(v).Objects()
	joined := strings.Join(uitest.RenderedTexts(objs), " ")
	if !strings.Contains(joined, "No data yet") {
		t.Fatalf("empty chart shows %q, want the empty-state message", joined)
	}
	if uitest.Count[*canvas.Circle](objs) != 0 {
		t.Fatal("empty chart draws points")
	}
	v.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(250, 150)}})
	if v.HoverText() != "" {
		t.Fatal("empty chart has a hover readout")
	}
}

func TestViewLiveUpdatesDecimate(t *testing.T) {
	v := shownView(t, charts.TokenLatency(nil, charts.LatencyOptions{}), 800, 400)
	r := test.WidgetRenderer(v).(*renderer)
	lat := make([]float64, 0, 2000)
	var pools int
	for i := 0; i < 2000; i++ {
		lat = append(lat, 10+float64(i%17))
		if i%250 == 249 {
			v.SetChart(charts.TokenLatency(lat, charts.LatencyOptions{Model: "SmolLM2-135M Q8_0"}))
			if i == 999 {
				pools = len(r.lines) + len(r.texts) + len(r.rects) + len(r.circles)
			}
		}
	}
	objs := r.Objects()
	if n := uitest.Count[*canvas.Line](objs); n > 900 {
		t.Fatalf("%d lines for 2000 points: not decimated", n)
	}
	if !uitest.HasText(objs, "p50 18 ms") {
		t.Fatalf("p50 line label missing: %q", uitest.RenderedTexts(objs))
	}
	if grown := len(r.lines) + len(r.texts) + len(r.rects) + len(r.circles); grown > pools+60 {
		t.Fatalf("object pools grew from %d to %d between same-sized updates", pools, grown)
	}
	if !strings.Contains(v.Chart().Title, "SmolLM2-135M") {
		t.Fatal("SetChart did not replace the chart")
	}
}

func TestClip(t *testing.T) {
	r := charts.Rect{X: 0, Y: 0, W: 10, H: 10}
	tests := []struct {
		name           string
		x1, y1, x2, y2 float64
		ok             bool
		want           [4]float64
	}{
		{"inside", 1, 1, 9, 9, true, [4]float64{1, 1, 9, 9}},
		{"crosses right", 5, 5, 15, 5, true, [4]float64{5, 5, 10, 5}},
		{"outside", 11, 11, 20, 20, false, [4]float64{}},
		{"through", -5, 5, 15, 5, true, [4]float64{0, 5, 10, 5}},
	}
	for _, tc := range tests {
		a, b, c, d, ok := clip(r, tc.x1, tc.y1, tc.x2, tc.y2)
		if ok != tc.ok || (ok && [4]float64{a, b, c, d} != tc.want) {
			t.Errorf("%s: clip = %v %v %v %v %v", tc.name, a, b, c, d, ok)
		}
	}
}

func BenchmarkViewSetChart2000(b *testing.B) {
	v := shownView(b, charts.TokenLatency(nil, charts.LatencyOptions{}), 900, 400)
	lat := make([]float64, 2000)
	for i := range lat {
		lat[i] = 10 + float64(i%17)
	}
	b.ReportAllocs()
	for b.Loop() {
		v.SetChart(charts.TokenLatency(lat, charts.LatencyOptions{Model: "m"}))
	}
}

// shownView is a chart view in a test window of the given size, closed when the test ends.
func shownView(tb testing.TB, c charts.Chart, width, height float32) *View {
	tb.Helper()
	test.NewTempApp(tb)
	v := New(c)
	w := test.NewWindow(v)
	tb.Cleanup(w.Close)
	w.Resize(fyne.NewSize(width, height))
	return v
}
