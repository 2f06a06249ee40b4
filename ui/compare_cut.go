package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Compare's cells and headers are cut to their column's width by slmscope, once per text,
// width and theme, instead of by Fyne: a label that truncates with "…" shapes its whole text
// again on every refresh (widget.truncateLimit is not cached), and a resize of the table
// refreshes every visible cell and header; at 1024×640 that held the UI goroutine for
// 0.10 s as Compare's figures arrived. Measuring whole strings goes through Fyne's text-size
// cache.

// cutKey is one text cut to one width in one style under one theme.
type cutKey struct {
	text  string
	width float32
	bold  bool
	gen   int
}

// cutText is text as a label of the column's width shows it: whole when it fits, else as
// many leading characters as fit before "…".
func (s *compareScreen) cutText(text string, col int, bold bool) string {
	if col < 0 || col >= len(s.colWidths) {
		return text
	}
	k := cutKey{text, s.colWidths[col], bold, s.a.lookState().gen}
	if v, ok := s.cuts[k]; ok {
		return v
	}
	if s.cuts == nil || len(s.cuts) > 4096 { // widths change as the window does: start afresh
		s.cuts = map[cutKey]string{}
	}
	v := cutToWidth(text, k.width-2*theme.InnerPadding(), fyne.TextStyle{Bold: bold})
	s.cuts[k] = v
	return v
}

// cutToWidth cuts text to at most width pixels at the theme's text size, with "…".
func cutToWidth(text string, width float32, style fyne.TextStyle) string {
	size := theme.TextSize()
	fits := func(t string) bool { return fyne.MeasureText(t, size, style).Width <= width }
	if fits(text) {
		return text
	}
	runes := []rune(text)
	lo, hi := 0, len(runes) // runes[:lo] + "…" fits; runes[:hi+1] + "…" does not
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(string(runes[:mid]) + "…") {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(runes[:lo]) + "…"
}

// setLabel shows text at importance imp on l, unless l already shows them under the
// current theme (refreshing it would measure its text again for nothing).
func (s *compareScreen) setLabel(l *widget.Label, text string, imp widget.Importance) {
	gen := s.a.lookState().gen
	if l.Text == text && l.Importance == imp && s.cellTheme[l] == gen {
		return
	}
	if s.cellTheme == nil {
		s.cellTheme = map[*widget.Label]int{}
	}
	s.cellTheme[l] = gen
	l.Text, l.Importance = text, imp
	l.Refresh()
}
