package charts

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	gecharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// snippet is one chart as go-echarts renders it: its element and its script.
type snippet struct {
	element, script string
}

// echartsSnippet renders c with go-echarts under the given element id. go-echarts has no
// fields for a few options (log base, z order, silent series, limit-only series), so a
// ConfigurationVisitor adds them to the option JSON go-echarts builds.
func echartsSnippet(c Chart, id string) (sn snippet, err error) {
	line := echartsLine(c, id)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("go-echarts could not render it: %v", r)
		}
	}()
	s := line.RenderSnippet()
	script := s.Script
	// Keep strings from the chart description from closing the <script> element.
	if i, j := strings.Index(script, ">"), strings.LastIndex(script, "</script>"); i >= 0 && j > i {
		script = script[:i+1] + scriptSafe(script[i+1:j]) + script[j:]
	}
	return snippet{element: s.Element, script: script}, nil
}

// echartsLine builds the go-echarts line chart for c, its element id set to id. Its
// formatters call the slmFmt helpers that RenderHTML puts on the page.
func echartsLine(c Chart, id string) *gecharts.Line {
	f := c.Frame(8, 8)
	v := &visitor{extra: map[int]map[string]any{}, xAxis: axisExtras(c.X, f.X), yAxis: axisExtras(c.Y, f.Y)}
	line := gecharts.NewLine()
	line.Accept(v)
	line.SetGlobalOptions(echartsGlobalOptions(c, f, id)...)
	b := &lineBuilder{chart: c, line: line, v: v, seen: map[string]bool{}}
	for si, s := range c.Series {
		b.addSeries(si, s)
	}
	for li, l := range c.Limits {
		b.addLimit(li, l)
	}
	v.legend = b.legend
	return line
}

// echartsGlobalOptions returns the chart-wide options of c drawn in frame f under element id.
func echartsGlobalOptions(c Chart, f Frame, id string) []gecharts.GlobalOpts {
	return []gecharts.GlobalOpts{
		gecharts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "480px", PageTitle: c.Title, AssetsHost: "./"}),
		gecharts.WithAnimation(false),
		gecharts.WithTitleOpts(opts.Title{Show: opts.Bool(false)}),
		gecharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item",
			Formatter: opts.FuncOpts(`function (p) { var t = p.name ? p.name : p.seriesName; return echarts.format.encodeHTML(t).split(String.fromCharCode(10)).join('<br>'); }`)}),
		// A plain legend wraps onto rows (a scrolling one hides entries behind "1/3"); the plot
		// starts below its rows.
		gecharts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "0", Left: "center"}),
		gecharts.WithGridOpts(opts.Grid{Left: "70", Right: "40", Top: fmt.Sprint(30 + 24*legendRows(c)), Bottom: "60", ContainLabel: opts.Bool(true)}),
		gecharts.WithXAxisOpts(opts.XAxis{
			Type: axisType(c.X), Name: AxisTitle(c.X), NameLocation: "middle", NameGap: 30,
			Min: f.X.Lo, Max: f.X.Hi,
			AxisLabel: &opts.AxisLabel{Formatter: formatterJS(c.X.Unit), HideOverlap: opts.Bool(true)},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true)},
		}),
		gecharts.WithYAxisOpts(opts.YAxis{
			Type: axisType(c.Y), Name: AxisTitle(c.Y), NameLocation: "middle", NameGap: 55,
			Min: f.Y.Lo, Max: f.Y.Hi,
			AxisLabel: &opts.AxisLabel{Formatter: formatterJS(c.Y.Unit)},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true)},
		}),
	}
}

// lineBuilder adds the series and limits of one chart to its go-echarts line chart. idx
// counts the go-echarts series added so far: the visitor's extras are keyed by it.
type lineBuilder struct {
	chart  Chart
	line   *gecharts.Line
	v      *visitor
	legend []string
	seen   map[string]bool
	idx    int
}

// addLegend adds name to the legend once, in first-seen order.
func (b *lineBuilder) addLegend(name string) {
	if !b.seen[name] {
		b.seen[name] = true
		b.legend = append(b.legend, name)
	}
}

// addSeries adds series si and, for a projected series with a band, the custom series that
// draws its band.
func (b *lineBuilder) addSeries(si int, s Series) {
	c := b.chart
	color := c.SeriesColor(si)
	name := s.LegendName() // series sharing a legend entry share a name: one toggle hides both
	b.addLegend(name)
	data := make([]opts.LineData, 0, len(s.Points))
	for pi, p := range s.Points {
		data = append(data, opts.LineData{Value: []float64{p.X, p.Y}, Name: c.HoverText(Hit{si, pi})})
	}
	b.line.AddSeries(name, data, seriesOpts(s, color)...)
	b.v.extra[b.idx] = seriesExtras(s)
	b.idx++
	if s.Kind == Projected && hasBand(s) {
		// The band: a custom series whose one item draws the low–high polygon (stacked
		// areas cannot do this on a log axis).
		first := s.Points[0]
		b.line.AddSeries(name, []opts.LineData{{Value: []float64{first.X, first.Y}}},
			gecharts.WithItemStyleOpts(opts.ItemStyle{Color: color}))
		b.v.extra[b.idx] = map[string]any{"type": "custom", "z": 1, "silent": true, "clip": true,
			"tooltip": map[string]any{"show": false}, "renderItem": bandRenderItem(s, color)}
		b.idx++
	}
}

