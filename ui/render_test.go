package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// renderedTexts lists the text a renderer draws, in draw order.
func renderedTexts(objs []fyne.CanvasObject) []string {
	var out []string
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

func hasText(objs []fyne.CanvasObject, want string) bool {
	for _, s := range renderedTexts(objs) {
		if s == want {
			return true
		}
	}
	return false
}

// count counts the objects of type T.
func count[T any](objs []fyne.CanvasObject) int {
	n := 0
	for _, o := range objs {
		if _, ok := o.(T); ok {
			n++
		}
	}
	return n
}
