package chartview

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"

	"slmscope/charts"
)

// Point markers (one shape per quantization family, filled when measured, hollow when
// projected) and the names written beside measured points.

// marker draws shape m of radius rad at (x, y): filled in col, or hollow (background inside,
// col outline).
func (r *renderer) marker(m charts.Marker, col, bg color.Color, filled bool, x, y, rad float64) {
	fill, stroke, sw := col, col, float32(0)
	if !filled {
		fill, sw = bg, 1.5
	}
	switch m {
	case charts.MarkerSquare:
		s := rad * 0.9
		r.rect(fill, stroke, sw, x-s, y-s, 2*s, 2*s)
	case charts.MarkerTriangle, charts.MarkerDiamond:
		var pts [][2]float64
		if m == charts.MarkerTriangle {
			h := rad * 1.2
			pts = [][2]float64{{x, y - h}, {x + h, y + h*0.8}, {x - h, y + h*0.8}}
		} else {
			h := rad * 1.25
			pts = [][2]float64{{x, y - h}, {x + h, y}, {x, y + h}, {x - h, y}}
		}
		if filled {
			// Canvas has no filled polygon: a heavy outline around a filled core reads as solid.
			r.circle(col, col, 0, x, y+0.5, rad*0.6)
			sw = 3
		} else {
			r.circle(bg, bg, 0, x, y, rad*0.5)
			sw = 1.5
		}
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			r.line(col, sw, a[0], a[1], b[0], b[1])
		}
	default:
		if filled {
			r.circle(col, col, 0, x, y, rad)
		} else {
			r.circle(bg, col, 1.5, x, y, rad*0.9)
		}
	}
}

// pointLabels writes the names of s's points beside them, skipping any that would overlap a
// name already written (the hover readout still names every point).
func (r *renderer) pointLabels(f charts.Frame, plot charts.Rect, s charts.Series, col color.Color, size float32) {
	for _, p := range s.Points {
		px, py, ok := inside(f, plot, p)
		if !ok {
			continue
		}
		name := charts.PointName(p)
		sz := fyne.MeasureText(name, size, fyne.TextStyle{})
		box := charts.Rect{X: px + 7, Y: py - float64(sz.Height)/2, W: float64(sz.Width), H: float64(sz.Height)}
		if box.X+box.W > plot.X+plot.W { // no room on the right: write it on the left
			box.X = px - 7 - box.W
		}
		if r.overlaps(box) {
			continue
		}
		r.labels = append(r.labels, box)
		r.later(func() { r.label(name, col, size, box.X, box.Y, fyne.TextAlignLeading) })
	}
}

// overlaps reports whether box meets a label already placed.
func (r *renderer) overlaps(box charts.Rect) bool {
	for _, l := range r.labels {
		if box.X < l.X+l.W && l.X < box.X+box.W && box.Y < l.Y+l.H && l.Y < box.Y+box.H {
			return true
		}
	}
	return false
}

// xTickCount is how many x ticks fit a plot w pixels wide: at least 3, so an axis never shows
// only its two ends.
func xTickCount(w float64) int { return int(math.Max(3, math.Min(10, (w-60)/70))) }
