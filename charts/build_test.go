package charts

import (
	"math"
	"strings"
	"testing"
)

const gib = 1 << 30

// sampleModels is a small ladder: two measured twins and three projections per quant.
func sampleModels() []ModelValue {
	return []ModelValue{
		{Name: "SmolLM2-135M", Params: 135e6, Quant: "Q8_0", Value: 90, Measured: true, Note: "twin, 3 runs"},
		{Name: "SmolLM2-360M", Params: 362e6, Quant: "Q8_0", Value: 41, Measured: true, Note: "twin, 3 runs"},
		{Name: "Qwen2.5-7B", Params: 7.6e9, Quant: "Q8_0", Value: 2.1, Low: 1.8, High: 2.4, Note: "fit on 2 twins"},
		{Name: "Llama-3.1-70B", Params: 70.6e9, Quant: "Q8_0", Value: 0.22, Low: 0.18, High: 0.27},
		{Name: "SmolLM2-135M", Params: 135e6, Quant: "Q4_0", Value: 120, Measured: true},
		{Name: "Qwen2.5-7B", Params: 7.6e9, Quant: "Q4_0", Value: 6.1, Low: 5.2, High: 7.0},
		{Name: "Llama-3.1-405B", Params: 405e9, Quant: "Q4_0", Value: 0.08, Low: 0.06, High: 0.1},
	}
}

func TestSpeedVsSize(t *testing.T) {
	c := SpeedVsSize(sampleModels(), SpeedOptions{
		BandwidthBytesPerSec: 20e9,
		BytesPerParam:        map[string]float64{"Q8_0": 34.0 / 32, "Q4_0": 18.0 / 32},
		ReadingSpeed:         true,
	})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.X.Scale != Log || c.Y.Scale != Log {
		t.Fatalf("scales %v/%v, want log/log", c.X.Scale, c.Y.Scale)
	}
	kinds := map[Kind]int{}
	for _, s := range c.Series {
		kinds[s.Kind]++
	}
	if kinds[Measured] != 2 || kinds[Projected] != 2 || kinds[Reference] != 2 {
		t.Fatalf("series kinds %v, want 2 measured, 2 projected, 2 rooflines", kinds)
	}
	// The roofline for Q4_0 at 7.6B must be 20e9 / (7.6e9 · 0.5625) ≈ 4.68 tok/s.
	var roof Series
	for _, s := range c.Series {
		if s.Kind == Reference && strings.Contains(s.Name, "Q4_0") {
			roof = s
		}
	}
	if len(roof.Points) < 10 {
		t.Fatalf("roofline has %d points", len(roof.Points))
	}
	for _, p := range roof.Points {
		if want := 20e9 / (p.X * 0.5625); math.Abs(p.Y/want-1) > 1e-12 {
			t.Fatalf("roofline at %g = %g, want %g", p.X, p.Y, want)
		}
	}
	if len(c.Limits) != 1 || !c.Limits[0].IsBand() || c.Limits[0].Value != 5 || c.Limits[0].To != 10 {
		t.Fatalf("reading-speed band = %+v", c.Limits)
	}
	// Measured and projected series of one quant share a colour; quants differ.
	col := map[string]string{}
	for _, s := range c.Series {
		q := strings.Fields(s.Name)[0]
		if s.Kind == Reference {
			q = strings.Fields(s.Name)[1]
		}
		if prev, ok := col[q]; ok && prev != s.Color {
			t.Fatalf("series %q colour %s, other %s series use %s", s.Name, s.Color, q, prev)
		}
		col[q] = s.Color
	}
	if col["Q8_0"] == col["Q4_0"] {
		t.Fatal("Q8_0 and Q4_0 share a colour")
	}
}

