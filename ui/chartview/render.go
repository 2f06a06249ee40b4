package chartview

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"slmscope/charts"
)

// renderer rebuilds its canvas objects on every layout and refresh, reusing them from
// pools so a live chart does not allocate thousands of objects per second.
type renderer struct {
	v       *View
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
	hoverRadius    = 24  // how near the pointer a point must be for its readout, in pixels
	// minMarkerSpacing: measured points get a dot only when there is this much room per
	// point, in pixels; denser dots merge into a blob, and each is one more object to paint
	// at every frame of a live chart.
	minMarkerSpacing = 6
)

func (r *renderer) MinSize() fyne.Size { return fyne.NewSize(chartMinWidth, chartMinHeight) }
func (r *renderer) Layout(s fyne.Size) { r.build(s) }
func (r *renderer) Objects() []fyne.CanvasObject {
	return r.objects
}
func (r *renderer) Destroy() {}

func (r *renderer) Refresh() {
	r.build(r.v.Size())
	canvas.Refresh(r.v)
}

// Pooled object getters: each returns the next object, reset and added to the draw list.

func (r *renderer) line(c color.Color, w float32, x1, y1, x2, y2 float64) {
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

func (r *renderer) text(s string, c color.Color, size float32, bold bool, x, y float64, align fyne.TextAlign) fyne.Size {
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

func (r *renderer) rect(fill, stroke color.Color, strokeW float32, x, y, w, h float64) {
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

func (r *renderer) circle(fill, stroke color.Color, strokeW float32, x, y, radius float64) {
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
func (r *renderer) build(s fyne.Size) {
	r.objects = r.objects[:0]
	r.nl, r.nt, r.nr, r.nc = 0, 0, 0, 0
	r.labels = r.labels[:0]
	v := r.v
	c := v.chart
	st := themeStyle()
	W, H := float64(s.Width), float64(s.Height)
	r.bg.Resize(s)
	r.objects = append(r.objects, r.bg)

	pad := 8.0
	y := r.heading(c, st, pad, W)
	if c.PointCount() == 0 {
		v.frame, v.plot = charts.Frame{}, charts.Rect{}
		r.emptyState(c, st, charts.Rect{X: pad, Y: y, W: W - 2*pad, H: H - y - pad})
		return
	}

	// Legend: series, then limits, flowing into rows.
	y = r.legend(c, pad, y, W-2*pad, st.small)
	frame, plot, axisTitleH := plotArea(c, st.small, pad, y, W, H)
	v.frame, v.plot = frame, plot
	r.axes(c, st, frame, plot, axisTitleH, pad, y)

	// Limit bands and lines.
	for _, l := range c.Limits {
		r.limit(c, frame, plot, l, st.small)
	}

	// Bands under everything else, then lines, then points.
	for si, s := range c.Series {
		if s.Kind == charts.Projected {
			r.band(frame, plot, s.Points, withAlpha(parseHex(c.SeriesColor(si)), 0x30))
		}
	}
	for si, s := range c.Series {
		r.series(c, st, frame, plot, si, s)
	}

	for _, f := range r.deferred {
		f()
	}
	r.deferred = r.deferred[:0]
	if v.hoverOK {
		r.tooltip(c, frame, plot, W, H, st.small)
	}
}

// style is the theme's colours and text sizes that one layout uses.
type style struct {
	fg, muted, grid color.Color
	text, small     float32 // body and label text sizes
}

// themeStyle reads the current theme's style.
func themeStyle() style {
	fg := theme.Color(theme.ColorNameForeground)
	ts := theme.TextSize()
	return style{fg: fg, muted: theme.Color(theme.ColorNamePlaceHolder), grid: withAlpha(fg, 0x22), text: ts, small: ts * 0.85}
}

// heading draws the title and up to two lines of caption from the top left at pad in a
// chart W wide, and returns the y below them.
func (r *renderer) heading(c charts.Chart, st style, pad, W float64) float64 {
	y := pad
	tsz := r.text(c.Title, st.fg, st.text*1.1, true, pad, y, fyne.TextAlignLeading)
	y += float64(tsz.Height)
	for _, line := range wrapText(c.Subtitle, W-2*pad, st.small, 2) {
		sz := r.text(line, st.muted, st.small, false, pad, y, fyne.TextAlignLeading)
		y += float64(sz.Height)
	}
	return y + 4
}

// emptyState draws, in box, the frame and centred message of a chart with no points.
func (r *renderer) emptyState(c charts.Chart, st style, box charts.Rect) {
	r.rect(color.Transparent, st.grid, 1, box.X, box.Y, box.W, box.H)
	ey := box.Y + box.H/2 - float64(st.text)
	for _, line := range wrapText(c.EmptyText(), box.W-16, st.text, 3) {
		sz := r.text(line, st.muted, st.text, false, box.X+box.W/2, ey, fyne.TextAlignCenter)
		ey += float64(sz.Height)
	}
}

// plotArea places the plot below y in a chart W×H: tick counts from the space available,
// then margins from the labels (text size small). It returns the frame, the plot rectangle
// and the height of an axis title.
func plotArea(c charts.Chart, small float32, pad, y, W, H float64) (charts.Frame, charts.Rect, float64) {
	axisTitleH := float64(fyne.MeasureText("Ag", small, fyne.TextStyle{}).Height)
	top := y + axisTitleH + 4 // y axis title sits above the plot
	bottom := H - pad - 2*axisTitleH - 4
	plotH := math.Max(bottom-top, 20)
	frame := c.Frame(xTickCount(W), int(math.Max(2, math.Min(10, plotH/38))))
	labelW := 0.0
	for _, t := range frame.Y.Ticks {
		labelW = math.Max(labelW, float64(fyne.MeasureText(t.Label, small, fyne.TextStyle{}).Width))
	}
	left := pad + labelW + 6
	right := W - pad - 8
	return frame, charts.Rect{X: left, Y: top, W: math.Max(right-left, 20), H: plotH}, axisTitleH
}

// axes draws the grid, ticks and their labels, the axis lines and the axis titles; the y
// axis title goes at (pad, y), above the plot.
func (r *renderer) axes(c charts.Chart, st style, frame charts.Frame, plot charts.Rect, axisTitleH, pad, y float64) {
	for _, t := range frame.Y.Ticks {
		_, py := frame.Project(plot, frame.X.Lo, t.Value)
		r.line(st.grid, 1, plot.X, py, plot.X+plot.W, py)
		r.text(t.Label, st.muted, st.small, false, plot.X-6, py-axisTitleH/2, fyne.TextAlignTrailing)
	}
	lastRight := math.Inf(-1)
	for _, t := range frame.X.Ticks {
		px, _ := frame.Project(plot, t.Value, frame.Y.Lo)
		r.line(st.grid, 1, px, plot.Y, px, plot.Y+plot.H)
		w := float64(fyne.MeasureText(t.Label, st.small, fyne.TextStyle{}).Width)
		if px-w/2 > lastRight+4 { // skip labels that would overlap
			r.text(t.Label, st.muted, st.small, false, px, plot.Y+plot.H+3, fyne.TextAlignCenter)
			lastRight = px + w/2
		}
	}
	r.line(withAlpha(st.fg, 0x88), 1, plot.X, plot.Y+plot.H, plot.X+plot.W, plot.Y+plot.H)
	r.line(withAlpha(st.fg, 0x88), 1, plot.X, plot.Y, plot.X, plot.Y+plot.H)
	r.text(charts.AxisTitle(c.X), st.fg, st.small, false, plot.X+plot.W/2, plot.Y+plot.H+axisTitleH+5, fyne.TextAlignCenter)
	r.text(charts.AxisTitle(c.Y), st.fg, st.small, false, pad, y, fyne.TextAlignLeading)
}

// series draws series si's line and points as its kind says: measured points as filled
// markers (when there is room), projections dashed with hollow markers, references thin.
func (r *renderer) series(c charts.Chart, st style, frame charts.Frame, plot charts.Rect, si int, s charts.Series) {
	col := parseHex(c.SeriesColor(si))
	pts := charts.Decimate(s.Points, int(math.Min(maxLinePoints, math.Max(100, plot.W/2))))
	switch s.Kind {
	case charts.Measured:
		if s.Line {
			r.polyline(frame, plot, pts, col, 2, false)
		}
		if len(pts) <= 200 && float64(len(pts))*minMarkerSpacing <= plot.W {
			r.markers(frame, plot, pts, s.Marker, col, true, 4.5)
		}
		if s.LabelPoints && len(pts) <= 40 {
			r.pointLabels(frame, plot, s, st.fg, st.small)
		}
	case charts.Projected:
		r.polyline(frame, plot, pts, col, 2, true)
		r.markers(frame, plot, pts, s.Marker, col, false, 4)
	case charts.Reference:
		r.polyline(frame, plot, pts, withAlpha(col, 0xb0), 1, false)
	}
}

// markers draws marker m of radius rad at each of pts inside the plot, filled or hollow
// over the background.
func (r *renderer) markers(frame charts.Frame, plot charts.Rect, pts []charts.Point, m charts.Marker, col color.Color, filled bool, rad float64) {
	bg := theme.Color(theme.ColorNameBackground)
	for _, p := range pts {
		if px, py, ok := inside(frame, plot, p); ok {
			r.marker(m, col, bg, filled, px, py, rad)
		}
	}
}
