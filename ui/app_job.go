package ui

import (
	"time"

	"fyne.io/fyne/v2"
)

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

// doLater runs f on the UI goroutine one frame later (frameTime), even when called from the
// UI goroutine: long work split into steps lets the window draw a frame and answer between
// them. Queued for the next turn of the loop instead, several steps could run before one
// frame, which then had to draw all their new text at once. In tests it is uiLater if set,
// else uiDo (which runs a call from the test goroutine at once).
func (a *App) doLater(f func()) {
	switch {
	case a.uiLater != nil:
		a.uiLater(f)
	case a.uiDo != nil:
		a.uiDo(f)
	default:
		time.AfterFunc(frameTime, func() { fyne.Do(f) })
	}
}

// frameTime is one frame of Fyne's desktop driver (it draws at most 60 times a second).
const frameTime = time.Second / 60