// seriesOpts returns the go-echarts options that draw s in color by its kind: measured points
// as solid markers, projections dashed with hollow markers, references as thin lines.
func seriesOpts(s Series, color string) []gecharts.SeriesOpts {
	so := []gecharts.SeriesOpts{gecharts.WithItemStyleOpts(opts.ItemStyle{Color: color})}
	switch s.Kind {
	case Measured:
		width, op := float32(2), float32(1)
		if !s.Line {
			width, op = 0, 0
		}
		so = append(so,
			gecharts.WithLineChartOpts(opts.LineChart{Symbol: s.Marker.Symbol(), SymbolSize: 10, ShowSymbol: opts.Bool(true)}),
			gecharts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: width, Type: "solid", Opacity: opts.Float(op)}))
		if len(s.Points) > 60 {
			so = append(so, gecharts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 3, ShowSymbol: opts.Bool(false)}))
		}
	case Projected:
		so = append(so,
			gecharts.WithLineChartOpts(opts.LineChart{Symbol: "empty" + strings.ToUpper(s.Marker.Symbol()[:1]) + s.Marker.Symbol()[1:], SymbolSize: 9, ShowSymbol: opts.Bool(true)}),
			gecharts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2, Type: "dashed"}))
	case Reference:
		so = append(so,
			gecharts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)}),
			gecharts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 1, Type: "solid", Opacity: opts.Float(0.7)}))
	}
	return so
}

// seriesExtras returns the option keys go-echarts has no fields for that series s needs.
func seriesExtras(s Series) map[string]any {
	extra := map[string]any{"z": 3}
	if s.LabelPoints {
		// Model names beside measured points; echarts hides those that would overlap.
		extra["label"] = map[string]any{"show": true, "position": "right", "fontSize": 12,
			"formatter": opts.FuncOpts(`function (p) { return (p.name || '').split(':')[0]; }`)}
		extra["labelLayout"] = map[string]any{"hideOverlap": true}
	}
	return extra
}

// addLimit adds limit li as a series with no data that carries a mark line (or a mark area
// for a band), so that the legend can toggle it.
func (b *lineBuilder) addLimit(li int, l Limit) {
	c := b.chart
	color := l.Color
	if color == "" {
		color = LimitColor
	}
	name := c.LimitText(l)
	b.addLegend(name)
	axis := "yAxis"
	if l.Orientation == Vertical {
		axis = "xAxis"
	}
	label := map[string]any{"show": true, "formatter": "{b}", "color": color}
	extra := map[string]any{"z": 2}
	if l.IsBand() {
		label["position"] = "insideTopLeft"
		extra["markArea"] = map[string]any{
			"silent": false, "label": label,
			"itemStyle": map[string]any{"color": color, "opacity": 0.12},
			"data": []any{[]any{
				map[string]any{"name": name, axis: l.Value},
				map[string]any{axis: l.To},
			}},
		}
	} else {
		label["position"] = limitLabelPosition(c, li)
		extra["markLine"] = map[string]any{
			"symbol": []string{"none", "none"}, "label": label,
			"lineStyle": map[string]any{"color": color, "type": "solid", "width": 1.5},
			"data":      []any{map[string]any{"name": name, axis: l.Value}},
		}
	}
	b.line.AddSeries(name, nil, gecharts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
		gecharts.WithLineStyleOpts(opts.LineStyle{Color: color}))
	b.v.extra[b.idx] = extra
	b.idx++
}

// limitLabelPosition places limit i's label so that labels of nearby lines do not overlap:
// lines in value order take turns at the right end, the middle and the left end.
func limitLabelPosition(c Chart, i int) string {
	rank := 0
	for j, l := range c.Limits {
		if j != i && l.Orientation == c.Limits[i].Orientation && !l.IsBand() &&
			(l.Value < c.Limits[i].Value || (l.Value == c.Limits[i].Value && j < i)) {
			rank++
		}
	}
	return [...]string{"insideEndTop", "insideMiddleTop", "insideStartTop"}[rank%3]
}

