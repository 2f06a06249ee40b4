package ui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// themeTestTree is a screen with every kind of object the re-theme walk must reach: wrapped
// and plain text, and text inside a scroll, a split, tabs, a card, an accordion and a form.
func themeTestTree() fyne.CanvasObject {
	wrapped := func(s string) fyne.CanvasObject {
		l := widget.NewLabel(strings.Repeat(s+" ", 12))
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	md := wrappedMarkdown("## A heading\n\nSome **bold** words in a paragraph that wraps over more than one line at this width.\n\n- one\n- two")
	acc := widget.NewAccordion(widget.NewAccordionItem("Details", wrapped("accordion")))
	acc.Open(0)
	form := widget.NewForm(widget.NewFormItem("Threads", widget.NewSelect([]string{"2", "4"}, nil)),
		widget.NewFormItem("Prompt", widget.NewEntry()))
	card := widget.NewCard("Live", "tokens per second", container.NewVBox(wrapped("card"), widget.NewButton("Run", nil)))
	tabs := container.NewAppTabs(container.NewTabItem("Charts", container.NewVScroll(container.NewVBox(md, wrapped("tab")))),
		container.NewTabItem("Costs", wrapped("costs")))
	left := container.NewVBox(form, acc, widget.NewProgressBar(), widget.NewCheck("Remember", nil))
	return container.NewBorder(widget.NewLabelWithStyle("Title", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil,
		container.NewHSplit(container.NewVScroll(left), container.NewVBox(card, tabs)))
}

// captureAfterTheme shows themeTestTree in a fresh app, changes the text size with change,
// and returns the window's picture.
func captureAfterTheme(t *testing.T, change func(a *App)) image.Image {
	t.Helper()
	fa := newTestApp(t)
	a := withUIExec(&App{fyne: fa, win: fa.NewWindow("retheme test")})
	a.content = container.NewStack()
	a.win.SetContent(a.content)
	a.win.Resize(fyne.NewSize(900, 700))
	a.fyne.Settings().SetTheme(newAppTheme(1, false))
	a.content.Objects = []fyne.CanvasObject{themeTestTree()}
	a.content.Refresh()
	change(a)
	drainUI()
	return a.win.Canvas().Capture()
}

// Re-theming a screen in turns, out of the window, must end where Fyne's own re-theme of the
// whole window ends: the same picture, pixel for pixel.
func TestRethemeInTurnsMatchesFynesRetheme(t *testing.T) {
	want := captureAfterTheme(t, func(a *App) {
		a.fyne.Settings().SetTheme(newAppTheme(1.6, true)) // Fyne walks the window itself
	})
	var turns int
	got := captureAfterTheme(t, func(a *App) {
		a.uiLater = func(f func()) { turns++; f() }
		l := a.lookState()
		l.scale, l.presenter = 1.6, true
		a.applyTheme()
		if len(a.content.Objects) != 1 {
			t.Fatalf("the content area holds %d objects after the re-theme", len(a.content.Objects))
		}
	})
	if turns == 0 {
		t.Error("the screen was re-themed without a turn of the UI loop")
	}
	if !sameImage(got, want) {
		dir := filepath.Join("testdata", "failed")
		_ = os.MkdirAll(dir, 0o755)
		writePNG(t, filepath.Join(dir, "retheme_turns.png"), got)
		writePNG(t, filepath.Join(dir, "retheme_fyne.png"), want)
		t.Fatalf("the screen re-themed in turns differs from Fyne's re-theme; see %s", dir)
	}
}

// themeOrder must put children before parents and reach into every composite widget.
func TestThemeOrderReachesEveryText(t *testing.T) {
	root := themeTestTree()
	order := themeOrder(root)
	at := map[fyne.CanvasObject]int{}
	for i, o := range order {
		if _, dup := at[o]; dup {
			t.Fatalf("%T listed twice", o)
		}
		at[o] = i
	}
	if order[len(order)-1] != root {
		t.Errorf("the root is not last")
	}
	labels := 0
	for _, o := range order {
		for _, c := range themeChildren(o) {
			if at[c] >= at[o] {
				t.Errorf("%T comes after its parent %T", c, o)
			}
		}
		if _, ok := o.(*widget.Label); ok {
			labels++
		}
	}
	// The title and the four wrapped labels (accordion, card, tab, costs).
	if labels != 5 {
		t.Errorf("the walk met %d labels, want 5 (title, accordion, card, tab, costs)", labels)
	}
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

func writePNG(t *testing.T, path string, img image.Image) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
