package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Every screen fits the 1024×640 of a classroom projector (and 1920×1080, and presenter mode):
// the window's content asks for no more than that, and each screen's action buttons lie fully
// inside the window.

// screenActions names, per screen, the buttons that must always be on screen.
var screenActions = map[screenID][]string{
	screenLiveRun: {"Run", "Stop"},
	// Export report… and Open in browser are in the Report menu (compare_toolbar.go).
	screenCompare: {"Report", "Measure this machine"},
}

func TestScreensFitClassroomSizes(t *testing.T) {
	t.Setenv("SLMSCOPE_TWIN_DIR", "/nonexistent/slmscope-golden-twins")
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	for _, presenter := range []bool{false, true} {
		a.setPresenter(presenter)
		for _, size := range []fyne.Size{goldenSize, fyne.NewSize(1920, 1080)} {
			for _, e := range a.screens {
				a.showScreen(e.id)
				drainUI()
				a.win.Resize(size)
				min := a.win.Content().MinSize()
				if min.Width > goldenSize.Width || min.Height > goldenSize.Height {
					t.Errorf("presenter=%v %s: the window's content needs %v, more than %v", presenter, e.key, min, goldenSize)
				}
				for _, name := range screenActions[e.id] {
					if presenter && name == "Report" {
						continue // an icon alone in presenter mode (TestCompareReportMenu opens it)
					}
					b := findActionButton(a.win.Content(), name)
					if b == nil {
						t.Errorf("presenter=%v %s: no %q button", presenter, e.key, name)
						continue
					}
					pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
					end := pos.Add(b.Size())
					canvas := a.win.Canvas().Size()
					if pos.X < 0 || pos.Y < 0 || end.X > canvas.Width || end.Y > canvas.Height || b.Size().Width < b.MinSize().Width {
						t.Errorf("presenter=%v %v %s: %q at %v–%v is not inside the %v window", presenter, size, e.key, name, pos, end, canvas)
					}
				}
			}
		}
	}
	a.setPresenter(false)
}

// findButton finds the visible button with text in o's tree.
func findActionButton(o fyne.CanvasObject, text string) *widget.Button {
	if o == nil || !o.Visible() {
		return nil
	}
	switch v := o.(type) {
	case *widget.Button:
		if v.Text == text {
			return v
		}
	case *container.Split:
		if b := findActionButton(v.Leading, text); b != nil {
			return b
		}
		return findActionButton(v.Trailing, text)
	case *container.Scroll:
		return findActionButton(v.Content, text)
	case *container.AppTabs:
		if sel := v.Selected(); sel != nil {
			return findActionButton(sel.Content, text)
		}
	case *widget.Card:
		return findActionButton(v.Content, text)
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findActionButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

// Long notes on Live run (a fit note listing larger models, a cache note with a long path)
// scroll inside the controls pane: on a real machine they made the window 675 pixels tall
// while the model list loaded.
func TestLiveRunLongNotesDoNotGrowTheWindow(t *testing.T) {
	t.Setenv("SLMSCOPE_TWIN_DIR", "/nonexistent/slmscope-golden-twins")
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	l := newLiveRun(a)
	a.win.SetContent(l.buildUI())
	a.win.Resize(goldenSize)
	drainUI()
	long := strings.Repeat("Twins listed fit this machine by slmscope's fit rule; larger models need more memory. ", 8)
	l.fitNote.SetText(long)
	l.cacheNote.SetText(long)
	a.win.Resize(goldenSize) // lays the wrapped notes out at the window's width
	if h := a.win.Content().MinSize().Height; h > goldenSize.Height-8 {
		t.Errorf("Live run with long notes needs %v pixels of height, more than a %v window has", h, goldenSize)
	}
}
