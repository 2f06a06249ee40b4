package ui

import (
	"fmt"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
	"slmscope/ui/chartview"
)

// The Compare screen's builder steps, in the order buildUI calls them.

// newStatusWidgets makes the status and machine lines and Measure this machine, with Cancel
// and the progress shown while it runs.
func (s *compareScreen) newStatusWidgets() {
	s.status = widget.NewLabel("Looking at this machine (memory bandwidth is measured once per boot: a few seconds)…")
	s.status.Wrapping = fyne.TextWrapWord
	s.machineTxt = widget.NewLabel("")
	s.machineTxt.Wrapping = fyne.TextWrapWord

	s.measureBtn = widget.NewButtonWithIcon("Measure this machine", theme.MediaPlayIcon(), s.onMeasureMachine)
	s.measureBtn.Importance = widget.HighImportance
	s.measureBtn.Disable()
	s.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.onCancel)
	s.progress = widget.NewProgressBar()
	s.busyRow = container.NewBorder(nil, nil, nil, s.cancelBtn, s.progress)
	s.busyRow.Hide()
	s.progressTx = widget.NewLabel("")
	s.progressTx.Wrapping = fyne.TextWrapWord // long messages must not widen the window
	s.progressTx.Hide()
}

// newSettingControls makes the context and quantization selectors, starting from the last
// ones used, and the export and browser buttons (disabled until there is a report).
func (s *compareScreen) newSettingControls(p fyne.Preferences) {
	s.ctxSel = widget.NewSelect(compareContexts, func(string) { s.onSettingsChanged() })
	s.ctxSel.SetSelected(strconv.Itoa(p.IntWithFallback(prefCompareContext, engine.DefaultContext)))
	if s.ctxSel.Selected == "" {
		s.ctxSel.SetSelected(strconv.Itoa(engine.DefaultContext))
	}
	quantOpts := []string{quantsDefault, quantsAll}
	for _, q := range engine.ProjectedQuants() {
		quantOpts = append(quantOpts, q.String())
	}
	s.quantSel = widget.NewSelect(quantOpts, func(string) { s.onSettingsChanged() })
	s.quantSel.SetSelected(p.StringWithFallback(prefCompareQuants, quantsDefault))
	if s.quantSel.Selected == "" {
		s.quantSel.SetSelected(quantsDefault)
	}
	s.exportBtn = widget.NewButtonWithIcon("Export report…", theme.DocumentSaveIcon(), s.onExport)
	s.browserBtn = widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), s.onOpenBrowser)
	s.exportBtn.Disable()
	s.browserBtn.Disable()
}

// buildTableTab makes the Table tab: the guess box, the projections table and the selected
// row's detail.
func (s *compareScreen) buildTableTab() fyne.CanvasObject {
	s.guess = newGuessBox()
	s.guess.entry.SetPlaceHolder("optional: tok/s for the next ▶")
	guessRow := container.NewBorder(nil, nil, widget.NewLabel("Your guess"), nil, s.guess.entry)

	s.table = widget.NewTableWithHeaders(s.tableSize, s.newCell, s.updateCell)
	s.a.addThemeGuard(s)
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = newHeaderCell
	s.table.UpdateHeader = s.updateHeader
	for c, w := range compareMinWidths {
		s.table.SetColumnWidth(c, w) // until the first layout fits them (compare_columns.go)
	}
	s.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(s.rows) {
			s.selected, s.selCol = s.rows[id.Row].Key(), id.Col
			s.showDetail(s.rows[id.Row])
		}
	}
	s.detail = widget.NewLabel("Select a row to see how its numbers were obtained. ▶ (Run column) measures that row's twin on this machine (" + units.TwinDisclaimer + ").")
	s.detail.Wrapping = fyne.TextWrapWord
	detail := container.NewVScroll(s.detail)
	detail.SetMinSize(fyne.NewSize(200, 90))
	s.detailSc = detail
	return container.NewBorder(guessRow, detail, nil, nil, container.New(&columnFitter{s: s}, s.table))
}

// buildChartsTab makes the Charts tab: one chart view per report chart, stacked.
func (s *compareScreen) buildChartsTab() fyne.CanvasObject {
	for _, c := range engine.ReportCharts(engine.ReportData{}) {
		s.charts = append(s.charts, chartview.New(c))
	}
	stack := container.NewVBox()
	for _, c := range s.charts {
		// one chart per row, tall enough that the legend leaves room for the plot
		height := canvas.NewRectangle(color.Transparent)
		height.SetMinSize(fyne.NewSize(0, compareChartHeight))
		stack.Add(container.NewStack(height, c))
	}
	return container.NewVScroll(stack)
}

// buildCostTab makes the Cost tab: the cost settings, starting from the last ones used, a
// note on them and the price table.
func (s *compareScreen) buildCostTab(p fyne.Preferences) fyne.CanvasObject {
	s.kwh = s.costEntry(fmt.Sprint(p.FloatWithFallback(prefCompareKWh, engine.DefaultPricePerKWh)))
	s.currency = s.costEntry(p.StringWithFallback(prefCompareCurrency, engine.DefaultCostSettings().Currency))
	s.hwPrice = s.costEntry(floatText(p.FloatWithFallback(prefCompareHWPrice, 0)))
	s.lifetime = s.costEntry(floatText(p.FloatWithFallback(prefCompareLifetime, 0)))
	s.hours = s.costEntry(floatText(p.FloatWithFallback(prefCompareHours, 0)))
	s.hwPrice.SetPlaceHolder("optional, e.g. 1200")
	s.lifetime.SetPlaceHolder("optional, e.g. 4")
	s.hours.SetPlaceHolder("default 24")
	s.costNote = widget.NewLabel("")
	s.costNote.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Electricity price per kWh", s.kwh),
		widget.NewFormItem("Currency", s.currency),
		widget.NewFormItem("Hardware price (optional)", s.hwPrice),
		widget.NewFormItem("Lifetime in years", s.lifetime),
		widget.NewFormItem("Hours of use per day", s.hours),
	)
	s.priceBox = container.NewVBox()
	return container.NewVScroll(container.NewVBox(form, s.costNote, s.priceBox))
}
