package ui

import "fyne.io/fyne/v2"

// do runs f on the UI goroutine. Every job adapter (*_job.go) hands its results to the
// widgets through it: in the app it is fyne.Do; tests install an executor they drain on the
// test goroutine (uiDo), so background jobs never touch widgets concurrently with the test.
func (a *App) do(f func()) {
	if a.uiDo != nil {
		a.uiDo(f)
		return
	}
	fyne.Do(f)
}
