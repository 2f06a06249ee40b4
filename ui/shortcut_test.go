package ui

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// typeShortcut presses Ctrl (Cmd on macOS) + key the way Fyne's desktop driver reports it
// (triggersShortcut in fyne's internal/driver/glfw/window.go): a desktop.CustomShortcut,
// given to the focused widget when that handles shortcuts, else to the window's canvas.
func typeShortcut(c fyne.Canvas, key fyne.KeyName) { typeShortcutWith(c, key, 0) }

// typeShortcutWith is typeShortcut with extra modifiers held too: Ctrl+Shift+key is
// typeShortcutWith(c, key, fyne.KeyModifierShift).
func typeShortcutWith(c fyne.Canvas, key fyne.KeyName, extra fyne.KeyModifier) {
	mod := fyne.KeyModifierControl
	if runtime.GOOS == "darwin" {
		mod = fyne.KeyModifierSuper
	}
	s := &desktop.CustomShortcut{KeyName: key, Modifier: mod | extra}
	if f, ok := c.Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	c.(fyne.Shortcutable).TypedShortcut(s)
}

func TestCtrlDigitShowsScreens(t *testing.T) {
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7}
	if len(a.screens) != len(keys) {
		t.Fatalf("%d screens, the test knows %d", len(a.screens), len(keys))
	}
	// Backwards, so that each press is a change.
	for i := len(keys) - 1; i >= 0; i-- {
		typeShortcut(a.win.Canvas(), keys[i])
		if a.current != a.screens[i].id {
			t.Errorf("Ctrl+%s shows screen %d, want %d", keys[i], a.current, a.screens[i].id)
		}
	}
}

func TestCtrlEnterRunsAndCtrlPeriodStops(t *testing.T) {
	tiny := writeTinyTwin(t, t.TempDir())
	fa := newTestApp(t)
	fa.Preferences().SetStringList(prefLiveFiles, []string{tiny})
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	// A Live run screen of the test's own, on show in the window, so the prompt can take focus.
	l := newLiveRun(a)
	a.content.Objects = []fyne.CanvasObject{l.buildUI()}
	a.content.Refresh()
	waitChoices(t, l, 0)
	selectChoice(t, l, "File: tiny")
	l.maxTokens.SetText("8000")

	// Typing in the prompt, as a user does before pressing Ctrl+Enter.
	a.win.Canvas().Focus(l.prompt)
	if a.win.Canvas().Focused() == nil {
		t.Fatal("the prompt did not take focus")
	}
	prompt := l.prompt.Text
	typeShortcut(a.win.Canvas(), fyne.KeyReturn)
	if !l.runBtn.Disabled() {
		t.Fatal("Ctrl+Enter in the prompt did not start a run")
	}
	if l.prompt.Text != prompt {
		t.Errorf("Ctrl+Enter changed the prompt to %q", l.prompt.Text)
	}
	waitFor(t, "tokens", 60*time.Second, func() bool { return l.out.Text() != "" })
	typeShortcut(a.win.Canvas(), fyne.KeyPeriod)
	waitFor(t, "the stop", 30*time.Second, func() bool { return !l.runBtn.Disabled() })
	if !strings.HasPrefix(l.stage.Text, "Stopped after") {
		t.Errorf("stage %q after Ctrl+.", l.stage.Text)
	}

	// On another screen Ctrl+Enter does nothing.
	typeShortcut(a.win.Canvas(), fyne.Key2)
	typeShortcut(a.win.Canvas(), fyne.KeyReturn)
	if l.runBtn.Disabled() {
		t.Error("Ctrl+Enter started a run while the Hardware screen was on show")
	}
}
