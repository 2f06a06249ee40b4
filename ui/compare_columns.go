package ui

import (
	"math"
	"slices"

	"slmscope/engine"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The Compare table's columns each get the width of their longest text (header or cell): when
// they do not all fit, the table scrolls sideways rather than cut text short ("SmolLM2-…" told
// no row from another at 1024×640). Only a figure longer than compareMaxWidth is cut, and the
// model's name never is. On a wide screen the spare width goes to all alike. A tapped cell's
// full text is also written in the detail line below the table.

// compareMinWidths are the columns' least widths (Run, Model, Params, Quant, Memory, Fits?,
// Tok/s, TTFT, Cost, Source): together they fit a 1024 px window beside the navigation.
// Memory gets the most: its figure is the one most often cut short.
var compareMinWidths = []float32{44, 96, 56, 62, 140, 64, 90, 70, 64, 100}

// compareMaxWidth caps a column's wish, except the model's name, which is never cut.
const compareMaxWidth = 260

// colModel is the model name's column.
const colModel = 1

// columnFitter lays the table out and sizes its columns from the width it is given.
type columnFitter struct {
	s     *compareScreen
	width float32 // the width the columns were last fitted to
	gen   int     // the data generation they were fitted for
}

// MinSize implements fyne.Layout: the table's own.
func (f *columnFitter) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

// Layout implements fyne.Layout: fill, and refit the columns when the width or data changed.
// Widths are set before the table is resized, and new widths bring the rows back a few per
// turn (fitColumns): the resize that follows then lays out those few rows, not every
// visible cell at its new width in one go (0.14 s once, as Compare's figures arrived).
func (f *columnFitter) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width != f.width || f.gen != f.s.gen {
		f.width, f.gen = size.Width, f.s.gen
		f.s.fitColumns(size.Width)
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}

// fitColumns sets every column's width for a table width w and, when they changed, puts the
// rows back on screen a few per turn.
func (s *compareScreen) fitColumns(w float32) {
	if s.table == nil || w <= 0 {
		return
	}
	// The table puts a separator (one padding wide) after each column.
	avail := w - theme.ScrollBarSize() - theme.Padding()*float32(len(compareMinWidths)+1)
	widths := fitWidths(s.naturalWidths(), compareMinWidths, avail)
	if slices.Equal(widths, s.colWidths) {
		return
	}
	s.colWidths = widths
	// SetColumnWidth refreshes every cell of the table each time (0.4 s for the ten columns
	// at presenter sizes): with no rows or columns for a moment there are no cells or headers
	// to refresh, then one refresh.
	length := s.table.Length
	s.table.Length = func() (int, int) { return 0, 0 }
	for c, cw := range widths {
		s.table.SetColumnWidth(c, cw)
	}
	s.table.Length = length
	// Every visible cell is laid out at its new width (a truncated one measures its text
	// again at each step of its search for the cut): at presenter sizes on a large screen
	// that is 0.1 s, so the rows come back a few per turn.
	s.revealRows(nil)
}

// naturalWidths is what each column needs to show its header and longest cell in full.
func (s *compareScreen) naturalWidths() []float32 {
	ts := theme.TextSize()
	pad := 2*theme.InnerPadding() + theme.Padding() // the label's insets and a margin
	out := make([]float32, len(compareMinWidths))
	out[colMeasure] = compareMinWidths[colMeasure]
	for c := 1; c < len(out); c++ {
		col := reportCol(c)
		need := fyne.MeasureText("▼ "+engine.ColumnTitle(col, s.data.Input.PromptTokens), ts, fyne.TextStyle{Bold: true}).Width
		for i := range s.rows {
			need = max(need, fyne.MeasureText(s.rowCells(i)[col], ts, fyne.TextStyle{}).Width)
		}
		out[c] = need + pad
		if c != colModel {
			out[c] = min(out[c], compareMaxWidth)
		}
	}
	return out
}

// fitWidths gives every column its natural width (at least its minimum); when they fit in
// avail, the spare goes to all alike, else the table scrolls sideways.
func fitWidths(natural, least []float32, avail float32) []float32 {
	out := make([]float32, len(natural))
	var sum float32
	for i := range natural {
		out[i] = max(natural[i], least[i])
		sum += out[i]
	}
	if sum < avail {
		extra := (avail - sum) / float32(len(out))
		for i := range out {
			out[i] += extra
		}
	}
	for i := range out {
		out[i] = float32(math.Floor(float64(out[i])))
	}
	return out
}
