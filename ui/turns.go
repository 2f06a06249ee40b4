package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// Filling a container in turns: laying out word-wrapped text shapes every line, and a long
// lesson page or a price table laid out at once froze the window for up to 2.5 s. A turnFiller
// puts a few objects on screen per frame (App.doLater), so the window draws and answers
// between batches and the top shows at once. A theme change empties the filled containers and
// fills them again the same way (App.setThemeInTurns).

// lessonBatch is how many objects are laid out per turn.
const lessonBatch = 1

// turnFiller fills one container in turns; a new fill replaces one still under way.
type turnFiller struct {
	gen   int
	box   *fyne.Container
	objs  []fyne.CanvasObject
	batch int
}

// stop abandons a fill under way.
func (f *turnFiller) stop() { f.gen++ }

// fill empties box and appends objs to it, batch objects per turn, the first batch now.
// Call it on the UI goroutine.
func (f *turnFiller) fill(a *App, box *fyne.Container, objs []fyne.CanvasObject, batch int) {
	f.gen++
	f.box, f.objs, f.batch = box, objs, max(batch, 1)
	a.addThemeGuard(f)
	box.Objects = nil
	f.step(a, f.gen, box, objs, f.batch, false)
}

// themeGuard is something too long to re-theme in one turn of the UI loop: a theme change
// detaches it first and refills it in later turns (App.setThemeInTurns).
type themeGuard interface {
	detach()
	refill(a *App)
}

// addThemeGuard has theme changes detach and refill g.
func (a *App) addThemeGuard(g themeGuard) {
	l := a.lookState()
	if l.guards == nil {
		l.guards = map[themeGuard]bool{}
	}
	l.guards[g] = true
}

// detach stops a fill and empties the box, so that a theme change does not walk its objects.
func (f *turnFiller) detach() {
	f.gen++
	if f.box != nil {
		f.box.Objects = nil
	}
}

// refill puts the last fill's objects back in turns, refreshing each under the current theme.
func (f *turnFiller) refill(a *App) {
	if f.box == nil {
		return
	}
	f.gen++
	f.box.Objects = nil
	f.step(a, f.gen, f.box, f.objs, f.batch, true)
}

// relayout lays out box's objects and has it redrawn. Unlike box.Refresh it does not refresh
// every object in it: on a long page that re-measured every paragraph at every step.
func relayout(box *fyne.Container) {
	if box.Layout != nil {
		box.Layout.Layout(box.Objects, box.Size())
	}
	canvas.Refresh(box)
}

func (f *turnFiller) step(a *App, gen int, box *fyne.Container, objs []fyne.CanvasObject, batch int, rethemed bool) {
	if gen != f.gen {
		return // a newer fill replaced this one
	}
	n := min(batch, len(objs))
	if rethemed {
		for _, o := range objs[:n] {
			o.Refresh() // a container refreshes its children: the theme reaches every text
		}
	}
	box.Objects = append(box.Objects, objs[:n]...)
	relayout(box)
	if rest := objs[n:]; len(rest) > 0 {
		a.doLater(func() { f.step(a, gen, box, rest, batch, rethemed) })
	}
}
