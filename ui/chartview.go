package ui

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/charts"
)

// ChartView draws a charts.Chart natively: log or linear axes with ticks, measured points
// solid, projections dashed with their band, limit lines, a legend, and the nearest point's
// value on hover or tap. SetChart replaces the chart; it is cheap enough to call on every
// live refresh (long series are decimated to the plot's width). Like every widget method,
// call it on Fyne's goroutine (inside fyne.Do from a worker).
type ChartView struct {
	widget.BaseWidget

	chart    charts.Chart
	hover    charts.Hit
	hoverOK  bool
	pointer  fyne.Position
	pointing bool

	// Set by the renderer on each layout, read by hit-testing.
	frame charts.Frame
	plot  charts.Rect
}

var (
	_ desktop.Hoverable = (*ChartView)(nil)
	_ fyne.Tappable     = (*ChartView)(nil)
)

// NewChartView returns a widget showing c.
func NewChartView(c charts.Chart) *ChartView {
	v := &ChartView{chart: c}
	v.ExtendBaseWidget(v)
	return v
}

// SetChart replaces the chart and redraws; the hover readout follows the pointer.
func (v *ChartView) SetChart(c charts.Chart) {
	v.chart = c
	v.hoverOK = false
	v.Refresh()
	if v.pointing {
		v.hoverAt(v.pointer)
	}
}

// Chart returns the chart being shown.
func (v *ChartView) Chart() charts.Chart { return v.chart }

// HoverText is the readout currently shown ("Qwen2.5-7B Q4_0: 6.1 tok/s (projected, …)"),
// or "" when no point is under the pointer.
func (v *ChartView) HoverText() string {
	if !v.hoverOK {
		return ""
	}
	return v.chart.HoverText(v.hover)
}

// MouseIn shows the nearest point's value.
func (v *ChartView) MouseIn(e *desktop.MouseEvent) { v.hoverAt(e.Position) }

// MouseMoved follows the pointer.
func (v *ChartView) MouseMoved(e *desktop.MouseEvent) { v.hoverAt(e.Position) }

// MouseOut hides the readout.
func (v *ChartView) MouseOut() {
	v.pointing = false
	if v.hoverOK {
		v.hoverOK = false
		v.Refresh()
	}
}

// Tapped shows the nearest point's value (touch screens, projector clickers).
func (v *ChartView) Tapped(e *fyne.PointEvent) { v.hoverAt(e.Position) }