// legendRows estimates how many rows the plain legend wraps onto in a ~1000 px wide chart.
func legendRows(c Chart) int {
	seen := map[string]bool{}
	width := 0
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			width += 7*len([]rune(name)) + 40
		}
	}
	for _, s := range c.Series {
		add(s.LegendName())
	}
	for _, l := range c.Limits {
		add(c.LimitText(l))
	}
	return max(1, (width+999)/1000)
}

// bandRenderItem returns the renderItem function of a band series: a polygon through the
// low ends left to right and the high ends back (a lone point gets a 6 px bar).
func bandRenderItem(s Series, color string) types.FuncStr {
	var lo, hi []string
	for _, p := range s.Points {
		l, h := p.Y, p.Y
		if p.HasBand() {
			l, h = p.Low, p.High
		}
		lo = append(lo, fmt.Sprintf("[%g,%g]", p.X, l))
		hi = append(hi, fmt.Sprintf("[%g,%g]", p.X, h))
	}
	return opts.FuncOpts(fmt.Sprintf(`function (params, api) {
var lo = [%s], hi = [%s], pts = [], i;
for (i = 0; i < lo.length; i++) { pts.push(api.coord(lo[i])); }
for (i = hi.length - 1; i >= 0; i--) { pts.push(api.coord(hi[i])); }
var style = { fill: '%s', opacity: 0.2 };
if (lo.length === 1) {
  var a = pts[0], b = pts[1];
  return { type: 'rect', shape: { x: a[0] - 3, y: Math.min(a[1], b[1]), width: 6, height: Math.abs(a[1] - b[1]) }, style: style };
}
return { type: 'polygon', shape: { points: pts }, style: style };
}`, strings.Join(lo, ","), strings.Join(hi, ","), color))
}

func hasBand(s Series) bool {
	for _, p := range s.Points {
		if p.HasBand() {
			return true
		}
	}
	return false
}

func axisType(a Axis) string {
	if a.Scale == Log {
		return "log"
	}
	return "value"
}

// axisExtras are axis options go-echarts has no field for: the log base. echarts ticks
// every power of the base (for ranges under ten powers), so when the frame ticks every k-th
// power the base becomes base^k and both renderers show the same ticks.
func axisExtras(a Axis, r Range) map[string]any {
	m := map[string]any{}
	if a.Scale != Log {
		return m
	}
	base := 10.0
	if a.Unit == UnitBytes {
		base = 2
	}
	m["logBase"] = base
	if len(r.Ticks) >= 2 {
		k := math.Log(r.Ticks[1].Value/r.Ticks[0].Value) / math.Log(base)
		if rk := math.Round(k); rk >= 1 && math.Abs(k-rk) < 1e-6 {
			m["logBase"] = math.Pow(base, rk)
		}
	}
	return m
}

func formatterJS(u Unit) types.FuncStr {
	name := map[Unit]string{UnitParams: "params", UnitBytes: "bytes", UnitUSDPerMTok: "usd", UnitTokens: "tokens"}[u]
	if name == "" {
		name = "plain"
	}
	return opts.FuncOpts(fmt.Sprintf(`function (v) { return slmFmt(v, '%s'); }`, name))
}

// visitor adds what go-echarts' option structs cannot say to the option JSON.
type visitor struct {
	gecharts.BaseConfigurationVisitor
	extra        map[int]map[string]any // by series index
	xAxis, yAxis map[string]any
	legend       []string
}

func (v *visitor) VisitSeriesOpt(ms gecharts.MultiSeries) interface{} {
	out := make([]map[string]any, 0, len(ms))
	for i, s := range ms {
		m := toMap(s)
		for k, x := range v.extra[i] {
			m[k] = x
		}
		out = append(out, m)
	}
	return out
}

func (v *visitor) VisitXAxis(x []opts.XAxis) interface{} { return mergeAxes(x, v.xAxis) }
func (v *visitor) VisitYAxis(y []opts.YAxis) interface{} { return mergeAxes(y, v.yAxis) }

func (v *visitor) VisitTooltipOpt(t opts.Tooltip) interface{} {
	m := toMap(t)
	m["confine"] = true
	return m
}

func (v *visitor) VisitLegendOpt(l opts.Legend) interface{} {
	m := toMap(l)
	if len(v.legend) > 0 {
		names := make([]string, len(v.legend))
		copy(names, v.legend)
		m["data"] = names
	}
	return m
}

func mergeAxes[T any](axes []T, extra map[string]any) []map[string]any {
	out := make([]map[string]any, 0, len(axes))
	for _, a := range axes {
		m := toMap(a)
		for k, x := range extra {
			m[k] = x
		}
		out = append(out, m)
	}
	return out
}

// toMap turns a go-echarts option struct into its JSON object, to add fields to it.
func toMap(x any) map[string]any {
	m := map[string]any{}
	b, err := json.Marshal(x)
	if err != nil {
		return m
	}
	_ = json.Unmarshal(b, &m)
	return m
}
