package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
)

// The Compare screen's status, machine line, validation and cost panes, and its busy state.

// showStatus writes the calibration state: the empty state, or when it was last measured.
func (s *compareScreen) showStatus() {
	if s.busy {
		return
	}
	if len(s.cal.Measurements) == 0 {
		s.status.SetText(engine.EmptyStateText)
		s.status.Importance = widget.WarningImportance
	} else {
		s.status.SetText(fmt.Sprintf("Last measured: %s — %s on this machine (%s). Rows marked ● were measured; ○ rows are projected from them with the band shown.",
			s.cal.When.Local().Format("2006-01-02 15:04"), units.Count(s.cal.Twins(), "twin"), units.TwinDisclaimer))
		s.status.Importance = widget.MediumImportance
	}
	s.status.Refresh()
}

// powerNote says which power figure the local costs use.
func powerNote(d engine.ReportData) string {
	for _, p := range d.Projections {
		if p.Fits && p.Cost.Power.Basis != "" {
			return "Power used for local cost: " + p.Cost.Power.Basis + "."
		}
	}
	return ""
}

// showValidation fills the Validation tab.
func (s *compareScreen) showValidation(v engine.Validation) {
	head := widget.NewLabel("")
	head.Wrapping = fyne.TextWrapWord
	var txt []string
	if v.Note != "" {
		txt = append(txt, v.Note)
	}
	switch {
	case len(v.Models) > 0:
		txt = append(txt, fmt.Sprintf("Leave-one-out: each measured twin's speed projected from the others only. Median absolute error %.1f%% over %s.", v.MedianAbsErrorPct, checkedRuns(v)))
	case len(s.cal.Measurements) == 0:
		txt = append(txt, "Nothing to validate yet: press Measure this machine. The projections are checked against each measured twin once there are at least two.")
	}
	if len(v.Memory) > 0 {
		txt = append(txt, fmt.Sprintf("Memory estimate against measured peak RSS: median error %.1f%%, worst %.1f%%.", v.MedianAbsMemoryErrorPct, v.MaxAbsMemoryErrorPct))
	}
	head.SetText(strings.Join(txt, "\n"))
	objs := []fyne.CanvasObject{head}
	for _, t := range engine.ValidationTables(v) {
		objs = append(objs, widget.NewLabelWithStyle(t.Caption, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			newMarkdownTable(tableFromRows(t.Header, t.Rows)))
	}
	s.validationFill.fill(s.a, s.validation, objs, 1) // a table per turn (turns.go)
}

// checkedRuns counts the runs leave-one-out checked, and the twins they are when one twin ran
// at two settings (a short and a long prompt): "18 runs of 17 twins", as "Measured 17 twins"
// counts them above.
func checkedRuns(v engine.Validation) string {
	twins := map[string]bool{}
	for _, c := range v.Models {
		twins[c.ID+"|"+string(c.Quant)+"|"+c.Device] = true
	}
	if len(twins) == len(v.Models) {
		return units.Count(len(v.Models), "twin")
	}
	return units.Count(len(v.Models), "run") + " of " + units.Count(len(twins), "twin")
}

// showPrices fills the API price table and the local-vs-API comparison on the Cost tab.
func (s *compareScreen) showPrices(d engine.ReportData) {
	pt := engine.PriceTableChart(d.Input.Prices)
	src := "built-in table"
	if d.Input.Prices.Path != "" {
		src = d.Input.Prices.Path
	}
	note := widget.NewLabel(fmt.Sprintf("%s (%s). %s", pt.Caption, src, d.Input.Prices.Note))
	note.Wrapping = fyne.TextWrapWord
	ct := engine.ComparisonTable(d)
	// A table per turn of the UI loop (turns.go): each shapes all its cells' text.
	s.priceFill.fill(s.a, s.priceBox, []fyne.CanvasObject{note,
		container.NewHBox(widget.NewButtonWithIcon("Edit prices…", theme.DocumentCreateIcon(), s.onEditPrices)),
		newMarkdownTable(tableFromRows(pt.Header, pt.Rows)),
		widget.NewLabelWithStyle(ct.Caption, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		newMarkdownTable(tableFromRows(ct.Header, ct.Rows))}, 1)
}

// applyLoaded takes the prices, and the machine's load error if it could not be read (on the
// UI goroutine).
func (s *compareScreen) applyLoaded(prices engine.PriceTable, notes []string, err error) {
	s.pricesTable, s.loadNotes = prices, notes
	if err != nil {
		s.status.SetText("Could not look at this machine: " + err.Error())
		s.status.Importance = widget.DangerImportance
		s.status.Refresh()
		return
	}
	if st, ok := s.a.machine.Current(); ok {
		s.applyMachine(st)
	}
}

// applyMachine shows a new machine state (on the UI goroutine): the machine line always,
// and new projections when the calibration or bandwidth changed.
func (s *compareScreen) applyMachine(st engine.MachineState) {
	s.state = st
	s.hw, s.spec, s.key, s.cal = st.Hardware, st.Machine, st.Key, st.Calibration
	lines := append([]string{machineText(st)}, st.Warnings...)
	if gap := st.LadderGap(); gap != "" {
		lines = append(lines, capitalize(gap)+".") // a sentence of its own
	}
	s.machineTxt.SetText(strings.Join(append(lines, s.loadNotes...), "\n"))
	if s.pricesTable.Prices == nil {
		return // the prices are still loading; applyLoaded comes back here
	}
	if !s.loaded || st.Revision != s.revision {
		s.loaded, s.revision = true, st.Revision
		s.measureBtn.Enable()
		s.showStatus()
		s.recompute()
	}
}

// machineText summarises what the projections rest on, in the words every screen uses.
func machineText(st engine.MachineState) string {
	m := st.Machine
	var parts []string
	if m.CPUName != "" {
		parts = append(parts, fmt.Sprintf("%s (%d cores)", m.CPUName, m.CPUCores))
	}
	parts = append(parts, "RAM "+st.RAMText())
	for _, g := range m.GPUs {
		parts = append(parts, fmt.Sprintf("GPU %s %s", g.Name, units.Bytes(g.TotalBytes)))
	}
	parts = append(parts, st.BandwidthText())
	if m.GPUNote != "" {
		parts = append(parts, m.GPUNote)
	}
	return "This machine: " + strings.Join(parts, " · ")
}

// startBusy shows the progress area and disables what must not run twice.
func (s *compareScreen) startBusy(msg string) context.Context {
	ctx, cancel := context.WithCancel(s.ctx)
	s.busy, s.cancel = true, cancel
	s.measureBtn.Disable()
	s.cancelBtn.Enable()
	s.progress.SetValue(0)
	s.busyRow.Show()
	s.progressTx.Importance = widget.MediumImportance // not the last run's success or failure colour
	s.progressTx.SetText(msg)
	s.progressTx.Show()
	s.table.Refresh()
	return ctx
}

// endBusy hides the progress area and shows msg as the status line.
func (s *compareScreen) endBusy(msg string, imp widget.Importance) {
	if s.cancel != nil {
		s.cancel()
	}
	s.busy, s.cancel, s.measure = false, nil, ""
	s.showStatus() // the calibration may have changed while busy
	s.measureBtn.Enable()
	s.busyRow.Hide()
	s.progressTx.SetText(msg)
	s.progressTx.Importance = imp
	s.progressTx.Refresh()
	// The toolbar is shorter now (no bar; one line where the last step's sentence wrapped):
	// the screen's layout must give the tabs that room back, or a blank band stays above them.
	if s.view != nil {
		s.view.Refresh()
	}
	s.table.Refresh()
}

// showProgress updates the progress bar and sentence.
func (s *compareScreen) showProgress(frac float64, msg string) {
	if !s.busy {
		return
	}
	s.progress.SetValue(frac)
	s.progressTx.SetText(msg)
}

func (s *compareScreen) onCancel() {
	if s.cancel != nil {
		s.cancel()
		s.cancelBtn.Disable()
		s.progressTx.SetText("Stopping… what was measured so far is kept.")
	}
}
