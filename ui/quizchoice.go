package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// choiceRow is one answer of a choice question: a wrapped label on a tappable background. It
// never takes keyboard focus, so the number keys keep reaching the quiz screen.
type choiceRow struct {
	widget.BaseWidget
	label    *widget.Label
	bg       *canvas.Rectangle
	onTap    func()
	disabled bool
}

var (
	_ fyne.Tappable      = (*choiceRow)(nil)
	_ desktop.Cursorable = (*choiceRow)(nil)
)

func newChoiceRow(text string, onTap func()) *choiceRow {
	r := &choiceRow{label: widget.NewLabel(text), bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)), onTap: onTap}
	r.label.Wrapping = fyne.TextWrapWord
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.ExtendBaseWidget(r)
	return r
}

func (r *choiceRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.bg, r.label))
}

// Tapped chooses this answer.
func (r *choiceRow) Tapped(*fyne.PointEvent) {
	if !r.disabled && r.onTap != nil {
		r.onTap()
	}
}

// Cursor shows a pointer while the row can be chosen.
func (r *choiceRow) Cursor() desktop.Cursor {
	if r.disabled {
		return desktop.DefaultCursor
	}
	return desktop.PointerCursor
}

// setLook updates the row's text and background: chosen rows use the selection colour,
// and after answering the correct ones turn green and wrong picks red.
func (r *choiceRow) setLook(text string, bg fyne.ThemeColorName) {
	r.label.SetText(text)
	r.bg.FillColor = theme.Color(bg)
	r.bg.Refresh()
}
