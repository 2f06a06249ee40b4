package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"slmscope/engine"
)

// The Compare screen's tabs other than the table are filled lazily: new projections only
// mark them stale, and a tab is rebuilt when it is on show. Laying out the price and
// validation tables shapes every cell's text; doing it for hidden tabs on every recompute
// froze the window for 0.5–1.2 s.

// The Compare screen's tabs, in order.
const (
	tabAnswer = iota
	tabTable
	tabCharts
	tabValidation
	tabCost
	numCompareTabs
)

// watchTabs fills a tab when it is selected. The tabs not on show wait outside their tab
// until first selected: Fyne's AppTabs refreshes every tab's content when it first draws, and
// the hidden tabs' word-wrapped cards made Compare's first open hold the window for 115 ms.
func (s *compareScreen) watchTabs(tabs *container.AppTabs) {
	s.tabs = tabs
	s.heldTabs = map[int]fyne.CanvasObject{}
	for i, it := range tabs.Items {
		if i != tabs.SelectedIndex() {
			s.heldTabs[i] = it.Content
			it.Content = container.NewStack()
		}
	}
	tabs.OnSelected = func(*container.TabItem) {
		s.attachShownTab()
		s.fillShownTab()
	}
}

// attachShownTab puts the selected tab's content in its tab the first time it is on show,
// under the theme now in use (it was in no window before).
func (s *compareScreen) attachShownTab() {
	i := s.tabs.SelectedIndex()
	c, held := s.heldTabs[i]
	if !held {
		return
	}
	delete(s.heldTabs, i)
	box := s.tabs.Items[i].Content.(*fyne.Container)
	box.Objects = []fyne.CanvasObject{c}
	c.Refresh()
	relayout(box)
}

// markTabsStale notes that every tab but the answer and the table lags s.data, and fills the
// one on show.
func (s *compareScreen) markTabsStale() {
	for i := range s.staleTabs {
		s.staleTabs[i] = i != tabTable && i != tabAnswer
	}
	s.fillShownTab()
}

// fillShownTab brings the selected tab up to s.data if it lags.
func (s *compareScreen) fillShownTab() {
	if s.tabs == nil {
		return
	}
	i := s.tabs.SelectedIndex()
	if i < 0 || i >= numCompareTabs || !s.staleTabs[i] {
		return
	}
	s.staleTabs[i] = false
	switch i {
	case tabCharts:
		for i, c := range engine.ReportCharts(s.data) {
			if i < len(s.charts) {
				s.charts[i].SetChart(c)
			}
		}
	case tabValidation:
		s.showValidation(s.data.Validation)
	case tabCost:
		s.showPrices(s.data)
	}
}