func TestConstructorsProduceValidCharts(t *testing.T) {
	models := sampleModels()
	ttft := []TTFTSeries{
		{Name: "SmolLM2-135M Q8_0", Measured: true, Points: []TTFTPoint{{128, 210, 0, 0}, {512, 840, 0, 0}, {2048, 3400, 0, 0}}},
		{Name: "Qwen2.5-7B Q4_0", Points: []TTFTPoint{{128, 9000, 7500, 11000}, {512, 36000, 30000, 44000}, {2048, 150000, 120000, 180000}}},
	}
	lat := make([]float64, 2000)
	for i := range lat {
		lat[i] = 11 + float64(i%7)
	}
	tests := []struct {
		name       string
		c          Chart
		wantSeries int
		wantLimits int
		xScale     Scale
		yScale     Scale
	}{
		{"speed", SpeedVsSize(models, SpeedOptions{}), 4, 0, Log, Log},
		{"memory", MemoryVsSize(memModels(), MemoryOptions{RAMAvailable: 22.9 * gib, GPUs: []GPUMemory{{"RTX 3060", 12 * gib}}}), 4, 2, Log, Log},
		{"cost", CostPerMillion(models, CostOptions{APIPrices: []APIPrice{{"Frontier API", 10, "2025-06", "vendor page"}, {"Small API", 0.15, "2025-06", "vendor page"}}}), 4, 2, Log, Log},
		{"ttft", TTFTVsPromptLength(ttft, ""), 2, 0, Linear, Log},
		{"ttft wide", TTFTVsPromptLength([]TTFTSeries{{Name: "a", Measured: true, Points: []TTFTPoint{{16, 50, 0, 0}, {8192, 9000, 0, 0}}}}, ""), 1, 0, Log, Log},
		{"latency", TokenLatency(lat, LatencyOptions{Model: "SmolLM2-135M Q8_0", Twin: true}), 1, 2, Linear, Linear},
		{"latency empty", TokenLatency(nil, LatencyOptions{}), 0, 0, Linear, Linear},
		{"speed empty", SpeedVsSize(nil, SpeedOptions{BandwidthBytesPerSec: 1e9}), 0, 0, Log, Log},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.c.Validate(); err != nil {
				t.Fatal(err)
			}
			if len(tc.c.Series) != tc.wantSeries || len(tc.c.Limits) != tc.wantLimits {
				t.Fatalf("%d series, %d limits; want %d, %d", len(tc.c.Series), len(tc.c.Limits), tc.wantSeries, tc.wantLimits)
			}
			if tc.c.X.Scale != tc.xScale || tc.c.Y.Scale != tc.yScale {
				t.Fatalf("scales %v/%v, want %v/%v", tc.c.X.Scale, tc.c.Y.Scale, tc.xScale, tc.yScale)
			}
			if tc.c.ID == "" || tc.c.Title == "" || tc.c.EmptyText() == "" {
				t.Fatalf("chart lacks id, title or empty text: %+v", tc.c)
			}
			for _, s := range tc.c.Series {
				for i := 1; i < len(s.Points); i++ {
					if s.Points[i].X < s.Points[i-1].X {
						t.Fatalf("series %q not sorted by x", s.Name)
					}
				}
			}
			f := tc.c.Frame(8, 8)
			for _, s := range tc.c.Series {
				for _, p := range s.Points {
					if !f.X.Contains(p.X) || !f.Y.Contains(p.Y) {
						t.Fatalf("point %+v outside the frame %+v", p, f)
					}
				}
			}
			for _, l := range tc.c.Limits {
				r := f.Y
				if l.Orientation == Vertical {
					r = f.X
				}
				if !r.Contains(l.Value) {
					t.Fatalf("limit %q outside the frame", l.Label)
				}
			}
		})
	}
}

func memModels() []ModelValue {
	return []ModelValue{
		{Name: "SmolLM2-135M", Params: 135e6, Quant: "Q8_0", Value: 200e6, Measured: true},
		{Name: "Qwen2.5-7B", Params: 7.6e9, Quant: "Q8_0", Value: 8.6 * gib, Low: 8.2 * gib, High: 9.1 * gib},
		{Name: "SmolLM2-135M", Params: 135e6, Quant: "BF16", Value: 330e6, Measured: true},
		{Name: "Llama-3.1-70B", Params: 70.6e9, Quant: "BF16", Value: 142 * gib, Low: 139 * gib, High: 146 * gib},
	}
}

