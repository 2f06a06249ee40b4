// Package chartview is slmscope's native chart widget: it draws a charts.Chart (the one
// chart description the HTML report also renders) with Fyne's canvas lines, rectangles,
// circles and text, on linear or log axes, and shows the nearest point's value on hover or
// tap.
package chartview

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"slmscope/charts"
)

// View draws a charts.Chart natively: log or linear axes with ticks, measured points
// solid, projections dashed with their band, limit lines, a legend, and the nearest point's
// value on hover or tap. SetChart replaces the chart; it is cheap enough to call on every
// live refresh (long series are decimated to the plot's width). Like every widget method,
// call it on Fyne's goroutine (inside fyne.Do from a worker).
type View struct {
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
	_ desktop.Hoverable = (*View)(nil)
	_ fyne.Tappable     = (*View)(nil)
)

// New returns a View showing c.
func New(c charts.Chart) *View {
	v := &View{chart: c}
	v.ExtendBaseWidget(v)
	return v
}

// SetChart replaces the chart and redraws; the hover readout follows the pointer.
func (v *View) SetChart(c charts.Chart) {
	v.chart = c
	v.hoverOK = false
	v.Refresh()
	if v.pointing {
		v.hoverAt(v.pointer)
	}
}

// Chart returns the chart being shown.
func (v *View) Chart() charts.Chart { return v.chart }

// HoverText is the readout currently shown ("Qwen2.5-7B Q4_0: 6.1 tok/s (projected, …)"),
// or "" when no point is under the pointer.
func (v *View) HoverText() string {
	if !v.hoverOK {
		return ""
	}
	return v.chart.HoverText(v.hover)
}

// MouseIn shows the nearest point's value.
func (v *View) MouseIn(e *desktop.MouseEvent) { v.hoverAt(e.Position) }

// MouseMoved follows the pointer.
func (v *View) MouseMoved(e *desktop.MouseEvent) { v.hoverAt(e.Position) }

// MouseOut hides the readout.
func (v *View) MouseOut() {
	v.pointing = false
	if v.hoverOK {
		v.hoverOK = false
		v.Refresh()
	}
}

// Tapped shows the nearest point's value (touch screens, projector clickers).
func (v *View) Tapped(e *fyne.PointEvent) { v.hoverAt(e.Position) }

func (v *View) hoverAt(p fyne.Position) {
	v.pointer, v.pointing = p, true
	h, ok := v.chart.Nearest(v.frame, v.plot, float64(p.X), float64(p.Y), hoverRadius)
	if ok == v.hoverOK && h == v.hover {
		return
	}
	v.hover, v.hoverOK = h, ok
	v.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (v *View) CreateRenderer() fyne.WidgetRenderer {
	v.ExtendBaseWidget(v)
	r := &renderer{v: v, bg: canvas.NewRectangle(color.Transparent)}
	return r
}
