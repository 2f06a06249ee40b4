package ui

import "fyne.io/fyne/v2/widget"

// Compare's table at presenter sizes on a 1920×1080 screen shows some twenty rows of ten
// cells; measuring and drawing all their new text in one frame held the UI goroutine for
// 0.10–0.14 s. New figures, new column widths and a theme change put the rows on screen
// revealStep per turn instead.

// revealStep is how many rows come on screen per turn.
const revealStep = 3

// rowReveal limits the rows the table shows while they come on screen.
type rowReveal struct {
	gen   int
	empty bool   // no rows (the theme is changing)
	upTo  int    // at most this many rows; 0: all
	then  func() // what to do when the rows are all on screen
}

// limit is how many of n rows the table shows now.
func (r *rowReveal) limit(n int) int {
	switch {
	case r.empty:
		return 0
	case r.upTo > 0:
		return min(n, r.upTo)
	}
	return n
}

// revealRows puts the rows on screen revealStep per turn (the first at once), then calls
// then. A newer reveal or a theme change takes over one under way, and its then.
func (s *compareScreen) revealRows(then func()) {
	s.reveal.gen++
	gen := s.reveal.gen
	s.reveal.empty, s.reveal.upTo = false, 0
	if then != nil {
		s.reveal.then = then
	}
	var step func()
	step = func() {
		if gen != s.reveal.gen {
			return
		}
		s.reveal.upTo += revealStep
		done := s.reveal.upTo >= len(s.rows)
		if done {
			s.reveal.upTo = 0
		}
		s.table.Refresh()
		if !done {
			s.a.doLater(step)
			return
		}
		if f := s.reveal.then; f != nil {
			s.reveal.then = nil
			f()
		}
	}
	step()
}

// detach empties the table while the theme changes (no rows, so no cells to re-theme).
func (s *compareScreen) detach() {
	s.reveal.gen++
	s.reveal.empty = true
	s.table.Refresh()
}

// refill reveals the rows again from the next turn, each cell under the new theme.
func (s *compareScreen) refill(a *App) {
	a.doLater(func() { s.revealRows(s.reselect) })
}

// reselect selects the chosen model's row again after the rows changed or moved, so that
// highlight and detail agree, and shows its detail (the numbers changed: so did their basis).
func (s *compareScreen) reselect() {
	for i, p := range s.rows {
		if p.Key() == s.selected {
			s.table.Select(widget.TableCellID{Row: i, Col: 1})
			s.showDetail(p)
		}
	}
}
