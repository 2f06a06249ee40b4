package ui

import (
	"fmt"
	"os"
	"sync"

	"slmscope/engine"

	"fyne.io/fyne/v2"
)

// appFonts are the fonts slmscope's theme draws every text with. Fyne's embedded Noto Sans
// lacks glyphs the app shows (≈ ● ○ ▲ ▶ ✓ ⚠ …); for those Fyne falls back to the machine's
// own fonts, so a machine without them drew the symbols differently or not at all, and the
// golden masters recorded the fonts of whichever machine wrote them. The runtime's DejaVu
// fonts cover every glyph the UI shows (fonts_test.go walks them), so Fyne never falls back
// for an app string; model output in other scripts still may.
type appFonts struct {
	regular, bold, italic, boldItalic, mono, monoBold fyne.Resource
}

// forStyle returns the font for a text style; nil for the symbol style, which keeps Fyne's.
func (f *appFonts) forStyle(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Symbol:
		return nil
	case s.Monospace && s.Bold:
		return f.monoBold
	case s.Monospace:
		return f.mono
	case s.Bold && s.Italic:
		return f.boldItalic
	case s.Bold:
		return f.bold
	case s.Italic:
		return f.italic
	}
	return f.regular
}

// loadAppFonts reads the runtime's font files once. Without them the theme keeps Fyne's own
// fonts and says so once on stderr: the app still works, with symbols drawn as the machine can.
var loadAppFonts = sync.OnceValues(func() (*appFonts, error) {
	n := engine.FontFiles
	var f appFonts
	for _, x := range []struct {
		dst  *fyne.Resource
		name string
	}{
		{&f.regular, n.Regular}, {&f.bold, n.Bold}, {&f.italic, n.Italic},
		{&f.boldItalic, n.BoldItalic}, {&f.mono, n.Mono}, {&f.monoBold, n.MonoBold},
	} {
		b, err := engine.Font(x.name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "slmscope: drawing text with Fyne's own fonts, so some symbols depend on this machine's fonts: %v\n", err)
			return nil, err
		}
		*x.dst = fyne.NewStaticResource(x.name, b)
	}
	return &f, nil
})
