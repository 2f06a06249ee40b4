package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// liveSides are the two sides of Live run's split, as built: the form and the live figures.
type liveSides struct {
	formSide, liveSide fyne.CanvasObject
}

// Live run in presenter mode: the model's name and the live tokens/s in type a room can read,
// the latency chart and the output; the form, notes and last-run card fold away.

// Sizes of the live tokens/s figure, in pixels.
const (
	tpsTextSize          = 34
	tpsPresenterTextSize = 80 // ≥ 64 px: readable from the back of a classroom
)

// setPresenter shows or hides the screen's secondary panes (App.onPresenter calls it).
func (l *liveRun) setPresenter(on bool) {
	for _, o := range l.secondary {
		if on {
			o.Hide()
		} else {
			o.Show()
		}
	}
	if l.formSide == nil { // as built: the form leads, the live figures trail
		l.formSide, l.liveSide = l.split.Leading, l.split.Trailing
	}
	l.tps.TextSize = tpsTextSize
	l.split.Leading, l.split.Trailing, l.split.Offset = l.formSide, l.liveSide, 0.62
	if on {
		// Content before controls: the room reads the live figures and the stream first, the
		// prompt and the Run button come after them.
		l.tps.TextSize = tpsPresenterTextSize
		l.split.Leading, l.split.Trailing, l.split.Offset = l.liveSide, l.formSide, 0.55
		l.syncModelTitle()
		l.modelTitle.Show()
	} else {
		l.modelTitle.Hide()
	}
	l.tps.Color = theme.Color(theme.ColorNameForeground) // the new theme's
	l.tps.Refresh()
	l.split.Refresh()
}

// syncModelTitle shows the chosen model's name in the presenter's title.
func (l *liveRun) syncModelTitle() {
	if l.modelTitle != nil && l.modelSel != nil {
		l.modelTitle.SetText(l.modelSel.Selected)
	}
}