func TestConstructorsSkipUnplottableValues(t *testing.T) {
	models := []ModelValue{
		{Name: "ok", Params: 1e9, Quant: "Q4_0", Value: 10, Measured: true},
		{Name: "zero", Params: 2e9, Quant: "Q4_0", Value: 0},
		{Name: "nan", Params: 3e9, Quant: "Q4_0", Value: math.NaN()},
		{Name: "noparams", Quant: "Q4_0", Value: 3},
		{Name: "badband", Params: 4e9, Quant: "Q4_0", Value: 5, Low: 0, High: 6},
		{Name: "outside", Params: 5e9, Quant: "Q4_0", Value: 5, Low: 6, High: 7},
	}
	c := SpeedVsSize(models, SpeedOptions{})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.PointCount() != 3 {
		t.Fatalf("%d points, want 3", c.PointCount())
	}
	for _, n := range []string{"zero Q4_0", "nan Q4_0", "noparams Q4_0"} {
		if !strings.Contains(c.Subtitle, n) {
			t.Fatalf("subtitle %q does not say %q was left out", c.Subtitle, n)
		}
	}
	for _, s := range c.Series {
		for _, p := range s.Points {
			if strings.HasPrefix(p.Label, "badband") && p.HasBand() {
				t.Fatal("a band with a zero low end was kept on a log axis")
			}
			if strings.HasPrefix(p.Label, "outside") && (p.Low > p.Y || p.High < p.Y) {
				t.Fatalf("band %g–%g does not contain %g", p.Low, p.High, p.Y)
			}
		}
	}
}

func TestTokenLatencyPercentiles(t *testing.T) {
	lat := []float64{10, 10, 10, 10, 10, 10, 10, 10, 10, 100, math.NaN(), -1}
	c := TokenLatency(lat, LatencyOptions{})
	if got := len(c.Series[0].Points); got != 10 {
		t.Fatalf("%d points, want 10 (NaN and negative dropped)", got)
	}
	if c.Limits[0].Value != 10 || !strings.HasPrefix(c.Limits[0].Label, "p50 10 ms") {
		t.Fatalf("p50 = %+v", c.Limits[0])
	}
	if want := 10 + 0.55*90; math.Abs(c.Limits[1].Value-want) > 1e-9 {
		t.Fatalf("p95 = %g, want %g", c.Limits[1].Value, want)
	}
}

