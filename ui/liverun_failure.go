package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
)

// The Live run's error card: one clear line, and behind "Details" the full error with the last
// lines llama.cpp logged.

func (l *liveRun) buildErrorCard() {
	l.errBox = widget.NewLabel("")
	l.errBox.Wrapping = fyne.TextWrapWord
	l.errBox.Importance = widget.DangerImportance
	l.errLog = widget.NewLabel("")
	l.errLog.Wrapping = fyne.TextWrapWord
	l.errLog.TextStyle.Monospace = true
	l.errMore = widget.NewAccordion(widget.NewAccordionItem("Details", l.errLog))
	l.errMore.Hide()
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { l.errCard.Hide() })
	l.errCard = container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), dismiss,
		container.NewVBox(l.errBox, l.errMore))
	l.errCard.Hide()
}

// showError shows err's text as it is (a form problem, a refused file).
func (l *liveRun) showError(err error) {
	l.showFailure(engine.RunFailure{Line: err.Error()})
}

// showFailure shows f's line, with its details folded away when there are any.
func (l *liveRun) showFailure(f engine.RunFailure) {
	l.errBox.SetText(f.Line)
	l.errLog.SetText(f.Details)
	l.errMore.CloseAll()
	if f.Details == "" {
		l.errMore.Hide()
	} else {
		l.errMore.Show()
	}
	l.errCard.Show()
}
