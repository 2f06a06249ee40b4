package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Compare's controls in one compact row: Measure this machine, context, quantization, export,
// browser and the glossary; while a measurement runs, its progress bar with Cancel and its
// sentence on lines of their own below. Outside presenter mode it sits above the answer; in presenter mode
// the answer comes first and the row, the tab bar with it, moves below it.

// compareQuantWidth is the quantization selector's width.
const compareQuantWidth = 250

// buildToolbar makes s.toolbar and s.notes (the status and machine lines, below the tabs).
// Export and Open in browser sit in the Report menu, so the row fits beside the navigation
// at 1024 px.
func (s *compareScreen) buildToolbar() {
	quantBox := container.New(&fixedWidth{width: compareQuantWidth}, s.quantSel)
	s.reportBtn = widget.NewButtonWithIcon("Report", theme.MoreVerticalIcon(), s.onReportMenu)
	glossary := glossaryButton(s.a, compareTerms...)
	glossary.SetText("")
	left := container.NewHBox(s.measureBtn, widget.NewLabel("Context"), s.ctxSel, quantBox)
	right := container.NewHBox(s.reportBtn, glossary)
	// The progress bar with Cancel, and the sentence, under the row at the window's width:
	// between the controls they had no width at 1024 px, the bar never showed, Cancel pushed
	// the row past the window's edge, and a finished measurement's wrapped sentence stood
	// 590 px tall and grew the window.
	s.toolbar = container.NewVBox(container.NewBorder(nil, nil, left, right), s.busyRow, s.progressTx)
	s.notes = container.NewVBox(s.status, s.machineTxt)
}

// onReportMenu offers the report's actions, each as enabled as its button.
func (s *compareScreen) onReportMenu() {
	item := func(b *widget.Button) *fyne.MenuItem {
		it := fyne.NewMenuItem(b.Text, b.OnTapped)
		it.Icon, it.Disabled = b.Icon, b.Disabled()
		return it
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(s.reportBtn)
	if c == nil {
		return
	}
	menu := fyne.NewMenu("", item(s.exportBtn), item(s.browserBtn))
	widget.ShowPopUpMenuAtRelativePosition(menu, c, fyne.NewPos(0, s.reportBtn.Size().Height), s.reportBtn)
}

// compactToolbar drops the Report button's word in presenter mode, so that the row fits
// 1024 px in large type, or brings it back.
func (s *compareScreen) compactToolbar(on bool) {
	if on {
		s.reportBtn.SetText("")
	} else {
		s.reportBtn.SetText("Report")
	}
}

// fixedWidth gives its one object a fixed width (a longer choice in a selector ends in "…")
// and the object's own height.
type fixedWidth struct{ width float32 }

// MinSize implements fyne.Layout.
func (l *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.width, objs[0].MinSize().Height)
}

// Layout implements fyne.Layout.
func (l *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}

// onShown opens Compare on the answer, whichever tab was on show last, with the keyboard on
// its list.
func (s *compareScreen) onShown() {
	if s.tabs == nil {
		return
	}
	if s.tabs.SelectedIndex() != tabAnswer {
		s.tabs.SelectIndex(tabAnswer)
	}
	s.a.win.Canvas().Focus(s.answer)
}
