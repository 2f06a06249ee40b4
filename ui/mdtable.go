package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/lessons"
)

// newMarkdownTable draws a parsed Markdown table as a grid: a shaded bold header row, then the
// body rows with alternating shading. Fyne's Markdown renderer has no tables, hence this.
func newMarkdownTable(t *lessons.Table) fyne.CanvasObject {
	cols := len(t.Header)
	grid := container.New(layout.NewGridLayoutWithColumns(cols))
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
