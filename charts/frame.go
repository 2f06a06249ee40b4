package charts

import (
	"math"
	"strings"
)

// Frame is a chart's resolved axes: what both renderers draw against.
type Frame struct {
	X, Y Range
}

// Frame fits the chart's axes to its points, bands and limit lines, with at most maxXTicks
// and maxYTicks ticks.
func (c Chart) Frame(maxXTicks, maxYTicks int) Frame {
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	addX := func(v float64) {
		if usable(v, c.X.Scale) {
			xlo, xhi = math.Min(xlo, v), math.Max(xhi, v)
		}
	}
	addY := func(v float64) {
		if usable(v, c.Y.Scale) {
			ylo, yhi = math.Min(ylo, v), math.Max(yhi, v)
		}
	}
	for _, s := range c.Series {
		for _, p := range s.Points {
			addX(p.X)
			addY(p.Y)
			if p.HasBand() {
				addY(p.Low)
				addY(p.High)
			}
		}
	}
	for _, l := range c.Limits {
		add := addY
		if l.Orientation == Vertical {
			add = addX
		}
		add(l.Value)
		if l.IsBand() {
			add(l.To)
		}
	}
	return Frame{
		X: ResolveAxis(c.X, xlo, xhi, maxXTicks),
		Y: ResolveAxis(c.Y, ylo, yhi, maxYTicks),
	}
}

func usable(v float64, s Scale) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (s != Log || v > 0)
}

// Decimate returns at most max points that keep the shape of a series whose points are in X
// order: the points are cut into buckets and each bucket keeps its lowest and highest Y, so
// spikes survive. It returns pts itself when it is already small enough.
func Decimate(pts []Point, max int) []Point {
	if max < 4 {
		max = 4
	}
	if len(pts) <= max {
		return pts
	}
	buckets := max / 2
	out := make([]Point, 0, max)
	n := len(pts)
	for b := 0; b < buckets; b++ {
		lo, hi := b*n/buckets, (b+1)*n/buckets
		if lo >= hi {
			continue
		}
		imin, imax := lo, lo
		for i := lo + 1; i < hi; i++ {
			if pts[i].Y < pts[imin].Y {
				imin = i
			}
			if pts[i].Y > pts[imax].Y {
				imax = i
			}
		}
		if imin == imax {
			out = append(out, pts[imin])
			continue
		}
		if imin > imax {
			imin, imax = imax, imin
		}
		out = append(out, pts[imin], pts[imax])
	}
	return out
}

// Rect is a plot area in pixels: X, Y its top-left corner.
type Rect struct {
	X, Y, W, H float64
}

// Project returns the pixel position of data point (x, y) inside plot area r.
func (f Frame) Project(r Rect, x, y float64) (px, py float64) {
	return r.X + f.X.Map(x)*r.W, r.Y + (1-f.Y.Map(y))*r.H
}

// Hit names one point of a chart.
type Hit struct {
	Series, Point int
}

// Nearest returns the point whose pixel position in plot area r is closest to (px, py),
// within maxDist pixels; reference series (lines without points) are skipped when any other
// point is in reach.
func (c Chart) Nearest(f Frame, r Rect, px, py, maxDist float64) (Hit, bool) {
	best, bestRef := Hit{-1, -1}, Hit{-1, -1}
	bd, bdRef := maxDist*maxDist, maxDist*maxDist
	for si, s := range c.Series {
		for pi, p := range s.Points {
			x, y := f.Project(r, p.X, p.Y)
			d := (x-px)*(x-px) + (y-py)*(y-py)
			if math.IsNaN(d) {
				continue
			}
			if s.Kind == Reference {
				if d <= bdRef {
					bdRef, bestRef = d, Hit{si, pi}
				}
				continue
			}
			if d <= bd {
				bd, best = d, Hit{si, pi}
			}
		}
	}
	if best.Series >= 0 {
		return best, true
	}
	if bestRef.Series >= 0 {
		return bestRef, true
	}
	return Hit{}, false
}

// HoverText describes a point for a tooltip, e.g.
// "Qwen2.5-7B Q4_0: 6.1 tok/s (projected, 5.2–7.0)", with the point's note on a second line.
func (c Chart) HoverText(h Hit) string {
	if h.Series < 0 || h.Series >= len(c.Series) || h.Point < 0 || h.Point >= len(c.Series[h.Series].Points) {
		return ""
	}
	s := c.Series[h.Series]
	p := s.Points[h.Point]
	var b strings.Builder
	if p.Label != "" {
		b.WriteString(p.Label)
	} else {
		b.WriteString(s.Name)
		b.WriteString(" at ")
		if c.X.Label != "" {
			b.WriteString(strings.ToLower(c.X.Label))
			b.WriteString(" ")
		}
		b.WriteString(FormatTick(p.X, c.X.Unit, 4))
	}
	b.WriteString(": ")
	b.WriteString(FormatValue(p.Y, c.Y.Unit))
	b.WriteString(" (")
	b.WriteString(s.Kind.String())
	if p.HasBand() {
		b.WriteString(", ")
		b.WriteString(FormatTick(p.Low, c.Y.Unit, 2))
		b.WriteString("–")
		b.WriteString(FormatTick(p.High, c.Y.Unit, 2))
	}
	b.WriteString(")")
	if p.Note != "" {
		b.WriteString("\n")
		b.WriteString(p.Note)
	}
	return b.String()
}

// LimitText is a limit line's label, with its value when the label does not already hold it.
func (c Chart) LimitText(l Limit) string {
	if l.Label != "" {
		return l.Label
	}
	u := c.Y.Unit
	if l.Orientation == Vertical {
		u = c.X.Unit
	}
	if l.IsBand() {
		return FormatTick(l.Value, u, 3) + "–" + FormatValue(l.To, u)
	}
	return FormatValue(l.Value, u)
}
