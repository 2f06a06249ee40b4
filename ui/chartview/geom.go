package chartview

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"

	"slmscope/charts"
)

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
