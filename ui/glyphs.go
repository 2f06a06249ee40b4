package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// The glyph sheet (`slmscope glyphs`) draws the symbols slmscope's screens rely on, one per
// square cell, in white on black, with the app's theme. Cell 0 holds a code point no font has,
// so it shows the missing-glyph box: a symbol cell that looks exactly like cell 0 was not
// drawn. dist-check screenshots the sheet in a clean Debian root with no system fonts and
// compares the cells pixel by pixel, so a package that lost its fonts cannot pass.

// glyphSheetRunes are the symbols, after cell 0's missing one (U+10FFFD, private use).
var glyphSheetRunes = []rune("\U0010FFFD≈●○▲▶▼✓✗⚠±×≤≥→…")

// Glyph sheet geometry, in pixels at scale 1: glyphCell-square cells, glyphCols to a row.
const (
	glyphCell = 64
	glyphCols = 8
	glyphSize = 40
)

// glyphSheet lays the cells out at fixed places: cell i's top-left corner is at
// ((i mod glyphCols)·glyphCell, (i div glyphCols)·glyphCell).
func glyphSheet() (fyne.CanvasObject, fyne.Size) {
	rows := (len(glyphSheetRunes) + glyphCols - 1) / glyphCols
	size := fyne.NewSize(glyphCols*glyphCell, float32(rows*glyphCell))
	bg := canvas.NewRectangle(color.Black)
	bg.Resize(size)
	objs := []fyne.CanvasObject{bg}
	for i, r := range glyphSheetRunes {
		t := canvas.NewText(string(r), color.White)
		t.TextSize = glyphSize
		t.Alignment = fyne.TextAlignCenter
		t.Resize(fyne.NewSize(glyphCell, glyphCell))
		t.Move(fyne.NewPos(float32(i%glyphCols*glyphCell), float32(i/glyphCols*glyphCell)))
		objs = append(objs, t)
	}
	return container.NewWithoutLayout(objs...), size
}

// RunGlyphs opens the glyph sheet in a window titled "slmscope glyphs" and prints its layout.
func RunGlyphs() int {
	fa := app.NewWithID(AppID)
	fa.Settings().SetTheme(newAppTheme(1, false))
	sheet, size := glyphSheet()
	w := fa.NewWindow("slmscope glyphs")
	w.SetPadded(false)
	w.SetContent(sheet)
	w.Resize(size)
	w.SetFixedSize(true)
	fmt.Printf("glyph sheet: %d cells of %d px, %d to a row; cell 0 is U+10FFFD (no font has it), then %s\n",
		len(glyphSheetRunes), glyphCell, glyphCols, string(glyphSheetRunes[1:]))
	if _, err := loadAppFonts(); err != nil {
		fmt.Printf("the app's fonts are missing: %v\n", err)
	}
	w.ShowAndRun()
	return 0
}
