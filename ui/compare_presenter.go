package ui

// Compare in presenter mode: the table, charts and actions stay; the machine summary and the
// row-detail pane fold away so the large type fits a projector's 1024×640.

// setPresenter shows or hides the secondary panes (App.onPresenter calls it).
func (s *compareScreen) setPresenter(on bool) {
	for _, o := range []interface {
		Show()
		Hide()
	}{s.machineTxt, s.detailSc} {
		if on {
			o.Hide()
		} else {
			o.Show()
		}
	}
}
