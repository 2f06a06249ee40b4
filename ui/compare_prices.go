package ui

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"

	"slmscope/engine"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pricesFile is where the user's own API price table lives; tests point it elsewhere.
var pricesFile = engine.PricesPath

// onEditPrices opens the API price table as JSON for editing. Save checks it first and says
// what is wrong without closing; Restore built-in removes the user's copy.
func (s *compareScreen) onEditPrices() {
	data, err := json.MarshalIndent(s.pricesTable, "", "  ")
	if err != nil {
		dialog.ShowError(err, s.a.win)
		return
	}
	path, perr := pricesFile()
	if perr != nil {
		dialog.ShowError(perr, s.a.win)
		return
	}
	entry := widget.NewMultiLineEntry()
	entry.SetText(string(data))
	entry.SetMinRowsVisible(16)
	help := widget.NewLabel("Each price is per million tokens. Date each change (as_of) and name its source, so the Cost tab can say where a number came from. Saved to " + path)
	help.Wrapping = fyne.TextWrapWord
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.DangerImportance
	var d *dialog.CustomDialog
	save := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() {
		if err := s.savePrices(entry.Text, path); err != nil {
			problem.SetText(err.Error())
			return
		}
		d.Hide()
	})
	save.Importance = widget.HighImportance
	restore := widget.NewButtonWithIcon("Restore built-in", theme.HistoryIcon(), func() {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			problem.SetText("Could not remove " + path + ": " + err.Error())
			return
		}
		d.Hide()
		s.pricesTable = engine.DefaultPrices()
		s.recompute()
	})
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	content := container.NewBorder(help, problem, nil, nil, entry)
	d = dialog.NewCustomWithoutButtons("API prices", content, s.a.win)
	d.SetButtons([]fyne.CanvasObject{cancel, restore, save})
	d.Resize(fyne.NewSize(760, 560))
	d.Show()
}

// savePrices checks an edited table, writes it to path and uses it; nothing changes on error.
func (s *compareScreen) savePrices(text, path string) error {
	t, err := engine.ParsePrices([]byte(text), path)
	if err != nil {
		return err
	}
	if err := engine.SavePrices(path, t); err != nil {
		return err
	}
	s.pricesTable = t
	s.recompute()
	return nil
}
