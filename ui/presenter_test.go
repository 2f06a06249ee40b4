package ui

import (
	"testing"
	"time"

	"slmscope/lessons"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// pressKey sends a key without modifiers the way the desktop driver does: to the focused
// widget, else to the canvas's typed-key handler.
func pressKey(c fyne.Canvas, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

func TestPresenterModeKeys(t *testing.T) {
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	a.showScreen(screenLiveRun)
	base := theme.DefaultTheme().Size(theme.SizeNameText)

	typeShortcutWith(a.win.Canvas(), fyne.KeyP, fyne.KeyModifierShift)
	if !a.presenting() {
		t.Fatal("Ctrl+Shift+P did not turn presenter mode on")
	}
	if got := theme.TextSize(); got < 1.6*base {
		t.Errorf("presenter text %v, want ≥ 1.6 × %v", got, base)
	}
	if a.win.Content() == a.look.normal {
		t.Error("the navigation is still on show in presenter mode")
	}
	pressKey(a.win.Canvas(), fyne.KeyF11)
	if a.presenting() {
		t.Fatal("F11 did not turn presenter mode off")
	}
	if got := theme.TextSize(); got != base {
		t.Errorf("text %v after presenter mode, want %v", got, base)
	}
	// F11 while typing in the Live run prompt still reaches the window.
	l := newLiveRun(a)
	showIn(a, l.buildUI())
	a.win.Canvas().Focus(l.prompt)
	pressKey(a.win.Canvas(), fyne.KeyF11)
	if !a.presenting() {
		t.Error("F11 in the prompt did not turn presenter mode on")
	}
	if l.tps.TextSize < 64 {
		t.Errorf("live tok/s at %v px in presenter mode, want ≥ 64", l.tps.TextSize)
	}
	if l.stats.Visible() && l.secondary[len(l.secondary)-1].Visible() {
		t.Error("the last-run card is still on show in presenter mode")
	}
	// The sidebar's button turns it off again.
	a.look.button.OnTapped()
	if a.presenting() {
		t.Error("the presenter button did not turn presenter mode off")
	}
}

func TestTextSizeIsRemembered(t *testing.T) {
	fa := newTestApp(t)
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	a.look.sizeSel.SetSelected(scaleText(1.5))
	if got := fa.Preferences().Float(prefTextScale); got != 1.5 {
		t.Fatalf("stored text size %v, want 1.5", got)
	}
	base := theme.DefaultTheme().Size(theme.SizeNameText)
	b := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(b.session.Close)
	if got := theme.TextSize(); got != 1.5*base {
		t.Errorf("text %v in a new window, want 1.5 × %v", got, base)
	}
	if b.look.sizeSel.Selected != scaleText(1.5) {
		t.Errorf("the setting shows %q", b.look.sizeSel.Selected)
	}
}

// Golden markup of Live run in presenter mode at 1024×640: model name and tok/s large, the
// form and last-run card folded away.
func TestGoldenLiveRunPresenter(t *testing.T) {
	t.Setenv("SLMSCOPE_TWIN_DIR", "/nonexistent/slmscope-golden-twins")
	tiny := writeTinyTwin(t, goldenDir(t))
	fa := newTestApp(t)
	fa.Preferences().SetStringList(prefLiveFiles, []string{tiny})
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	l := newLiveRun(a)
	showIn(a, l.buildUI())
	waitChoices(t, l, 0)
	waitFor(t, "the cache note", 10*time.Second, func() bool { return l.cacheNote.Text != "" })
	selectChoice(t, l, "File: tiny")
	l.tps.Text = "91.3"
	a.setPresenter(true)
	a.win.Resize(goldenSize)
	test.AssertRendersToMarkup(t, "liverun_presenter.xml", a.win.Canvas())
}

// A theme change does not re-measure a long lesson page at once: the page is emptied, the
// theme installed, and the page put back a batch per turn, every paragraph at the new size.
func TestThemeChangeRefillsTheLessonInTurns(t *testing.T) {
	a, _ := newLessonTestApp(t, lessons.Facts{AvailableRAMBytes: 8e9, TotalRAMBytes: 16e9, RAMSource: "fake probe"}, "")
	s := newLessonScreen(a)
	showIn(a, s.buildUI())
	full := func() bool { return len(s.filler.objs) > 0 && len(s.page.Objects) == len(s.filler.objs) }
	waitFor(t, "the lesson page", 10*time.Second, full)
	before := s.page.MinSize().Height
	var q turnQueue
	q.install(a)
	a.setPresenter(true)
	if n := len(s.page.Objects); n > lessonBatch {
		t.Errorf("the theme change put %d objects back at once, want at most %d per turn", n, lessonBatch)
	}
	steps := q.all()
	if !full() {
		t.Fatalf("after %d turns the page holds %d of %d objects", steps, len(s.page.Objects), len(s.filler.objs))
	}
	if steps < len(s.filler.objs)/lessonBatch-1 {
		t.Errorf("the page came back in %d turns, want about one per %d objects", steps, lessonBatch)
	}
	if after := s.page.MinSize().Height; after < 1.4*before {
		t.Errorf("page height %v at presenter size, %v before: the text was not re-themed", after, before)
	}
}

// Presenter mode waits for the new theme's fonts (fontwarm.go) over later turns of the UI
// loop, then puts everything back: the screen, the exit button and each screen's panes.
func TestPresenterModeAfterItsFonts(t *testing.T) {
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	var q turnQueue
	q.install(a)
	l := newLiveRun(a)
	view := l.buildUI()
	showIn(a, view)
	pressKey(a.win.Canvas(), fyne.KeyF11)
	q.all()
	a.waitFonts()
	q.all()
	if len(a.content.Objects) != 1 || a.content.Objects[0] != view {
		t.Fatalf("the content area holds %d objects after presenter mode came on, not the screen", len(a.content.Objects))
	}
	if findButton(a.win.Content(), "Exit presenter mode (F11)") == nil {
		t.Error("no exit button above the screen")
	}
	if l.tps.TextSize != tpsPresenterTextSize {
		t.Errorf("live tok/s at %v px, want the presenter's %v", l.tps.TextSize, tpsPresenterTextSize)
	}
	pressKey(a.win.Canvas(), fyne.KeyF11)
	q.all()
	a.waitFonts()
	q.all()
	if a.win.Content() != a.look.normal {
		t.Error("the navigation did not come back after presenter mode")
	}
	if l.tps.TextSize != tpsTextSize {
		t.Errorf("live tok/s at %v px after presenter mode, want %v", l.tps.TextSize, tpsTextSize)
	}
}