func (v *ChartView) hoverAt(p fyne.Position) {
	v.pointer, v.pointing = p, true
	h, ok := v.chart.Nearest(v.frame, v.plot, float64(p.X), float64(p.Y), 24)
	if ok == v.hoverOK && h == v.hover {
		return
	}
	v.hover, v.hoverOK = h, ok
	v.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (v *ChartView) CreateRenderer() fyne.WidgetRenderer {
	v.ExtendBaseWidget(v)
	r := &chartRenderer{v: v, bg: canvas.NewRectangle(color.Transparent)}
	return r
}

// chartRenderer rebuilds its canvas objects on every layout and refresh, reusing them from
// pools so a live chart does not allocate thousands of objects per second.
type chartRenderer struct {
	v       *ChartView
	bg      *canvas.Rectangle
	objects []fyne.CanvasObject

	lines   []*canvas.Line
	texts   []*canvas.Text
	rects   []*canvas.Rectangle
	circles []*canvas.Circle
	nl, nt  int
	nr, nc  int

	labels   []charts.Rect // limit labels placed so far
	deferred []func()      // limit labels, drawn over the series
}

const (
	chartMinWidth  = 360
	chartMinHeight = 240
	maxLinePoints  = 600 // decimation cap per series, whatever the width
	hoverRadius    = 24
)

func (r *chartRenderer) MinSize() fyne.Size { return fyne.NewSize(chartMinWidth, chartMinHeight) }
func (r *chartRenderer) Layout(s fyne.Size) { r.build(s) }
func (r *chartRenderer) Objects() []fyne.CanvasObject {
	return r.objects
}
func (r *chartRenderer) Destroy() {}

func (r *chartRenderer) Refresh() {
	r.build(r.v.Size())
	canvas.Refresh(r.v)
}

// Pooled object getters: each returns the next object, reset and added to the draw list.

func (r *chartRenderer) line(c color.Color, w float32, x1, y1, x2, y2 float64) {
	if r.nl == len(r.lines) {
		r.lines = append(r.lines, &canvas.Line{})
	}
	l := r.lines[r.nl]
	r.nl++
	l.StrokeColor, l.StrokeWidth = c, w
	l.Position1 = fyne.NewPos(float32(x1), float32(y1))
	l.Position2 = fyne.NewPos(float32(x2), float32(y2))
	l.Hidden = false
	r.objects = append(r.objects, l)
}

func (r *chartRenderer) text(s string, c color.Color, size float32, bold bool, x, y float64, align fyne.TextAlign) fyne.Size {
	if r.nt == len(r.texts) {
		r.texts = append(r.texts, &canvas.Text{})
	}
	t := r.texts[r.nt]
	r.nt++
	t.Text, t.Color, t.TextSize = s, c, size
	t.TextStyle = fyne.TextStyle{Bold: bold}
	t.Alignment = fyne.TextAlignLeading
	t.Hidden = false
	sz := fyne.MeasureText(s, size, t.TextStyle)
	switch align {
	case fyne.TextAlignCenter:
		x -= float64(sz.Width) / 2
	case fyne.TextAlignTrailing:
		x -= float64(sz.Width)
	}
	t.Move(fyne.NewPos(float32(x), float32(y)))
	t.Resize(sz)
	r.objects = append(r.objects, t)
	return sz
}

func (r *chartRenderer) rect(fill, stroke color.Color, strokeW float32, x, y, w, h float64) {
	if r.nr == len(r.rects) {
		r.rects = append(r.rects, &canvas.Rectangle{})
	}
	o := r.rects[r.nr]
	r.nr++
	o.FillColor, o.StrokeColor, o.StrokeWidth = fill, stroke, strokeW
	o.CornerRadius = 0
	o.Hidden = false
	o.Move(fyne.NewPos(float32(x), float32(y)))
	o.Resize(fyne.NewSize(float32(w), float32(h)))
	r.objects = append(r.objects, o)
}

func (r *chartRenderer) circle(fill, stroke color.Color, strokeW float32, x, y, radius float64) {
	if r.nc == len(r.circles) {
		r.circles = append(r.circles, &canvas.Circle{})
	}
	o := r.circles[r.nc]
	r.nc++
	o.FillColor, o.StrokeColor, o.StrokeWidth = fill, stroke, strokeW
	o.Hidden = false
	o.Position1 = fyne.NewPos(float32(x-radius), float32(y-radius))
	o.Position2 = fyne.NewPos(float32(x+radius), float32(y+radius))
	r.objects = append(r.objects, o)
}

// build lays the whole chart out for size s.
func (r *chartRenderer) build(s fyne.Size) {
	r.objects = r.objects[:0]
	r.nl, r.nt, r.nr, r.nc = 0, 0, 0, 0
	r.labels = r.labels[:0]
	v := r.v
	c := v.chart
	fg := theme.Color(theme.ColorNameForeground)
	muted := theme.Color(theme.ColorNamePlaceHolder)
	grid := withAlpha(fg, 0x22)
	ts := theme.TextSize()
	small := ts * 0.85
	W, H := float64(s.Width), float64(s.Height)
	r.bg.Resize(s)
	r.objects = append(r.objects, r.bg)

	pad := 8.0
	y := pad
	// Title and caption.
	tsz := r.text(c.Title, fg, ts*1.1, true, pad, y, fyne.TextAlignLeading)
	y += float64(tsz.Height)
	for _, line := range wrapText(c.Subtitle, W-2*pad, small, 2) {
		sz := r.text(line, muted, small, false, pad, y, fyne.TextAlignLeading)
		y += float64(sz.Height)
	}
	y += 4

	if c.PointCount() == 0 {
		v.frame, v.plot = charts.Frame{}, charts.Rect{}
		box := charts.Rect{X: pad, Y: y, W: W - 2*pad, H: H - y - pad}
		r.rect(color.Transparent, grid, 1, box.X, box.Y, box.W, box.H)
		ey := box.Y + box.H/2 - float64(ts)
		for _, line := range wrapText(c.EmptyText(), box.W-16, ts, 3) {
			sz := r.text(line, muted, ts, false, box.X+box.W/2, ey, fyne.TextAlignCenter)
			ey += float64(sz.Height)
		}
		return
	}

	// Legend: series, then limits, flowing into rows.
	y = r.legend(c, pad, y, W-2*pad, small)

	// Axis geometry: tick counts from the space available, then margins from the labels.
	axisTitleH := float64(fyne.MeasureText("Ag", small, fyne.TextStyle{}).Height)
	top := y + axisTitleH + 4 // y axis title sits above the plot
	bottom := H - pad - 2*axisTitleH - 4
	plotH := math.Max(bottom-top, 20)
	frame := c.Frame(int(math.Max(2, math.Min(10, (W-80)/90))), int(math.Max(2, math.Min(10, plotH/38))))
	labelW := 0.0
	for _, t := range frame.Y.Ticks {
		labelW = math.Max(labelW, float64(fyne.MeasureText(t.Label, small, fyne.TextStyle{}).Width))
	}
	left := pad + labelW + 6
	right := W - pad - 8
	plot := charts.Rect{X: left, Y: top, W: math.Max(right-left, 20), H: plotH}
	v.frame, v.plot = frame, plot

	// Grid, ticks and labels.
	for _, t := range frame.Y.Ticks {
		_, py := frame.Project(plot, frame.X.Lo, t.Value)
		r.line(grid, 1, plot.X, py, plot.X+plot.W, py)
		r.text(t.Label, muted, small, false, plot.X-6, py-axisTitleH/2, fyne.TextAlignTrailing)
	}
	lastRight := math.Inf(-1)
	for _, t := range frame.X.Ticks {
		px, _ := frame.Project(plot, t.Value, frame.Y.Lo)
		r.line(grid, 1, px, plot.Y, px, plot.Y+plot.H)
		w := float64(fyne.MeasureText(t.Label, small, fyne.TextStyle{}).Width)
		if px-w/2 > lastRight+4 { // skip labels that would overlap
			r.text(t.Label, muted, small, false, px, plot.Y+plot.H+3, fyne.TextAlignCenter)
			lastRight = px + w/2
		}
	}
	r.line(withAlpha(fg, 0x88), 1, plot.X, plot.Y+plot.H, plot.X+plot.W, plot.Y+plot.H)
	r.line(withAlpha(fg, 0x88), 1, plot.X, plot.Y, plot.X, plot.Y+plot.H)
	r.text(charts.AxisTitle(c.X), fg, small, false, plot.X+plot.W/2, plot.Y+plot.H+axisTitleH+5, fyne.TextAlignCenter)
	r.text(charts.AxisTitle(c.Y), fg, small, false, pad, y, fyne.TextAlignLeading)

	// Limit bands and lines.
	for _, l := range c.Limits {
		r.limit(c, frame, plot, l, small)
	}

	// Bands under everything else, then lines, then points.
	for si, s := range c.Series {
		if s.Kind == charts.Projected {
			r.band(frame, plot, s.Points, withAlpha(parseHex(c.SeriesColor(si)), 0x30))
		}
	}
	for si, s := range c.Series {
		col := parseHex(c.SeriesColor(si))
		pts := charts.Decimate(s.Points, int(math.Min(maxLinePoints, math.Max(100, plot.W/2))))
		switch s.Kind {
		case charts.Measured:
			if s.Line {
				r.polyline(frame, plot, pts, col, 2, false)
			}
			if len(pts) <= 200 {
				for _, p := range pts {
					if px, py, ok := inside(frame, plot, p); ok {
						r.circle(col, col, 0, px, py, 4)
					}
				}
			}
		case charts.Projected:
			r.polyline(frame, plot, pts, col, 2, true)
			bg := theme.Color(theme.ColorNameBackground)
			for _, p := range pts {
				if px, py, ok := inside(frame, plot, p); ok {
					r.circle(bg, col, 1.5, px, py, 3.5)
				}
			}
		case charts.Reference:
			r.polyline(frame, plot, pts, withAlpha(col, 0xb0), 1, false)
		}
	}

	for _, f := range r.deferred {
		f()
	}
	r.deferred = r.deferred[:0]
	if v.hoverOK {
		r.tooltip(c, frame, plot, W, H, small)
	}
}

// legend draws one swatch and name per series and limit; it returns the y below it.
func (r *chartRenderer) legend(c charts.Chart, x0, y, maxW float64, size float32) float64 {
	fg := theme.Color(theme.ColorNameForeground)
	rowH := float64(fyne.MeasureText("Ag", size, fyne.TextStyle{}).Height)
	x := x0
	seen := map[string]bool{}
	entry := func(name string, draw func(x, cy float64)) {
		if seen[name] {
			return
		}
		seen[name] = true
		w := 22 + float64(fyne.MeasureText(name, size, fyne.TextStyle{}).Width) + 14
		if x > x0 && x+w > x0+maxW {
			x = x0
			y += rowH + 2
		}
		draw(x, y+rowH/2)
		r.text(name, fg, size, false, x+22, y, fyne.TextAlignLeading)
		x += w
	}
	for si, s := range c.Series {
		col := parseHex(c.SeriesColor(si))
		kind, line := s.Kind, s.Line
		entry(s.Name, func(x, cy float64) {
			switch kind {
			case charts.Measured:
				if line {
					r.line(col, 2, x, cy, x+18, cy)
				}
				r.circle(col, col, 0, x+9, cy, 4)
			case charts.Projected:
				r.rect(withAlpha(col, 0x30), color.Transparent, 0, x, cy-5, 18, 10)
				r.line(col, 2, x, cy, x+7, cy)
				r.line(col, 2, x+11, cy, x+18, cy)
			case charts.Reference:
				r.line(withAlpha(col, 0xb0), 1, x, cy, x+18, cy)
			}
		})
	}
	for _, l := range c.Limits {
		col := limitColor(l)
		band := l.IsBand()
		entry(c.LimitText(l), func(x, cy float64) {
			if band {
				r.rect(withAlpha(col, 0x30), color.Transparent, 0, x, cy-5, 18, 10)
				return
			}
			r.line(col, 1.5, x, cy, x+18, cy)
		})
	}
	return y + rowH + 4
}

func (r *chartRenderer) limit(c charts.Chart, f charts.Frame, plot charts.Rect, l charts.Limit, size float32) {
	col := limitColor(l)
	label := c.LimitText(l)
	th := float64(fyne.MeasureText(label, size, fyne.TextStyle{}).Height)
	if l.Orientation == charts.Horizontal {
		_, y1 := f.Project(plot, f.X.Lo, l.Value)
		if l.IsBand() {
			_, y2 := f.Project(plot, f.X.Lo, l.To)
			top, bot := clamp(math.Min(y1, y2), plot.Y, plot.Y+plot.H), clamp(math.Max(y1, y2), plot.Y, plot.Y+plot.H)
			if bot > top {
				r.rect(withAlpha(col, 0x26), color.Transparent, 0, plot.X, top, plot.W, bot-top)
				r.later(func() { r.label(label, col, size, plot.X+4, top+1, fyne.TextAlignLeading) })
			}
			return
		}
		if y1 < plot.Y-0.5 || y1 > plot.Y+plot.H+0.5 {
			return
		}
		r.line(col, 1.5, plot.X, y1, plot.X+plot.W, y1)
		// Right end above the line; moved left past other limits' labels, or below the line.
		lw := float64(fyne.MeasureText(label, size, fyne.TextStyle{}).Width)
		for _, ly := range []float64{y1 - th - 1, y1 + 1} {
			if ly < plot.Y || ly+th > plot.Y+plot.H {
				continue
			}
			if x, ok := r.labelSlot(plot.X+plot.W-4, ly, lw, th, plot.X); ok {
				r.labels = append(r.labels, charts.Rect{X: x - lw, Y: ly, W: lw, H: th})
				r.later(func() { r.label(label, col, size, x, ly, fyne.TextAlignTrailing) })
				break
			}
		}
		return
	}
	x1, _ := f.Project(plot, l.Value, f.Y.Lo)
	if l.IsBand() {
		x2, _ := f.Project(plot, l.To, f.Y.Lo)
		lft, rgt := clamp(math.Min(x1, x2), plot.X, plot.X+plot.W), clamp(math.Max(x1, x2), plot.X, plot.X+plot.W)
		if rgt > lft {
			r.rect(withAlpha(col, 0x26), color.Transparent, 0, lft, plot.Y, rgt-lft, plot.H)
			r.later(func() { r.label(label, col, size, lft+4, plot.Y+2, fyne.TextAlignLeading) })
		}
		return
	}
	if x1 < plot.X-0.5 || x1 > plot.X+plot.W+0.5 {
		return
	}
	r.line(col, 1.5, x1, plot.Y, x1, plot.Y+plot.H)
	r.later(func() { r.label(label, col, size, x1+4, plot.Y+2, fyne.TextAlignLeading) })
}

func (r *chartRenderer) later(f func()) { r.deferred = append(r.deferred, f) }

// labelSlot finds where a label of width w ending at right can go on row y without covering
// another limit label, moving left as needed; false when it would leave the plot.
func (r *chartRenderer) labelSlot(right, y, w, h, minX float64) (float64, bool) {
	for moved := true; moved; {
		moved = false
		for _, l := range r.labels {
			if y < l.Y+l.H && y+h > l.Y && right-w < l.X+l.W && right > l.X {
				right, moved = l.X-12, true
			}
		}
	}
	return right, right-w >= minX
}

// label draws limit text on a translucent background so it reads over the data.
func (r *chartRenderer) label(s string, c color.Color, size float32, x, y float64, align fyne.TextAlign) {
	sz := fyne.MeasureText(s, size, fyne.TextStyle{})
	bx := x
	switch align {
	case fyne.TextAlignCenter:
		bx -= float64(sz.Width) / 2
	case fyne.TextAlignTrailing:
		bx -= float64(sz.Width)
	}
	r.rect(withAlpha(theme.Color(theme.ColorNameBackground), 0xc0), color.Transparent, 0, bx-2, y, float64(sz.Width)+4, float64(sz.Height))
	r.text(s, c, size, false, x, y, align)
}

// polyline draws the series' segments clipped to the plot; dashed draws 6 px on, 4 px off,
// carrying the pattern across segments.
func (r *chartRenderer) polyline(f charts.Frame, plot charts.Rect, pts []charts.Point, col color.Color, w float32, dashed bool) {
	const on, off = 6.0, 4.0
	phase := 0.0
	for i := 1; i < len(pts); i++ {
		x1, y1 := f.Project(plot, pts[i-1].X, pts[i-1].Y)
		x2, y2 := f.Project(plot, pts[i].X, pts[i].Y)
		x1, y1, x2, y2, ok := clip(plot, x1, y1, x2, y2)
		if !ok {
			continue
		}
		if !dashed {
			r.line(col, w, x1, y1, x2, y2)
			continue
		}
		length := math.Hypot(x2-x1, y2-y1)
		if length == 0 {
			continue
		}
		dx, dy := (x2-x1)/length, (y2-y1)/length
		for pos := 0.0; pos < length; {
			cycle := math.Mod(phase, on+off)
			if cycle < on {
				seg := math.Min(on-cycle, length-pos)
				r.line(col, w, x1+dx*pos, y1+dy*pos, x1+dx*(pos+seg), y1+dy*(pos+seg))
				pos += seg
				phase += seg
			} else {
				seg := math.Min(on+off-cycle, length-pos)
				pos += seg
				phase += seg
			}
		}
	}
}

// band fills between the points' Low and High with thin vertical strips, interpolated in
// screen space between neighbouring points (a point without a band contributes its value).
func (r *chartRenderer) band(f charts.Frame, plot charts.Rect, pts []charts.Point, fill color.Color) {
	type edge struct{ x, lo, hi float64 }
	var es []edge
	any := false
	for _, p := range pts {
		lo, hi := p.Y, p.Y
		if p.HasBand() {
			lo, hi, any = p.Low, p.High, true
		}
		x, ylo := f.Project(plot, p.X, lo)
		_, yhi := f.Project(plot, p.X, hi)
		es = append(es, edge{x, ylo, yhi})
	}
	if !any {
		return
	}
	if len(es) == 1 { // a lone point's band: a short vertical bar
		e := es[0]
		r.rect(fill, color.Transparent, 0, e.x-3, e.hi, 6, e.lo-e.hi)
		return
	}
	const step = 2.0
	for i := 1; i < len(es); i++ {
		a, e := es[i-1], es[i]
		for x := a.x; x < e.x; x += step {
			if x+step < plot.X || x > plot.X+plot.W {
				continue
			}
			t := (x + step/2 - a.x) / (e.x - a.x)
			top := a.hi + t*(e.hi-a.hi)
			bot := a.lo + t*(e.lo-a.lo)
			top, bot = clamp(top, plot.Y, plot.Y+plot.H), clamp(bot, plot.Y, plot.Y+plot.H)
			w := math.Min(step, e.x-x)
			if bot > top {
				r.rect(fill, color.Transparent, 0, x, top, w, bot-top)
			}
		}
	}
}

// tooltip rings the hovered point and shows its readout in a box kept inside the widget.
func (r *chartRenderer) tooltip(c charts.Chart, f charts.Frame, plot charts.Rect, W, H float64, size float32) {
	v := r.v
	s := c.Series[v.hover.Series]
	p := s.Points[v.hover.Point]
	px, py := f.Project(plot, p.X, p.Y)
	fg := theme.Color(theme.ColorNameForeground)
	r.circle(color.Transparent, fg, 2, px, py, 7)
	lines := strings.Split(c.HoverText(v.hover), "\n")
	var bw, bh float64
	for _, l := range lines {
		sz := fyne.MeasureText(l, size, fyne.TextStyle{})
		bw = math.Max(bw, float64(sz.Width))
		bh += float64(sz.Height)
	}
	bw, bh = bw+12, bh+8
	bx, by := px+12, py-bh-8
	if bx+bw > W-2 {
		bx = px - 12 - bw
	}
	if bx < 2 {
		bx = 2
	}
	if by < 2 {
		by = py + 12
	}
	if by+bh > H-2 {
		by = H - 2 - bh
	}
	r.rect(theme.Color(theme.ColorNameOverlayBackground), parseHex(c.SeriesColor(v.hover.Series)), 1.5, bx, by, bw, bh)
	ty := by + 4
	for i, l := range lines {
		sz := r.text(l, fg, size, i == 0, bx+6, ty, fyne.TextAlignLeading)
		ty += float64(sz.Height)
	}
}

func inside(f charts.Frame, plot charts.Rect, p charts.Point) (float64, float64, bool) {
	x, y := f.Project(plot, p.X, p.Y)
	ok := x >= plot.X-0.5 && x <= plot.X+plot.W+0.5 && y >= plot.Y-0.5 && y <= plot.Y+plot.H+0.5
	return x, y, ok
}

// clip cuts segment (x1,y1)-(x2,y2) to rectangle r (Liang–Barsky); ok is false when the
// segment lies outside.
func clip(r charts.Rect, x1, y1, x2, y2 float64) (float64, float64, float64, float64, bool) {
	if math.IsNaN(x1+y1+x2+y2) || math.IsInf(x1+y1+x2+y2, 0) {
		return 0, 0, 0, 0, false
	}
	t0, t1 := 0.0, 1.0
	dx, dy := x2-x1, y2-y1
	for _, pq := range [4][2]float64{{-dx, x1 - r.X}, {dx, r.X + r.W - x1}, {-dy, y1 - r.Y}, {dy, r.Y + r.H - y1}} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return 0, 0, 0, 0, false
			}
			t0 = math.Max(t0, t)
		} else {
			if t < t0 {
				return 0, 0, 0, 0, false
			}
			t1 = math.Min(t1, t)
		}
	}
	return x1 + t0*dx, y1 + t0*dy, x1 + t1*dx, y1 + t1*dy, true
}

