package chartview

import (
	"image/color"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"slmscope/charts"
)

// legend draws one swatch and name per series and limit; it returns the y below it.
func (r *renderer) legend(c charts.Chart, x0, y, maxW float64, size float32) float64 {
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
	bg := theme.Color(theme.ColorNameBackground)
	for si, s := range c.Series {
		col := parseHex(c.SeriesColor(si))
		kind, line, mk := s.Kind, s.Line, s.Marker
		if c.StyleKey && s.Legend != "" && kind != charts.Reference {
			// One entry per quantization: its colour and marker; the key below says the styles.
			entry(s.Legend, func(x, cy float64) { r.marker(mk, col, bg, true, x+9, cy, 4.5) })
			continue
		}
		entry(s.LegendName(), func(x, cy float64) {
			switch kind {
			case charts.Measured:
				if line {
					r.line(col, 2, x, cy, x+18, cy)
				}
				r.marker(mk, col, bg, true, x+9, cy, 4)
			case charts.Projected:
				r.rect(withAlpha(col, 0x30), color.Transparent, 0, x, cy-5, 18, 10)
				r.line(col, 2, x, cy, x+7, cy)
				r.line(col, 2, x+11, cy, x+18, cy)
			case charts.Reference:
				r.line(withAlpha(col, 0xb0), 1, x, cy, x+18, cy)
			}
		})
	}
	if c.StyleKey {
		entry(charts.StyleKeyMeasured, func(x, cy float64) { r.circle(fg, fg, 0, x+9, cy, 4) })
		entry(charts.StyleKeyProjected, func(x, cy float64) {
			r.rect(withAlpha(fg, 0x30), color.Transparent, 0, x, cy-5, 18, 10)
			r.line(fg, 2, x, cy, x+5, cy)
			r.line(fg, 2, x+13, cy, x+18, cy)
			r.circle(bg, fg, 1.5, x+9, cy, 3.5)
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

func (r *renderer) limit(c charts.Chart, f charts.Frame, plot charts.Rect, l charts.Limit, size float32) {
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

func (r *renderer) later(f func()) { r.deferred = append(r.deferred, f) }

// labelSlot finds where a label of width w ending at right can go on row y without covering
// another limit label, moving left as needed; false when it would leave the plot.
func (r *renderer) labelSlot(right, y, w, h, minX float64) (float64, bool) {
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
func (r *renderer) label(s string, c color.Color, size float32, x, y float64, align fyne.TextAlign) {
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
func (r *renderer) polyline(f charts.Frame, plot charts.Rect, pts []charts.Point, col color.Color, w float32, dashed bool) {
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
func (r *renderer) band(f charts.Frame, plot charts.Rect, pts []charts.Point, fill color.Color) {
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
func (r *renderer) tooltip(c charts.Chart, f charts.Frame, plot charts.Rect, W, H float64, size float32) {
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