func TestValidateRejects(t *testing.T) {
	base := func() Chart {
		return Chart{Title: "t", X: Axis{Scale: Log}, Y: Axis{Scale: Linear},
			Series: []Series{{Name: "s", Points: []Point{{X: 1, Y: 1}}}}}
	}
	tests := []struct {
		name string
		mod  func(c *Chart)
		want string
	}{
		{"no title", func(c *Chart) { c.Title = "" }, "no title"},
		{"zero on log", func(c *Chart) { c.Series[0].Points[0].X = 0 }, "log axis"},
		{"nan", func(c *Chart) { c.Series[0].Points[0].Y = math.NaN() }, "finite"},
		{"unnamed", func(c *Chart) { c.Series[0].Name = "" }, "no name"},
		{"value outside band", func(c *Chart) { c.Series[0].Points[0].Low, c.Series[0].Points[0].High = 2, 3 }, "outside its band"},
		{"bad limit", func(c *Chart) { c.Limits = []Limit{{Orientation: Vertical, Value: -1}} }, "log axis"},
		{"inverted fixed range", func(c *Chart) { c.Y.FixedMin, c.Y.FixedMax, c.Y.Min, c.Y.Max = true, true, 5, 1 }, "above min"},
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("valid chart rejected: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.mod(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestDecimate(t *testing.T) {
	pts := make([]Point, 2000)
	for i := range pts {
		pts[i] = Point{X: float64(i), Y: 10}
	}
	pts[1234].Y = 500 // a spike must survive
	pts[77].Y = 1     // and a dip
	tests := []struct {
		max, wantMax int
	}{{400, 400}, {2000, 2000}, {3000, 2000}, {1, 4}}
	for _, tc := range tests {
		got := Decimate(pts, tc.max)
		if len(got) > tc.wantMax {
			t.Fatalf("Decimate(%d) kept %d points", tc.max, len(got))
		}
		var hasSpike, hasDip bool
		for i, p := range got {
			hasSpike = hasSpike || p.Y == 500
			hasDip = hasDip || p.Y == 1
			if i > 0 && p.X < got[i-1].X {
				t.Fatalf("Decimate(%d) broke x order", tc.max)
			}
		}
		if !hasSpike || !hasDip {
			t.Fatalf("Decimate(%d) lost the spike or the dip", tc.max)
		}
	}
}

func TestNearestAndHoverText(t *testing.T) {
	c := SpeedVsSize(sampleModels(), SpeedOptions{BandwidthBytesPerSec: 20e9, BytesPerParam: map[string]float64{"Q4_0": 0.5625}})
	f := c.Frame(8, 8)
	r := Rect{X: 50, Y: 10, W: 600, H: 400}
	// Aim at Qwen2.5-7B Q4_0.
	px, py := f.Project(r, 7.6e9, 6.1)
	h, ok := c.Nearest(f, r, px+3, py-2, 20)
	if !ok {
		t.Fatal("no point found next to Qwen2.5-7B Q4_0")
	}
	if got, want := c.HoverText(h), "Qwen2.5-7B Q4_0: 6.1 tok/s (projected, 5.2–7)"; got != want {
		t.Fatalf("hover = %q, want %q", got, want)
	}
	if _, ok := c.Nearest(f, r, r.X+r.W-1, r.Y+1, 5); ok {
		t.Fatal("found a point in an empty corner")
	}
	lat := TokenLatency([]float64{12, 14}, LatencyOptions{})
	if got, want := lat.HoverText(Hit{0, 1}), "token latency at token 2: 14 ms (measured)"; got != want {
		t.Fatalf("hover = %q, want %q", got, want)
	}
	if got := c.HoverText(Hit{99, 0}); got != "" {
		t.Fatalf("hover for a missing series = %q", got)
	}
}

func BenchmarkTokenLatency2000(b *testing.B) {
	lat := make([]float64, 2000)
	for i := range lat {
		lat[i] = 11 + float64(i%13)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := TokenLatency(lat, LatencyOptions{Model: "m"})
		f := c.Frame(8, 6)
		_ = Decimate(c.Series[0].Points, 600)
		_ = f
	}
}

// A 128-token run's latency chart ends its token axis at 128 (not 200), with more ticks than
// its two ends.
func TestTokenLatencyAxisFitsTheRun(t *testing.T) {
	lat := make([]float64, 128)
	for i := range lat {
		lat[i] = 10 + float64(i%7)
	}
	c := TokenLatency(lat, LatencyOptions{})
	f := c.Frame(5, 5)
	if f.X.Hi != 128 || f.X.Lo != 0 {
		t.Errorf("token axis %v–%v, want 0–128", f.X.Lo, f.X.Hi)
	}
	if len(f.X.Ticks) < 3 {
		t.Errorf("%d token ticks, want ≥ 3", len(f.X.Ticks))
	}
	if c = TokenLatency(lat[:10], LatencyOptions{MaxTokens: 128}); c.Frame(5, 5).X.Hi != 128 {
		t.Errorf("with MaxTokens 128 the axis ends at %v", c.Frame(5, 5).X.Hi)
	}
}
