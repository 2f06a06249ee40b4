package ui

import (
	"fmt"
	"image/color"

	"slmscope/engine"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A model's row in the Answer tab, and the layout that lines the rows' columns up: every
// column is as wide as its widest cell, so a name is never cut; headings and the detail span
// the whole width.

// The Answer rows' columns.
const (
	ansName = iota
	ansQuant
	ansSpeed
	ansSource
	ansMemory
	ansTTFT
	answerCols
)

// answerGap is the space between two columns, beside the labels' own inner padding (so
// that presenter mode's large type fits 1024 px: half the theme's padding, since "MXFP4"
// made the full padding 4 px too wide).
func answerGap() float32 { return theme.Padding() / 2 }

// answerRow is one model (or, with index -1, the column titles).
type answerRow struct {
	widget.BaseWidget
	v     *answerView
	index int
	bg    *canvas.Rectangle
	cells [answerCols]*widget.Label
	title bool
}

func newAnswerRow(v *answerView, index int) *answerRow {
	r := &answerRow{v: v, index: index, bg: canvas.NewRectangle(color.Transparent)}
	r.bg.CornerRadius = theme.InputRadiusSize()
	for i := range r.cells {
		r.cells[i] = widget.NewLabel("")
	}
	r.ExtendBaseWidget(r)
	return r
}

// setTexts sets the cells' texts; title rows are set in the theme's plain size.
func (r *answerRow) setTexts(t [answerCols]string, title bool) {
	r.title = title
	for i, c := range r.cells {
		c.Text = t[i]
	}
	r.restyle()
}

// cellStyle is column i's text style and size: the name bold, the numbers bold and large;
// the titles plain.
func (v *answerView) cellStyle(i int, title bool) (fyne.TextStyle, fyne.ThemeSizeName) {
	if title {
		return fyne.TextStyle{}, theme.SizeNameText
	}
	switch i {
	case ansName:
		return fyne.TextStyle{Bold: true}, theme.SizeNameText
	case ansSpeed, ansMemory, ansTTFT:
		return fyne.TextStyle{Bold: true}, v.answerSizeName()
	}
	return fyne.TextStyle{}, theme.SizeNameText
}

// restyle sets each cell's style (cellStyle).
func (r *answerRow) restyle() {
	for i, c := range r.cells {
		c.TextStyle, c.SizeName = r.v.cellStyle(i, r.title)
		if r.title {
			c.Importance = widget.LowImportance
		}
		c.Refresh()
	}
}

// show fills the row with model p.
func (r *answerRow) show(p engine.Projection) {
	r.setTexts(answerTexts(p), false)
	r.cells[ansSource].Importance = widget.MediumImportance
	switch {
	case p.Source == engine.SourceMeasured:
		r.cells[ansSource].Importance = widget.SuccessImportance
	case !p.Calibrated:
		r.cells[ansSource].Importance = widget.WarningImportance
	}
	r.cells[ansSource].Refresh()
}

// answerTexts is model p's row.
func answerTexts(p engine.Projection) [answerCols]string {
	return [answerCols]string{p.Name, engine.AnswerQuant(p), engine.AnswerSpeed(p), answerBadge(p), engine.AnswerMemory(p), engine.TTFTText(p)}
}

// answerBadge is "● measured", or "○ ±23%" for a projection with its band (coloured as a
// warning when nothing measured here backs it), or "○ projected" when it has no band.
func answerBadge(p engine.Projection) string {
	if p.Source == engine.SourceMeasured {
		return "● measured"
	}
	if p.DecodeTPS > 0 && p.DecodeTPSLow > 0 && p.DecodeTPSHigh > 0 {
		band := max(p.DecodeTPSHigh/p.DecodeTPS-1, 1-p.DecodeTPSLow/p.DecodeTPS)
		return fmt.Sprintf("○ ±%.0f%%", band*100)
	}
	return "○ projected"
}

// mark shows whether the row is the cursor's and whether its detail is open.
func (r *answerRow) mark(cursor, open, focused bool) {
	var c color.Color = color.Transparent
	switch {
	case open:
		c = theme.Color(theme.ColorNameSelection)
	case cursor && focused:
		c = theme.Color(theme.ColorNameHover)
	}
	if r.bg.FillColor != c {
		r.bg.FillColor = c
		r.bg.StrokeWidth = 0
		r.bg.Refresh()
	}
	if cursor && focused {
		r.bg.StrokeColor = theme.Color(theme.ColorNameFocus)
		r.bg.StrokeWidth = 2
		r.bg.Refresh()
	}
}

// Tapped implements fyne.Tappable: a tap opens the model's detail.
func (r *answerRow) Tapped(*fyne.PointEvent) {
	if r.index >= 0 {
		r.v.tapped(r.index)
	}
}

// CreateRenderer implements fyne.Widget.
func (r *answerRow) CreateRenderer() fyne.WidgetRenderer {
	objs := []fyne.CanvasObject{r.bg}
	for _, c := range r.cells {
		objs = append(objs, c)
	}
	return &answerRowRenderer{r: r, objs: objs}
}

type answerRowRenderer struct {
	r    *answerRow
	objs []fyne.CanvasObject
}

func (rr *answerRowRenderer) Destroy()                     {}
func (rr *answerRowRenderer) Objects() []fyne.CanvasObject { return rr.objs }
func (rr *answerRowRenderer) Refresh() {
	for _, o := range rr.objs {
		o.Refresh()
	}
}

// MinSize is the row's own cells side by side and the tallest of them. The shared columns
// are the answer's layout's business (answerLayout.MinSize): Fyne asks every row for its
// MinSize in every frame that redraws, and a row that measured all rows' cells made each such
// frame quadratic in the rows (108 ms on a return to Compare in presenter mode).
func (rr *answerRowRenderer) MinSize() fyne.Size {
	var width, h float32
	for _, c := range rr.r.cells {
		m := c.MinSize()
		width += m.Width
		h = max(h, m.Height)
	}
	return fyne.NewSize(width+answerGap()*float32(answerCols-1), h)
}

// Layout puts each cell in its column; numbers of different sizes share a baseline-ish
// bottom edge.
func (rr *answerRowRenderer) Layout(size fyne.Size) { rr.r.placeCells(size) }

// placeCells puts the row's cells in the answer's columns. Fyne lays a row out only when its
// size changes, so the view calls it again for every row when the columns widen as later rows
// come on show (answerView.reveal).
func (r *answerRow) placeCells(size fyne.Size) {
	r.bg.Move(fyne.NewPos(0, 0))
	r.bg.Resize(size)
	w := r.v.columnWidths()
	x := float32(0)
	for i, c := range r.cells {
		h := c.MinSize().Height
		c.Move(fyne.NewPos(x, size.Height-h))
		c.Resize(fyne.NewSize(max(w[i], c.MinSize().Width), h)) // a title may be wider
		x += w[i] + answerGap()
	}
}

// columnWidths is each column's width: its widest cell among the titles and rows on show,
// and during a reveal the rows still to come (planned). The last column's title may reach
// past its figures into the margin.
func (v *answerView) columnWidths() [answerCols]float32 {
	if v.widths != nil {
		return *v.widths
	}
	w := v.planned
	for _, o := range v.box.Objects {
		r, ok := o.(*answerRow)
		if !ok {
			continue
		}
		for i, c := range r.cells {
			if r.title && i == answerCols-1 {
				continue
			}
			w[i] = max(w[i], c.MinSize().Width)
		}
	}
	return w
}

// plannedWidths is each column's widest cell over every item, from the texts alone: a
// label's text plus its inner padding on both sides, as widget.Label measures itself.
func (v *answerView) plannedWidths() [answerCols]float32 {
	var w [answerCols]float32
	pad := 2 * theme.InnerPadding()
	for _, p := range v.items {
		for i, t := range answerTexts(p) {
			style, size := v.cellStyle(i, false)
			w[i] = max(w[i], fyne.MeasureText(t, theme.Size(size), style).Width+pad)
		}
	}
	return w
}

// holdWidths measures the columns once for a layout pass and returns the call that ends the
// pass (a nested pass keeps the outer one's widths).
func (v *answerView) holdWidths() func() {
	if v.widths != nil {
		return func() {}
	}
	w := v.columnWidths()
	v.widths = &w
	return func() { v.widths = nil }
}

// answerLayout stacks the Answer tab's titles, headings, rows and detail; every row gets the
// same columns (answerRow), the rest the full width.
type answerLayout struct{ v *answerView }

// MinSize implements fyne.Layout: as wide as the rows' shared columns, as tall as all of
// the objects.
func (l *answerLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	defer l.v.holdWidths()()
	var w, h float32
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if _, isRow := o.(*answerRow); isRow && w == 0 {
			for _, cw := range l.v.widths {
				w += cw
			}
			w += answerGap() * float32(answerCols-1)
		}
		h += m.Height
		if i > 0 {
			h += l.space(objs[i-1], o)
		}
	}
	return fyne.NewSize(w, h)
}

// space is the gap above o: more above a heading, none between rows.
func (l *answerLayout) space(prev, o fyne.CanvasObject) float32 {
	if _, isLabel := o.(*widget.Label); isLabel && o != l.v.detail {
		return theme.Padding() * 2
	}
	return 0
}

// Layout implements fyne.Layout.
func (l *answerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	defer l.v.holdWidths()()
	y := float32(0)
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		if i > 0 {
			y += l.space(objs[i-1], o)
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		// A wrapped label's height follows its width.
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}
