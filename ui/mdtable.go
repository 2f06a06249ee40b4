package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/lessons"
)

// newMarkdownTable draws a parsed Markdown table as a grid: a shaded bold header row, then the
// body rows with alternating shading. Fyne's Markdown renderer has no tables, hence this.
func newMarkdownTable(t *lessons.Table) fyne.CanvasObject {
	cols := len(t.Header)
	grid := container.New(&tableLayout{cols: cols})
	cell := func(text string, col int, bold bool, bg color.Color) fyne.CanvasObject {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.TextStyle.Bold = bold
		if col < len(t.Align) {
			switch t.Align[col] {
			case lessons.AlignCenter:
				l.Alignment = fyne.TextAlignCenter
			case lessons.AlignRight:
				l.Alignment = fyne.TextAlignTrailing
			}
		}
		if bg == nil {
			return l
		}
		return container.NewStack(canvas.NewRectangle(bg), l)
	}
	head := theme.Color(theme.ColorNameHeaderBackground)
	stripe := theme.Color(theme.ColorNameInputBackground)
	for c, h := range t.Header {
		grid.Add(cell(h, c, true, head))
	}
	for r, row := range t.Rows {
		var bg color.Color
		if r%2 == 1 {
			bg = stripe
		}
		for c, v := range row {
			grid.Add(cell(v, c, c == 0, bg))
		}
	}
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = theme.Color(theme.ColorNameSeparator)
	border.StrokeWidth = 1
	return container.NewStack(border, grid)
}

// tableFromRows builds a lessons.Table for data the app computes (the progress screen).
func tableFromRows(header []string, rows [][]string) *lessons.Table {
	return &lessons.Table{Header: header, Align: make([]lessons.Align, len(header)), Rows: rows}
}

// tableLayout places cells in rows of cols equal-width columns; each row is as tall as its
// tallest cell at that width (wrapped text grows downwards), unlike a grid's uniform cells.
type tableLayout struct {
	cols  int
	width float32 // the width of the last layout, used to compute wrapped heights
}

func (t *tableLayout) rowHeights(objs []fyne.CanvasObject, colW float32) []float32 {
	var hs []float32
	for start := 0; start < len(objs); start += t.cols {
		var h float32
		for _, o := range objs[start:min(start+t.cols, len(objs))] {
			if colW > 0 {
				o.Resize(fyne.NewSize(colW, o.Size().Height))
			}
			h = max(h, o.MinSize().Height)
		}
		hs = append(hs, h)
	}
	return hs
}

func (t *tableLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	t.width = size.Width
	colW := size.Width / float32(t.cols)
	y := float32(0)
	for r, h := range t.rowHeights(objs, colW) {
		for c := 0; c < t.cols && r*t.cols+c < len(objs); c++ {
			o := objs[r*t.cols+c]
			o.Move(fyne.NewPos(float32(c)*colW, y))
			o.Resize(fyne.NewSize(colW, h))
		}
		y += h
	}
}

func (t *tableLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	colW := t.width / float32(t.cols)
	var h float32
	for _, rh := range t.rowHeights(objs, colW) {
		h += rh
	}
	return fyne.NewSize(w*float32(t.cols), h)
}
