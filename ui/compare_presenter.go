package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
)

// Compare in presenter mode: the answer comes first. The tab bar and the toolbar move below
// it; the status and machine lines and the table's detail pane fold away, so at 1024×640 the
// large type still shows the models with their full names and figures.

// setPresenter moves the controls below the content, or back (App.onPresenter calls it).
func (s *compareScreen) setPresenter(on bool) {
	for _, o := range []interface {
		Show()
		Hide()
	}{s.notes, s.detailSc} {
		if on {
			o.Hide()
		} else {
			o.Show()
		}
	}
	border := s.view.(*fyne.Container)
	if on {
		s.tabs.SetTabLocation(container.TabLocationBottom)
		border.Layout = layout.NewBorderLayout(nil, s.toolbar, nil, nil)
		border.Objects = []fyne.CanvasObject{s.tabs, s.toolbar}
	} else {
		s.tabs.SetTabLocation(container.TabLocationTop)
		border.Layout = layout.NewBorderLayout(s.toolbar, s.notes, nil, nil)
		border.Objects = []fyne.CanvasObject{s.tabs, s.toolbar, s.notes}
	}
	relayout(border)
	s.compactToolbar(on)
	s.answer.setBig(!on)
}
