package ui

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sparkline draws a small line of recent values (per-token latency in ms), newest on the right.
type sparkline struct {
	widget.BaseWidget
	mu     sync.Mutex
	values []float64
	max    int // how many values are kept
}

func newSparkline(max int) *sparkline {
	s := &sparkline{max: max}
	s.ExtendBaseWidget(s)
	return s
}

// Set replaces the values shown (only the last max are kept).
func (s *sparkline) Set(vs []float64) {
	s.mu.Lock()
	if len(vs) > s.max {
		vs = vs[len(vs)-s.max:]
	}
	s.values = append(s.values[:0], vs...)
	s.mu.Unlock()
	s.Refresh()
}

func (s *sparkline) snapshot() []float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]float64(nil), s.values...)
}

func (s *sparkline) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 4
	r := &sparkRenderer{s: s, bg: bg, maxText: canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))}
	r.maxText.TextSize = theme.CaptionTextSize()
	return r
}

type sparkRenderer struct {
	s       *sparkline
	bg      *canvas.Rectangle
	lines   []*canvas.Line
	maxText *canvas.Text
	size    fyne.Size
}

func (r *sparkRenderer) Layout(size fyne.Size) { r.size = size; r.bg.Resize(size); r.Refresh() }
func (r *sparkRenderer) MinSize() fyne.Size    { return fyne.NewSize(160, 56) }
func (r *sparkRenderer) Destroy()              {}

func (r *sparkRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.maxText}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return objs
}

func (r *sparkRenderer) Refresh() {
	vs := r.s.snapshot()
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	peak := 0.0
	for _, v := range vs {
		peak = max(peak, v)
	}
	need := max(len(vs)-1, 0)
	col := theme.Color(theme.ColorNamePrimary)
	for len(r.lines) < need {
		l := canvas.NewLine(col)
		l.StrokeWidth = 1.5
		r.lines = append(r.lines, l)
	}
	r.lines = r.lines[:need]
	w, h := r.size.Width, r.size.Height
	pad := float32(4)
	if peak > 0 && len(vs) > 1 {
		dx := (w - 2*pad) / float32(r.s.max-1)
		x0 := w - pad - dx*float32(len(vs)-1)
		y := func(v float64) float32 { return h - pad - float32(v/peak)*(h-2*pad-12) }
		for i := 1; i < len(vs); i++ {
			l := r.lines[i-1]
			l.StrokeColor = col
			l.Position1 = fyne.NewPos(x0+dx*float32(i-1), y(vs[i-1]))
			l.Position2 = fyne.NewPos(x0+dx*float32(i), y(vs[i]))
		}
		r.maxText.Text = "max " + formatMs(peak)
	} else {
		r.maxText.Text = "no tokens yet"
	}
	r.maxText.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.maxText.Move(fyne.NewPos(pad+2, 1))
	r.maxText.Refresh()
	for _, l := range r.lines {
		l.Refresh()
	}
	canvas.Refresh(r.bg)
}

var _ color.Color = color.NRGBA{}
