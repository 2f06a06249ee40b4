package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Re-theming a screen in turns. Fyne applies a new theme to everything in the window in one
// call, and its walk refreshes each object once per container above it: a Live run screen at
// presenter sizes held the UI goroutine for 160–220 ms. slmscope takes the screen out of the
// window before the theme changes (so Fyne's walk only meets the sidebar and frame), then
// refreshes the screen's objects itself, each once, children before their parents, a turn's
// budget at a time, and puts the screen back when it is done.

// rethemeBudget is how much of one turn of the UI loop a re-theme may use.
const rethemeBudget = 25 * time.Millisecond

// themeChildren returns the objects inside o that o's own Refresh does not reach: a
// container's objects, a scroll's content, a split's two sides, the tabs', cards', accordion
// items' and form rows' contents.
func themeChildren(o fyne.CanvasObject) []fyne.CanvasObject {
	switch w := o.(type) {
	case *fyne.Container:
		return w.Objects
	case *container.Scroll:
		return []fyne.CanvasObject{w.Content}
	case *container.Split:
		return []fyne.CanvasObject{w.Leading, w.Trailing}
	case *container.AppTabs:
		return contents(w.Items, func(it *container.TabItem) fyne.CanvasObject { return it.Content })
	case *widget.Card:
		if w.Image != nil { // a nil *canvas.Image would be a non-nil CanvasObject
			return []fyne.CanvasObject{w.Image, w.Content}
		}
		return []fyne.CanvasObject{w.Content}
	case *widget.Accordion:
		return contents(w.Items, func(it *widget.AccordionItem) fyne.CanvasObject { return it.Detail })
	case *widget.Form:
		return contents(w.Items, func(it *widget.FormItem) fyne.CanvasObject { return it.Widget })
	}
	return nil
}

// contents is the object of each item.
func contents[T any](items []T, of func(T) fyne.CanvasObject) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(items))
	for _, it := range items {
		out = append(out, of(it))
	}
	return out
}

// themeOrder lists root and everything inside it, children before their parents, each once.
func themeOrder(root fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	seen := map[fyne.CanvasObject]bool{}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || seen[o] {
			return
		}
		seen[o] = true
		for _, c := range themeChildren(o) {
			walk(c)
		}
		out = append(out, o)
	}
	walk(root)
	return out
}

// rethemeObject brings one object to the current theme once its children are: a container
// only lays its objects out again (its Refresh would refresh them all a second time), a
// widget or canvas object refreshes.
func rethemeObject(o fyne.CanvasObject) {
	if c, ok := o.(*fyne.Container); ok {
		if c.Layout != nil {
			c.Layout.Layout(c.Objects, c.Size())
		}
		return
	}
	o.Refresh()
}

// rethemer re-themes one screen at a time; a newer start abandons the one under way.
type rethemer struct {
	gen     int
	pending fyne.CanvasObject // the screen being re-themed, until it is put back
}

// start takes view out of the content area, refreshes its objects in turns of at most
// rethemeBudget, then calls done (on the UI goroutine), which puts it back.
func (r *rethemer) start(a *App, view fyne.CanvasObject, done func()) {
	r.gen++
	gen := r.gen
	r.pending = view
	a.content.Objects = []fyne.CanvasObject{canvas.NewRectangle(nil)}
	relayout(a.content)
	order := themeOrder(view)
	var step func()
	step = func() {
		if gen != r.gen {
			return // another screen or theme took over
		}
		begin := time.Now()
		for len(order) > 0 {
			rethemeObject(order[0])
			order = order[1:]
			if time.Since(begin) >= rethemeBudget {
				break
			}
		}
		if len(order) > 0 {
			a.doLater(step)
			return
		}
		r.pending = nil
		done()
	}
	a.afterFonts(func() { a.doLater(step) })
}

// stop abandons a re-theme under way and returns the screen it was for, if any.
func (r *rethemer) stop() fyne.CanvasObject {
	r.gen++
	v := r.pending
	r.pending = nil
	return v
}
