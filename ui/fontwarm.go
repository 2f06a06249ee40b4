package ui

import (
	"fyne.io/fyne/v2"
)

// Fonts loaded off the UI goroutine. Fyne empties its font cache at every theme change, and
// the first text of each style after it loads that style's faces again: the theme's font, Fyne's
// fallback, its emoji font and a system font for the locale (read from disk the first time).
// Measured here in one run: 35–120 ms per style for the first use in a process, 4–40 ms per
// style after a theme change, so presenter mode's first frame paid for up to six of them. A
// theme change now starts a goroutine that loads every style while the window shows the
// screen's placeholder, and the screen's re-theme begins once it is done.

// warmStyles are the text styles slmscope's screens use, in the order they are first needed.
var warmStyles = []fyne.TextStyle{
	{}, {Bold: true}, {Monospace: true}, {Italic: true},
	{Bold: true, Italic: true}, {Monospace: true, Bold: true}, {Symbol: true},
}

// warmFonts starts filling Fyne's font cache for the theme just installed; look.fontsWarm is
// closed when it is done. Call it on the UI goroutine, after SetTheme and before the next one
// (setThemeInTurns waits for a warm-up under way before changing the theme: the warm-up reads
// the current theme).
func (a *App) warmFonts() {
	done := make(chan struct{})
	a.lookState().fontsWarm = done
	go func() {
		defer close(done)
		for _, st := range warmStyles {
			// The face cache is keyed by style alone; the size only names a metrics entry.
			fyne.MeasureText("x", 14, st)
		}
	}()
}

// waitFonts returns once the last warm-up has finished (at once if none is under way). It
// blocks the UI goroutine, so only a theme change calls it, and only when a warm-up started
// by the previous change, tens of milliseconds before, is still running.
func (a *App) waitFonts() {
	if w := a.lookState().fontsWarm; w != nil {
		<-w
	}
}

// afterFonts runs f on the UI goroutine once the last warm-up is done: at once if it is, else
// a frame later, as often as needed, so the window keeps drawing meanwhile. Where a later
// call runs at once (the tests' executors), it waits instead.
func (a *App) afterFonts(f func()) {
	l := a.lookState()
	w := l.fontsWarm
	if w == nil {
		f()
		return
	}
	select {
	case <-w:
		f()
		return
	default:
	}
	if l.fontsPolling || (a.uiLater == nil && a.uiDo != nil) {
		// A later call that runs at once would poll in a loop: wait instead.
		<-w
		f()
		return
	}
	l.fontsPolling = true
	a.doLater(func() { a.afterFonts(f) })
	l.fontsPolling = false
}
