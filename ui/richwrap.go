package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// wrappedMarkdown is markdown as word-wrapped rich text, with the spaces between two inline
// segments moved to the start of the second. Fyne 2.7's word wrap breaks a segment into one
// character per line when it starts in the last few pixels of a row (fyne-io/fyne#3711 and
// #4303, fixed upstream in #6200 for 2.8, which the module proxy here does not serve): a
// lesson at 1024×640 showed "how" as "h", "o", "w" on three lines. Starting the segment with
// the space gives the wrap a place to break before its first word.
func wrappedMarkdown(md string) *widget.RichText {
	rt := widget.NewRichTextFromMarkdown(md)
	rt.Wrapping = fyne.TextWrapWord
	moveSpacesForward(rt.Segments)
	return rt
}

// moveSpacesForward moves each inline text segment's trailing spaces to the start of the
// inline text segment after it.
func moveSpacesForward(segs []widget.RichTextSegment) {
	for i := 0; i+1 < len(segs); i++ {
		a, ok1 := segs[i].(*widget.TextSegment)
		b, ok2 := segs[i+1].(*widget.TextSegment)
		if !ok1 || !ok2 || !a.Inline() || !b.Inline() {
			continue
		}
		trimmed := strings.TrimRight(a.Text, " ")
		if trimmed == a.Text || trimmed == "" {
			continue
		}
		b.Text = a.Text[len(trimmed):] + b.Text
		a.Text = trimmed
	}
}
