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

// onUIThread runs f on the OS thread that draws the window (Fyne's main thread, where fyne.Do
// runs its functions), for thread-level settings such as its scheduling priority. Under the
// tests' executor there is no such thread, and f does not run.
func (a *App) onUIThread(f func()) {
	if a.uiDo != nil {
		return
	}
	fyne.Do(f)
}

// doLater runs f on the UI goroutine in a later turn of its loop, even when called from the
// UI goroutine: long work split into steps lets the window draw and answer between them. In
// tests it is uiLater if set, else uiDo (which runs a call from the test goroutine at once).
func (a *App) doLater(f func()) {
	switch {
	case a.uiLater != nil:
		a.uiLater(f)
	case a.uiDo != nil:
		a.uiDo(f)
	default:
		fyne.Do(f) // from the UI goroutine, Fyne queues f for the next turn
	}
}
