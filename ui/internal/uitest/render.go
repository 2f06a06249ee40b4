// Package uitest holds the helpers slmscope's UI tests share for looking at what a widget's
// renderer draws.
package uitest

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// RenderedTexts lists the text a renderer draws, in draw order.
func RenderedTexts(objs []fyne.CanvasObject) []string {
	var out []string
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

// HasText reports whether the renderer draws the text want exactly.
func HasText(objs []fyne.CanvasObject, want string) bool {
	for _, s := range RenderedTexts(objs) {
		if s == want {
			return true
		}
	}
	return false
}

// Count counts the objects of type T.
func Count[T any](objs []fyne.CanvasObject) int {
	n := 0
	for _, o := range objs {
		if _, ok := o.(T); ok {
			n++
		}
	}
	return n
}
