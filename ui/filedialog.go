package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// File dialogs: every "save as" and "open" in the app goes through these two, so a dialog
// error is shown the same way everywhere and a cancelled dialog does nothing.

// saveFileDialog asks where to save a file named name by default. A dialog error goes to
// onErr; after a choice, chosen gets the open writer (which it must close). The extension
// filter, when given, is applied to the folder listing.
func (a *App) saveFileDialog(name string, filter storage.FileFilter, onErr func(error), chosen func(fyne.URIWriteCloser)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			onErr(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		chosen(w)
	}, a.win)
	d.SetFileName(name)
	if filter != nil {
		d.SetFilter(filter)
	}
	d.Resize(fyne.NewSize(820, 560))
	d.Show()
}

// openFileDialog asks for a regular file with one of exts (a pipe named x.gguf would freeze
// the dialog) and gives chosen its path; slmscope reads the file itself, through its own
// checks. A dialog error goes to onErr.
func (a *App) openFileDialog(exts []string, onErr func(error), chosen func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			onErr(err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		_ = r.Close()
		chosen(path)
	}, a.win)
	d.SetFilter(regularFiles{exts: exts})
	d.Resize(fyne.NewSize(820, 560))
	d.Show()
}

// showErr shows err in a dialog over the window.
func (a *App) showErr(err error) { dialog.ShowError(err, a.win) }