// wrapText breaks s into at most maxLines lines that fit width; the last one ends in "…" if
// text was left out.
func wrapText(s string, width float64, size float32, maxLines int) []string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	fits := func(t string) bool { return float64(fyne.MeasureText(t, size, fyne.TextStyle{}).Width) <= width }
	for _, w := range words {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if fits(next) || cur == "" {
			cur = next
			continue
		}
		lines = append(lines, cur)
		cur = w
		if len(lines) == maxLines {
			last := []rune(lines[maxLines-1])
			for len(last) > 0 && !fits(string(last)+"…") {
				last = last[:len(last)-1]
			}
			lines[maxLines-1] = strings.TrimRight(string(last), " ") + "…"
			return lines
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

func limitColor(l charts.Limit) color.Color {
	if l.Color != "" {
		return parseHex(l.Color)
	}
	return parseHex(charts.LimitColor)
}

// parseHex reads "#rrggbb"; anything else is grey.
func parseHex(s string) color.NRGBA {
	if len(s) == 7 && s[0] == '#' {
		if n, err := strconv.ParseUint(s[1:], 16, 32); err == nil {
			return color.NRGBA{R: uint8(n >> 16), G: uint8(n >> 8), B: uint8(n), A: 0xff}
		}
	}
	return color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
}

func withAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
